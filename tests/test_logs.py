"""Log lines of libraries that use the standard library's logging join our JSON stream."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from archiver import logs


@pytest.fixture
def restored() -> Iterator[None]:
    """Put structlog's configuration and the root logger back as they were."""
    config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        structlog.configure(**config)
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.usefixtures("restored")
def test_a_library_warning_is_a_json_line_like_ours() -> None:
    stream = io.StringIO()
    logs.configure(fmt="json", stream=stream)
    structlog.get_logger("archiver.test").warning("store_slow", site="bank", duration_s=1.5)
    logging.getLogger("botocore.credentials").warning("found %s credentials", "environment")
    logging.getLogger("apscheduler.scheduler").info("routine chatter")  # below the threshold
    chatty = logging.getLogger("werkzeug")
    chatty.setLevel(logging.INFO)  # as werkzeug does to itself
    chatty.info("GET /bucket 200")  # still below the threshold
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["store_slow", "found environment credentials"]
    library = lines[1]
    assert library["level"] == "warning"
    assert library["logger"] == "botocore.credentials"
    assert "timestamp" in library


class Writes(io.StringIO):
    """A stream that remembers each write() call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return super().write(text)


@pytest.mark.usefixtures("restored")
def test_each_event_is_one_write_with_its_newline() -> None:
    """A line said to the terminal from another thread flushes stderr first: an event written
    as text, then newline (print) could be split there, and its JSON would not parse."""
    stream = Writes()
    logs.configure(fmt="json", stream=stream)
    structlog.get_logger("archiver.test").info("daemon_stopping", jobs=2)
    events = [call for call in stream.calls if call.strip()]
    assert len(events) == 1 and events[0].endswith("\n"), stream.calls
    assert json.loads(events[0])["event"] == "daemon_stopping"


@pytest.mark.usefixtures("restored")
def test_configuring_twice_keeps_one_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    logs.configure(fmt="json", stream=first)
    logs.configure(fmt="json", stream=second)
    logging.getLogger("httpx").error("connection reset")
    assert first.getvalue() == ""
    assert json.loads(second.getvalue())["event"] == "connection reset"


def full_disk() -> None:
    raise OSError("disk full")


@pytest.mark.usefixtures("restored")
def test_a_library_exception_is_one_line_without_debug() -> None:
    stream = io.StringIO()
    logs.configure(fmt="json", stream=stream)
    try:
        full_disk()
    except OSError:
        logging.getLogger("apscheduler.executors").exception("job raised")
    line = json.loads(stream.getvalue())
    assert line["event"] == "job raised"
    assert line["error"] == "OSError: disk full"
    assert "Traceback" not in stream.getvalue()
