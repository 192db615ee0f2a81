"""`archiver worker`: Celery's prefork pool, one App and one browser per worker process.

Prefork, not threads: each worker process owns its Chromium, its index connection and its
Python interpreter, so a crashed or leaking browser (or a PDF that pins a core) takes down one
process, which Celery replaces and whose task it gives back (`task_reject_on_worker_lost`),
and parsing runs on every core instead of behind one GIL. The App is built when the process
starts (`worker_process_init`) and closed when it ends (`worker_process_shutdown`).

One task checks one site by id. It first takes the site's lease (`archiver.cluster.lease`):
a second task for a site that is being checked right now is *retried later* (it looks again
every few seconds until the holder releases the lease or it runs out), not skipped: the
holder may be a worker process killed a moment ago (its lease expires within LEASE_TTL_S),
and `archiver check --queue` waits for a result of every site it asked for; a retried
duplicate costs one unchanged check. A
confirmation re-check is a delayed task (countdown to the version's `confirm_at`), never a
sleeping slot.
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import structlog
from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from archiver import codec
from archiver.app import App, build, utc_now
from archiver.cluster import pending
from archiver.cluster.broker import broker_url, client
from archiver.cluster.celery_app import (
    CHECK_TASK,
    make_celery,
    require_queue,
    visibility_timeout_s,
)
from archiver.cluster.gate import cluster_gate
from archiver.cluster.lease import Lease
from archiver.discovery.settings import DiscoverySettings
from archiver.pipeline import Deps
from archiver.ports import Gate
from archiver.runner import Runner

log = structlog.get_logger("archiver.cluster.worker")

LEASE_TTL_S = 30.0
RETRY_EVERY_S = 5.0  # a task that found its site's lease held looks again this often
LEASE_PREFIX = "archiver:lease:site:"


def worker_gate(app: App, deps: Deps, redis_client: redis.Redis) -> Gate:
    """The per-host gate of this worker process's checks: the cluster-wide one in Redis
    (`archiver.cluster.gate`), so every worker on every machine shares one slot per host,
    its spacing and its backoff, each host with the politeness of the sites that live there."""
    return cluster_gate(redis_client, DiscoverySettings(), app.settings.sites, deps)


def site_lease(redis_client: redis.Redis, site_id: str) -> Lease:
    """The lease that keeps two checks of one site from running at the same time."""
    return Lease(redis_client, LEASE_PREFIX + site_id, ttl_s=LEASE_TTL_S)


@dataclass
class WorkerProcess:
    """What one worker process checks with: its App (one browser), runner and Redis client."""

    config_file: Path
    environ: Mapping[str, str]
    app: App | None = None
    runner: Runner | None = None
    redis_client: redis.Redis | None = None
    checks: int = field(default=0)

    def start(self, **_: Any) -> None:
        """Build the App and the runner (at worker-process start)."""
        if self.app is not None:
            return
        app = build(self.config_file, self.environ)
        deps = app.deps()
        self.redis_client = client(broker_url(require_queue(app.settings), self.environ))
        self.runner = Runner(
            deps, sites=app.settings.sites, gate=worker_gate(app, deps, self.redis_client)
        )
        self.app = app
        log.info("worker_process_started", pid=os.getpid())

    def stop(self, **_: Any) -> None:
        """Close the browser and the index (at worker-process end)."""
        if self.app is not None:
            self.app.close()
            self.app = None
            log.info("worker_process_stopped", pid=os.getpid(), checks=self.checks)

    def check(self, task: Any, site_id: str, *, recover: bool = False) -> dict[str, Any]:
        """One check of one site under its lease; the result as JSON data.

        A redelivered task (its worker died before acknowledging it) may find the check
        already recorded: the create-only manifest makes the re-run an unchanged check, and
        `recover` queues the alert of a version whose worker died before its outbox entry
        (the outbox is keyed by version, so an alert already there is not queued again)."""
        self.start()
        assert self.app is not None
        assert self.runner is not None
        assert self.redis_client is not None
        site = self.app.settings.site(site_id)  # KeyError: this worker's config lacks it
        pending.unmark(self.redis_client, site_id)  # taken: the schedule may queue it again
        recover = recover or bool((task.request.delivery_info or {}).get("redelivered"))
        lease = site_lease(self.redis_client, site_id)
        with lease.held() as got:
            if not got:
                wait_s = round(min(lease.remaining_s() + 0.5, RETRY_EVERY_S), 3)
                log.info("check_deferred", site=site_id, reason="lease_held", retry_in_s=wait_s)
                raise task.retry(kwargs={"recover": recover}, countdown=wait_s)
            result = self.runner.check(site)
            if recover:
                queued = self.app.alerter().reconcile([site])
                log.info("check_recovered", site=site_id, alerts_queued=queued)
        self.checks += 1
        confirmation = None
        if result.confirm_at is not None:
            countdown = max(0.0, (result.confirm_at - utc_now()).total_seconds())
            confirmation = task.apply_async((site_id,), countdown=countdown).id
            log.info("confirmation_enqueued", site=site_id, task=confirmation, in_s=countdown)
        return {"result": codec.to_data(result), "confirmation": confirmation}


def register(celery: Celery, process: WorkerProcess, *, max_retries: int) -> None:
    """The check task, bound to this process's App; its start and stop at process start/end.

    `max_retries` bounds how often a task looks again at a held lease (a check cannot hold
    its lease longer than the visibility timeout); after that it fails, and says so."""

    @celery.task(name=CHECK_TASK, bind=True, max_retries=max_retries)  # type: ignore[untyped-decorator]
    def check(task: Any, site_id: str, recover: bool = False) -> dict[str, Any]:
        return process.check(task, site_id, recover=recover)

    worker_process_init.connect(process.start, weak=False)
    worker_process_shutdown.connect(process.stop, weak=False)


def run_worker(
    app: App, *, concurrency: int, hostname: str | None = None, loglevel: str = "INFO"
) -> int:
    """Run a Celery worker with `concurrency` prefork processes until it is stopped; its
    exit code. `app` gives the settings; each worker process builds its own App."""
    celery = make_celery(app.settings, app.environ)
    patience = math.ceil(visibility_timeout_s(app.settings) / RETRY_EVERY_S)
    register(celery, WorkerProcess(app.config_file, app.environ), max_retries=patience)
    worker = celery.Worker(
        hostname=hostname or f"archiver@{socket.gethostname()}-{os.getpid()}",
        concurrency=concurrency,
        pool_cls="prefork",
        loglevel=loglevel,
        optimization="fair",
        without_gossip=True,
        without_mingle=True,
        quiet=True,
    )
    worker.start()
    return int(worker.exitcode or 0)
