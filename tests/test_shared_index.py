"""`index: {url}`: the configuration, the composition root, and a PostgreSQL index that is
unreachable at start (one line, non-zero exit) or lost during a run (the check says so, the
version is archived, observers are told, and `reindex` makes the index whole again)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from archiver import archive, reindex
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.postgres_index import PostgresIndex
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.app import build
from archiver.config import Site, load
from archiver.errors import ConfigError, IndexError_
from archiver.models import CheckResult, Outcome, StoredVersion
from archiver.pipeline import Deps, check_site
from archiver.testing import LocalSite
from tests.support.capture import FakeCapturer
from tests.support.services import PostgresServer, free_port, postgres_directory

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
URL = "https://www.bank.example.cn/xxgk/hzjg.html"
SITE = Site(id="bank", name="某银行", url=URL)
LIST = (
    "<html><head><title>合作机构名单</title></head><body><h1>互联网助贷业务合作机构名单</h1>"
    "<table><tr><th>序号</th><th>合作机构名称</th></tr>"
    "<tr><td>1</td><td>蚂蚁智信（杭州）信息技术有限公司</td></tr>"
    "<tr><td>2</td><td>上海淇毓信息科技有限公司</td></tr></table></body></html>"
)


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(text, path="sites.yaml")
    return caught.value.problems


# --- configuration -----------------------------------------------------------------------------


def test_a_password_in_the_index_url_is_refused_saying_where_it_goes() -> None:
    found = problems('index:\n  url: "postgresql://archiver:hunter2@db:5432/archiver"\n')
    assert found == [
        "sites.yaml:2: index.url: a password in the URL is refused: put it in "
        "ARCHIVER_INDEX_PASSWORD (or PGPASSWORD, ~/.pgpass) in the environment"
    ]
    assert "hunter2" not in found[0]
    found = problems("index: {url: 'postgresql://archiver@db/archiver?password=hunter2'}\n")
    assert "hunter2" not in found[0]
    assert "a password in the URL is refused" in found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("index: {url: 'mysql://db/archiver'}", "index.url: must be a postgresql:// URL"),
        ("index: {url: 'postgresql://db:99999/a'}", "index.url: not a valid URL"),
        ("index: {url: 'postgresql://db/a', pool_size: 0}", "index.pool_size: Input should be"),
        ("index: {url: 'postgresql://db/a', connect_timeout: 0s}", "connect_timeout must be"),
        ("index: {url: 'postgresql://db/a', password: x}", "unknown key 'password' (secrets"),
        ("index: {}", "index.url: required key is missing"),
    ],
)
def test_index_settings_problems_are_one_line_each(text: str, expected: str) -> None:
    found = problems(text + "\n")
    assert len(found) == 1
    assert expected in found[0]


def test_without_an_index_section_the_index_is_sqlite_in_the_state_dir(tmp_path: Path) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(f"state_dir: {tmp_path / 'var'}\nsites: []\n", encoding="utf-8")
    app = build(config, {})
    try:
        assert isinstance(app.index, SqliteIndex)
        assert (tmp_path / "var" / "index.sqlite").exists()
    finally:
        app.close()


@pytest.mark.postgres
def test_with_an_index_url_the_app_opens_postgresql(tmp_path: Path, postgres_url: str) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"state_dir: {tmp_path / 'var'}\nindex: {{url: '{postgres_url}', pool_size: 2}}\n"
        "sites: []\n",
        encoding="utf-8",
    )
    app = build(config, {"ARCHIVER_INDEX_PASSWORD": "unused-with-trust"})
    try:
        assert isinstance(app.index, PostgresIndex)
        assert app.index.describe() == postgres_url
        assert not (tmp_path / "var" / "index.sqlite").exists()
    finally:
        app.close()


@pytest.mark.slow  # starts the archiver as a process
def test_an_unreachable_index_at_start_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"state_dir: {tmp_path / 'var'}\nstorage: {{kind: local, path: {tmp_path / 'a'}}}\n"
        f"index: {{url: 'postgresql://archiver@127.0.0.1:{port}/archiver', "
        "connect_timeout: 2s}\nsites: []\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), "status"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1
    assert len(lines) == 1, done.stderr
    assert f"cannot open the index postgresql://archiver@127.0.0.1:{port}/archiver" in lines[0]
    assert "ARCHIVER_INDEX_PASSWORD" in lines[0]


def serving_again(index: PostgresIndex, *, within_s: float = 120.0) -> bool:
    """Whether the index answers again within `within_s` of its database coming back: the
    pool reconnects with an exponential backoff, so the first statements may still fail."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            index.last_checks()
        except IndexError_:
            time.sleep(0.5)
        else:
            return True
    return False


# --- lost during a run -------------------------------------------------------------------------


class Seen:
    """An observer that remembers what it was told."""

    def __init__(self) -> None:
        self.versions: list[int] = []
        self.checks: list[CheckResult] = []

    def on_version(
        self, site: Site, stored: StoredVersion, previous: StoredVersion | None
    ) -> None:
        self.versions.append(stored.manifest.seq)

    def on_check(self, site: Site, result: CheckResult) -> None:
        self.checks.append(result)


@pytest.mark.postgres
@pytest.mark.slow  # a server of its own, stopped and started again
def test_an_index_lost_during_a_run_loses_nothing_archived() -> None:
    """The database goes away between checks: the check archives its version, tells the
    observers (alerts come from the bucket's outbox), and says the index failed; once the
    database is back, `reindex` gives the index the version."""
    store = MemoryStore()
    capturer = FakeCapturer(now=lambda: T0)
    capturer.page(URL, LIST)
    seen = Seen()
    with postgres_directory() as directory, PostgresServer.start(directory / "pg") as server:
        index = PostgresIndex(server.create_database("lost"), connect_timeout_s=1)
        try:
            deps = Deps(
                store=store, capturer=capturer, index=index, now=lambda: T0, observers=(seen,)
            )
            server.stop()
            result = check_site(SITE, deps)
            assert result.outcome is Outcome.NEW
            assert "could not index version 1 of bank" in result.index_error
            assert seen.versions == [1]
            assert [c.index_error for c in seen.checks] == [result.index_error]
            head = archive.head(store, "bank")
            assert head is not None
            assert head.manifest.seq == 1
            server.start_again()
            assert serving_again(index)
            assert index.versions("bank") == []
            assert reindex.rebuild(index, store) == 1
            assert [v.seq for v in index.versions("bank")] == [1]
            assert len(list(index.partners(site_id="bank"))) == 2
        finally:
            index.close()


# --- reindex and the commands that read the index, on PostgreSQL -------------------------------


SECOND = LIST.replace("上海淇毓信息科技有限公司", "北京三快在线科技有限公司")


@pytest.mark.postgres
def test_reindex_on_postgresql_rebuilds_what_the_pipeline_recorded(postgres_url: str) -> None:
    store = MemoryStore()
    moment = [T0]
    capturer = FakeCapturer(now=lambda: moment[0])
    index = PostgresIndex(postgres_url)
    try:
        deps = Deps(store=store, capturer=capturer, index=index, now=lambda: moment[0])
        for day, page in enumerate((LIST, SECOND, LIST, LIST)):
            moment[0] = T0.replace(day=1 + day)
            capturer.page(URL, page)
            check_site(SITE, deps)
        other = Site(id="trust", name="某信托", url=URL)
        check_site(other, deps)
        recorded = (
            index.versions("bank"),
            index.versions("trust"),
            list(index.partners()),
            index.last_checks(),
        )
        assert [v.seq for v in recorded[0]] == [1, 2, 3]
        assert reindex.rebuild(index, store) == 4
        rebuilt = (
            index.versions("bank"),
            index.versions("trust"),
            list(index.partners()),
            index.last_checks(),
        )
        assert rebuilt == recorded
    finally:
        index.close()


def run_archiver(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.browser
@pytest.mark.postgres
def test_check_status_partners_and_publish_on_a_postgresql_index(
    tmp_path: Path, local_site: LocalSite, postgres_url: str
) -> None:
    """A real check in Chromium with `index: {url}`: the checks and versions land in
    PostgreSQL (no SQLite file), and status, partners, publish and reindex read them there."""
    local_site.page("/list.html", LIST)
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
index: {{url: "{postgres_url}"}}
network: {{allow_private: true}}
browser: {{screenshot: false}}
sites:
  - {{id: bank, name: 银行, url: "{local_site.url("/list.html")}"}}
""",
        encoding="utf-8",
    )
    first = run_archiver(config, "check", "--json")
    assert first.returncode == 0, first.stderr
    local_site.page("/list.html", SECOND)
    second = run_archiver(config, "check", "--json")
    assert second.returncode == 0, second.stderr
    outcomes = [json.loads(line)["outcome"] for line in (first.stdout + second.stdout).split("\n")
                if line.startswith("{")]  # fmt: skip
    assert outcomes == ["new", "changed"]
    assert not (tmp_path / "var" / "index.sqlite").exists()
    with psycopg.connect(postgres_url) as connection:
        rows = connection.execute("SELECT outcome FROM checks ORDER BY started_at").fetchall()
    assert [row[0] for row in rows] == ["new", "changed"]

    status = run_archiver(config, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["sites"]["ok"] == 1
    partners = run_archiver(config, "partners", "--json")
    assert partners.returncode == 0, partners.stderr
    names = [row["name"] for row in json.loads(partners.stdout)]
    assert names == ["蚂蚁智信（杭州）信息技术有限公司", "北京三快在线科技有限公司"]
    published = run_archiver(config, "publish")
    assert published.returncode == 0, published.stderr
    page = (tmp_path / "archive" / "public" / "sites" / "bank" / "index.html").read_text("utf-8")
    assert "北京三快在线科技有限公司" in page
    rebuilt = run_archiver(config, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "indexed 2 versions" in rebuilt.stdout
    again = run_archiver(config, "partners", "--json")
    assert [row["name"] for row in json.loads(again.stdout)] == names


def test_an_unchanged_check_gives_the_index_the_versions_it_missed(tmp_path: Path) -> None:
    """A worker killed between its manifest and the index, or an index that was down, leaves
    the bucket ahead: the next check that finds the page unchanged closes the gap."""
    store = MemoryStore()
    moment = [T0]
    capturer = FakeCapturer(now=lambda: moment[0])
    first = SqliteIndex(tmp_path / "first.sqlite")
    deps = Deps(store=store, capturer=capturer, index=first, now=lambda: moment[0])
    for day, page in enumerate((LIST, SECOND)):
        moment[0] = T0.replace(day=1 + day)
        capturer.page(URL, page)
        check_site(SITE, deps)
    first.close()
    behind = SqliteIndex(tmp_path / "behind.sqlite")  # has none of the two versions
    try:
        moment[0] = T0.replace(day=5)
        result = check_site(
            SITE, Deps(store=store, capturer=capturer, index=behind, now=lambda: moment[0])
        )
        assert result.outcome is Outcome.UNCHANGED
        assert result.index_error == ""
        assert [v.seq for v in behind.versions("bank")] == [1, 2]
        assert [p.name for p in behind.partners(site_id="bank")] == [
            "蚂蚁智信（杭州）信息技术有限公司",
            "北京三快在线科技有限公司",
        ]
    finally:
        behind.close()
