"""What a served host saw: every request's interval and how many ran at the same time.

    seen = Served()
    local_site.dynamic("/a.html", seen.route("<html>…</html>", hold_s=0.1))
    ...
    assert seen.most_at_once == 1
    assert all(gap >= 0.3 for gap in seen.gaps())

Times are `time.monotonic()` of the test process, taken in the server's handler: a request
starts when the handler is called and ends after the last byte is written, before the
connection closes (so before the client has its answer and gives its slot back).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from archiver.testing import Route


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server saw it."""

    path: str
    status: int
    start: float
    end: float


class Served:
    """Records the requests of the routes it makes; thread-safe (the server is threaded)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.active = 0
        self.started = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def route(
        self,
        html: str,
        *,
        hold_s: float = 0.0,
        answers: Callable[[int], tuple[int, tuple[tuple[str, str], ...]]] | None = None,
    ) -> Callable[[str], Route]:
        """A dynamic route serving `html` slowly (`hold_s`); `answers(n)` gives the status
        and headers of the host's n-th request (0-based), 200 by default."""

        def handler(path: str) -> Route:
            with self._lock:
                self.active += 1
                self.most_at_once = max(self.most_at_once, self.active)
                n = self.started
                self.started += 1
            start = time.monotonic()
            status, headers = answers(n) if answers else (200, ())

            def body() -> Iterator[bytes]:
                time.sleep(hold_s)
                yield html.encode()
                with self._lock:
                    self.active -= 1
                    self.requests.append(Request(path, status, start, time.monotonic()))

            return Route(status=status, headers=headers, stream=body)

        return handler

    def in_order(self) -> list[Request]:
        """The requests by start time."""
        with self._lock:
            return sorted(self.requests, key=lambda r: r.start)

    def gaps(self) -> list[float]:
        """Seconds between the end of each request and the start of the next."""
        return [b.start - a.end for a, b in _pairs(self.in_order())]

    def overlapping(self) -> list[tuple[Request, Request]]:
        """Pairs of requests that were served at the same time (none, if the gate held)."""
        return [(a, b) for a, b in _pairs(self.in_order()) if b.start < a.end]


def _pairs(ordered: list[Request]) -> Iterable[tuple[Request, Request]]:
    return itertools.pairwise(ordered)
