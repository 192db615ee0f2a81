"""Discovery against a local multi-institution world, with real Chromium and real stores."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from archiver import archive
from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Settings, Site
from archiver.discovery.cli import sites_group
from archiver.discovery.institution import run_institution
from archiver.discovery.registry import DocumentEventType
from archiver.discovery.settings import DiscoverySettings
from archiver.models import CheckResult, EventType, Outcome, StoredVersion
from archiver.pipeline import Deps
from archiver.ports import ObjectStore
from archiver.testing import LocalSite
from archiver.verify import verify_site

pytestmark = pytest.mark.browser


def _load_world() -> ModuleType:
    path = Path(__file__).parent / "fixtures" / "world" / "world.py"
    spec = importlib.util.spec_from_file_location("discovery_world", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["discovery_world"] = module
    spec.loader.exec_module(module)
    return module


world = _load_world()
SETTINGS = DiscoverySettings(delay=1.0)


@pytest.fixture(scope="module")
def capturer() -> Iterator[PlaywrightCapturer]:
    """One Chromium for the module."""
    browser = PlaywrightCapturer(allow_private=True, concurrency=1)
    yield browser
    browser.close()


@pytest.fixture
def the_world() -> Iterator[Any]:
    """Every institution on its own 127.0.0.1 port, read by the real partner reader."""
    with world.World() as built:
        yield built


@dataclass
class Recorder:
    """An observer that remembers what it was told."""

    versions: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def on_version(
        self, site: Site, version: StoredVersion, previous: StoredVersion | None
    ) -> None:
        self.versions.append(site.id)

    def on_check(self, site: Site, result: CheckResult) -> None:
        self.checks.append(site.id)


def _deps(store: ObjectStore, capturer: PlaywrightCapturer, clock: Any, **kw: Any) -> Deps:
    return Deps(
        store=store,
        capturer=capturer,
        index=SqliteIndex(":memory:"),
        now=clock.now,
        sleep=clock.sleep,
        screenshots=False,
        **kw,
    )


def _lists(version: StoredVersion | None) -> set[str]:
    assert version is not None
    return {d.url for d in version.manifest.documents if d.role == "list"}


def test_precision_and_recall_over_the_world(
    the_world: Any, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """Discovery finds the partner lists and nothing else, whatever their titles and containers."""
    deps = _deps(memory_store, capturer, clock)
    found: set[str] = set()
    truth: set[str] = set()
    for institution in the_world.institutions.values():
        check = run_institution(institution.site(), deps, settings=SETTINGS)
        assert check.result.outcome is Outcome.NEW, (institution.id, check.result.error)
        found |= _lists(check.result.version)
        truth |= institution.truth()
        assert check.pages <= SETTINGS.max_pages
    hits = found & truth
    precision = len(hits) / len(found)
    recall = len(hits) / len(truth)
    assert precision >= 0.95, sorted(found - truth)
    assert recall >= 0.95, sorted(truth - found)
    assert not _lists(archive.head(memory_store, "quiet-bank")), "traps taken for lists"


def test_steady_state_reads_only_index_pages_and_lists(
    the_world: Any, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """A second check re-reads no classified announcement and writes nothing new."""
    deps = _deps(memory_store, capturer, clock)
    site = the_world["static-bank"].site()
    first = run_institution(site, deps, settings=SETTINGS)
    clock.advance(6 * 3600)
    second = run_institution(site, deps, settings=SETTINGS)
    assert second.result.outcome is Outcome.UNCHANGED
    assert second.result.version == first.result.version
    assert second.document_events == ()
    # robots.txt + entry + column (2 pages of pagination in one load) + 2 lists
    assert second.pages == 5 < first.pages
    assert {r.outcome for r in second.documents} == {Outcome.UNCHANGED}


def test_a_list_moving_to_a_new_announcement_gives_no_partner_events(
    the_world: Any, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """Old announcement deleted, same list republished: document events, zero partner events."""
    recorder = Recorder()
    deps = _deps(memory_store, capturer, clock, observers=(recorder,))
    bank = the_world["moving-bank"]
    first = run_institution(bank.site(), deps, settings=SETTINGS)
    old_url = next(iter(_lists(first.result.version)))
    assert len(first.result.version.manifest.partners) == 4

    world.move_list(bank)
    clock.advance(6 * 3600)
    moved = run_institution(bank.site(), deps, settings=SETTINGS)
    assert moved.result.outcome is Outcome.CHANGED
    assert moved.result.events == ()
    assert moved.result.version.manifest.events == ()
    kinds = {(e.type, e.url) for e in moved.document_events}
    new_url = next(iter(bank.truth()))
    assert (DocumentEventType.NEW_ANNOUNCEMENT, new_url) in kinds
    assert (DocumentEventType.LIST_FOUND, new_url) in kinds
    assert (DocumentEventType.WITHDRAWN, old_url) in kinds
    docs = {d.url: d for d in moved.result.version.manifest.documents}
    withdrawn = docs[old_url]
    assert withdrawn.state == "withdrawn" and not withdrawn.current
    assert memory_store.exists(withdrawn.version_key)  # the last version is kept and linked
    assert docs[new_url].current
    assert 30.0 in clock.slept  # the 404 was confirmed after confirm_delay

    world.add_partner(bank)
    clock.advance(6 * 3600)
    grown = run_institution(bank.site(), deps, settings=SETTINGS)
    assert [(e.type, e.name) for e in grown.result.events] == [
        (EventType.ADDED, world.PLATFORM[3])
    ]
    assert recorder.versions == ["moving-bank"] * 3
    assert set(recorder.checks) == {"moving-bank"}


def test_institution_and_document_chains_verify_on_s3(
    the_world: Any, s3_store: Any, capturer: Any, clock: Any
) -> None:
    """Composite versions reference document versions that exist; every chain verifies."""
    deps = _deps(s3_store, capturer, clock)
    check = run_institution(the_world["more-bank"].site(), deps, settings=SETTINGS)
    manifest = check.result.version.manifest
    assert {b.role for b in manifest.blobs} >= {"text", "document"}
    chains = ["more-bank", *{d.archive_id for d in manifest.documents if d.archive_id}]
    assert len(chains) == 4  # institution, index, two lists
    for chain in chains:
        report = verify_site(s3_store, chain)
        assert report.ok and report.versions == 1, (chain, report.problems)
    current = [d for d in manifest.documents if d.current]
    assert len(current) == 2  # the combined list for platforms, the newer credit list


def test_pdf_lists_yield_partners(
    the_world: Any, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """PDF-only lists are found, and their partners reach the institution."""
    deps = _deps(memory_store, capturer, clock)
    check = run_institution(the_world["pdf-cfc"].site(), deps, settings=SETTINGS)
    assert _lists(check.result.version) == the_world["pdf-cfc"].truth()
    assert check.result.version.manifest.partners  # read from the PDF bytes, not the viewer


def test_budget_leaves_candidates_pending_and_the_next_run_continues(
    the_world: Any, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """A small page budget stops cleanly; later runs classify what is left."""
    deps = _deps(memory_store, capturer, clock)
    site = the_world["static-bank"].site()
    tight = DiscoverySettings(delay=1.0, max_pages=5)
    first = run_institution(site, deps, settings=tight)
    assert first.pages == 5
    docs = first.result.version.manifest.documents
    assert any(d.role == "pending" for d in docs)
    for _ in range(4):
        clock.advance(3600)
        last = run_institution(site, deps, settings=tight)
    docs = archive.head(memory_store, "static-bank").manifest.documents
    assert not any(d.role == "pending" for d in docs), last
    assert _lists(archive.head(memory_store, "static-bank")) == the_world["static-bank"].truth()


def test_robots_txt_is_honoured(memory_store: Any, capturer: Any, clock: Any) -> None:
    """A disallowed list is not read; a disallowed entry page fails the check."""
    with LocalSite() as server:
        server.file("/robots.txt", b"User-agent: *\nDisallow: /secret/\n", "text/plain")
        server.page(
            "/",
            world.page(
                "首页",
                world.items([("/secret/1.html", "互联网贷款合作机构名单", "2025-10-01")]),
                owner="某行",
            ),
        )
        server.page(
            "/secret/1.html",
            world.page("名单", world.table_list(world.PLATFORM[:3], []), owner="某行"),
        )
        deps = _deps(memory_store, capturer, clock)
        site = Site(id="robots-bank", name="某行", url=server.url("/"))
        check = run_institution(site, deps, settings=SETTINGS)
        assert server.hits["/secret/1.html"] == 0
        assert check.crawl is not None and check.crawl.skipped_robots
        assert not _lists(check.result.version)
        ignoring = run_institution(site, deps, settings=DiscoverySettings(delay=1.0, robots=False))
        assert _lists(ignoring.result.version)
        server.file("/robots.txt", b"User-agent: *\nDisallow: /\n", "text/plain")
        blocked = Site(id="robots-bank-2", name="某行", url=server.url("/"))
        failed = run_institution(blocked, deps, settings=SETTINGS)
        assert failed.result.outcome is Outcome.FAILED
        assert "robots.txt" in failed.result.error


def test_a_site_that_throttles_us_is_reported_not_hammered(
    memory_store: Any, capturer: Any, clock: Any
) -> None:
    """429 with Retry-After is waited for, then the host is given up on and reported."""
    with LocalSite() as server:
        server.page("/", "<p>Too many requests</p>", status=429, headers=(("Retry-After", "20"),))
        deps = _deps(memory_store, capturer, clock)
        site = Site(id="busy-bank", name="某行", url=server.url("/"))
        settings = DiscoverySettings(delay=1.0, block_after=3)
        check = run_institution(site, deps, settings=settings)
        assert check.result.outcome is Outcome.FAILED
        assert server.hits["/"] == 3
        assert clock.slept.count(20.0) == 2
        again = run_institution(site, deps, settings=settings, gate=None)
        assert again.result.outcome is Outcome.FAILED


def test_sites_report(the_world: Any, memory_store: Any, capturer: Any, clock: Any) -> None:
    """`archiver sites report` shows documents, partners and health per institution."""
    deps = _deps(memory_store, capturer, clock)
    sites = (the_world["marquee-cfc"].site(), the_world["quiet-bank"].site())
    for site in sites:
        run_institution(site, deps, settings=SETTINGS)
    missing = Site(id="never-bank", name="未查", url="http://127.0.0.1:9/")

    class App:
        settings = Settings(sites=(*sites, missing))
        store = memory_store
        index = deps.index

    class Ctx:
        def app(self) -> App:
            return App()

    runner = CliRunner()
    result = runner.invoke(sites_group, ["report", "--json"], obj=Ctx())
    assert result.exit_code == 0, result.output
    rows = {row["site_id"]: row for row in json.loads(result.output)}
    assert rows["marquee-cfc"]["lists"] == 1 and rows["marquee-cfc"]["partners"] == 2
    assert rows["marquee-cfc"]["health"] == "ok"
    assert rows["quiet-bank"]["lists"] == 0 and rows["quiet-bank"]["announcements"] == 3
    assert rows["never-bank"]["health"] == "never checked"
    table = runner.invoke(sites_group, ["report"], obj=Ctx())
    assert "marquee-cfc" in table.output and "1 with a partner list found" in table.output
    bad = runner.invoke(sites_group, ["report", "nope"], obj=Ctx())
    assert bad.exit_code == 2


# --- outsiders' discovery sequences (blind round 4) ----------------------------------------------

BLIND4 = Path(__file__).parent / "fixtures" / "blind4" / "seqs"
MEDIA = {".html": "text/html", ".pdf": "application/pdf", ".txt": "text/plain"}


def _serve_step(served: LocalSite, folder: Path) -> None:
    served.routes.clear()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("_"):
            media = MEDIA.get(path.suffix.lower(), "application/octet-stream")
            served.file("/" + path.relative_to(folder).as_posix(), path.read_bytes(), media)


def _blind_site(label: dict[str, Any], served: LocalSite) -> Site:
    url = served.url("/" + label["entry"])
    return Site.model_validate({"id": "seq", "name": label["name"], "url": url, "discover": {}})


@pytest.mark.parametrize(
    "sequence",
    [
        "disc-bank-gonggao-column",  # the list is an announcement titled only 公告, numbered items
        "disc-cfc-pdf-announcement",  # the same, as a PDF attached to the announcement
    ],
)
def test_an_announcement_titled_only_gonggao_with_numbered_items_is_a_list(
    sequence: str, memory_store: Any, capturer: Any, clock: Any
) -> None:
    """ "1. 某某有限公司；合作机构类别：平台运营机构；产品名称：…" items are partners, found by
    discovery from the announcement column, whether on the page or in its PDF attachment."""
    from archiver.partners import match_key

    labels = yaml.safe_load((BLIND4 / "labels.yaml").read_text(encoding="utf-8"))
    label = next(item for item in labels if item["id"] == sequence)
    first = label["steps"][0]
    deps = _deps(memory_store, capturer, clock)
    with LocalSite() as served:
        _serve_step(served, BLIND4 / sequence / first["dir"])
        check = run_institution(_blind_site(label, served), deps, settings=SETTINGS)
    assert check.result.outcome is Outcome.NEW, check.result.error
    version = check.result.version
    assert version is not None and _lists(version)
    read = {p.match_key for p in version.manifest.partners}
    assert read == {match_key(p["name"]) for p in first["partners"]}
