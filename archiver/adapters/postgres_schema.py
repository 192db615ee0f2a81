"""The PostgreSQL index's schema, as numbered migrations, and the one function that applies them.

Every process that opens the index calls `migrate`: under a transaction-scoped advisory lock,
so that several workers starting at once apply each migration exactly once, it reads the
version in `archiver_schema`, applies the migrations above it in order and records them. An
index newer than this program is refused (an older worker must not write a newer schema).
"""

from __future__ import annotations

from typing import Final

import psycopg

from archiver.errors import IndexError_

# pg_advisory_xact_lock key: "archiver" in ASCII, so it cannot collide with another program's
ADVISORY_KEY: Final = 0x6172636869766572

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: the tables of SqliteIndex, with a check's id unique, so that recording the same
    # check twice (a retry after a lost answer, a task that records it again) is one row;
    # and the seq of each site's current list, so that an older version indexed late never
    # replaces a newer list (its row is also the lock that serialises the writers of one
    # site's partners).
    """
    CREATE TABLE checks (
        id BIGSERIAL PRIMARY KEY,
        site_id TEXT NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        duration_s DOUBLE PRECISION NOT NULL,
        outcome TEXT NOT NULL,
        status TEXT NOT NULL,
        seq INTEGER,
        error TEXT NOT NULL DEFAULT '',
        check_id TEXT NOT NULL,
        CONSTRAINT checks_once UNIQUE (check_id)
    );
    CREATE INDEX checks_by_site ON checks (site_id, started_at DESC, id DESC);
    CREATE TABLE versions (
        site_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        key TEXT NOT NULL,
        digest TEXT NOT NULL,
        captured_at TIMESTAMPTZ NOT NULL,
        content_digest TEXT NOT NULL,
        partner_count INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        final_url TEXT NOT NULL,
        title TEXT NOT NULL,
        belief TEXT NOT NULL DEFAULT 'believed',
        corrected_by TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (site_id, seq)
    );
    CREATE TABLE current_lists (
        site_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
    );
    CREATE TABLE partners (
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
    CREATE INDEX partners_by_key ON partners (match_key);
    """,
    # 2: the newest check of each site, kept as checks are recorded: `archiver status`, the
    # metrics scrape and the published health column read it for every site, and a check
    # log of millions of rows cannot be sorted for that each time.
    """
    CREATE TABLE last_checks (
        site_id TEXT PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        check_row BIGINT NOT NULL REFERENCES checks (id) ON DELETE CASCADE
    );
    INSERT INTO last_checks (site_id, started_at, check_row)
        SELECT DISTINCT ON (site_id) site_id, started_at, id FROM checks
        ORDER BY site_id, started_at DESC, id DESC;
    """,
)
LATEST: Final = len(MIGRATIONS)


def migrate(
    connection: psycopg.Connection[tuple[object, ...]], *, where: str, target: int = LATEST
) -> int:
    """Bring the schema up to `target` (in one transaction); the version it was at before."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_KEY,))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS archiver_schema ("
            "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        row = connection.execute(
            "SELECT COALESCE(MAX(version), 0) FROM archiver_schema"
        ).fetchone()
        found = int(str(row[0])) if row else 0
        if found > LATEST:
            raise IndexError_(
                f"the index {where} has schema version {found}, this archiver knows only up "
                f"to {LATEST}: upgrade the archiver on this machine"
            )
        for version in range(found + 1, target + 1):
            connection.execute(MIGRATIONS[version - 1].encode())
            connection.execute("INSERT INTO archiver_schema (version) VALUES (%s)", (version,))
    return found
