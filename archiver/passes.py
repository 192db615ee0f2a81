"""One pass of checks that an interrupt can stop: no check starts after the stop is asked.

Checks run on a small thread pool. Each worker takes the stop event's lock before it starts a
check, so once the event is set nothing new begins; the checks already running get
`grace_s` to finish, and those still running after it are reported as abandoned (the caller
then exits without waiting for them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from archiver.config import Site
from archiver.models import CheckResult

POLL_S = 0.2  # how often the waiting thread looks at the stop event
GRACE_S = 10.0  # how long a stop waits for the checks already running, by default


@dataclass(frozen=True, slots=True)
class PassResult:
    """What a pass did, and what an interrupt kept it from doing."""

    results: tuple[CheckResult, ...]
    not_started: tuple[str, ...] = ()  # site ids never started because of the stop
    abandoned: tuple[str, ...] = ()  # still running when the grace period ended
    interrupted: bool = False


class _Gate:
    """Lets a check start only while no stop was asked; remembers who started."""

    def __init__(self, stopping: Callable[[], bool]) -> None:
        self.stopping = stopping
        self.started: set[str] = set()
        self.finished: set[str] = set()
        self._lock = threading.Lock()

    def run(self, check: Callable[[Site], CheckResult], site: Site) -> CheckResult | None:
        with self._lock:
            if self.stopping():
                return None
            self.started.add(site.id)
        try:
            return check(site)
        finally:
            with self._lock:
                self.finished.add(site.id)

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self.started - self.finished)


def run_pass(
    sites: Sequence[Site],
    check: Callable[[Site], CheckResult],
    *,
    workers: int,
    stopping: Callable[[], bool],
    grace_s: float,
    on_result: Callable[[CheckResult], None] = lambda result: None,
) -> PassResult:
    """Check every site once (at most `workers` at a time) until `stopping()`."""
    gate = _Gate(stopping)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
    futures: dict[Future[CheckResult | None], Site] = {
        pool.submit(gate.run, check, site): site for site in sites
    }
    pending = set(futures)
    results: list[CheckResult] = []
    deadline: float | None = None
    try:
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            for future in done:
                if future.cancelled():
                    continue
                result = future.result()
                if result is not None:
                    results.append(result)
                    on_result(result)
            if stopping() and deadline is None:
                pool.shutdown(wait=False, cancel_futures=True)
                # Futures cancelled this way never count as done for wait(): drop them.
                pending = {future for future in pending if not future.cancelled()}
                deadline = time.monotonic() + grace_s
            if deadline is not None and time.monotonic() >= deadline:
                break
    finally:
        if deadline is None:
            pool.shutdown(wait=True)
    checked = {result.site_id for result in results}
    abandoned = tuple(site_id for site_id in gate.running() if site_id not in checked)
    not_started = tuple(site.id for site in sites if site.id not in gate.started)
    return PassResult(
        results=tuple(results),
        not_started=not_started,
        abandoned=abandoned,
        interrupted=stopping(),
    )
