"""Publishing's pure core: records folded from versions, scorecard, diff layout, search, feeds."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pydantic import ValidationError

from archiver import archive, textdiff
from archiver.adapters.memory_store import MemoryStore
from archiver.models import BlobRef, Category, CheckRow, ListStatus, Marker, Outcome, Partner
from archiver.publish import (
    diffview,
    feeds,
    health,
    labels,
    model,
    paths,
    raw,
    scorecard,
    search_index,
    state,
    tables,
)
from archiver.publish.model import Catalog, SiteInfo
from archiver.publish.scorecard import Grade
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

ANT = partner("蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM)
DXM = partner("重庆度小满小额贷款有限公司")
QIFU = partner("上海淇毓信息科技有限公司")
T0 = datetime(2025, 10, 1, tzinfo=UTC)


def fold(*lists: tuple[Partner, ...]) -> model.SiteRecord:
    """A record folded from one version per list, written through a real store."""
    store = MemoryStore()
    builder = ArchiveBuilder(store, start=T0)
    for items in lists:
        builder.version("s", items)
    record = model.empty("s")
    for stored in archive.history(store, "s"):
        record = model.extend(record, stored, archive.text_of(store, stored.manifest))
    return record


class TestFold:
    """Folding versions into a site record."""

    def test_spans_follow_a_partner_dropped_and_readded(self) -> None:
        record = fold((ANT, DXM), (DXM,), (ANT, DXM))
        ant = record.summary.listing(ANT.match_key)
        assert ant is not None
        assert [(s.start_seq, s.end_seq) for s in ant.spans] == [(1, 2), (3, None)]
        assert [e.event.type.value for e in ant.events] == ["dropped", "readded"]
        assert ant.is_current

    def test_summary_holds_head_partners_and_counts(self) -> None:
        record = fold((ANT,), (ANT, QIFU))
        summary = record.summary
        assert summary.versions == 2
        assert summary.head is not None and summary.head.seq == 2
        assert [p.match_key for p in summary.partners] == [ANT.match_key, QIFU.match_key]
        assert [line.seq for line in record.timeline] == [1, 2]

    def test_chain_links_are_checked(self) -> None:
        record = fold((ANT,), (DXM,))
        assert all(line.chain_ok for line in record.timeline)

    def test_a_broken_chain_is_flagged(self) -> None:
        store = MemoryStore()
        builder = ArchiveBuilder(store, start=T0)
        first = builder.version("s", (ANT,))
        second = builder.version("s", (DXM,))
        forged = type(first)(key=first.key, digest="0" * 64, manifest=first.manifest)
        record = model.extend(model.empty("s"), forged, "")
        record = model.extend(record, second, "")
        assert record.timeline[-1].chain_ok is False

    def test_a_gap_in_versions_is_refused(self) -> None:
        store = MemoryStore()
        builder = ArchiveBuilder(store, start=T0)
        builder.version("s", (ANT,))
        second = builder.version("s", (DXM,))
        with pytest.raises(ValueError, match="does not follow"):
            model.extend(model.empty("s"), second, "")

    def test_an_unreadable_list_keeps_who_is_listed(self) -> None:
        store = MemoryStore()
        builder = ArchiveBuilder(store, start=T0)
        builder.version("s", (ANT, DXM))
        builder.version("s", (), list_status=ListStatus.UNPARSEABLE, text="扫描件")
        record = model.empty("s")
        for stored in archive.history(store, "s"):
            record = model.extend(record, stored, archive.text_of(store, stored.manifest))
        assert record.summary.partners_seq == 1
        assert len(record.summary.partners) == 2
        assert all(item.is_current for item in record.summary.listings)

    def test_overwriting_in_place_is_counted(self) -> None:
        record = fold((ANT,), (ANT, DXM), (ANT, DXM))  # v3: same list, new capture
        assert record.summary.overwrites == 1
        assert [line.overwritten for line in record.timeline] == [False, True, False]

    def test_changed_partners_are_those_whose_listing_moved(self) -> None:
        before = fold((ANT, DXM))
        after = fold((ANT, DXM), (ANT, QIFU))
        assert model.changed_partners(before.summary, after.summary) == {
            DXM.match_key,
            QIFU.match_key,
        }
        assert model.changed_partners(None, before.summary) == {ANT.match_key, DXM.match_key}


class TestCatalog:
    """Partners across institutions."""

    def test_counts_institutions_and_mentions(self) -> None:
        one = fold((ANT, DXM)).summary
        stored = ArchiveBuilder(MemoryStore(), start=T0).version("t", (ANT, ANT, QIFU))
        two = model.extend(model.empty("t"), stored, "").summary
        catalog = Catalog(summaries={"s": one, "t": two})
        views = {view.match_key: view for view in catalog.partners()}
        assert views[ANT.match_key].institutions == 2
        assert views[ANT.match_key].mentions == 3
        assert views[DXM.match_key].institutions == 1
        assert catalog.partners()[0].match_key == ANT.match_key
        assert catalog.partner(ANT.match_key).mentions == 3

    def test_a_partner_dropped_everywhere_keeps_its_history(self) -> None:
        summary = fold((ANT, DXM), (DXM,)).summary
        view = Catalog(summaries={"s": summary}).partner(ANT.match_key)
        assert view.institutions == 0
        assert [row.site_id for row in view.past] == ["s"]
        assert [item.event.type.value for _, item in view.events()] == ["dropped"]

    def test_unconfigured_sites_get_a_bare_entry(self) -> None:
        catalog = Catalog(summaries={}, infos={"a": SiteInfo(id="a", name="招联")})
        assert catalog.info("a").name == "招联"
        assert catalog.info("gone").name == "gone"


SCORE_CASES = [
    # (title, text, partners, versions, overwrites, expected grades by key)
    (
        "公告",
        "公告\n蚂蚁",
        (partner("蚂蚁系"),),
        1,
        0,
        {
            "title": Grade.FAIL,
            "update_time": Grade.FAIL,
            "history": Grade.UNKNOWN,
            "names": Grade.FAIL,
            "category": Grade.FAIL,
        },
    ),
    (
        "互联网贷款合作机构名单",
        "截至2025年9月30日",
        (ANT, DXM),
        3,
        0,
        {
            "title": Grade.PASS,
            "update_time": Grade.PASS,
            "history": Grade.PASS,
            "names": Grade.PASS,
            "category": Grade.PARTIAL,
            "product": Grade.FAIL,
        },
    ),
    (
        "公告",
        "关于互联网助贷业务合作机构名单的公告\n2025-09-30",
        (ANT, DXM, QIFU, partner("上海淇毓信息科技有限公司"), partner("京东")),
        2,
        1,
        {
            "title": Grade.PASS,
            "update_time": Grade.PARTIAL,
            "history": Grade.FAIL,
            "names": Grade.PARTIAL,
        },
    ),
]


@pytest.mark.parametrize("case", SCORE_CASES)
def test_scorecard(
    case: tuple[str, str, tuple[Partner, ...], int, int, dict[str, Grade]],
) -> None:
    title, text, items, versions, overwrites, grades = case
    card = scorecard.card(
        versions=versions,
        title=title,
        list_title=scorecard.list_title(title, text),
        update_time=scorecard.update_time(text),
        overwrites=overwrites,
        partners=items,
        list_status=ListStatus.OK,
    )
    got = {c.key: c.grade for c in card.criteria}
    assert {key: got[key] for key in grades} == grades


def test_scorecard_of_a_site_with_no_version_judges_nothing() -> None:
    card = model.quality(model.empty("s").summary)
    assert card.out_of == 0
    assert card.label == "–"


def test_marked_names_are_not_standard() -> None:
    marked = Partner(
        raw="某科技有限公司（已更名）",
        name="某科技有限公司",
        match_key="某科技",
        markers=(Marker.RENAMED,),
    )
    assert not scorecard.is_standard_name(marked)


class TestDiffView:
    """The text diff laid out for people."""

    def test_unchanged_stretches_are_cut_to_context(self) -> None:
        before = "甲" * 500 + "上海淇毓" + "乙" * 500
        after = "甲" * 500 + "奇富科技" + "乙" * 500
        view = diffview.view(textdiff.compare(before, after).ops, context=20)
        shown = "".join(s.text for s in view.inline)
        assert len(shown) == 20 + 4 + 4 + 20
        assert [s.skipped for s in view.inline if s.kind == "skip"] == [480, 480]

    def test_side_by_side_keeps_deletions_left_and_insertions_right(self) -> None:
        view = diffview.view(textdiff.compare("名单：蚂蚁", "名单：奇富").ops)
        (row,) = view.rows
        assert [(s.kind, s.text) for s in row.before] == [("equal", "名单："), ("delete", "蚂蚁")]
        assert [(s.kind, s.text) for s in row.after] == [("equal", "名单："), ("insert", "奇富")]

    def test_huge_diffs_are_truncated(self) -> None:
        view = diffview.view(((textdiff.INSERT, "字" * 1000),), max_chars=100)
        assert view.truncated
        assert sum(len(s.text) for s in view.inline) == 100

    def test_equal_texts_show_no_skips(self) -> None:
        view = diffview.view(((textdiff.EQUAL, "同" * 1000),), context=10)
        assert [s.kind for s in view.inline] == ["equal"]


class TestSearchIndex:
    """search.json."""

    def test_pinyin_initials_and_aliases_are_searchable(self) -> None:
        summary = fold((ANT, DXM)).summary
        catalog = Catalog(
            summaries={"s": summary}, infos={"s": SiteInfo(id="s", name="招联消费金融")}
        )
        cache = search_index.PinyinCache()
        rows = search_index.entries(catalog, cache)
        by_name = {row.name: row for row in rows}
        assert "myzx" in by_name[ANT.name].haystack
        assert "mayizhixin" in by_name[ANT.name].haystack
        assert "zlxfjr" in by_name["招联消费金融"].haystack
        assert by_name["招联消费金融"].path == "sites/s/index.html"
        data = json.loads(search_index.document(rows))
        assert data["format"] == 1
        assert len(data["items"]) == 3

    def test_the_pinyin_cache_is_used_and_pruned(self) -> None:
        cache = search_index.PinyinCache({"甲": "cached", "unused": "x"})
        assert cache("甲") == "cached"
        assert cache("abc") == ""
        assert cache.used() == {"甲": "cached", "abc": ""}


class TestPaths:
    """Where pages go and how they link."""

    def test_version_page_key_is_the_alert_convention(self) -> None:
        assert paths.version_page_key("zl", 7) == "public/sites/zl/v7.html"
        assert paths.version_page_key("zl", 7, prefix="www/") == "www/sites/zl/v7.html"

    def test_version_numbers_start_at_one(self) -> None:
        with pytest.raises(ValueError, match="start at 1"):
            paths.version_page("zl", 0)

    @pytest.mark.parametrize(
        ("source", "target", "expected"),
        [
            ("index.html", "sites/a/index.html", "sites/a/index.html"),
            ("sites/a/v2.html", "raw/ab/x.png", "../../raw/ab/x.png"),
            ("partners/p-1.html", "sites/a/v2.html", "../sites/a/v2.html"),
            ("sites/a/index.html", "sites/a/v2.html", "v2.html"),
        ],
    )
    def test_links_are_relative(self, source: str, target: str, expected: str) -> None:
        assert paths.href(source, target) == expected


RAW_CASES = [
    ("image/png", ".png", "image/png"),
    ("image/svg+xml", ".xml.txt", "text/plain; charset=utf-8"),
    ("text/html; charset=GBK", ".html.txt", "text/plain; charset=utf-8"),
    ("application/xhtml+xml", ".xml.txt", "text/plain; charset=utf-8"),
    ("application/javascript", ".bin", "application/octet-stream"),
    ("application/pdf", ".pdf", "application/pdf"),
    ("text/plain; charset=utf-8", ".txt", "text/plain; charset=utf-8"),
    ("application/json", ".json.txt", "text/plain; charset=utf-8"),
    ("", ".bin", "application/octet-stream"),
]


@pytest.mark.parametrize(("media_type", "suffix", "served"), RAW_CASES)
def test_archived_files_are_published_inert(media_type: str, suffix: str, served: str) -> None:
    ref = BlobRef(role="x", digest="cd" * 32, media_type=media_type, size_bytes=1)
    copy = raw.raw_file(ref)
    assert copy.path == f"raw/cd/{'cd' * 32}{suffix}"
    assert copy.media_type == served


class TestTables:
    """The partner table as CSV and JSON."""

    def test_csv_opens_in_excel_without_running_formulas(self) -> None:
        hostile = partner('=HYPERLINK("http://x","y")')
        summary = fold((ANT, hostile)).summary
        catalog = Catalog(summaries={"s": summary}, infos={"s": SiteInfo(id="s", name="招联")})
        data = tables.to_csv(tables.rows(catalog, catalog.partners()))
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:5] == ["partner", "match_key", "entity", "institutions", "mentions"]
        cells = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://x","y")' in cells
        assert not any(cell.startswith("=") for row in rows for cell in row)
        assert rows[1][6] == "招联"

    def test_json_has_the_same_rows(self) -> None:
        summary = fold((ANT, DXM)).summary
        catalog = Catalog(summaries={"s": summary})
        data = json.loads(tables.to_json(tables.rows(catalog, catalog.partners())))
        assert [row["institutions"] for row in data["partners"]] == [1, 1]


class TestFeeds:
    """Atom feeds."""

    def _feed(self, base_url: str | None = None) -> ET.Element:
        line = fold((ANT,), (DXM,)).timeline[-1]
        info = SiteInfo(id="s", name="招联<script>")
        entry = feeds.version_entry(info, line)
        data = feeds.atom(
            feed_id="urn:x",
            title="t\x00\x07itle",
            self_path="sites/s/feed.atom",
            page_path="sites/s/index.html",
            entries=[entry],
            base_url=base_url,
        )
        return ET.fromstring(data)  # noqa: S314 - the feed this test just generated

    def test_feed_is_valid_atom_with_text_summaries(self) -> None:
        root = self._feed()
        ns = {"a": feeds.ATOM}
        assert root.findtext("a:title", namespaces=ns) == "title"
        entry = root.find("a:entry", ns)
        assert entry is not None
        assert entry.findtext("a:title", namespaces=ns) == "招联<script> 第 2 版：新增 1 · 移除 1"
        summary = entry.find("a:summary", ns)
        assert summary is not None and summary.get("type") == "text"
        link = entry.find("a:link", ns)
        assert link is not None and link.get("href") == "v2.html"

    def test_links_are_absolute_with_a_public_url(self) -> None:
        root = self._feed("https://cdn.example.cn/public/")
        link = root.find(f"{{{feeds.ATOM}}}entry/{{{feeds.ATOM}}}link")
        assert link is not None
        assert link.get("href") == "https://cdn.example.cn/public/sites/s/v2.html"

    def test_an_empty_feed_is_still_valid(self) -> None:
        data = feeds.atom(
            feed_id="urn:x", title="t", self_path="feed.atom", page_path="index.html", entries=[]
        )
        root = ET.fromstring(data)  # noqa: S314 - the feed this test just generated
        assert root.findtext(f"{{{feeds.ATOM}}}updated") == "2000-01-01T00:00:00Z"


class TestState:
    """The published state round-trips, and anything else reads as no state."""

    def test_round_trip(self) -> None:
        summary = fold((ANT,), (DXM,)).summary
        original = state.PublishState(
            fingerprint="f",
            pages={"index.html": "h"},
            summaries={"s": summary},
            pinyin={"甲": "j|jia"},
        )
        loaded = state.decode(state.encode(original))
        assert loaded is not None
        assert loaded.summaries == {"s": summary}
        assert (loaded.fingerprint, loaded.pages, loaded.pinyin) == (
            "f",
            {"index.html": "h"},
            {"甲": "j|jia"},
        )

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"not gzip",
            state.encode(state.PublishState())[:10],
            __import__("gzip").compress(b'{"format": 99}'),
            __import__("gzip").compress(b'{"format": 1}'),
        ],
    )
    def test_garbage_is_no_state(self, data: bytes) -> None:
        assert state.decode(data) is None

    def test_timeline_round_trip_and_garbage(self) -> None:
        timeline = fold((ANT,), (DXM,)).timeline
        assert state.decode_timeline(state.encode_timeline(timeline)) == timeline
        assert state.decode_timeline(b"[]") is None
        assert state.decode_timeline(b'{"format":1,"versions":[{"seq":"x"}]}') is None


class TestHealth:
    """Health from the last check."""

    def row(self, outcome: Outcome, status: str = "ok") -> CheckRow:
        return CheckRow(
            "s", T0, 1.0, outcome, status, None, "boom" if outcome is Outcome.FAILED else ""
        )

    @pytest.mark.parametrize(
        ("outcome", "status", "expected"),
        [
            (Outcome.UNCHANGED, "ok", "ok"),
            (Outcome.CHANGED, "ok", "ok"),
            (Outcome.FAILED, "timeout", "failing"),
            (Outcome.FAILED, "unparseable", "unparseable"),
        ],
    )
    def test_classification(self, outcome: Outcome, status: str, expected: str) -> None:
        assert health.of(self.row(outcome, status), None).status == expected

    def test_no_check_log_is_unknown_unless_the_archive_says_unreadable(self) -> None:
        assert health.of(None, None).status == "unknown"
        store = MemoryStore()
        stored = ArchiveBuilder(store, start=T0).version(
            "s", (), list_status=ListStatus.UNPARSEABLE, text="扫描件"
        )
        summary = model.extend(model.empty("s"), stored, "扫描件").summary
        assert health.of(None, summary).status == "unparseable"


class TestSettings:
    """The publish: section."""

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"prefix": "/abs/"}, "plain path segments"),
            ({"prefix": "public"}, "ending in '/'"),
            ({"prefix": "a/../b/"}, "plain path segments"),
            ({"prefix": "blobs/"}, "mix published pages with the archive"),
            ({"prefix": "sites/x/"}, "mix published pages with the archive"),
            ({"base_url": "ftp://x"}, "http:// or https://"),
            ({"raw_roles": ["dom", "cookies"]}, "unknown blob role(s) 'cookies'"),
            ({"links": "signed"}, "Input should be"),
        ],
    )
    def test_bad_values_are_named(self, data: dict[str, object], message: str) -> None:
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            PublishSettings.model_validate(data)

    def test_base_url_gets_a_trailing_slash(self) -> None:
        assert PublishSettings(base_url="https://x.cn/p").base_url == "https://x.cn/p/"


def test_event_lines_read_as_sentences() -> None:
    assert labels.events_summary(()) == "名单无变化"
    line = fold((ANT,), (ANT, DXM)).timeline[-1]
    assert labels.events_summary(line.events) == "新增 1"


def test_update_time_found_in_many_formats() -> None:
    assert scorecard.update_time("更新时间：2025年10月1日") == "更新时间:2025年10月1日"
    assert scorecard.update_time("2025-09-30 发布") == "2025-09-30 发布"


def test_times_are_local() -> None:
    from archiver.publish.render import Renderer

    renderer = Renderer(PublishSettings())
    assert renderer.when(T0 + timedelta(hours=1)) == "2025-10-01 09:00"
    assert renderer.when(None) == "–"


def test_every_publish_key_is_documented() -> None:
    """docs/publishing.md documents each key of the publish: section."""
    doc = (Path(__file__).parent.parent / "docs" / "publishing.md").read_text(encoding="utf-8")
    section = doc.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [key for key in PublishSettings.model_fields if f"  {key}:" not in section]
    assert missing == []
