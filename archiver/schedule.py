"""The daemon's clock: one APScheduler 3 job per site, one-off re-checks, housekeeping jobs.

The only module that schedules (`cron.py` parses cron expressions for it and for the
configuration, so both agree on what is valid). Each site job has a fixed id (the site id),
`max_instances=1` (never two checks of one site at once) and `coalesce=True` (a backlog
runs once). After a restart, a site whose interval elapsed while we were down runs soon,
spread over a short window so a hundred overdue sites do not start in the same second.
A check that leaves a suspect list unconfirmed gets a one-off job ``confirm:<site-id>`` at
the time its re-check is due; at start, the re-checks the bucket says are owed are scheduled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from archiver import cron
from archiver.config import Site

log = structlog.get_logger("archiver.schedule")
OVERDUE_SPREAD_S = 60.0


def trigger_for(site: Site, zone: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger of a site (interval or cron, with jitter); a cron expression
    is read in `zone`, the configuration's one time zone (`Settings.zone`)."""
    jitter = int(site.jitter) or None
    if site.cron is not None:
        trigger = cron.trigger(site.cron, zone)
        trigger.jitter = jitter  # from_crontab takes no jitter; the trigger honours the field
        return trigger
    interval = site.interval_s
    assert interval is not None
    return IntervalTrigger(seconds=interval, jitter=jitter, timezone="UTC")


def first_run(
    site: Site,
    *,
    last_check: datetime | None,
    now: datetime,
    position: int,
    overdue: int,
    zone: ZoneInfo,
) -> datetime:
    """When a site's first check after (re)start happens.

    New sites and sites whose interval has elapsed run soon, spread over OVERDUE_SPREAD_S;
    the others keep their rhythm from the last check.
    """
    spread = OVERDUE_SPREAD_S * position / max(overdue, 1)
    soon = now + timedelta(seconds=1 + spread)
    if last_check is None:
        return soon
    if site.cron is not None:
        trigger = cron.trigger(site.cron, zone)
        missed = trigger.get_next_fire_time(None, last_check)
        if missed is not None and missed <= now:
            return soon
        upcoming = trigger.get_next_fire_time(None, now)
        return upcoming or soon
    interval = site.interval_s
    assert interval is not None
    due = last_check + timedelta(seconds=interval)
    return soon if due <= now else due


class UnavailableWatch:
    """Counts checks in a row that found no browser; says when the limit is reached."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.streak = 0
        self._lock = threading.Lock()

    def saw(self, unavailable: bool) -> bool:
        """Record one check; True once `limit` checks in a row had no browser.

        >>> watch = UnavailableWatch(2)
        >>> watch.saw(True), watch.saw(False), watch.saw(True), watch.saw(True)
        (False, False, False, True)
        """
        with self._lock:
            self.streak = self.streak + 1 if unavailable else 0
            return self.streak >= self.limit


class Daemon:
    """Runs every enabled site on its schedule until `stop()` (or `fail()`)."""

    def __init__(
        self,
        sites: Iterable[Site],
        run_site: Callable[[Site], object],
        *,
        last_checks: Mapping[str, datetime],
        now: Callable[[], datetime],
        workers: int,
        housekeeping: Iterable[tuple[str, Callable[[], object], float]] = (),
        owed: Mapping[str, datetime] | None = None,
        zone: ZoneInfo,
    ) -> None:
        self.zone = zone  # cron expressions are read in it (`Settings.zone`)
        self.sites = [site for site in sites if site.enabled]
        self.run_site = run_site
        self.owed = dict(owed or {})  # site id -> when its re-check is due (from the bucket)
        self._site_locks = {site.id: threading.Lock() for site in self.sites}
        self.last_checks = last_checks
        self.now = now
        self.housekeeping = list(housekeeping)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )
        self._stopped = threading.Event()
        self.failure = ""  # why the daemon must exit non-zero, set by fail()

    def start(self) -> None:
        """Add the jobs and start the scheduler thread."""
        now = self.now()
        overdue = [
            site
            for site in self.sites
            if first_run(
                site,
                last_check=self.last_checks.get(site.id),
                now=now,
                position=0,
                overdue=1,
                zone=self.zone,
            )
            <= now + timedelta(seconds=1)
        ]
        positions = {site.id: i for i, site in enumerate(overdue)}
        for site in self.sites:
            first = first_run(
                site,
                last_check=self.last_checks.get(site.id),
                now=now,
                position=positions.get(site.id, 0),
                overdue=len(overdue),
                zone=self.zone,
            )
            self.scheduler.add_job(
                self._run_unless_stopping,
                trigger=trigger_for(site, self.zone),
                args=(site,),
                id=site.id,
                name=site.name,
                next_run_time=first,
                replace_existing=True,
            )
            log.info("site_scheduled", site=site.id, first_run_at=first.isoformat())
        by_id = {site.id: site for site in self.sites}
        for site_id, due in self.owed.items():
            if site_id in by_id:
                self.schedule_confirmation(by_id[site_id], due)
        for job_id, function, every_s in self.housekeeping:
            self.scheduler.add_job(
                function,
                trigger=IntervalTrigger(seconds=every_s, timezone="UTC"),
                id=job_id,
                replace_existing=True,
            )
        self.scheduler.start()
        log.info("daemon_started", sites=len(self.sites), overdue=len(overdue))

    def _run_unless_stopping(self, site: Site) -> object:
        """A check that was queued behind others does not start once a stop was asked for:
        shutting down waits only for the checks already running."""
        if self._stopped.is_set():
            log.info("check_skipped", site=site.id, reason="daemon stopping")
            return None
        with self._site_locks.setdefault(site.id, threading.Lock()):  # one check of a site
            result = self.run_site(site)
        due = getattr(result, "confirm_at", None)
        if isinstance(due, datetime) and not self._stopped.is_set():
            self.schedule_confirmation(site, due)
        return result

    def schedule_confirmation(self, site: Site, due: datetime) -> None:
        """A one-off re-check of a suspect list when it is due (never a sleeping slot)."""
        run_at = max(due, self.now() + timedelta(seconds=1))
        self.scheduler.add_job(
            self._run_unless_stopping,
            trigger=DateTrigger(run_date=run_at, timezone="UTC"),
            args=(site,),
            id=f"confirm:{site.id}",
            name=f"confirm {site.name}",
            replace_existing=True,
        )
        log.info("confirmation_scheduled", site=site.id, due_at=run_at.isoformat())

    def next_runs(self) -> dict[str, datetime]:
        """Next run time of every site job."""
        return {
            job.id: job.next_run_time
            for job in self.scheduler.get_jobs()
            if job.next_run_time is not None
        }

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until stop() is called (True) or the timeout passes (False)."""
        return self._stopped.wait(timeout_s)

    def stop(self) -> None:
        """Ask the daemon to stop (safe from a signal handler)."""
        self._stopped.set()

    def fail(self, reason: str) -> None:
        """Stop, and make the process exit non-zero so its supervisor restarts it."""
        self.failure = self.failure or reason
        self._stopped.set()

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop scheduling; with `wait`, also wait for the checks in flight to finish."""
        running = len(self.scheduler.get_jobs())
        log.info("daemon_stopping", jobs=running)
        self.scheduler.shutdown(wait=wait)
        log.info("daemon_stopped")
