"""The Celery application of one cluster, built from Settings (nothing is read at import time).

Late acknowledgement, a rejected task when its worker process dies, one task prefetched at a
time, JSON only, results in the same Redis. The visibility timeout (how long Redis waits for
an unacknowledged task before giving it to another worker) is derived from the configuration,
so that a slow check is never handed out twice while it still runs:

    check budget (a page)        = timeout x (pagination.max_pages + 2 + max_attachments) + 60 s
    check budget (institution)   = discover.max_time + timeout + 60 s
    visibility timeout           = 2 x the longest check budget + the longest confirm_delay

(the 60 s cover starting the browser, extraction and storage; the factor 2 a loaded machine;
confirm_delay because a confirmation waits, unacknowledged, as a delayed task). With the
shipped defaults that is about 35 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celery import Celery

from archiver.cluster.broker import broker_url
from archiver.cluster.settings import QueueSettings
from archiver.config import Settings, Site

QUEUE = "archiver-checks"
CHECK_TASK = "archiver.check"
FIXED_S = 60.0  # browser start, a fresh context, extraction, storage
SAFETY = 2.0
RESULT_EXPIRES_S = 86400.0


def check_budget_s(site: Site) -> float:
    """The longest one check of this site can take with its configured timeouts.

    >>> check_budget_s(Site(id="a", name="A", url="https://a.example/"))
    825.0
    """
    if site.discover is not None and site.discover.enabled:
        return site.discover.max_time + site.timeout + FIXED_S
    attachments = site.max_attachments if site.attachments else 0
    fetches = site.pagination.max_pages + 2 + attachments
    return site.timeout * fetches + FIXED_S


def visibility_timeout_s(settings: Settings) -> float:
    """How long an unacknowledged task stays with its worker (see the module docstring)."""
    longest = max((check_budget_s(site) for site in settings.sites), default=FIXED_S)
    wait = max((site.confirm_delay for site in settings.sites), default=0.0)
    return SAFETY * longest + wait


def require_queue(settings: Settings) -> QueueSettings:
    """The `queue:` settings, or a ValueError saying how to configure them."""
    if settings.queue is None:
        raise ValueError(
            'no queue is configured: add `queue: {broker: "redis://HOST:6379/0"}` to the '
            "configuration (README, Cluster)"
        )
    return settings.queue


def make_celery(settings: Settings, environ: Mapping[str, str]) -> Celery:
    """The Celery app for these settings (its tasks are registered by the worker)."""
    url = broker_url(require_queue(settings), environ)
    app = Celery("archiver", broker=url, backend=url, set_as_current=False)
    app.conf.update(celery_config(settings))
    return app


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings of the cluster, one reason each."""
    return {
        # a check is acknowledged when it ends, not when it starts: a dead worker loses nothing
        "task_acks_late": True,
        # ... and a worker process that dies mid-check gives its task back at once
        "task_reject_on_worker_lost": True,
        # one task at a time per process: a long check never holds others hostage
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": visibility_timeout_s(settings)},
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "result_expires": RESULT_EXPIRES_S,
        "task_default_queue": QUEUE,
        "task_track_started": True,
        # the broker may restart: keep reconnecting, for tasks and results alike
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "result_backend_always_retry": True,
        "result_backend_max_retries": 30,
        "redis_backend_health_check_interval": 30,
        # our structlog configuration stays; Celery adds its own lines to the same stream
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "enable_utc": True,
        "timezone": "UTC",
    }
