"""`archiver scheduler`: the schedule of `archiver.schedule` enqueuing due checks, under a
leader lease, so that several schedulers can run and exactly one enqueues.

The leader runs `schedule.Daemon` with a `run_site` that sends a task instead of checking
(the checks are the workers'), plus the housekeeping jobs (alert delivery, checkpoints). A
standby builds its own Daemon when it is elected: it reads the last checks from the index,
so sites keep their rhythm and the overdue ones are enqueued soon after the takeover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import redis
import structlog
from celery import Celery

from archiver import archive, readings, schedule
from archiver.app import App, utc_now
from archiver.cluster import pending
from archiver.cluster.celery_app import CHECK_TASK, visibility_timeout_s
from archiver.cluster.leader import Leader, Wait
from archiver.config import Site
from archiver.discovery.institution import is_institution

log = structlog.get_logger("archiver.cluster.scheduler")

Housekeeping = Iterable[tuple[str, Callable[[], object], float]]


def enqueuer(celery: Celery, redis_client: redis.Redis, *, ttl_s: float) -> Callable[[Site], None]:
    """The Daemon's `run_site`: send one check task for the site (the workers run it), unless
    the site's previous task still waits in the queue (`archiver.cluster.pending`; the
    mark expires after `ttl_s`, the visibility timeout).
    """

    def enqueue(site: Site) -> None:
        if not pending.mark_queued(redis_client, site.id, ttl_s=ttl_s):
            log.warning("check_still_queued", site=site.id, reason="workers_behind")
            return
        try:
            task = celery.send_task(CHECK_TASK, args=(site.id,))
        except Exception:
            pending.unmark(redis_client, site.id)
            raise
        log.info("check_enqueued", site=site.id, task=task.id)

    return enqueue


def owed_confirmations(app: App) -> dict[str, datetime]:
    """Re-checks the bucket says are owed (a confirmation task lost with the broker's data)."""
    owed = {}
    for site in app.settings.sites:
        if site.enabled and not is_institution(site):
            due = readings.owes_confirmation(archive.head(app.store, site.id))
            if due is not None:
                owed[site.id] = due
    return owed


def make_daemon(
    app: App, celery: Celery, redis_client: redis.Redis, housekeeping: Housekeeping
) -> schedule.Daemon:
    """The schedule of every enabled site, enqueuing instead of checking. The new leader
    first queues the alerts of recent versions that have none (a worker died in between)."""
    app.alerter().reconcile()
    last_checks = {site: row.started_at for site, row in app.index.last_checks().items()}
    return schedule.Daemon(
        app.settings.sites,
        enqueuer(celery, redis_client, ttl_s=visibility_timeout_s(app.settings)),
        last_checks=last_checks,
        now=utc_now,
        workers=2,  # enqueuing takes a millisecond; the second thread is for housekeeping
        housekeeping=housekeeping,
        owed=owed_confirmations(app),
        zone=app.settings.zone,
    )


def run_scheduler(leader: Leader, build_daemon: Callable[[], schedule.Daemon], wait: Wait) -> None:
    """Campaign, lead (schedule) while elected, stand by again when deposed, until a stop."""
    while leader.campaign(wait):
        daemon = build_daemon()
        daemon.start()
        try:
            stopped = leader.hold(wait)
        finally:
            daemon.stop()
            daemon.shutdown(wait=False)
        if stopped:
            leader.resign()
            return
        log.warning("scheduler_standing_by_again", scheduler=leader.name)
