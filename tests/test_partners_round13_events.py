"""The document and event classes blind round 13's sequences showed (after its held-out
score), each in a shape of our own: a real PDF, and the event rules (pure)."""

from __future__ import annotations

import logging

from archiver.partners import AliasTable, compare, extract, load_aliases
from benchmarks import bench_noise
from tests.test_partners_documents import FONT, aliases, capture, response
from tests.test_partners_events import version as manifest

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"
ROWS = (
    ("1", "北京甲乙网络科技有限公司", "平台运营机构", "4006928080"),
    ("2", "上海丙丁信息技术有限公司", "平台运营机构", "95118"),
    ("3", "深圳戊己融资担保有限公司", "增信服务机构", "4008807500"),
)


def ruled_pdf(widths: tuple[int, ...], *, landscape: bool = False) -> bytes:
    """A real PDF with one ruled table; narrow columns wrap their cells' text."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF(orientation="L" if landscape else "P")
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=10)
    document.cell(text="甲乙银行互联网助贷业务合作机构名单")
    document.ln(12)
    from fpdf.fonts import FontFace

    plain = FontFace(emphasis="")
    with document.table(
        col_widths=widths, width=sum(widths), text_align="LEFT", headings_style=plain
    ) as table:
        for row in (("序号", "机构名称", "机构类型", "客服电话"), *ROWS):
            cells = table.row()
            for text in row:
                cells.cell(text)
    return bytes(document.output())


def _read(body: bytes, aliases: AliasTable) -> dict[str, tuple[str, str]]:
    found = extract(capture(response("hzjg.pdf", body, PDF)), aliases=aliases)
    return {p.name: (p.category_raw, p.hotline) for p in found.partners}


def test_categories_and_hotlines_cut_at_a_narrow_cells_edge_are_read_whole(
    aliases: AliasTable,
) -> None:
    """ "平台运营机" / "构" and "400692808" / "0" in narrow columns: one value each; the same
    list re-exported wide gives no event."""
    narrow = ruled_pdf((10, 50, 22, 20))
    wide = ruled_pdf((15, 90, 50, 40), landscape=True)
    expected = {name: (kind, phone) for _, name, kind, phone in ROWS}
    assert _read(narrow, aliases) == expected
    assert _read(wide, aliases) == expected
    before = extract(capture(response("hzjg.pdf", narrow, PDF)), aliases=aliases).partners
    after = extract(capture(response("hzjg.pdf", wide, PDF)), aliases=aliases).partners
    events, _ = compare(manifest(before), after, aliases=aliases)
    assert list(events) == []


def _events(before: str, after: str, aliases: AliasTable | None = None) -> list[str]:
    table = aliases or AliasTable()
    old = bench_noise.read(before).partners
    events, _ = compare(manifest(old), bench_noise.read(after).partners, aliases=table)
    return [f"{e.type.value} {e.name} {e.field}".strip() for e in events]


def _page(rows: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return (
        f"<html><body><h1>{title}</h1><table><tr><td>序号</td><td>机构名称</td>"
        f"<td>合作类型</td><td>备注</td></tr>{rows}</table></body></html>"
    )


def _row(number: int, name: str, remark: str = "") -> str:
    return f"<tr><td>{number}</td><td>{name}</td><td>平台运营机构</td><td>{remark}</td></tr>"


A, B, C = "北京甲乙网络科技有限公司", "上海丙丁信息技术有限公司", "深圳戊己科技有限公司"


def test_a_rename_stated_in_the_remark_column_is_a_rename() -> None:
    """备注 "原甲公司，已更名" beside the new name: renamed, not dropped and added."""
    before = _page(_row(1, "北京庚辛数字科技控股股份有限公司") + _row(2, B))
    after = _page(_row(1, A, "原北京庚辛数字科技控股股份有限公司，已更名") + _row(2, B))
    assert _events(before, after) == [f"renamed {A}"]


def test_a_former_name_in_the_alias_table_is_a_rename_even_when_spelled_alike() -> None:
    """深圳市甲乙科技有限责任公司 -> 甲乙科技（深圳）有限公司: one match key, but the alias table
    says the first is the entity's former name: renamed."""
    table = load_aliases(
        "entities: {jy: {name: 甲乙科技（深圳）有限公司, former: [深圳市甲乙科技有限责任公司]}}"
    )
    before = _page(_row(1, "深圳市甲乙科技有限责任公司") + _row(2, B))
    after = _page(_row(1, "甲乙科技（深圳）有限公司") + _row(2, B))
    assert _events(before, after, table) == ["renamed 甲乙科技（深圳）有限公司"]
    assert _events(after, _page(_row(1, "甲乙科技（深圳）有限公司") + _row(2, B)), table) == []


def test_one_partner_given_a_remark_where_none_had_one_is_a_remark_change() -> None:
    """The 备注 column was there all along, blank: one filled cell is news. A column filled
    for every partner at once is a column added, no news."""
    before = _page(_row(1, A) + _row(2, B) + _row(3, C))
    one = _page(_row(1, A) + _row(2, B, "担保费率以借款合同约定为准") + _row(3, C))
    every = _page(_row(1, A, "甲贷") + _row(2, B, "乙贷") + _row(3, C, "丙贷"))
    assert _events(before, one) == [f"field_changed {B} remark"]
    assert _events(before, every) == []


def test_a_rename_note_with_its_date_is_a_note_not_a_partner() -> None:
    """ "注：甲已于2025年12月更名为乙。" under the list: the listed 乙 was 甲, and the note
    gives no partner of its own."""
    note = f"<p>注：北京庚辛信息科技有限公司已于2025年12月更名为{A}。</p>"
    before = _page(_row(1, "北京庚辛信息科技有限公司") + _row(2, B))
    after = _page(_row(1, A) + _row(2, B)).replace("</body>", note + "</body>")
    assert _events(before, after) == [f"renamed {A}"]
    assert {p.name for p in bench_noise.read(after).partners} == {A, B}


def test_a_lists_announcement_title_reworded_changes_no_category() -> None:
    """A list whose only category is its notice's title: "关于催收合作机构名单的公告" reissued as
    "关于合作催收机构名单更新的公告" says the same kind of partner."""

    def notice(title: str) -> str:
        return (
            f"<html><body><h1>{title}</h1><p>根据监管要求，现将我司委托的催收合作机构公告如下：</p>"
            "<p>1. 湖南甲乙资产管理集团有限公司</p><p>特此公告。</p></body></html>"
        )

    assert (
        _events(notice("关于催收合作机构名单的公告"), notice("关于合作催收机构名单更新的公告"))
        == []
    )


def test_an_insurance_products_name_in_an_item_is_no_second_company() -> None:
    """<li><em>6</em><b>甲财产保险股份有限公司</b><i>增信服务机构</i><span>个人借款保证保险
    </span></li>: the product is a field, the item one partner."""
    items = "".join(
        f"<li><em>{n}</em><b>{name}</b><i>增信服务机构</i><span>{product}</span></li>"
        for n, name, product in (
            (1, "深圳戊己融资担保有限公司", "融资担保"),
            (2, "甲乙财产保险股份有限公司", "个人借款保证保险"),
        )
    )
    page = f"<html><body><h1>互联网贷款合作机构名单</h1><ul>{items}</ul></body></html>"
    read = {p.name: p.category_raw for p in bench_noise.read(page).partners}
    assert read == {
        "深圳戊己融资担保有限公司": "增信服务机构",
        "甲乙财产保险股份有限公司": "增信服务机构",
    }
