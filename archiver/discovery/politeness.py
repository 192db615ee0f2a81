"""Per-host politeness for every page load: one at a time, a delay, backoff, a budget.

`GatedCapturer` wraps any `Capturer` so that every capture of a host waits for that host's
slot (concurrency 1 per host), keeps at least `delay_s` between two requests, backs off on
HTTP 429/503 (honouring Retry-After, capped), and gives up on a host that keeps refusing
(`HostBlocked`) instead of hammering it. A `Budget` caps the page loads and the time of one
run. Time comes in through `now` and `sleep`, so tests drive it with a fake clock.

The gate's own delay and limits are the default; `configure` gives a host the `Politeness`
(`models.Politeness`, since the `ports.Gate` every gate implements speaks it) of the site
that lives there (an institution's `discover:` delay, block_after, max_backoff).
When several sites share a host, the strictest of their settings wins.

    gate = HostGate(delay_s=2, now=deps.now, sleep=deps.sleep)       # one per process
    gate.configure(site.url, Politeness(delay_s=10))                 # that site's own delay
    capturer = GatedCapturer(deps.capturer, gate, Budget(pages=60, seconds=900, now=deps.now))
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from archiver.discovery.urls import host_of
from archiver.errors import CaptureError
from archiver.models import Capture, Politeness
from archiver.ports import Capturer, CaptureRequest, CaptureSession, Gate

THROTTLED = (429, 503)


class HostBlocked(CaptureError):
    """The host refused us (429/503) too often, or asked us to wait longer than we may."""

    reason = "blocked"


class BudgetExhausted(CaptureError):
    """This run used up its page or time budget; the rest waits for the next run."""

    reason = "budget_exhausted"


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: datetime | None = None
    strikes: int = 0
    blocked_until: datetime | None = None
    blocked_reason: str = ""
    min_delay_s: float = 0.0
    requests: int = 0
    politeness: Politeness | None = None  # None: the gate's default


class HostGate:
    """Shared by every thread of a process: one request per host at a time, spaced out.

    A `ports.Gate`; `cluster.redis_gate.RedisHostGate` is the same across processes."""

    def __init__(
        self,
        *,
        delay_s: float = 2.0,
        now: Callable[[], datetime],
        sleep: Callable[[float], None],
        block_after: int = 3,
        max_backoff_s: float = 600.0,
        block_for_s: float = 3600.0,
    ) -> None:
        self.default = Politeness(
            delay_s=delay_s, block_after=block_after, max_backoff_s=max_backoff_s
        )
        self.now = now
        self.sleep = sleep
        self.block_for_s = block_for_s
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(host, _Host())

    def configure(self, url: str, politeness: Politeness) -> None:
        """Treat the host of `url` with a site's own politeness (the stricter of all given)."""
        state = self._host(host_of(url))
        with self._lock:
            given = state.politeness
            state.politeness = politeness if given is None else given.stricter(politeness)

    def politeness(self, url: str) -> Politeness:
        """The politeness the host of `url` gets: configured, or the gate's default."""
        return self._host(host_of(url)).politeness or self.default

    def set_min_delay(self, url: str, seconds: float) -> None:
        """Raise the spacing for one host (robots.txt Crawl-delay)."""
        state = self._host(host_of(url))
        state.min_delay_s = max(state.min_delay_s, seconds)

    def blocked(self, url: str) -> str:
        """Why the host of `url` is blocked now, or "" when it is not."""
        state = self._host(host_of(url))
        if state.blocked_until is not None and self.now() < state.blocked_until:
            return state.blocked_reason
        return ""

    def requests(self, url: str) -> int:
        """How many requests went to the host of `url` through this gate."""
        return self._host(host_of(url)).requests

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold the host's only slot, after waiting for its delay or backoff to pass."""
        host = host_of(url)
        state = self._host(host)
        with state.lock:
            reason = self.blocked(url)
            if reason:
                raise HostBlocked(f"{host} is blocked for now: {reason}")
            if state.next_at is not None:
                wait = (state.next_at - self.now()).total_seconds()
                if wait > 0:
                    self.sleep(wait)
            state.requests += 1
            try:
                yield
            finally:
                spacing = max((state.politeness or self.default).delay_s, state.min_delay_s)
                earliest = self.now() + timedelta(seconds=spacing)
                if state.next_at is None or state.next_at < earliest:
                    state.next_at = earliest

    def record(self, url: str, status: int, retry_after: str = "") -> None:
        """Tell the gate how the host answered; 429/503 push its next slot back."""
        state = self._host(host_of(url))
        if status not in THROTTLED:
            state.strikes = 0
            return
        polite = state.politeness or self.default
        state.strikes += 1
        asked = retry_after_s(retry_after, self.now())
        backoff = asked if asked is not None else polite.delay_s * 2**state.strikes
        now = self.now()
        if state.strikes >= polite.block_after or (asked or 0) > polite.max_backoff_s:
            state.blocked_until = now + timedelta(seconds=max(self.block_for_s, asked or 0))
            state.blocked_reason = (
                f"HTTP {status} {state.strikes} times in a row"
                if asked is None or asked <= polite.max_backoff_s
                else f"HTTP {status} with Retry-After {asked:.0f}s"
            )
            return
        state.next_at = now + timedelta(seconds=min(backoff, polite.max_backoff_s))


class Budget:
    """Page loads and seconds one run may spend on one institution."""

    def __init__(self, *, pages: int, seconds: float, now: Callable[[], datetime]) -> None:
        self.pages = pages
        self.seconds = seconds
        self.now = now
        self.started_at = now()
        self.used = 0

    @property
    def remaining(self) -> int:
        """Page loads left (0 when the time is up)."""
        if self.elapsed_s >= self.seconds:
            return 0
        return max(self.pages - self.used, 0)

    @property
    def elapsed_s(self) -> float:
        """Seconds since the run started, on the injected clock."""
        return (self.now() - self.started_at).total_seconds()

    def take(self, url: str) -> None:
        """Spend one page load, or raise BudgetExhausted."""
        if self.elapsed_s >= self.seconds:
            raise BudgetExhausted(f"time budget of {self.seconds:.0f}s used up before {url}")
        if self.used >= self.pages:
            raise BudgetExhausted(f"page budget of {self.pages} used up before {url}")
        self.used += 1


class GatedCapturer:
    """A Capturer whose every capture goes through a gate (any `ports.Gate`) and a Budget."""

    def __init__(
        self,
        inner: Capturer,
        gate: Gate,
        budget: Budget | None = None,
        *,
        user_agent: str | None = None,
    ) -> None:
        self.inner = inner
        self.gate = gate
        self.budget = budget
        self.user_agent = user_agent

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[CaptureSession]:
        """Wait for the host's slot, spend one page of the budget, then open the capture."""
        if self.user_agent and not request.user_agent:
            request = _with_user_agent(request, self.user_agent)
        with self.gate.slot(request.url):
            if self.budget is not None:
                self.budget.take(request.url)
            with self.inner.open(request) as session:
                yield _GatedSession(session, self.gate, request.url)

    def close(self) -> None:
        """The inner capturer belongs to whoever made it; nothing to close here."""


class _GatedSession:
    def __init__(self, inner: CaptureSession, gate: Gate, url: str) -> None:
        self.inner = inner
        self.gate = gate
        self.url = url

    def snapshot(self) -> Capture:
        capture = self.inner.snapshot()
        headers = dict(capture.main_response.headers) if capture.main_response else {}
        self.gate.record(self.url, capture.status, headers.get("retry-after", ""))
        return capture

    def screenshot(self) -> bytes | None:
        return self.inner.screenshot()

    def complete(self, capture: Capture) -> Capture:
        return self.inner.complete(capture)


def _with_user_agent(request: CaptureRequest, user_agent: str) -> CaptureRequest:
    return replace(request, user_agent=user_agent)


def retry_after_s(value: str, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date).

    >>> from datetime import UTC
    >>> t = datetime(2025, 10, 1, tzinfo=UTC)
    >>> retry_after_s("120", t), retry_after_s("Wed, 01 Oct 2025 00:01:00 GMT", t)
    (120.0, 60.0)
    >>> retry_after_s("soon", t) is None
    True
    """
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)
