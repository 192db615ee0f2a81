"""Shapes that blind round 23 (and an earlier round's last xfail) showed read wrong, each in a
variant of our own (the outsiders' pages themselves run in tests/test_partners_blind23.py)."""

from __future__ import annotations

from archiver.models import Marker
from archiver.partners import AliasTable, compare, extract
from benchmarks import bench_noise
from tests.test_partners_documents import FONT, aliases, capture, response
from tests.test_partners_events import version as manifest
from tests.test_partners_round18 import ANT, PICC, QY, ZA, _page
from tests.test_partners_round20 import _events

__all__ = ["aliases"]  # (a fixture)


def _marks(body: str) -> dict[str, tuple[Marker, ...]]:
    return {p.name: p.markers for p in bench_noise.read(_page(body)).partners}


def test_the_one_pane_a_widget_renders_is_read_under_its_current_tab() -> None:
    """A Vue/React tab widget renders only the pane of the tab shown; shown after a click on
    "历史合作机构", its rows are ended partners, not current ones (blind round 17,
    spa-history-tab-lazy, which the capture now clicks)."""
    bar = (
        "<ul class='tab-nav'><li><a href='javascript:;'>现合作机构</a></li>"
        "<li class='is-active'><a href='javascript:;'>历史合作机构</a></li></ul>"
    )
    body = (
        f"<div>{bar}<div class='tab-body'><table><tr><th>序号</th><th>机构名称</th></tr>"
        f"<tr><td>1</td><td>{QY}</td></tr><tr><td>2</td><td>{PICC}</td></tr></table></div></div>"
    )
    assert _marks(body) == {QY: (Marker.TERMINATED,), PICC: (Marker.TERMINATED,)}
    shown_current = body.replace("<li class='is-active'>", "<li>").replace(
        "<li><a href='javascript:;'>现", "<li class='is-active'><a href='javascript:;'>现"
    )
    assert _marks(shown_current) == {QY: (), PICC: ()}


def test_a_heading_of_former_partners_ends_the_names_under_it() -> None:
    body = (
        f"<h2>一、现合作机构</h2><p>1. {ANT}</p><p>2. {ZA}</p>"
        f"<h2>二、历史合作机构</h2><p>1. {QY}</p>"
    )
    assert _marks(body) == {ANT: (), ZA: (), QY: (Marker.TERMINATED,)}


def test_categories_under_an_ended_heading_stay_ended_and_bilingual_headings_name_them() -> None:
    """A bilingual <dl> page: "增信服务机构 Credit Enhancement Providers" is a category heading,
    and the categories under "已终止合作机构 Terminated Partners" are parts of the ended
    section, not sections of current partners (blind round 23, bilingual-dl-terminated-heading).
    A category numbered as a section of its own still ends the status."""
    body = (
        f"<dl><dt>平台运营机构 Platform Operators</dt><dd>{ANT}</dd>"
        f"<dt>增信服务机构 Credit Enhancement Providers</dt><dd>{ZA}</dd></dl>"
        f"<h2>已终止合作机构 Terminated Partners</h2>"
        f"<dl><dt>平台运营机构 Platform Operators</dt><dd>{QY}</dd>"
        f"<dt>（二）增信服务机构</dt><dd>{PICC}</dd></dl>"
    )
    found = bench_noise.read(_page(body)).partners
    assert {p.name: (p.category_raw, p.markers) for p in found} == {
        ANT: ("平台运营机构", ()),
        ZA: ("增信服务机构", ()),
        QY: ("平台运营机构", (Marker.TERMINATED,)),
        PICC: ("增信服务机构", (Marker.TERMINATED,)),
    }
    sibling = body.replace("<dt>（二）增信服务机构</dt>", "</dl><h2>三、增信服务机构</h2><dl>")
    assert {p.name: p.markers for p in bench_noise.read(_page(sibling)).partners}[PICC] == ()


def test_a_row_excel_hid_in_its_web_page_export_is_not_published() -> None:
    """Excel's "save as web page" keeps a filtered-out row as display:none; its cells carry
    only Excel's numbered style classes (class=xl66), no x:num (blind round 23,
    excel-export-html). A saved sheet has no script to show the row: it is not read."""
    rows = "".join(
        f"<tr height=19 style='height:14.25pt'><td class=xl65>{n}</td>"
        f"<td class=xl66>{name}</td></tr>"
        for n, name in ((1, ANT), (2, ZA))
    )
    hidden = (
        "<tr height=19 style='height:14.25pt;display:none'>"
        f"<td class=xl65>3</td><td class=xl66>{QY}</td></tr>"
    )
    body = (
        "<table><tr><td class=xl65>序号</td><td class=xl65>合作机构名称</td></tr>"
        f"{rows}{hidden}</table>"
    )
    assert set(_marks(body)) == {ANT, ZA}
    plain = body.replace(" class=xl65", "").replace(" class=xl66", "")
    assert set(_marks(plain)) == {ANT, ZA, QY}  # (elsewhere a hidden last row may be "更多")


def test_a_page_turned_into_traditional_characters_changes_no_product_or_remark(
    aliases: AliasTable,
) -> None:
    """The whole page shown in 繁體 for a step: names fold already; products and remarks
    ("借呗" -> "借唄", "暂停新增" -> "暫停新增") are the same words (blind round 23,
    title-trad-bold-category s3, seven false field_changed)."""
    head = "<tr><th>序号</th><th>机构名称</th><th>合作产品</th><th>备注</th></tr>"
    simplified = (
        f"<table>{head}<tr><td>1</td><td>{ANT}</td><td>借呗、花呗</td><td></td></tr>"
        f"<tr><td>2</td><td>{ZA}</td><td>个人借款保证保险</td><td>暂停新增业务</td></tr></table>"
    )
    traditional = (
        simplified.replace("蚂蚁智信（杭州）信息技术", "螞蟻智信（杭州）信息技術")
        .replace("借呗、花呗", "借唄、花唄")
        .replace("众安在线财产保险股份", "衆安在線財產保險股份")
        .replace("个人借款保证保险", "個人借款保證保險")
        .replace("暂停新增业务", "暫停新增業務")
    )
    assert traditional != simplified
    assert _events(aliases, simplified, traditional) == []
    assert _events(aliases, traditional, simplified) == []
    changed = traditional.replace("借唄、花唄", "借唄")
    assert [kind for kind, _, _ in _events(aliases, simplified, changed)] == ["field_changed"]


def test_a_category_row_right_under_an_ended_row_of_a_table_stays_ended() -> None:
    """The same rule inside one table: a spanning row "已终止合作机构", then a spanning row
    "增信服务机构", then the ended partners."""
    body = (
        "<table><tr><th>序号</th><th>机构名称</th><th>合作类型</th></tr>"
        "<tr><td colspan=3>平台运营机构</td></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
        f"<tr><td>2</td><td>{QY}</td><td>平台运营机构</td></tr>"
        "<tr><td colspan=3>已终止合作机构</td></tr><tr><td colspan=3>增信服务机构</td></tr>"
        f"<tr><td>3</td><td>{PICC}</td><td>增信服务机构</td></tr></table>"
    )
    assert _marks(body) == {ANT: (), QY: (), PICC: (Marker.TERMINATED,)}


def test_a_tab_bar_with_a_products_tab_still_heads_its_panes() -> None:
    """合作机构名单 | 已终止合作机构 | 合作产品 (blind round 24, tabs-current-terminated-products):
    the products tab kept the bar from being a tab bar, so its labels were read as text and
    "已终止合作机构" ended every name after it, the current list's too."""
    bar = (
        "<ul class='tab-hd'><li class='on' data-tab='t1'>合作机构名单</li>"
        "<li data-tab='t2'>已终止合作机构</li><li data-tab='t3'>合作产品</li></ul>"
    )
    head = "<tr><th>序号</th><th>机构名称</th></tr>"
    body = (
        f"<div>{bar}<div id='t1'><table>{head}<tr><td>1</td><td>{ANT}</td></tr></table></div>"
        f"<div id='t2' style='display:none'><table>{head}<tr><td>1</td><td>{QY}</td></tr>"
        "</table></div><div id='t3' style='display:none'><table><tr><th>产品名称</th>"
        f"<th>合作机构</th><th>年化利率区间</th></tr><tr><td>借呗</td><td>{ANT}</td>"
        "<td>7.2%-24%</td></tr></table></div></div>"
    )
    assert _marks(body) == {ANT: (), QY: (Marker.TERMINATED,)}


def test_trademark_signs_are_no_part_of_a_name_and_read_only_fields_show_their_values() -> None:
    """ "北京三快在线科技有限公司®" (lost) and "…有限公司™" (read as "…有限公司TM"); a record shown
    as a read-only form, each name the value of an <input readonly> (blind round 24,
    total-row-trademark-asterisk, readonly-input-fields)."""
    rows = f"<tr><td>1</td><td>{ANT}®</td></tr><tr><td>2</td><td>{QY}™</td></tr>"
    table = f"<table><tr><th>序号</th><th>机构名称</th></tr>{rows}</table>"
    assert set(_marks(table)) == {ANT, QY}
    form = "".join(
        f"<div><label>机构名称</label><input type='text' readonly value='{name}'></div>"
        f"<div><label>合作类型</label><input readonly value='{kind}'></div><hr>"
        for name, kind in ((ANT, "平台运营机构"), (ZA, "增信服务机构"))
    )
    found = bench_noise.read(_page(f"<form>{form}</form>")).partners
    assert {p.name: p.category_raw for p in found} == {ANT: "平台运营机构", ZA: "增信服务机构"}


def test_rows_a_legend_colours_carry_its_status_on_a_page() -> None:
    """A swatch legend "灰色底纹为已暂停合作机构" over rows shaded that grey (blind round 24,
    colour-coded-rows-legend); "红色底纹为本期新增" is no status; a colour half the rows have is
    striping."""
    legend = (
        "<p>图例：<span style='background:#d9d9d9'></span>灰色底纹为已暂停合作机构；"
        "<span style='background:#fde2e2'></span>红色底纹为本期新增合作机构。</p>"
    )
    rows = [(ANT, ""), (QY, "background:#d9d9d9;color:#888"), (ZA, "background:#fde2e2")]
    rows += [(PICC, "")]
    table = "".join(
        f"<tr style='{style}'><td>{n}</td><td>{name}</td></tr>"
        for n, (name, style) in enumerate(rows, 1)
    )
    body = f"{legend}<table><tr><th>序号</th><th>机构名称</th></tr>{table}</table>"
    assert _marks(body) == {ANT: (), QY: (Marker.SUSPENDED,), ZA: (), PICC: ()}
    striped = body.replace("<tr style=''><td>4", "<tr style='background:#d9d9d9'><td>4")
    striped = striped.replace("<tr style=''><td>1", "<tr style='background:#d9d9d9'><td>1")
    assert _marks(striped) == {ANT: (), QY: (), ZA: (), PICC: ()}
    # a note in a colour, not a legend of it: rows of that colour are no status
    muted = body.replace(
        legend, "<p style='color:#d9d9d9'>已终止合作的机构不再展示。</p><p>红色</p>"
    )
    assert _marks(muted) == {ANT: (), QY: (), ZA: (), PICC: ()}


def _pdf_with_grey_names() -> bytes:
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=11)
    document.cell(0, 10, "互联网助贷业务合作机构名单", new_x="LMARGIN", new_y="NEXT")
    rows = [("序号", "机构名称", "合作类型"), ("1", ANT, "平台运营机构")]
    rows += [("2", QY, "平台运营机构"), ("3", ZA, "增信服务机构")]
    for row in rows:
        document.set_text_color(166 if row[0] == "2" else 0)
        for width, text in zip((15, 100, 50), row, strict=True):
            document.cell(width, 9, text, border=1)
        document.ln(9)
    document.set_text_color(0)
    document.cell(0, 8, "图例：灰色字体所示机构为已终止合作机构。", new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def test_names_a_pdf_greys_out_under_a_legend_are_ended(aliases: AliasTable) -> None:
    """ "图例：灰色字体所示机构为已终止合作机构" under a table whose ended rows are drawn in grey
    (blind round 24, pdf-grey-text-ended): the text layer alone says nothing of it."""
    pdf = response("名单.pdf", _pdf_with_grey_names(), "application/pdf")
    found = extract(capture(pdf), aliases=aliases)
    assert {p.name: p.markers for p in found.partners} == {
        ANT: (),
        QY: (Marker.TERMINATED,),
        ZA: (),
    }


def test_a_partner_back_under_a_new_name_after_it_was_dropped_is_readded(
    aliases: AliasTable,
) -> None:
    """甲 dropped; a year later "乙（原甲）" is listed (blind round 24, readded-new-name): the
    partner is back, under the name it has now: readded, not added."""
    head = "<table><tr><th>序号</th><th>机构名称</th></tr>"
    listed = bench_noise.read(_page(f"{head}<tr><td>1</td><td>{ANT}</td></tr></table>")).partners
    old = bench_noise.read(
        _page(f"{head}<tr><td>1</td><td>{ANT}</td></tr><tr><td>2</td><td>{QY}</td></tr></table>")
    ).partners
    events, departed = compare(manifest(old), listed, aliases=aliases)
    assert [(e.type.value, e.name) for e in events] == [("dropped", QY)]
    back = bench_noise.read(
        _page(
            f"{head}<tr><td>1</td><td>{ANT}</td></tr>"
            f"<tr><td>2</td><td>奇富科技（上海）有限公司（原{QY}）</td></tr></table>"
        )
    ).partners
    events, _ = compare(manifest(listed, departed), back, aliases=aliases)
    assert [(e.type.value, e.name) for e in events] == [("readded", "奇富科技（上海）有限公司")]
    assert QY in events[0].note
