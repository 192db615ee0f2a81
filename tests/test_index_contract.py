"""The contract of the derived index (`archiver.ports.Index`), whatever database holds it.

Every implementation passes this suite: SQLite on a file and in memory, and PostgreSQL (a
real server, a new empty database per test: `-m postgres`). Another database joins by adding
one entry to `IMPLEMENTATIONS` that opens an index on a fresh, empty database (called again,
the same database: a second process). Versions are written through the real archive (a
MemoryStore), so the rows read back are compared with what the bucket holds.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver import reindex
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.postgres_index import PostgresIndex
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.models import CheckResult, ListStatus, Outcome, PageStatus, StoredVersion
from archiver.ports import Index
from tests.support.alerts import write_version
from tests.support.builders import partner

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)

Opener = Callable[[], Index]


def _sqlite_file(request: pytest.FixtureRequest, tmp: Path) -> Opener:
    return lambda: SqliteIndex(tmp / "index.sqlite")


def _sqlite_memory(request: pytest.FixtureRequest, tmp: Path) -> Opener:
    shared = SqliteIndex(":memory:")  # one database per connection: "another process" is it
    return lambda: shared


def _postgres(request: pytest.FixtureRequest, tmp: Path) -> Opener:
    url = request.getfixturevalue("postgres_url")
    return lambda: PostgresIndex(url, pool_size=4)


# name -> (request, tmp_path) -> a function that opens the same fresh database each call
IMPLEMENTATIONS: dict[str, Callable[[pytest.FixtureRequest, Path], Opener]] = {
    "sqlite-file": _sqlite_file,
    "sqlite-memory": _sqlite_memory,
    "postgres": _postgres,
}
MARKS = {"postgres": pytest.mark.postgres}


@pytest.fixture(
    params=[pytest.param(name, marks=MARKS.get(name, ())) for name in sorted(IMPLEMENTATIONS)]
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    opened: list[Index] = []

    def open_index() -> Index:
        handle = make()
        if handle not in opened:
            opened.append(handle)
        return handle

    make = IMPLEMENTATIONS[request.param](request, tmp_path)
    try:
        yield open_index
    finally:
        for handle in opened:
            handle.close()


@pytest.fixture
def index(opener: Opener) -> Index:
    return opener()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def check(
    site_id: str,
    outcome: Outcome,
    minutes: int,
    *,
    version: StoredVersion | None = None,
    error: str = "",
) -> CheckResult:
    return CheckResult(
        site_id=site_id,
        outcome=outcome,
        started_at=T0 + timedelta(minutes=minutes),
        duration_s=1.25,
        status=PageStatus.OK if outcome is not Outcome.FAILED else PageStatus.TIMEOUT,
        version=version,
        error=error,
    )


def version(
    store: MemoryStore,
    site_id: str,
    *names: str,
    previous: StoredVersion | None = None,
    status: ListStatus = ListStatus.OK,
    days: int = 0,
) -> StoredVersion:
    return write_version(
        store,
        site_id,
        partners=tuple(partner(name) for name in names),
        captured_at=T0 + timedelta(days=days),
        previous=previous,
        list_status=status,
    )


# --- the check log ---------------------------------------------------------------------------


def test_checks_are_read_newest_first_with_every_field(index: Index, store: MemoryStore) -> None:
    v1 = version(store, "bank", "甲")
    index.record_check(check("bank", Outcome.NEW, 0, version=v1))
    index.record_check(check("bank", Outcome.FAILED, 10, error="the page did not load"))
    index.record_check(check("other", Outcome.UNCHANGED, 5))
    rows = index.checks("bank")
    assert [(r.outcome, r.seq, r.error) for r in rows] == [
        (Outcome.FAILED, None, "the page did not load"),
        (Outcome.NEW, 1, ""),
    ]
    assert rows[0].site_id == "bank"
    assert rows[0].started_at == T0 + timedelta(minutes=10)
    assert rows[0].duration_s == 1.25
    assert rows[0].status == PageStatus.TIMEOUT.value
    assert [r.outcome for r in index.checks("bank", limit=1)] == [Outcome.FAILED]
    assert index.checks("nobody") == []


def test_last_check_of_one_site_and_of_every_site(index: Index) -> None:
    assert index.last_check("bank") is None
    assert index.last_checks() == {}
    index.record_check(check("bank", Outcome.UNCHANGED, 0))
    index.record_check(check("bank", Outcome.FAILED, 1))
    index.record_check(check("other", Outcome.NEW, 2))
    last = index.last_check("bank")
    assert last is not None
    assert last.outcome is Outcome.FAILED
    assert {site: row.outcome for site, row in index.last_checks().items()} == {
        "bank": Outcome.FAILED,
        "other": Outcome.NEW,
    }


def test_consecutive_failures_stop_at_the_newest_success(index: Index) -> None:
    assert index.consecutive_failures("bank") == 0
    for minutes, outcome in enumerate(
        (Outcome.FAILED, Outcome.UNCHANGED, Outcome.FAILED, Outcome.FAILED, Outcome.FAILED)
    ):
        index.record_check(check("bank", outcome, minutes))
    assert index.consecutive_failures("bank") == 3
    assert index.consecutive_failures("bank", limit=2) == 2
    index.record_check(check("bank", Outcome.CHANGED, 9))
    assert index.consecutive_failures("bank") == 0


def test_last_seen_ignores_failed_checks(index: Index) -> None:
    assert index.last_seen("bank") is None
    index.record_check(check("bank", Outcome.FAILED, 0))
    assert index.last_seen("bank") is None
    index.record_check(check("bank", Outcome.UNCHANGED, 3))
    index.record_check(check("bank", Outcome.FAILED, 7))
    assert index.last_seen("bank") == T0 + timedelta(minutes=3)


# --- versions and current partners -----------------------------------------------------------


def test_versions_are_read_oldest_first_as_the_bucket_holds_them(
    index: Index, store: MemoryStore
) -> None:
    v1 = version(store, "bank", "甲", "乙")
    v2 = version(store, "bank", "甲", previous=v1, days=1)
    for stored in (v2, v1):  # any order in, seq order out
        index.record_version(stored)
    rows = index.versions("bank")
    assert [(r.seq, r.key, r.digest) for r in rows] == [
        (1, v1.key, v1.digest),
        (2, v2.key, v2.digest),
    ]
    assert rows[0].captured_at == v1.manifest.captured_at
    assert rows[0].content_digest == v1.manifest.content_digest
    assert (rows[0].partner_count, rows[0].event_count) == (2, 0)
    assert rows[0].final_url == v1.manifest.final_url
    assert rows[0].belief == "believed"
    latest = index.latest_version("bank")
    assert latest is not None
    assert latest.seq == 2
    assert index.latest_version("nobody") is None
    assert index.versions("nobody") == []


def test_indexing_a_version_again_replaces_it(index: Index, store: MemoryStore) -> None:
    v1 = version(store, "bank", "甲")
    index.record_version(v1)
    index.record_version(v1)
    assert [r.seq for r in index.versions("bank")] == [1]
    assert [p.name for p in index.partners(site_id="bank")] == ["甲"]


def test_the_newest_believed_version_gives_the_current_partners(
    index: Index, store: MemoryStore
) -> None:
    v1 = version(store, "bank", "甲", "乙")
    index.record_version(v1)
    v2 = version(store, "bank", previous=v1, status=ListStatus.UNPARSEABLE, days=1)
    index.record_version(v2)  # preserved and indexed, but not a list
    v3 = version(store, "bank", "丙", previous=v2, days=2)
    index.record_version(v3, current=False)  # indexed, not (yet) the current list
    assert [r.belief for r in index.versions("bank")] == ["believed", "unparseable", "believed"]
    assert [(p.seq, p.name) for p in index.partners(site_id="bank")] == [(1, "甲"), (1, "乙")]
    index.record_version(v3)
    assert [(p.seq, p.name) for p in index.partners(site_id="bank")] == [(3, "丙")]


def test_partners_of_every_site_by_site_then_position(index: Index, store: MemoryStore) -> None:
    index.record_version(version(store, "zeta", "戊", "丁"))
    index.record_version(version(store, "alpha", "丙", "甲"))
    ant = partner("蚂蚁智信（杭州）信息技术有限公司")
    index.record_version(
        write_version(store, "beta", partners=(ant,), captured_at=T0, previous=None)
    )
    assert [(p.site_id, p.name) for p in index.partners()] == [
        ("alpha", "丙"),
        ("alpha", "甲"),
        ("beta", ant.name),
        ("zeta", "戊"),
        ("zeta", "丁"),
    ]
    row = next(index.partners(site_id="beta"))
    assert (row.raw, row.match_key) == (ant.raw, ant.match_key)
    assert row.category == ant.category.value


def test_an_institutions_documents_are_indexed_but_not_current_partners(
    index: Index, store: MemoryStore
) -> None:
    document = version(store, "bank--d3f0b5e8d5f", "甲")
    index.record_version(document)
    assert [r.seq for r in index.versions("bank--d3f0b5e8d5f")] == [1]
    assert list(index.partners()) == []


def test_forgetting_versions_keeps_the_check_log(index: Index, store: MemoryStore) -> None:
    v1 = version(store, "bank", "甲")
    index.record_version(v1)
    index.record_check(check("bank", Outcome.NEW, 0, version=v1))
    index.forget_versions()
    assert index.versions("bank") == []
    assert list(index.partners()) == []
    assert [r.seq for r in index.checks("bank")] == [1]


def test_reindex_rebuilds_versions_and_partners_from_the_bucket(
    index: Index, store: MemoryStore
) -> None:
    """`archiver reindex` is core code over the port: any implementation can be rebuilt."""
    v1 = version(store, "bank", "甲")
    v2 = version(store, "bank", "乙", previous=v1, days=1)
    version(store, "bank", previous=v2, status=ListStatus.UNPARSEABLE, days=2)
    version(store, "other", "丙")
    index.record_version(version(store, "gone", "丁"))  # a stale row: rebuilt away
    store_without_gone = MemoryStore()
    for key in store.list(""):
        if "gone" not in key:
            store_without_gone.put(key, store.get(key), content_type="application/octet-stream")
    assert reindex.rebuild(index, store_without_gone) == 4
    assert [r.seq for r in index.versions("bank")] == [1, 2, 3]
    assert index.versions("gone") == []
    assert [(p.site_id, p.seq, p.name) for p in index.partners()] == [
        ("bank", v2.manifest.seq, "乙"),
        ("other", 1, "丙"),
    ]  # bank's newest believed version is 2: the unparseable 3 is not a list


# --- idempotence and concurrent writers (a cluster's workers, a redelivered task) -------------


def test_recording_the_same_check_twice_is_one_check(index: Index, store: MemoryStore) -> None:
    """A redelivered task or a retry after a lost answer records the same check again."""
    v1 = version(store, "bank", "甲")
    same = check("bank", Outcome.NEW, 0, version=v1)
    index.record_check(same)
    index.record_check(same)
    index.record_check(check("bank", Outcome.UNCHANGED, 5, version=v1))
    assert [(r.outcome, r.started_at) for r in index.checks("bank")] == [
        (Outcome.UNCHANGED, T0 + timedelta(minutes=5)),
        (Outcome.NEW, T0),
    ]


def test_recording_the_same_version_twice_changes_nothing(
    index: Index, store: MemoryStore
) -> None:
    v1 = version(store, "bank", "甲", "乙")
    index.record_version(v1)
    before = (index.versions("bank"), list(index.partners()))
    index.record_version(v1)
    assert (index.versions("bank"), list(index.partners())) == before


def test_an_older_version_indexed_late_does_not_replace_a_newer_list(
    index: Index, store: MemoryStore
) -> None:
    """Workers finish in any order: the current list is the newest believed version's."""
    v1 = version(store, "bank", "甲")
    v2 = version(store, "bank", "乙", previous=v1, days=1)
    v3 = version(store, "bank", previous=v2, days=2)  # believed, and empty: all partners gone
    index.record_version(v2)
    index.record_version(v1)
    assert [(p.seq, p.name) for p in index.partners()] == [(2, "乙")]
    index.record_version(v3)
    index.record_version(v2)
    assert list(index.partners()) == []
    assert [r.seq for r in index.versions("bank")] == [1, 2, 3]


def test_writers_recording_at_once_agree_on_one_index(opener: Opener, store: MemoryStore) -> None:
    """Four writers (connections of their own where the database has them) record the same
    checks and versions of two sites at once, each in its own order: every check is one row,
    every version one row, and each site's list is its newest version's."""
    chain: dict[str, list[StoredVersion]] = {"bank": [], "trust": []}
    for site_id, stored in chain.items():
        for day in range(5):
            names = [f"伙伴{site_id}{day}{n}" for n in range(day + 1)]
            stored.append(
                version(store, site_id, *names, previous=stored[-1] if stored else None, days=day)
            )
    work: list[Callable[[Index], None]] = []
    for stored in chain.values():
        for minutes, v in enumerate(stored):
            work.append(lambda index, v=v: index.record_version(v))
            result = check(v.manifest.site_id, Outcome.CHANGED, minutes, version=v)
            work.append(lambda index, result=result: index.record_check(result))
    writers = [opener() for _ in range(4)]
    start = threading.Barrier(len(writers))
    failures: list[BaseException] = []

    def write(index: Index, seed: int) -> None:
        mine = list(work)
        random.Random(seed).shuffle(mine)
        start.wait()
        try:
            for step in mine:
                step(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w, n)) for n, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    reader = opener()
    for site_id, stored in chain.items():
        assert [r.seq for r in reader.versions(site_id)] == [1, 2, 3, 4, 5]
        assert [r.seq for r in reader.checks(site_id)] == [5, 4, 3, 2, 1]
        assert reader.last_checks()[site_id].seq == 5
        newest = stored[-1].manifest
        assert [(p.seq, p.name) for p in reader.partners(site_id=site_id)] == [
            (5, p.name) for p in newest.partners
        ]
