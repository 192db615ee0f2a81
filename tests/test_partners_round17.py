"""Shapes blind round 17 and its quiet-change corpus found read wrong, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind17.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from archiver.partners import AliasTable, compare
from benchmarks import bench_noise
from tests.test_partners_documents import aliases
from tests.test_partners_events import version as manifest

__all__ = ["aliases"]  # the module's fixture, shared

ANT = "蚂蚁智信（杭州）信息技术有限公司"
QY = "上海淇毓信息科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"
SX = "重庆三峡融资担保集团股份有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str) -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body)).partners}


def test_names_of_a_row_of_spans_read_glued_are_each_a_partner() -> None:
    """A redesign's grid: each row a div of spans, nothing between them, so the row reads as
    one line "甲有限公司乙有限公司". Each whole name is a partner; a branch stays one name."""
    rows = (
        f"<div class='row'><span class='col'>{ANT}</span><span class='col'>{QY}</span></div>"
        f"<div class='row'><span class='col'>{ZA}</span>"
        f"<span class='col'>{PICC}北京市分公司</span><span class='col'>{SX}</span></div>"
    )
    read = _read(f"<h3>合作机构</h3><div class='grid'>{rows}</div>")
    assert set(read) == {ANT, QY, ZA, f"{PICC}北京市分公司", SX}


@pytest.mark.parametrize("note", ["（共2家，排名不分先后）", "（排名不分先后）", "（按拼音排序）"])
def test_a_heading_with_a_note_on_the_order_names_its_category(note: str) -> None:
    """ "一、平台运营机构（共2家，排名不分先后）": the note in brackets is about the order of the
    names, the heading still gives them their category."""
    body = (
        f"<h3>一、平台运营机构{note}</h3><table><tr><td>{ANT}</td><td>{QY}</td></tr></table>"
        f"<h3>二、增信服务机构（共1家）</h3><table><tr><td>{ZA}</td></tr></table>"
    )
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", ZA: "增信服务机构"}


def test_a_block_hidden_from_everyone_that_nothing_shows_is_not_read() -> None:
    """A honeypot: links for bots in a block hidden from sight and from screen readers, no
    control naming it. A modal the 查看名单 button opens (hidden the same way) is read."""
    body = (
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr><tr><td>{QY}</td></tr></table>"
        "<div style='display:none' aria-hidden='true'>"
        f"<a href='/x/1'>{PICC}</a><a href='/x/2'>{SX}</a></div>"
        "<button data-target='#more'>查看名单</button>"
        f"<div id='more' style='display: none' aria-hidden='true'><p>{ZA}</p></div>"
    )
    assert set(_read(body)) == {ANT, QY, ZA}


def test_a_list_drawn_as_svg_text_is_read_line_by_line() -> None:
    """An infographic: each partner a <text> on its own baseline, its category another
    <text> on the same baseline further right."""
    rows = "".join(
        f"<text x='40' y='{y}'>{name}</text><text x='520' y='{y}'>{category}</text>"
        for y, name, category in ((90, ANT, "平台运营机构"), (140, ZA, "增信服务机构"))
    )
    body = f"<svg width='700' height='200'><text x='20' y='40'>合作机构名单</text>{rows}</svg>"
    assert _read(body) == {ANT: "平台运营机构", ZA: "增信服务机构"}


def test_a_product_table_without_a_partner_column_gives_no_partner() -> None:
    """ "产品名称 | 运营平台 | 增信方式 | 年化利率区间" or "产品名称 | 合作平台 | 贷款额度 | 期限":
    its brands and its 融资担保 are not partners, whatever they are named."""
    body = (
        f"<h3>一、合作机构</h3><table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr></table>"
        "<h3>二、合作产品</h3><table><tr><th>产品名称</th><th>运营平台</th><th>增信方式</th>"
        "<th>年化利率区间</th></tr><tr><td>甲银行·借呗</td><td>支付宝</td><td>无</td>"
        "<td>7.2%-18%</td></tr><tr><td>甲银行·乐花</td><td>分期乐商城</td><td>保证保险</td>"
        "<td>7.2%-24%</td></tr></table>"
        "<table><tr><th>产品名称</th><th>合作平台</th><th>贷款额度</th><th>期限</th></tr>"
        "<tr><td>甲e贷（美团）</td><td>美团借钱</td><td>最高20万元</td><td>3-36期</td></tr>"
        "<tr><td>甲还呗贷</td><td>还呗</td><td>最高20万元</td><td>3-12期</td></tr></table>"
    )
    assert set(_read(body)) == {ANT}


def test_a_status_column_without_a_header_ends_its_partner() -> None:
    """A table whose header is another table (a fixed header) and whose last column says
    合作中 / 已终止: the 已终止 partner is ended, not current."""
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>平台运营机构</td><td>{status}</td></tr>"
        for n, (name, status) in enumerate(((ANT, "合作中"), (QY, "已终止"), (SX, "合作中")), 1)
    )
    partners = bench_noise.read(_page(f"<table>{rows}</table>")).partners
    ended = {p.name for p in partners if p.markers}
    assert {p.name for p in partners} == {ANT, QY, SX}
    assert ended == {QY}


def test_a_list_numbered_down_two_columns_gives_each_name() -> None:
    """A notice set in two columns: each line of the page is "1. 甲 5. 乙" (numbered down
    the first column, then the second)."""
    lines = "".join(
        f"<p>{a}. {x} {b}. {y}</p>" for a, x, b, y in ((1, ANT, 3, ZA), (2, QY, 4, PICC))
    )
    assert set(_read(f"<h3>合作机构</h3>{lines}")) == {ANT, QY, ZA, PICC}


def test_a_dash_for_an_empty_cell_after_a_short_name_keeps_the_name() -> None:
    """A PDF row "4 太平财产保险有限公司 —" (the product column empty): the dash is no part of
    the name and the short name is read."""
    body = "".join(
        f"<p>{n} {name} —</p>" for n, name in enumerate((ZA, "太平财产保险有限公司"), 1)
    )
    assert set(_read(f"<h3>增信服务机构</h3>{body}")) == {ZA, "太平财产保险有限公司"}


def test_a_struck_name_with_the_new_name_under_it_is_a_rename() -> None:
    """ "<del>旧名称</del><br>新名称" in a name cell: the partner is the new name, the struck
    one its former name, not a partner ended."""
    row = f"<tr><td><del>{QY}</del><br>上海奇富信息科技有限公司</td><td>平台运营机构</td></tr>"
    row += f"<tr><td>{ANT}</td><td>平台运营机构</td></tr>"
    body = f"<table><tr><th>机构名称</th><th>类型</th></tr>{row}</table>"
    partners = bench_noise.read(_page(body)).partners
    assert {p.name: p.former_names for p in partners} == {
        "上海奇富信息科技有限公司": (QY,),
        ANT: (),
    }


def _events(aliases: AliasTable, before: str, after: str) -> list[tuple[str, ...]]:
    old = bench_noise.read(_page(before)).partners
    new = bench_noise.read(_page(after)).partners
    events, _ = compare(manifest(old), new, aliases=aliases)
    return [(e.type.value, e.name, e.field, e.old, e.new) for e in events]


def _sections(*sections: tuple[str, tuple[str, ...]]) -> str:
    return "".join(
        f"<h4>{heading}</h4><ol>{''.join(f'<li>{n}</li>' for n in names)}</ol>"
        for heading, names in sections
    )


def test_a_heading_reworded_in_filler_words_is_no_event(aliases: AliasTable) -> None:
    """平台运营机构 -> 平台运营服务机构, 增信服务机构 -> 增信服务提供机构: the same categories in
    other words; 营销获客机构 in place of 平台运营机构 is still a change as published."""
    before = _sections(("一、平台运营机构", (ANT, QY)), ("二、增信服务机构", (ZA,)))
    reworded = _sections(("一、平台运营服务机构", (ANT, QY)), ("二、增信服务提供机构", (ZA,)))
    assert _events(aliases, before, reworded) == []
    renamed = _sections(("一、营销获客机构", (ANT, QY)), ("二、增信服务机构", (ZA,)))
    assert [e[:3] for e in _events(aliases, before, renamed)] == [
        ("field_changed", ANT, "category"),
        ("field_changed", QY, "category"),
    ]


def test_a_partner_that_leaves_one_of_its_two_headings_changes_category(
    aliases: AliasTable,
) -> None:
    """美团 under 平台运营机构 and under 联合营销（获客）合作机构 (both platforms), then only
    under the first: its category as published changed."""
    before = _sections(("平台运营机构", (ANT, QY)), ("联合营销（获客）合作机构", (QY,)))
    after = _sections(("平台运营机构", (ANT, QY)))
    assert [e[:3] for e in _events(aliases, before, after)] == [("field_changed", QY, "category")]


def test_products_in_one_cell_or_two_in_another_order_are_no_change(aliases: AliasTable) -> None:
    """ "还呗、还享花" read as one product (a PDF line), then 还呗 and 还享花 as two (a table
    cell): the same products."""
    head = "<tr><th>机构名称</th><th>合作产品</th></tr>"
    after = bench_noise.read(
        _page(f"<table>{head}<tr><td>{QY}</td><td>还呗、还享花</td></tr></table>")
    ).partners
    assert sorted(after[0].products) == ["还享花", "还呗"]
    before = tuple(replace(p, products=("还呗、还享花",)) for p in after)
    assert compare(manifest(before), after, aliases=aliases) == ((), ())


def test_a_rename_stated_after_a_merger_clause_names_the_right_former_name(
    aliases: AliasTable,
) -> None:
    """ "注：甲与乙相关业务已整合，乙更名为丙。": 乙 renamed 丙, 甲 dropped."""
    old_name, merged = "网银在线（北京）科技有限公司", "北京京东叁佰陆拾度电子商务有限公司"
    before = _sections(("平台运营机构", (ANT, merged, old_name)))
    note = f"<p>注：{merged}与{old_name}相关业务已整合，{old_name}更名为京东科技信息技术有限公司。"
    after = _sections(("平台运营机构", (ANT, "京东科技信息技术有限公司"))) + note + "</p>"
    assert sorted(_events(aliases, before, after)) == [
        ("dropped", merged, "", "", ""),
        ("renamed", "京东科技信息技术有限公司", "", old_name, "京东科技信息技术有限公司"),
    ]


def test_a_former_name_the_list_states_is_a_rename_even_in_one_spelling(
    aliases: AliasTable,
) -> None:
    """杭州宜信惠民… becomes 宜信惠民（杭州）… "（曾用名：杭州宜信惠民…）": one match key, but the
    list says the old name is a former one, so it is a rename, not a respelling."""
    old_name, new_name = "杭州宜信惠民信息技术有限公司", "宜信惠民（杭州）信息技术有限公司"
    before = _sections(("平台运营机构", (ANT, old_name)))
    after = _sections(("平台运营机构", (ANT, f"{new_name}（曾用名：{old_name}）")))
    assert _events(aliases, before, after) == [("renamed", new_name, "", old_name, new_name)]
    assert _events(aliases, after, after) == []
