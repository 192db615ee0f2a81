"""What only the SQLite index has: opening a file an older release wrote (the shared
contract is test_index_contract.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.models import CheckResult, Outcome
from tests.support.alerts import write_version
from tests.support.builders import partner

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)

OLD_SCHEMA = """
CREATE TABLE checks (id INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL,
    started_at TEXT NOT NULL, duration_s REAL NOT NULL, outcome TEXT NOT NULL,
    status TEXT NOT NULL, seq INTEGER, error TEXT NOT NULL DEFAULT '');
CREATE TABLE versions (site_id TEXT NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL,
    digest TEXT NOT NULL, captured_at TEXT NOT NULL, content_digest TEXT NOT NULL,
    partner_count INTEGER NOT NULL, event_count INTEGER NOT NULL, final_url TEXT NOT NULL,
    title TEXT NOT NULL, PRIMARY KEY (site_id, seq));
CREATE TABLE partners (site_id TEXT NOT NULL, seq INTEGER NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, raw TEXT NOT NULL, match_key TEXT NOT NULL, entity TEXT NOT NULL,
    category TEXT NOT NULL, category_raw TEXT NOT NULL, products TEXT NOT NULL,
    markers TEXT NOT NULL, former_names TEXT NOT NULL, PRIMARY KEY (site_id, position));
"""


def test_a_file_of_an_older_release_opens_with_its_checks_and_keys_new_ones(
    tmp_path: Path,
) -> None:
    """Its checks (two with the same start, as a frozen clock writes) are kept, each with an
    id of its own; a check recorded twice from now on is one row; partners still move."""
    path = tmp_path / "index.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
        for _ in range(2):
            old.execute(
                "INSERT INTO checks (site_id, started_at, duration_s, outcome, status) "
                "VALUES ('bank', ?, 1.0, 'unchanged', 'ok')",
                (T0.isoformat(),),
            )
    old.close()
    index = SqliteIndex(path)
    try:
        assert len(index.checks("bank")) == 2
        again = CheckResult(
            site_id="bank", outcome=Outcome.FAILED, started_at=T0.replace(hour=9), duration_s=1
        )
        index.record_check(again)
        index.record_check(again)
        assert [row.outcome for row in index.checks("bank")] == [
            Outcome.FAILED,
            Outcome.UNCHANGED,
            Outcome.UNCHANGED,
        ]
        store = MemoryStore()
        v1 = write_version(store, "bank", partners=(partner("甲"),), captured_at=T0)
        index.record_version(v1)
        assert [p.name for p in index.partners()] == ["甲"]
    finally:
        index.close()
    reopened = SqliteIndex(path)  # the migration is done once
    try:
        assert len(reopened.checks("bank")) == 3
    finally:
        reopened.close()
