"""Which check a site gets: one page (`pipeline.check_site`) or an institution (discovery).

Every capture of the process goes through one shared per-host gate, so two sites on one
host, or an institution's documents, never hit that host at the same time or too fast.
"""

from __future__ import annotations

import dataclasses

from archiver.config import Site
from archiver.discovery.institution import check_institution, is_institution, make_gate
from archiver.discovery.politeness import GatedCapturer, HostGate
from archiver.discovery.settings import DiscoverySettings
from archiver.models import CheckResult
from archiver.pipeline import Deps, check_site


class Runner:
    """Runs checks with shared politeness; safe to call from several threads."""

    def __init__(self, deps: Deps, *, gate: HostGate | None = None) -> None:
        self.gate = gate or make_gate(DiscoverySettings(), deps)
        self.deps = deps  # institutions gate their own captures (with a budget) through it
        self.gated = dataclasses.replace(deps, capturer=GatedCapturer(deps.capturer, self.gate))

    def check(self, site: Site) -> CheckResult:
        """One check of the site, whatever kind it is."""
        if is_institution(site):
            return check_institution(site, self.deps, gate=self.gate)
        return check_site(site, self.gated)
