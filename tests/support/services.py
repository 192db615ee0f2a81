"""Real Redis and PostgreSQL servers for tests, started on free ports in temporary directories.

Both come from the Debian packages scripts/setup.sh installs (redis-server, postgresql); on a
laptop, from PATH. Nothing is mocked: the cluster tests talk to the same servers an operator
runs, over TCP on 127.0.0.1.

    with RedisServer.start(tmp_path / "redis") as redis:
        redis.url                      # "redis://127.0.0.1:<port>/0"
        redis.restart()                # same port, same data directory (a broker restart)
    with PostgresServer.start(tmp_path / "pg") as pg:
        url = pg.create_database("t1") # "postgresql://archiver@127.0.0.1:<port>/t1"

PostgreSQL refuses to run as root: as root the cluster is initialised and run as the
`postgres` system user (the Debian package creates it), in a directory that user owns.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

START_TIMEOUT_S = 30.0


class ServiceUnavailable(RuntimeError):
    """A server program is missing or did not start; the message says which and how to fix."""


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_listening(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(f"{what} exited with {process.returncode}: {_tail(log)}")
        if _listening(port):
            return
        time.sleep(0.05)
    process.kill()
    raise ServiceUnavailable(f"{what} did not listen on 127.0.0.1:{port}: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes] | None, *, timeout_s: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class RedisServer:
    """One redis-server on 127.0.0.1, persisting to its own directory."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    @contextmanager
    def start(cls, directory: Path) -> Iterator[RedisServer]:
        directory.mkdir(parents=True, exist_ok=True)
        server = cls(directory=directory, port=free_port())
        server._launch()
        try:
            yield server
        finally:
            server.stop()

    def _launch(self) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise ServiceUnavailable(
                "redis-server not found: run scripts/setup.sh (apt redis-server)"
            )
        log = self.directory / "redis.log"
        self.process = subprocess.Popen(
            [
                program,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",  # a restart keeps queued tasks, as a real broker's would
                "--save",
                "",
                "--logfile",
                str(log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_listening(self.port, self.process, "redis-server", log)

    def stop(self) -> None:
        _stop(self.process)
        self.process = None

    def kill(self) -> None:
        """Kill -9: the server dies without a chance to flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port with the same data (a broker restart)."""
        self.stop()
        self._launch()


@contextmanager
def postgres_directory() -> Iterator[Path]:
    """A temporary directory for a PostgreSQL server, outside pytest's: every pytest session
    (other people's too, on a shared machine) resets /tmp/pytest-of-<user> to mode 0700,
    which locks the `postgres` user out of a data directory below it (initdb aborts; a
    restarted server cannot reach its data)."""
    with tempfile.TemporaryDirectory(prefix="archiver-pg-", ignore_cleanup_errors=True) as name:
        yield Path(name)


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for directory in versions:
        candidate = directory / name
        if candidate.exists():
            return str(candidate)
    raise ServiceUnavailable(f"{name} not found: run scripts/setup.sh (apt postgresql)")


def _as_postgres_user() -> Sequence[str]:
    """The prefix that runs a command as the `postgres` user when we are root; else nothing."""
    if os.geteuid() != 0:
        return ()
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServiceUnavailable("running as root without runuser: cannot start PostgreSQL")
    return (runuser, "-u", "postgres", "--")


@dataclass
class PostgresServer:
    """One PostgreSQL cluster on 127.0.0.1, trust authentication, user `archiver`."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    databases: list[str] = field(default_factory=list)
    _log: BinaryIO | None = None

    USER = "archiver"

    @property
    def admin_url(self) -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    @classmethod
    @contextmanager
    def start(cls, directory: Path) -> Iterator[PostgresServer]:
        server = cls(directory=directory, port=free_port())
        server._init()
        server._launch()
        try:
            yield server
        finally:
            server.stop()

    def _init(self) -> None:
        prefix = _as_postgres_user()
        self.directory.mkdir(parents=True, exist_ok=True)
        if prefix:
            shutil.chown(self.directory, user="postgres", group="postgres")
            os.chmod(self.directory, 0o700)
            # the user must be able to reach its directory through the temporary parents
            for parent in self.directory.parents:
                if parent == Path("/"):
                    break
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    os.chmod(parent, mode | 0o001)
        data = self.directory / "data"
        result = subprocess.run(
            [
                *prefix,
                _postgres_bin("initdb"),
                "-D",
                str(data),
                "-U",
                self.USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServiceUnavailable(f"initdb failed: {result.stderr.strip()[-300:]}")

    def _launch(self) -> None:
        log = self.directory / "postgres.log"
        prefix = _as_postgres_user()
        self._log = open(log, "ab")  # noqa: SIM115 - the server writes it until stop()
        self.process = subprocess.Popen(
            [
                *prefix,
                _postgres_bin("postgres"),
                "-D",
                str(self.directory / "data"),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.directory),  # the Unix socket stays in the temporary directory
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        _wait_listening(self.port, self.process, "postgres", log)
        self._wait_accepting(log)

    def _wait_accepting(self, log: Path) -> None:
        """Listening is not ready: until recovery ends, PostgreSQL answers "the database
        system is starting up". Wait until a connection is accepted."""
        import psycopg  # imported here: only PostgreSQL tests need the driver

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                psycopg.connect(self.admin_url, connect_timeout=2).close()
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise ServiceUnavailable(
                        f"postgres did not accept: {exc}: {_tail(log)}"
                    ) from exc
                time.sleep(0.1)
            else:
                return

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        import psycopg  # imported here: only PostgreSQL tests need the driver

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)

    def start_again(self) -> None:
        """Start a stopped server on the same port with the same data (a database restart)."""
        self._launch()

    def stop(self) -> None:
        _stop(self.process, timeout_s=30.0)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
