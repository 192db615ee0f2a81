"""Ctrl-C and SIGTERM for long commands: the first asks to stop, a second exits at once.

    with Interrupts(say) as stop:      # stop: a threading.Event set by the first signal
        while not stop.is_set(): ...

The first signal only sets the event (and says what happens next): the command stops
starting work, lets what is running finish for a few seconds, reports and exits 130. The
second signal exits at once with 130, without waiting for threads: nothing half-written
becomes visible (blobs come first, the manifest last and create-only; SQLite keeps its
journal), and the browser's driver closes Chromium when its pipe closes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType

from archiver.console.exits import Exit

SIGNALS = (signal.SIGINT, signal.SIGTERM)
FIRST = (
    "收到 {name}：不再开始新的检查，正在结束进行中的检查（最多 {grace:.0f} 秒）；"
    "再按一次 Ctrl-C 立即退出。"
)
SECOND = "再次收到 {name}：立即退出。"


class Interrupts:
    """Installs the two-step handler for SIGINT and SIGTERM (main thread only)."""

    def __init__(self, say: Callable[[str], None], *, grace_s: float) -> None:
        self.say = say
        self.grace_s = grace_s
        self.stop = threading.Event()
        self.signal_name = ""
        self._previous: dict[int, object] = {}

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}
        return self.stop

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]  # what signal() returned
        self._previous = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        del frame
        name = signal.Signals(signum).name
        if self.stop.is_set():
            self.say(SECOND.format(name=name))
            exit_now()
        self.signal_name = name
        self.stop.set()
        self.say(FIRST.format(name=name, grace=self.grace_s))


def exit_now(code: Exit = Exit.INTERRUPTED) -> None:
    """Flush what was printed and end the process without waiting for worker threads."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
