"""Ctrl-C and SIGTERM for long commands: the first asks to stop, a second exits at once.

    with Interrupts(grace_s=10) as stopping:   # stopping() is True after a signal
        while not stopping(): ...

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
import time
from collections.abc import Callable
from types import FrameType, TracebackType

import click

from archiver.console.exits import Exit

SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_S = 0.2
FIRST = (
    "收到 {name}：不再开始新的检查，正在结束进行中的检查（最多 {grace:.0f} 秒）；"
    "再按一次 Ctrl-C 立即退出。"
)
SECOND = "再次收到 {name}：立即退出。"


class Interrupts:
    """Installs the two-step handler for SIGINT and SIGTERM (main thread only).

    The handler only flips a flag and writes with os.write: a signal handler runs between
    two bytecodes of the main thread, which may hold a lock (an Event's, a buffered stream's)
    that Event.set() or print() would try to take again. Everyone else reads the flag:
    `interrupts()` is True once a stop was asked.
    """

    def __init__(self, *, grace_s: float) -> None:
        self.grace_s = grace_s
        self.requested = False
        self.signal_name = ""
        self._count = 0
        self._previous: dict[int, object] = {}

    def __call__(self) -> bool:
        """Whether a stop was asked (a plain attribute read: safe from any thread)."""
        return self.requested

    def wait(
        self, timeout_s: float | None = None, *, until: Callable[[], bool] = lambda: False
    ) -> bool:
        """Sleep until a stop is asked (True), `until()` holds or `timeout_s` passes (False)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while not self.requested and not until():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)
        return self.requested

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}
        return self

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
        self._count += 1
        name = signal.Signals(signum).name
        if self._count > 1:
            _write(SECOND.format(name=name))
            exit_now()
        self.signal_name = name
        self.requested = True
        _write(FIRST.format(name=name, grace=self.grace_s))


def _write(line: str) -> None:
    """Straight to file descriptor 2 in one write: no Python-level lock (safe inside a signal
    handler), and never spliced into a log line another thread is printing."""
    data = (line + "\n").encode()
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(2, data) :]


def exit_now(code: Exit = Exit.INTERRUPTED) -> None:
    """Flush what was printed and end the process without waiting for worker threads."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, RuntimeError):  # RuntimeError: reentrant
            stream.flush()
    os._exit(code)


def say(line: str) -> None:
    """A line for the person at the terminal (stderr: stdout is for data).

    One os.write, not print(): print writes the text and the newline separately, so a log
    line from another thread could land between them (and a JSON log line would no longer
    parse). The log's own stream is line-buffered, so whole lines never interleave.
    """
    sys.stderr.flush()
    _write(line)


grace_option = click.option(
    "--grace",
    "grace",
    default="10s",
    show_default=True,
    help="How long Ctrl-C/SIGTERM waits for the checks already running.",
)
