"""Which check a site gets: one page (`pipeline.check_site`) or an institution (discovery).

Every capture of the process goes through one shared per-host gate, so two sites on one
host, or an institution's documents, never hit that host at the same time or too fast.
"""

from __future__ import annotations

import dataclasses
import time

import structlog

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
