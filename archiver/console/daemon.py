"""What the daemon tells the person who started it: where things are, how the first round
goes, and what was done when it stops. Also counts checks for `--metrics`.

`Watch` wraps the check function the scheduler calls: it refuses to start a check once a
stop was asked, counts the checks in flight (so a stop can wait for them, for a while), and
reports the first round ("reachable so far") on the terminal.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import structlog

from archiver import wording
from archiver.config import Site
from archiver.models import CheckResult, Outcome

log = structlog.get_logger("archiver.daemon")
REPORT_EVERY = 10  # first-round progress line every this many checks


class Watch:
    """Wraps a site check for the daemon: stop gate, in-flight count, first-round report."""

    def __init__(
        self,
        check: Callable[[Site], CheckResult],
        *,
        sites: int,
        stopping: Callable[[], bool],
        say: Callable[[str], None],
        now: Callable[[], datetime],
    ) -> None:
        self.check = check
        self.sites = sites
        self.stopping = stopping
        self.say = say
        self.now = now
        self.started_at = now()
        self.outcomes: Counter[str] = Counter()  # every check since start, by outcome
        self.results: list[CheckResult] = []  # the last result of each site
        self.first_round: dict[str, bool] = {}  # site -> reachable, until every site checked
        self.last_result_at: datetime | None = None
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def __call__(self, site: Site) -> CheckResult | None:
        with self._lock:
            if self.stopping():
                return None
            self._in_flight.add(site.id)
        try:
            result = self.check(site)
        finally:
            with self._lock:
                self._in_flight.discard(site.id)
                self._idle.notify_all()
        self._record(site, result)
        return result

    def in_flight(self) -> list[str]:
        """Sites being checked now."""
        with self._lock:
            return sorted(self._in_flight)

    def wait_idle(self, timeout_s: float) -> list[str]:
        """Wait until no check runs (at most `timeout_s`); the sites still running."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while self._in_flight and (left := deadline - time.monotonic()) > 0:
                self._idle.wait(left)
            return sorted(self._in_flight)

    def _record(self, site: Site, result: CheckResult) -> None:
        with self._lock:
            self.outcomes[result.outcome.value] += 1
            self.results = [r for r in self.results if r.site_id != site.id] + [result]
            self.last_result_at = self.now()
            if len(self.first_round) >= self.sites or site.id in self.first_round:
                return
            self.first_round[site.id] = result.outcome is not Outcome.FAILED
            done = len(self.first_round)
            reachable = sum(self.first_round.values())
        if done == self.sites:
            self.say(
                f"首轮检查完成：{self.sites} 个站点中 {reachable} 个可达，"
                f"{done - reachable} 个失败（详情：archiver status）"
            )
        elif done % REPORT_EVERY == 0:
            self.say(f"首轮检查：已检查 {done}/{self.sites}，可达 {reachable}")

    def stopped_line(self, abandoned: list[str]) -> str:
        """What this run did, said when it stops."""
        with self._lock:
            results = list(self.results)
            total = sum(self.outcomes.values())
        counts = "，".join(
            f"{wording.outcome(kind.value)} {self.outcomes[kind.value]}"
            for kind in Outcome
            if self.outcomes[kind.value]
        )
        line = f"已停止：本次运行共检查 {total} 次（{counts or '无'}），涉及 {len(results)} 个站点"
        if abandoned:
            line += (
                f"；放弃 {len(abandoned)} 项未完成的检查（{'、'.join(abandoned)}，未写入任何版本）"
            )
        return line
