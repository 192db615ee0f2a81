"""The derived index on SQLite: checks, versions and current partners, for fast answers.

Versions and partners are rebuilt from the bucket by `archiver reindex`. The check log
("last checked", "unchanged since", consecutive failures) is the one thing the bucket does not
hold: losing it loses only the evidence of checks that found nothing new.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from archiver import keys
from archiver.adapters import index_rows as rows
from archiver.errors import IndexError_
from archiver.models import CheckResult, CheckRow, PartnerRow, StoredVersion, VersionRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    duration_s REAL NOT NULL,
    outcome TEXT NOT NULL,
    status TEXT NOT NULL,
    seq INTEGER,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS checks_by_site ON checks (site_id, id);
CREATE TABLE IF NOT EXISTS versions (
    site_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    digest TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    content_digest TEXT NOT NULL,
    partner_count INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    final_url TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (site_id, seq)
);
CREATE TABLE IF NOT EXISTS partners (
    site_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    raw TEXT NOT NULL,
    match_key TEXT NOT NULL,
    entity TEXT NOT NULL,
    category TEXT NOT NULL,
    category_raw TEXT NOT NULL,
    products TEXT NOT NULL,
    markers TEXT NOT NULL,
    former_names TEXT NOT NULL,
    PRIMARY KEY (site_id, position)
);
CREATE INDEX IF NOT EXISTS partners_by_key ON partners (match_key);
CREATE TABLE IF NOT EXISTS current_lists (
    site_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
"""
# A check recorded twice (a retry after a lost answer) is one row: its id is unique. Rows
# from before ids were recorded get one of their own.
UNIQUE_CHECKS = """
UPDATE checks SET check_id = 'row-' || id WHERE check_id = '';
CREATE UNIQUE INDEX checks_once ON checks (check_id);
CREATE INDEX IF NOT EXISTS checks_by_start ON checks (site_id, started_at);
"""
# Columns added since the first schema: (table, column, definition).
ADDED_COLUMNS = (
    ("versions", "belief", "TEXT NOT NULL DEFAULT 'believed'"),
    ("versions", "corrected_by", "TEXT NOT NULL DEFAULT ''"),
    ("checks", "check_id", "TEXT NOT NULL DEFAULT ''"),
)


SELECT_VERSIONS = (
    "SELECT site_id, seq, key, digest, captured_at, content_digest, partner_count, "
    "event_count, final_url, title, belief, corrected_by FROM versions WHERE site_id = ? "
)


@contextmanager
def _one_opener_at_a_time(path: Path | str) -> Iterator[None]:
    """Hold an exclusive lock on `<index>.lock` while the schema is created and migrated.

    Processes on one machine share the file (two `archiver worker`s, a worker and `status`):
    each reads which columns exist and adds the missing ones, and two doing that at once both
    add the same column ("duplicate column name"), failing one of them at start."""
    if not isinstance(path, Path):
        yield  # ":memory:" belongs to one connection
        return
    with path.with_name(path.name + ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SqliteIndex:
    """The index port (`archiver.ports.Index`) on one SQLite file.

    Thread-safe, in WAL mode, so the CLI can read while the daemon writes.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        try:
            if isinstance(self.path, Path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with _one_opener_at_a_time(self.path):
                self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)
                self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise IndexError_(
                f"cannot open the index {path}: {exc}; delete it and run 'archiver reindex'"
            ) from exc
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        """Add the columns an older index file lacks (the rest is rebuilt by reindex)."""
        for table, column, definition in ADDED_COLUMNS:
            names = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in names:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        indexes = {row[1] for row in self._db.execute("PRAGMA index_list(checks)")}
        if "checks_once" not in indexes:
            self._db.executescript(UNIQUE_CHECKS)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _write(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        with self._lock, self._db:
            self._db.executemany(sql, rows)

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args))

    # --- writing -----------------------------------------------------------------------------

    def record_check(self, result: CheckResult) -> None:
        """Remember that a check happened; the same check (its id) twice is one row."""
        self._write(
            "INSERT OR IGNORE INTO checks (site_id, started_at, duration_s, outcome, status, seq, "
            "error, check_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [rows.check_values(result, _iso)],
        )

    def record_version(self, stored: StoredVersion, *, current: bool = True) -> None:
        """Index a version (again: the same row); with `current`, a believed version's partners
        become the site's current list, unless a newer version's already are (a version that
        is not believed is preserved, not a list)."""
        m = stored.manifest
        current = current and m.belief.is_believed
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO versions (site_id, seq, key, digest, captured_at, "
                "content_digest, partner_count, event_count, final_url, title, belief, "
                "corrected_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows.version_values(stored, _iso),
            )
            # an institution's documents feed its composite list; only that is current
            if current and not keys.is_document_chain(m.site_id) and self._claim(m.site_id, m.seq):
                self._db.execute("DELETE FROM partners WHERE site_id = ?", (m.site_id,))
                self._db.executemany(
                    "INSERT INTO partners VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows.partner_values(m),
                )

    def _claim(self, site_id: str, seq: int) -> bool:
        """Make `seq` the site's current list unless a newer one is (inside a transaction)."""
        row = self._db.execute(
            "SELECT seq FROM current_lists WHERE site_id = ?", (site_id,)
        ).fetchone()
        if row is not None and int(row[0]) > seq:
            return False
        self._db.execute("INSERT OR REPLACE INTO current_lists VALUES (?, ?)", (site_id, seq))
        return True

    def forget_versions(self) -> None:
        """Drop every indexed version and partner (`reindex.rebuild` reads them again)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM versions")
            self._db.execute("DELETE FROM partners")
            self._db.execute("DELETE FROM current_lists")

    # --- reading -----------------------------------------------------------------------------

    def checks(self, site_id: str, *, limit: int = 50) -> list[CheckRow]:
        """Newest checks of a site first (by start: writers may finish in any order; the
        times are all UTC, so their ISO text sorts as they do)."""
        found = self._read(
            "SELECT site_id, started_at, duration_s, outcome, status, seq, error FROM checks "
            "WHERE site_id = ? ORDER BY started_at DESC, id DESC LIMIT ?",
            (site_id, limit),
        )
        return [rows.check_row(row, rows.iso_moment) for row in found]

    def last_check(self, site_id: str) -> CheckRow | None:
        """The newest check of a site."""
        newest = self.checks(site_id, limit=1)
        return newest[0] if newest else None

    def last_checks(self) -> dict[str, CheckRow]:
        """The newest check of every site that has one."""
        found = self._read(
            "SELECT site_id, started_at, duration_s, outcome, status, seq, error FROM checks "
            "WHERE id IN (SELECT (SELECT id FROM checks AS c WHERE c.site_id = s.site_id "
            "ORDER BY started_at DESC, id DESC LIMIT 1) "
            "FROM (SELECT DISTINCT site_id FROM checks) AS s)"
        )
        return {str(row[0]): rows.check_row(row, rows.iso_moment) for row in found}

    def consecutive_failures(self, site_id: str, *, limit: int = 1000) -> int:
        """How many of the newest checks failed in a row."""
        return rows.failures_in_a_row(self.checks(site_id, limit=limit))

    def last_seen(self, site_id: str) -> datetime | None:
        """When a check last read the site's page (any outcome but failed)."""
        found = self._read(
            "SELECT MAX(started_at) FROM checks WHERE site_id = ? AND outcome != 'failed'",
            (site_id,),
        )
        return rows.iso_moment(found[0][0]) if found and found[0][0] else None

    def versions(self, site_id: str) -> list[VersionRow]:
        """Indexed versions of a site, oldest first."""
        found = self._read(SELECT_VERSIONS + "ORDER BY seq", (site_id,))
        return [rows.version_row(row, rows.iso_moment) for row in found]

    def latest_version(self, site_id: str) -> VersionRow | None:
        """The newest indexed version of a site."""
        found = self._read(SELECT_VERSIONS + "ORDER BY seq DESC LIMIT 1", (site_id,))
        return rows.version_row(found[0], rows.iso_moment) if found else None

    def partners(self, *, site_id: str | None = None) -> Iterator[PartnerRow]:
        """Current partners, by site then position."""
        sql = (
            "SELECT site_id, seq, name, raw, match_key, entity, category, category_raw, "
            "products, markers, former_names FROM partners"
        )
        args: tuple[object, ...] = ()
        if site_id is not None:
            sql += " WHERE site_id = ?"
            args = (site_id,)
        for row in self._read(sql + " ORDER BY site_id, position", args):
            yield rows.partner_row(row)


def _iso(moment: datetime) -> str:
    """SQLite keeps a moment as ISO text (UTC, so the text sorts as the moments do)."""
    return moment.isoformat()
