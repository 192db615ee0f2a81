"""Shared fixtures: a local web site, a real S3 API server (moto), stores, a clock."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import structlog
from moto.server import ThreadedMotoServer

from archiver.adapters.local_store import LocalStore
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.s3_store import S3Store
from archiver.testing import LocalSite
from tests.support.services import PostgresServer, RedisServer, postgres_directory

S3_ACCESS = {"access_key_id": "testing", "secret_access_key": "testing"}


@pytest.fixture(autouse=True)
def _quiet_logs() -> Iterator[None]:
    """Tests see plain structlog output unless they capture it."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


Reap = Callable[["subprocess.Popen[str]"], "subprocess.Popen[str]"]


@pytest.fixture
def reap() -> Iterator[Reap]:
    """reap(process) -> process: if the test ends (or fails) while the process still runs, it
    is killed, with its process group when it leads one, and its pipes are closed. A failed
    test then leaves no running child whose collection later fails an unrelated test."""
    started: list[subprocess.Popen[str]] = []

    def register(process: subprocess.Popen[str]) -> subprocess.Popen[str]:
        started.append(process)
        return process

    yield register
    for process in started:
        if process.poll() is None:
            if os.getpgid(process.pid) == process.pid:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.communicate(timeout=60)


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A web site on 127.0.0.1 whose pages the test sets and changes."""
    with LocalSite() as site:
        yield site


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API server (moto in server mode) on 127.0.0.1, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A fresh, empty bucket on the S3 server."""
    name = f"archive-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_store(s3_endpoint: str, s3_bucket: str) -> S3Store:
    """An S3Store on a fresh bucket, with a key prefix like production."""
    return S3Store(bucket=s3_bucket, prefix="cn/", endpoint_url=s3_endpoint, **S3_ACCESS)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    """A LocalStore in a temporary directory."""
    return LocalStore(tmp_path / "archive")


@pytest.fixture
def memory_store() -> MemoryStore:
    """An in-process store."""
    return MemoryStore()


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        """The current fake time."""
        return self.current

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.current += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance the fake time instead of waiting."""
        self.slept.append(seconds)
        self.advance(seconds)


@pytest.fixture
def clock() -> FixedClock:
    """A fake clock starting 2025-10-01 08:00 UTC."""
    return FixedClock()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots for people to look at (test-artifacts/)."""
    path = Path(os.environ.get("ARCHIVER_TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def capturer() -> Iterator[Any]:
    """One real Chromium for the whole session (as in production: one per process)."""
    from archiver.adapters.browser import PlaywrightCapturer

    browser = PlaywrightCapturer(allow_private=True, concurrency=2, restart_after=500)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server of its own on a free port (start, stop, kill, restart)."""
    with RedisServer.start(tmp_path / "redis") as server:
        yield server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL cluster for the session, on a free port, trust authentication."""
    with postgres_directory() as directory, PostgresServer.start(directory / "pg") as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new, empty database on the session's PostgreSQL: its URL."""
    return postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
