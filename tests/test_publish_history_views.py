"""The analyst's history views: lists aligned by partner, counts over time, the week's changes,
and where a dropped partner went."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from archiver.adapters.memory_store import MemoryStore
from archiver.config import Site
from archiver.models import Category, EventType, Marker, Partner, PartnerEvent
from archiver.publish import tablediff
from archiver.publish.publisher import Publisher
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

T0 = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)


def p(name: str, **fields: object) -> Partner:
    return Partner(raw=name, name=name, match_key=name, **fields)  # type: ignore[arg-type]


def test_a_reordered_table_is_no_change() -> None:
    """The whole table re-sorted: every row the same, nothing struck through."""
    before = (p("蚂蚁", products=("借呗",)), p("淇毓", products=("360借条",)), p("度小满"))
    diff = tablediff.compare(before, tuple(reversed(before)))
    assert diff.changed == ()
    assert diff.reordered_only
    assert [row.cells[2].text for row in diff.rows] == ["", "360借条", "借呗"]  # cells apart


def test_changed_cells_are_marked_and_rows_keep_their_partner() -> None:
    before = (p("蚂蚁"), p("分期乐"), p("度小满"))
    after = (p("分期乐", markers=(Marker.SUSPENDED,)), p("蚂蚁"), p("淇毓"))
    diff = tablediff.compare(before, after)
    states = {row.cells[0].text: row.state for row in diff.rows}
    assert states == {"分期乐": "changed", "蚂蚁": "same", "淇毓": "added", "度小满": "dropped"}
    suspended = next(row for row in diff.rows if row.cells[0].text == "分期乐")
    assert suspended.cells[4] == tablediff.Cell("已暂停合作", before="")
    assert (suspended.position_before, suspended.position_after) == (2, 1)
    dropped = next(row for row in diff.rows if row.state == "dropped")
    assert dropped.position_after is None and dropped.position_before == 3


def test_a_rename_is_one_row() -> None:
    event = PartnerEvent(
        type=EventType.RENAMED,
        name="奇富科技",
        match_key="奇富科技",
        old="360数科",
        new="奇富科技",
    )
    diff = tablediff.compare((p("360数科"),), (p("奇富科技"),), (event,))
    assert [(row.state, row.cells[0]) for row in diff.rows] == [
        ("renamed", tablediff.Cell("奇富科技", before="360数科"))
    ]


def published() -> MemoryStore:
    store = MemoryStore()
    b = ArchiveBuilder(store, start=T0)
    ant = partner("蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM)
    dxm = partner("重庆度小满小额贷款有限公司", category=Category.PLATFORM)
    qy = partner("上海淇毓信息科技有限公司", category=Category.PLATFORM)
    b.version("bank", (ant, dxm))
    b.version("bank", (dxm, ant))  # re-ordered only
    b.version("bank", (ant, qy))  # 度小满 dropped, 淇毓 added
    sites = [Site(id="bank", name="示例银行", url="https://bank.example/")]
    now = T0 + timedelta(days=30)
    Publisher(store, PublishSettings(), sites=sites, now=lambda: now).publish_all()
    return store


def html(store: MemoryStore, key: str) -> str:
    return store.objects["public/" + key][0].decode()


def test_the_version_page_shows_the_table_before_the_text() -> None:
    store = published()
    reordered = html(store, "sites/bank/v2.html")
    assert "两版名单只是顺序不同，共 2 家，逐行逐格相同" in reordered
    assert reordered.index('id="table-diff"') < reordered.index('id="text-diff"')
    changed = html(store, "sites/bank/v3.html")
    assert 'class="row-dropped"' in changed and 'class="row-added"' in changed


def test_the_institution_page_draws_its_partner_count_and_lists_dropped_partners() -> None:
    page = html(published(), "sites/bank/index.html")
    assert '<svg class="chart"' in page
    assert page.count("<circle") == 3  # one dot per version
    assert "已移除的合作机构（1）" in page
    assert "第 3 版移除" in page
    assert "首次存档，2 家" in page


def test_the_week_page_and_the_partner_table_say_when_and_where() -> None:
    store = published()
    week = html(store, "week.html")
    assert "重庆度小满小额贷款有限公司" in week and "<rect" in week
    table = html(store, "partners/index.html")
    assert "被示例银行移除" in table


def test_the_institution_page_shows_ended_partners_under_their_own_heading() -> None:
    store = MemoryStore()
    ant = partner("蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM)
    kx = replace(
        partner("深圳萨摩耶融资担保有限公司", category=Category.CREDIT_ENHANCEMENT),
        markers=(Marker.TERMINATED,),
        remark="已终止合作",
    )
    ArchiveBuilder(store, start=T0).version("bank", (kx, ant))
    sites = [Site(id="bank", name="示例银行", url="https://bank.example/")]
    Publisher(store, PublishSettings(), sites=sites, now=lambda: T0).publish_all()
    page = html(store, "sites/bank/index.html")
    current = page[page.index('id="partners"') : page.index("已终止合作机构（1）")]
    ended = page[page.index('id="ended"') :]
    assert "现行合作机构名单（1）" in page
    assert ant.name in current and kx.name not in current
    assert kx.name in ended[: ended.index("</table>")]
