"""Measuring instruments: per-stage timers and the memory of the whole process tree.

StageProbe times the real code without editing it: while installed it wraps a few methods of
the browser adapter, `archive.head` and `Index.record_check` with timers, and it collects the
`duration_s` of every structlog event the pipeline emits. The wrappers cost microseconds.

Memory is read from /proc (Linux): RSS and PSS of this process and all its descendants
(Playwright's node driver, Chromium's browser, renderer, GPU and utility processes).
"""

from __future__ import annotations

import functools
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from archiver import archive
from archiver.adapters import browser, capture
from archiver.adapters.sqlite_index import SqliteIndex

# (owner, attribute, label) of every coroutine or function the probe times.
ASYNC_STAGES = (
    (browser.PlaywrightCapturer, "_browser_ready", "browser_ready"),
    (browser.PlaywrightCapturer, "_new_session", "new_context"),
    (capture.BrowserSession, "_snapshot", "snapshot"),
    (capture.BrowserSession, "_open_main", "goto"),
    (capture.BrowserSession, "_main_response", "main_response_body"),
    (capture.BrowserSession, "settle", "settle_networkidle"),
    (capture.BrowserSession, "render", "render_region_and_content"),
    (capture.BrowserSession, "attachment_links", "attachment_links"),
    (capture.BrowserSession, "_list_images", "list_images"),
    (capture.BrowserSession, "_screenshot", "screenshot_browser"),
    (browser.PlaywrightCapturer, "_end_session", "close_context"),
)
EVENT_STAGES = {
    "capture_finished": "capture",
    "extract_finished": "extract",
    "screenshot_taken": "screenshot",
    "compare_finished": "compare",
    "version_written": "write_blobs_and_manifest",
    "check_finished": "check_total",
}


class StageProbe:
    """Collects (stage, seconds) samples from wrapped methods and structlog events."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.events: list[dict[str, Any]] = []
        self.enabled = True
        self._lock = threading.Lock()
        self._restore: list[tuple[object, str, object]] = []
        self.missing: list[str] = []

    def record(self, stage: str, seconds: float) -> None:
        """Add one sample."""
        if self.enabled:
            with self._lock:
                self.samples.setdefault(stage, []).append(seconds)

    def clear(self) -> None:
        """Forget every sample and event."""
        with self._lock:
            self.samples = {}
            self.events = []

    def count(self, event: str) -> int:
        """How many events of this name were logged since the last clear."""
        with self._lock:
            return sum(1 for logged in self.events if logged.get("event") == event)

    def take(self) -> dict[str, list[float]]:
        """The samples so far, and start afresh."""
        with self._lock:
            samples, self.samples, self.events = self.samples, {}, []
        return samples

    # --- structlog -----------------------------------------------------------------------

    def processor(
        self, _logger: object, _name: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """A structlog processor that keeps durations and drops the line."""
        if self.enabled:
            name = str(event.get("event", ""))
            stage = EVENT_STAGES.get(name)
            if stage is not None and "duration_s" in event:
                self.record(stage, float(event["duration_s"]))
            if name in ("check_finished", "browser_restarted", "capture_suspect"):
                with self._lock:
                    self.events.append(
                        {k: v for k, v in event.items() if isinstance(v, str | int | float)}
                    )
        raise structlog.DropEvent

    def configure_logging(self) -> None:
        """Route every structlog event through this probe (and print none)."""
        structlog.configure(
            processors=[self.processor],
            wrapper_class=structlog.make_filtering_bound_logger(0),
            cache_logger_on_first_use=False,
        )

    # --- timers --------------------------------------------------------------------------

    def install(self) -> None:
        """Wrap the timed methods (idempotent until `uninstall`)."""
        if self._restore:
            return
        for owner, name, label in ASYNC_STAGES:
            original = owner.__dict__.get(name)
            if original is None:  # the adapter changed: time what is still there
                self.missing.append(f"{owner.__name__}.{name}")
                continue
            setattr(owner, name, self._async_timer(original, label))
            self._restore.append((owner, name, original))
        original_head = archive.head
        timed_head = self._sync_timer(original_head, "archive_head")
        archive.head = timed_head
        self._restore.append((archive, "head", original_head))
        original_record = SqliteIndex.__dict__["record_check"]
        SqliteIndex.record_check = self._sync_timer(original_record, "index_record_check")  # type: ignore[method-assign]
        self._restore.append((SqliteIndex, "record_check", original_record))

    def uninstall(self) -> None:
        """Put the original methods back."""
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore = []

    def _async_timer(self, original: Any, label: str) -> Any:
        probe = self

        @functools.wraps(original)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                probe.record(label, time.perf_counter() - began)

        return timed

    def _sync_timer(self, original: Callable[..., Any], label: str) -> Any:
        probe = self

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                probe.record(label, time.perf_counter() - began)

        return timed

    @contextmanager
    def installed(self) -> Iterator[StageProbe]:
        """Timers on for the duration of the block."""
        self.install()
        try:
            yield self
        finally:
            self.uninstall()


def summarise(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per stage: count, mean, median, p90, max (seconds)."""
    out: dict[str, dict[str, float]] = {}
    for stage, values in samples.items():
        if not values:
            continue
        ordered = sorted(values)
        out[stage] = {
            "n": len(values),
            "mean_s": round(statistics.fmean(values), 4),
            "median_s": round(statistics.median(values), 4),
            "p90_s": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 4),
            "max_s": round(ordered[-1], 4),
        }
    return out


# --- memory ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeMemory:
    """Memory of a process tree at one moment, in bytes."""

    rss: int
    pss: int
    processes: int
    by_kind: dict[str, int] = field(default_factory=dict)  # RSS per kind of process


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces, so split after the last ")"
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_pids(root: int | None = None) -> list[int]:
    """`root` (default: this process) and every descendant."""
    start = root or os.getpid()
    children = _children_map()
    found, todo = [], [start]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _kind(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    if pid == os.getpid():
        return "python"
    text = b" ".join(argv).decode(errors="replace")
    if "chrom" in text:
        for kind in ("renderer", "gpu-process", "utility", "zygote"):
            if f"--type={kind}" in text:
                return f"chromium-{kind}"
        return "chromium-browser"
    if "node" in text or "playwright" in text:
        return "playwright-driver"
    return "other"


def _field_kib(path: str, name: str) -> int:
    try:
        with open(path, encoding="ascii") as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def tree_memory(root: int | None = None) -> TreeMemory:
    """RSS (sum over processes, double-counts shared pages) and PSS (shared pages split)."""
    rss = pss = 0
    by_kind: dict[str, int] = {}
    pids = tree_pids(root)
    for pid in pids:
        process_rss = _field_kib(f"/proc/{pid}/status", "VmRSS:") * 1024
        rss += process_rss
        pss += _field_kib(f"/proc/{pid}/smaps_rollup", "Pss:") * 1024
        kind = _kind(pid)
        by_kind[kind] = by_kind.get(kind, 0) + process_rss
    return TreeMemory(rss=rss, pss=pss, processes=len(pids), by_kind=by_kind)
