"""Which check a site gets: one page (`pipeline.check_site`) or an institution (discovery),
and a pass over many sites with the re-checks it owes.

Every capture of the process goes through one shared per-host gate, so two sites on one
host, or an institution's documents, never hit that host at the same time or too fast. Each
host is treated with the politeness of the sites that live there (their `discover:` delay,
block_after and max_backoff; the strictest when several share it), the defaults elsewhere.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import structlog

from archiver import archive, passes, readings
from archiver.config import Site
from archiver.discovery.institution import (
    check_institution,
    is_institution,
    make_gate,
    settings_of,
)
from archiver.discovery.politeness import GatedCapturer
from archiver.discovery.settings import DiscoverySettings
from archiver.models import CheckResult, Politeness
from archiver.pipeline import Deps, check_site, finish_check, internal_error
from archiver.ports import Gate

log = structlog.get_logger("archiver.runner")


class Runner:
    """Runs checks with shared politeness; safe to call from several threads."""

    def __init__(
        self, deps: Deps, *, sites: Iterable[Site] = (), gate: Gate | None = None
    ) -> None:
        """`sites`: every configured site, so a host shared by two of them gets the stricter
        politeness before either is checked (a site checked later is added then). `gate`: any
        `ports.Gate` (a `RedisHostGate` on a cluster); by default one `HostGate` per process."""
        self.gate: Gate = gate or make_gate(DiscoverySettings(), deps)
        self.deps = deps  # institutions gate their own captures (with a budget) through it
        self.gated = dataclasses.replace(deps, capturer=GatedCapturer(deps.capturer, self.gate))
        for site in sites:
            configure_hosts(self.gate, site)

    def check(self, site: Site) -> CheckResult:
        """One check of the site, whatever kind it is."""
        configure_hosts(self.gate, site)
        if not is_institution(site):
            return check_site(site, self.gated)  # never raises: it records its own crash
        started_at, started = self.deps.now(), time.perf_counter()
        try:
            return check_institution(site, self.deps, gate=self.gate)
        except Exception as exc:
            log.exception("check_crashed", site=site.id, error_type=type(exc).__name__)
            result = internal_error(site, started_at, started, exc)
        finish_check(site, self.deps, result, event="institution_checked")
        return result

    def owed(self, sites: Iterable[Site]) -> dict[str, datetime]:
        """Sites whose newest version is unconfirmed, with when their re-check is due: the
        bucket holds this state, so a restarted daemon loses no confirmation."""
        found = {}
        for site in sites:
            if is_institution(site):
                continue
            due = readings.owes_confirmation(archive.head(self.deps.store, site.id))
            if due is not None:
                found[site.id] = due
        return found

    def run_pass(
        self,
        sites: Sequence[Site],
        *,
        workers: int,
        confirm: bool = True,
        on_result: Callable[[CheckResult], None] = lambda result: None,
        sleep: Callable[[float], object] = time.sleep,
        stopping: Callable[[], bool] = lambda: False,
        grace_s: float = passes.GRACE_S,
    ) -> passes.PassResult:
        """Check every site, then the re-checks the pass owes, all at once once they are due.

        The wait for `confirm_delay` happens once, here, outside the capture slots: a pass
        with ten confirmations takes about one confirmation's time more, not ten. `stopping`
        (an interrupt) ends the pass: nothing starts after it, not even the re-checks;
        `sleep` should return early once a stop was asked.
        """
        first = passes.run_pass(
            sites,
            self.check,
            workers=workers,
            stopping=stopping,
            grace_s=grace_s,
            on_result=on_result,
        )
        due = {r.site_id: r.confirm_at for r in first.results if r.confirm_at is not None}
        if not confirm or not due or first.interrupted:
            return first
        wait_s = max(0.0, (max(due.values()) - self.deps.now()).total_seconds())
        log.info("confirmations_due", sites=len(due), wait_s=round(wait_s, 3))
        if wait_s > 0:
            sleep(wait_s)
        by_id = {site.id: site for site in sites}
        again = passes.run_pass(
            [by_id[site_id] for site_id in due],
            self.check,
            workers=workers,
            stopping=stopping,
            grace_s=grace_s,
            on_result=on_result,
        )
        replaced = {r.site_id: r for r in again.results}
        return passes.PassResult(
            results=tuple(replaced.get(r.site_id, r) for r in first.results),
            not_started=again.not_started,
            abandoned=again.abandoned,
            interrupted=again.interrupted or stopping(),
        )


def configure_hosts(gate: Gate, site: Site) -> None:
    """Give the site's hosts (its URL's, `hosts`, `discover.hosts`) the site's own politeness;
    a site without `discover:` settings leaves its host at the gate's default."""
    settings = settings_of(site)
    if settings is None:
        return
    politeness = Politeness(
        delay_s=settings.delay,
        block_after=settings.block_after,
        max_backoff_s=settings.max_backoff,
    )
    gate.configure(site.url, politeness)
    for host in (*site.hosts, *settings.hosts):
        gate.configure(f"https://{host}/", politeness)
