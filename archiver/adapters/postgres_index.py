"""The derived index on PostgreSQL, shared by every worker of a cluster (`index: {url}`).

The same port and the same semantics as `sqlite_index` (one contract suite over both), made
safe for several processes on several machines writing at once:

- every write is idempotent, so recording again (a retry after a lost answer, a redelivered
  task) changes nothing: a check is keyed by its id, a version by (site, seq) (`ON CONFLICT`);
- the partners of a site are replaced under the row lock of its `current_lists` entry, and
  only by a version at least as new as the one they came from;
- a connection lost mid-statement is retried on a fresh one (the writes are idempotent), and
  a database still unreachable then is an `IndexError_` the pipeline reports; the bucket,
  not this database, is the archive (`archiver reindex` rebuilds it).

Threads share one connection pool (psycopg_pool): the runner checks sites in threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

import psycopg
import structlog
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from archiver import keys
from archiver.adapters import index_rows as rows
from archiver.adapters import postgres_schema
from archiver.errors import IndexError_
from archiver.models import CheckResult, CheckRow, PartnerRow, StoredVersion, VersionRow

log = structlog.get_logger("archiver.index")
ATTEMPTS = 3  # a statement is tried on up to three connections before the index is "down"
RETRY_PAUSE_S = 0.2
Value = TypeVar("Value")

SELECT_CHECKS = "SELECT site_id, started_at, duration_s, outcome, status, seq, error FROM checks "
SELECT_VERSIONS = (
    "SELECT site_id, seq, key, digest, captured_at, content_digest, partner_count, "
    "event_count, final_url, title, belief, corrected_by FROM versions "
)
SELECT_PARTNERS = (
    "SELECT site_id, seq, name, raw, match_key, entity, category, category_raw, products, "
    "markers, former_names FROM partners "
)
# One statement: the check (once per id), and the site's newest check moved to it if it is
# the newest (by start, then row), whatever order writers finish in.
INSERT_CHECK = (
    "WITH added AS (INSERT INTO checks (site_id, started_at, duration_s, outcome, status, seq, "
    "error, check_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT ON CONSTRAINT checks_once DO NOTHING RETURNING id, site_id, started_at) "
    "INSERT INTO last_checks (site_id, started_at, check_row) "
    "SELECT site_id, started_at, id FROM added ON CONFLICT (site_id) DO UPDATE "
    "SET started_at = EXCLUDED.started_at, check_row = EXCLUDED.check_row "
    "WHERE (last_checks.started_at, last_checks.check_row) "
    "< (EXCLUDED.started_at, EXCLUDED.check_row)"
)
UPSERT_VERSION = (
    "INSERT INTO versions (site_id, seq, key, digest, captured_at, content_digest, "
    "partner_count, event_count, final_url, title, belief, corrected_by) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (site_id, seq) DO UPDATE SET key = EXCLUDED.key, digest = EXCLUDED.digest, "
    "captured_at = EXCLUDED.captured_at, content_digest = EXCLUDED.content_digest, "
    "partner_count = EXCLUDED.partner_count, event_count = EXCLUDED.event_count, "
    "final_url = EXCLUDED.final_url, title = EXCLUDED.title, belief = EXCLUDED.belief, "
    "corrected_by = EXCLUDED.corrected_by"
)
# Returns a row when `seq` may become the site's current list; locks the row either way.
CLAIM_CURRENT = (
    "INSERT INTO current_lists (site_id, seq) VALUES (%s, %s) ON CONFLICT (site_id) "
    "DO UPDATE SET seq = EXCLUDED.seq WHERE current_lists.seq <= EXCLUDED.seq RETURNING seq"
)
INSERT_PARTNER = (
    "INSERT INTO partners (site_id, seq, position, name, raw, match_key, entity, category, "
    "category_raw, products, markers, former_names) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)

Connection = psycopg.Connection[tuple[Any, ...]]


def describe(url: str) -> str:
    """The database a URL names, for messages: user, host, port, database; never a password.

    >>> describe("postgresql://archiver:s3cret@db.internal:5433/archive?sslmode=require")
    'postgresql://archiver@db.internal:5433/archive'
    """
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql (an invalid URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', 'localhost')}{port}/{parts.get('dbname', '')}"


class PostgresIndex:
    """The index port (`archiver.ports.Index`) on a PostgreSQL database.

    Opening migrates the schema (`postgres_schema.migrate`); an unreachable database or a
    schema newer than this program is an `IndexError_` with one line saying which and why.
    """

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        pool_size: int = 4,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self.where = describe(url)
        extra: dict[str, Any] = {"connect_timeout": max(1, round(connect_timeout_s))}
        if password:
            extra["password"] = password
        self._conninfo = make_conninfo(url, **extra)
        self._down_for_s = max(5.0, connect_timeout_s)  # fail fast this long once found down
        self._down_until = 0.0
        self._down_reason = ""
        self._state = threading.Lock()
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as connection:
                before = postgres_schema.migrate(connection, where=self.where)
        except psycopg.Error as exc:
            raise IndexError_(
                f"cannot open the index {self.where}: {_reason(exc)} (is PostgreSQL running "
                "there? index.url in the configuration; the password from "
                "ARCHIVER_INDEX_PASSWORD, PGPASSWORD or ~/.pgpass)"
            ) from exc
        if before != postgres_schema.LATEST:
            log.info("index_migrated", where=self.where, schema=postgres_schema.LATEST, was=before)
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=pool_size,
            timeout=connect_timeout_s,
            check=ConnectionPool.check_connection,  # a server restart leaves dead connections
            name="archiver-index",
            open=True,
        )

    def describe(self) -> str:
        """Where the index is, for logs and messages (never the password)."""
        return self.where

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()

    def _run(self, work: Callable[[Connection], Value], *, what: str) -> Value:
        """`work` in one transaction, on up to `ATTEMPTS` connections: every write is
        idempotent, so a statement whose answer was lost can be sent again. A database found
        down is not waited for again for `down_for_s`: checks go on at their own pace, each
        saying the index failed, until it answers."""
        with self._state:
            down, since = time.monotonic() < self._down_until, self._down_reason
        if down:
            raise IndexError_(f"the index {self.where} could not {what}: {since}")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._pool.connection() as connection:
                    return work(connection)
            except (psycopg.OperationalError, PoolTimeout) as exc:
                if attempt == ATTEMPTS:
                    with self._state:
                        self._down_until = time.monotonic() + self._down_for_s
                        self._down_reason = _reason(exc)
                    raise IndexError_(
                        f"the index {self.where} could not {what}: {_reason(exc)}"
                    ) from exc
                log.warning("index_retry", where=self.where, what=what, error=_reason(exc))
                time.sleep(RETRY_PAUSE_S * attempt)
            except psycopg.Error as exc:
                raise IndexError_(
                    f"the index {self.where} could not {what}: {_reason(exc)}"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _rows(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        def read(connection: Connection) -> list[tuple[Any, ...]]:
            return connection.execute(sql.encode(), args).fetchall()

        return self._run(read, what="be read")

    # --- writing -----------------------------------------------------------------------------

    def record_check(self, result: CheckResult) -> None:
        """Remember that a check happened; the same check (its id) twice is one row."""
        row = rows.check_values(result, _as_is)

        def write(connection: Connection) -> None:
            connection.execute(INSERT_CHECK, row)

        self._run(write, what=f"record a check of {result.site_id}")

    def record_version(self, stored: StoredVersion, *, current: bool = True) -> None:
        """Index a version (again: the same row); with `current`, a believed version's
        partners become the site's, unless a newer version's already are."""
        m = stored.manifest
        current = current and m.belief.is_believed and not keys.is_document_chain(m.site_id)
        version = rows.version_values(stored, _as_is)
        partners = rows.partner_values(m)

        def write(connection: Connection) -> None:
            connection.execute(UPSERT_VERSION, version)
            if not current:
                return
            if connection.execute(CLAIM_CURRENT, (m.site_id, m.seq)).fetchone() is None:
                return  # a newer version's partners are current already
            connection.execute("DELETE FROM partners WHERE site_id = %s", (m.site_id,))
            if partners:
                with connection.cursor() as cursor:
                    cursor.executemany(INSERT_PARTNER, partners)

        self._run(write, what=f"index version {m.seq} of {m.site_id}")

    def forget_versions(self) -> None:
        """Drop every indexed version and partner (`reindex.rebuild` reads them again)."""

        def write(connection: Connection) -> None:
            connection.execute("DELETE FROM partners")
            connection.execute("DELETE FROM current_lists")
            connection.execute("DELETE FROM versions")

        self._run(write, what="forget the indexed versions")

    # --- reading -----------------------------------------------------------------------------

    def checks(self, site_id: str, *, limit: int = 50) -> list[CheckRow]:
        """Newest checks of a site first."""
        found = self._rows(
            SELECT_CHECKS + "WHERE site_id = %s ORDER BY started_at DESC, id DESC LIMIT %s",
            (site_id, limit),
        )
        return [rows.check_row(row, rows.utc_moment) for row in found]

    def last_check(self, site_id: str) -> CheckRow | None:
        """The newest check of a site."""
        newest = self.checks(site_id, limit=1)
        return newest[0] if newest else None

    def last_checks(self) -> Mapping[str, CheckRow]:
        """The newest check of every site that has one."""
        found = self._rows(
            "SELECT c.site_id, c.started_at, c.duration_s, c.outcome, c.status, c.seq, c.error "
            "FROM last_checks AS l JOIN checks AS c ON c.id = l.check_row"
        )
        return {str(row[0]): rows.check_row(row, rows.utc_moment) for row in found}

    def consecutive_failures(self, site_id: str, *, limit: int = 1000) -> int:
        """How many of the newest checks failed in a row."""
        return rows.failures_in_a_row(self.checks(site_id, limit=limit))

    def last_seen(self, site_id: str) -> datetime | None:
        """When a check last read the site's page (any outcome but failed)."""
        found = self._rows(
            "SELECT MAX(started_at) FROM checks WHERE site_id = %s AND outcome <> 'failed'",
            (site_id,),
        )
        moment = found[0][0] if found else None
        return rows.utc_moment(moment) if moment is not None else None

    def versions(self, site_id: str) -> list[VersionRow]:
        """Indexed versions of a site, oldest first."""
        found = self._rows(SELECT_VERSIONS + "WHERE site_id = %s ORDER BY seq", (site_id,))
        return [rows.version_row(row, rows.utc_moment) for row in found]

    def latest_version(self, site_id: str) -> VersionRow | None:
        """The newest indexed version of a site."""
        found = self._rows(
            SELECT_VERSIONS + "WHERE site_id = %s ORDER BY seq DESC LIMIT 1",
            (site_id,),
        )
        return rows.version_row(found[0], rows.utc_moment) if found else None

    def partners(self, *, site_id: str | None = None) -> Iterator[PartnerRow]:
        """Current partners, by site then position."""
        if site_id is None:
            found = self._rows(SELECT_PARTNERS + "ORDER BY site_id, position")
        else:
            found = self._rows(
                SELECT_PARTNERS + "WHERE site_id = %s ORDER BY position", (site_id,)
            )
        for row in found:
            yield rows.partner_row(row)


def _reason(exc: BaseException) -> str:
    """The first line of a driver error, without libpq's trailing detail."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _as_is(moment: datetime) -> datetime:
    """PostgreSQL stores an aware datetime as it is (a `timestamptz`)."""
    return moment
