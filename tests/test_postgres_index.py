"""What only the PostgreSQL index has: its schema version and migrations, and a database that
is unreachable at start or lost during a run (the shared contract is test_index_contract.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import psycopg
import pytest
from structlog.testing import capture_logs

from archiver.adapters import postgres_schema
from archiver.adapters.postgres_index import PostgresIndex
from archiver.errors import IndexError_
from archiver.models import CheckResult, Outcome
from tests.support.services import PostgresServer, free_port, postgres_directory
from tests.test_shared_index import serving_again

pytestmark = pytest.mark.postgres

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


def a_check(site_id: str = "bank", minute: int = 0) -> CheckResult:
    return CheckResult(
        site_id=site_id,
        outcome=Outcome.UNCHANGED,
        started_at=T0.replace(minute=minute),
        duration_s=1.0,
    )


def schema_rows(url: str) -> list[int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT version FROM archiver_schema ORDER BY version")
        return [int(row[0]) for row in rows]


def test_workers_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    opened: list[PostgresIndex] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_index() -> None:
        start.wait()
        try:
            opened.append(PostgresIndex(postgres_url))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_index) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index in opened:
        index.close()
    assert errors == []
    assert schema_rows(postgres_url) == list(range(1, postgres_schema.LATEST + 1))


def test_an_index_newer_than_the_program_is_refused_in_one_line(postgres_url: str) -> None:
    PostgresIndex(postgres_url).close()
    with psycopg.connect(postgres_url) as connection:
        connection.execute("INSERT INTO archiver_schema (version) VALUES (99)")
    with pytest.raises(IndexError_) as caught:
        PostgresIndex(postgres_url)
    message = str(caught.value)
    assert "\n" not in message
    assert "schema version 99" in message
    assert "upgrade the archiver" in message


def test_an_unreachable_database_at_start_is_one_line_naming_it() -> None:
    port = free_port()
    url = f"postgresql://archiver:s3cret@127.0.0.1:{port}/archiver"
    with pytest.raises(IndexError_) as caught:
        PostgresIndex(url, connect_timeout_s=2)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot open the index postgresql://archiver@127.0.0.1:{port}/")
    assert "s3cret" not in message


@pytest.mark.slow  # a server of its own, stopped and started again
def test_a_database_lost_during_a_run_fails_loudly_then_serves_again() -> None:
    """Stopped: a write is an IndexError_ naming the database, and for a while every call
    says so at once; started again: the pool replaces its dead connections and the same
    write goes through."""
    with postgres_directory() as directory, PostgresServer.start(directory / "pg") as server:
        url = server.create_database("lost")
        index = PostgresIndex(url, connect_timeout_s=1)
        try:
            index.record_check(a_check(minute=0))
            server.stop()
            with pytest.raises(IndexError_, match=r"could not record a check of bank") as caught:
                index.record_check(a_check(minute=1))
            assert "\n" not in str(caught.value)
            with capture_logs() as logs, pytest.raises(IndexError_, match=r"could not be read"):
                index.last_checks()  # found down a moment ago: said at once, not waited for
            assert [e for e in logs if e["event"] == "index_retry"] == []
            server.start_again()
            assert serving_again(index)
            index.record_check(a_check(minute=1))
            assert [row.started_at.minute for row in index.checks("bank")] == [1, 0]
        finally:
            index.close()


def test_a_database_of_an_older_schema_is_migrated_keeping_its_checks(postgres_url: str) -> None:
    """Schema 1 had no table of each site's newest check: migration 2 derives it."""
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        postgres_schema.migrate(connection, where="test", target=1)
        for minute, outcome in ((0, "failed"), (9, "unchanged"), (5, "new")):
            connection.execute(
                "INSERT INTO checks (site_id, started_at, duration_s, outcome, status, check_id)"
                " VALUES ('bank', %s, 1.0, %s, 'ok', %s)",
                (T0.replace(minute=minute), outcome, f"c{minute}"),
            )
    index = PostgresIndex(postgres_url)
    try:
        assert schema_rows(postgres_url) == list(range(1, postgres_schema.LATEST + 1))
        last = index.last_checks()["bank"]
        assert (last.started_at, last.outcome) == (T0.replace(minute=9), Outcome.UNCHANGED)
        index.record_check(a_check(minute=7))  # older than the newest: not the last check
        assert index.last_checks()["bank"].started_at == T0.replace(minute=9)
        index.record_check(a_check(minute=30))
        assert index.last_checks()["bank"].started_at == T0.replace(minute=30)
    finally:
        index.close()
