"""structlog set-up: colourful console lines in a terminal, JSON lines otherwise.

At `info`, the log holds what an operator acts on: start and stop, versions written,
failures, alerts. Routine stage events (a capture finished, a page published, a site
scheduled, an unchanged check) are kept for `debug`. Exceptions are one line
(`error: <type>: <message>`) unless `debug` is on, which adds the traceback, never the local
variables (they hold settings, credentials and whole pages).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, Literal, TextIO

import structlog

LogFormat = Literal["auto", "console", "json"]
HANDLER = "archiver"  # the name of the stdlib handler configure() installs
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
ROUTINE = frozenset(
    {
        "capture_finished",
        "extract_finished",
        "compare_finished",
        "alert_spooled",
        "screenshot_taken",
        "site_scheduled",
        "publish_started",
        "publish_finished",
        "publish_full_needed",
        "page_written",
        "alert_already_queued",
        "operator_notice_suppressed",
        "check_skipped",
    }
)


def routine(event: str, fields: MutableMapping[str, Any]) -> bool:
    """Whether an info event is routine (shown only at debug).

    >>> routine("check_finished", {"outcome": "unchanged"}), routine("version_written", {})
    (True, False)
    """
    if event in ROUTINE:
        return True
    return event == "check_finished" and fields.get("outcome") == "unchanged"


def configure(
    *,
    level: str = "info",
    fmt: LogFormat = "auto",
    stream: TextIO | None = None,
    debug: bool = False,
) -> None:
    """Route every structlog event to `stream` (stderr), as console text or JSON lines."""
    out = stream or sys.stderr
    use_console = fmt == "console" or (fmt == "auto" and out.isatty())
    threshold = logging.DEBUG if debug else LEVELS.get(level, logging.INFO)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        _quiet_routine(threshold),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if not debug:
        shared.append(_one_line_exceptions)
    renderer: structlog.typing.Processor
    if use_console:
        renderer = structlog.dev.ConsoleRenderer(
            colors=True, exception_formatter=structlog.dev.plain_traceback
        )
    else:
        shared.append(structlog.processors.dict_tracebacks)
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        # one write per event, line and newline together: print() writes them apart, and a
        # line said to the terminal from another thread (console.interrupts.say) flushes the
        # stream in between, splicing itself into a JSON log line (seen under Ctrl-C)
        logger_factory=structlog.WriteLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    # Libraries that use the stdlib (APScheduler, botocore, httpx) speak only when it matters,
    # and in the same stream and format as our own events (one JSON object a line).
    handler = logging.StreamHandler(out)
    handler.set_name(HANDLER)
    # the handler's own threshold: a library that sets its logger to INFO (werkzeug does,
    # the first time it logs) still speaks only when it matters
    handler.setLevel(logging.INFO if debug else logging.WARNING)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER]:
        root.removeHandler(old)  # configured again (tests, a re-read of --log-format)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _quiet_routine(threshold: int) -> structlog.typing.Processor:
    def drop(
        logger: object, method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        del logger
        if (
            threshold > logging.DEBUG
            and method == "info"
            and routine(str(event.get("event")), event)
        ):
            raise structlog.DropEvent
        return event

    return drop


def _one_line_exceptions(
    logger: object, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace a traceback by one line naming the exception (use --debug for the rest)."""
    del logger, method
    exc_info = event.pop("exc_info", None)
    if exc_info:
        exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if exc is not None and "error" not in event:
            first = str(exc).splitlines()[0] if str(exc) else ""
            event["error"] = f"{type(exc).__name__}: {first}".rstrip(": ")
    return event
