"""Which check a site gets: one page (`pipeline.check_site`) or an institution (discovery),
and a pass over many sites with the re-checks it owes.

Every capture of the process goes through one shared per-host gate, so two sites on one
host, or an institution's documents, never hit that host at the same time or too fast.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime

import structlog

from archiver import archive, readings
from archiver.config import Site
from archiver.discovery.institution import check_institution, is_institution, make_gate
from archiver.discovery.politeness import GatedCapturer, HostGate
from archiver.discovery.settings import DiscoverySettings
from archiver.models import CheckResult
from archiver.pipeline import Deps, check_site, internal_error, notify_observers, record_check

log = structlog.get_logger("archiver.runner")


class Runner:
    """Runs checks with shared politeness; safe to call from several threads."""

    def __init__(self, deps: Deps, *, gate: HostGate | None = None) -> None:
        self.gate = gate or make_gate(DiscoverySettings(), deps)
        self.deps = deps  # institutions gate their own captures (with a budget) through it
        self.gated = dataclasses.replace(deps, capturer=GatedCapturer(deps.capturer, self.gate))

    def check(self, site: Site) -> CheckResult:
        """One check of the site, whatever kind it is."""
        if not is_institution(site):
            return check_site(site, self.gated)  # never raises: it records its own crash
        started_at, started = self.deps.now(), time.perf_counter()
        try:
            return check_institution(site, self.deps, gate=self.gate)
        except Exception as exc:
            log.exception("check_crashed", site=site.id, error_type=type(exc).__name__)
            result = internal_error(site, started_at, started, exc)
        record_check(self.deps, result)
        notify_observers(self.deps, "on_check", lambda o: o.on_check(site, result), site.id)
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
        sleep: Callable[[float], None] = time.sleep,
    ) -> list[CheckResult]:
        """Check every site, then the re-checks the pass owes, all at once once they are due.

        The wait for `confirm_delay` happens once, here, outside the capture slots: a pass
        with ten confirmations takes about one confirmation's time more, not ten.
        """
        results = self._concurrently(sites, workers, on_result)
        if not confirm:
            return results
        by_id = {site.id: site for site in sites}
        due = {r.site_id: r.confirm_at for r in results if r.confirm_at is not None}
        if not due:
            return results
        wait_s = (max(due.values()) - self.deps.now()).total_seconds()
        log.info("confirmations_due", sites=len(due), wait_s=round(max(wait_s, 0.0), 3))
        if wait_s > 0:
            sleep(wait_s)
        confirmed = self._concurrently([by_id[s] for s in due], workers, on_result)
        replaced = {r.site_id: r for r in confirmed}
        return [replaced.get(r.site_id, r) for r in results]

    def _concurrently(
        self, sites: Sequence[Site], workers: int, on_result: Callable[[CheckResult], None]
    ) -> list[CheckResult]:
        results: list[CheckResult] = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(self.check, site) for site in sites]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                on_result(result)
        return results
