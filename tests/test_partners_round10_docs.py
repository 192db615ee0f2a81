"""The document and event classes round 10 showed (after its held-out score), each in a shape
of our own: real PDFs, DOCX files and event rules (pure)."""

from __future__ import annotations

import io
import logging

import pytest

from archiver.partners import AliasTable, compare, extract
from benchmarks import bench_noise
from tests.test_partners_documents import FONT, aliases, capture, response
from tests.test_partners_events import version as manifest
from tests.test_partners_pdfs import quarter

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"


def placed_pdf(*rows: tuple[str, ...], footer: str = "", footer_first: bool = False) -> bytes:
    """A real PDF without rules whose rows set their texts side by side at fixed columns (a
    list laid out in two columns), with a footer line at the bottom of the page (drawn
    before the list or after it: the text layer's order follows the drawing's)."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=10)
    if footer and footer_first:
        document.set_xy(70, 280)
        document.cell(text=footer)
    for y, row in enumerate(rows):
        for x, text in enumerate(row):
            document.set_xy(20 + 90 * x, 20 + 8 * y)
            document.cell(text=text)
    if footer and not footer_first:
        document.set_xy(70, 280)
        document.cell(text=footer)
    return bytes(document.output())


@pytest.mark.parametrize("footer_first", [False, True], ids=["footer-last", "footer-first"])
def test_a_list_set_in_two_columns_reads_every_name_and_not_the_footer(
    aliases: AliasTable, footer_first: bool
) -> None:
    """ "3. 甲 4. 乙" on one line of text: both are items, whatever number the row starts at.
    The footer's name with its hotline is the publisher's (the page calls it 百川银行, the
    footer 中信百川银行): not a partner."""
    body = placed_pdf(
        ("中信百川银行股份有限公司合作机构名单",),
        ("平台运营机构",),
        ("1. 甲乙网络科技有限公司", "2. 丙丁信息技术有限公司"),
        ("3. 戊己数字科技有限公司", "4. 庚辛科技（北京）有限公司"),
        ("增信服务机构",),
        ("1. 壬癸融资担保有限公司", "2. 子丑财产保险股份有限公司"),
        ("3. 寅卯融资担保有限公司",),
        footer="中信百川银行 客服热线956999",
        footer_first=footer_first,
    )
    html = "<html><head><title>百川银行 | 公告</title></head><body><h1>名单</h1></body></html>"
    result = extract(capture(response("名单.pdf", body, PDF), html=html), aliases=aliases)
    assert {p.name: p.category_raw for p in result.partners} == {
        "甲乙网络科技有限公司": "平台运营机构",
        "丙丁信息技术有限公司": "平台运营机构",
        "戊己数字科技有限公司": "平台运营机构",
        "庚辛科技（北京）有限公司": "平台运营机构",
        "壬癸融资担保有限公司": "增信服务机构",
        "子丑财产保险股份有限公司": "增信服务机构",
        "寅卯融资担保有限公司": "增信服务机构",
    }


def test_a_numbered_line_past_one_that_is_not_a_row_of_names_stays_one_item(
    aliases: AliasTable,
) -> None:
    """Only a row of names is split: "3. 甲公司 合作期限 4. 年" keeps its words together."""
    body = placed_pdf(
        ("合作机构名单",),
        ("1. 甲乙网络科技有限公司",),
        ("2. 丙丁信息技术有限公司",),
        ("3. 戊己数字科技有限公司 合作期限 4. 年",),
    )
    result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "甲乙网络科技有限公司",
        "丙丁信息技术有限公司",
        "戊己数字科技有限公司",
    ]


def test_a_re_export_with_credit_codes_beside_the_products_gives_no_events(
    aliases: AliasTable,
) -> None:
    """The same list re-exported with a 统一社会信用代码 column after the products, rows
    sorted by type: a credit code (18 characters, GB 32100) is never a product, so the two
    versions give no events."""
    first = placed_pdf(
        ("合作机构名单",),
        ("序号  合作机构名称  机构类型  合作产品",),
        ("1  甲乙网络科技有限公司  平台运营机构  甲借",),
        ("2  丙丁融资担保有限公司  增信服务机构  乙贷",),
    )
    second = placed_pdf(
        ("合作机构名单",),
        ("合作机构类型  合作机构全称  合作产品  统一社会信用代码",),
        ("增信服务机构  丙丁融资担保有限公司  乙贷  91500000MA60GLY97H",),
        ("平台运营机构  甲乙网络科技有限公司  甲借  914403007109301597",),
    )
    before, after = (
        extract(capture(response("名单.pdf", body, PDF)), aliases=aliases).partners
        for body in (first, second)
    )
    assert {p.name: p.products for p in after} == {
        "甲乙网络科技有限公司": ("甲借",),
        "丙丁融资担保有限公司": ("乙贷",),
    }
    assert compare(manifest(before), after, aliases=aliases) == ((), ())


@pytest.mark.parametrize(
    ("status", "read"),
    [
        (("现行有效", "已废止"), ["京东科技信息技术有限公司"]),
        (("有效", "已失效（仅供查询）"), ["京东科技信息技术有限公司"]),
        (("现行有效", "现行有效"), ["京东科技信息技术有限公司", "北京玖富普惠信息技术有限公司"]),
    ],
    ids=["superseded", "lapsed", "both-in-force"],
)
def test_a_file_table_whose_status_cell_says_superseded_keeps_that_file_out(
    aliases: AliasTable, status: tuple[str, str], read: list[str]
) -> None:
    """文件 | 发布日期 | 状态: a row whose own status cell says 已废止 links an old list; its
    names are archived, not read. A row that links several files says nothing of each."""
    rows = "".join(
        f'<tr><td><a href="/upload/{file}.pdf">名单（{label}）</a></td>'
        f"<td>2025-{month}-01</td><td>{state}</td></tr>"
        for file, label, month, state in (
            ("2025Q3", "2025年第三季度", "10", status[0]),
            ("2025Q2", "2025年第二季度", "07", status[1]),
        )
    )
    page = f"<table><tr><th>文件</th><th>发布日期</th><th>状态</th></tr>{rows}</table>"
    result = extract(
        capture(
            quarter("名单（2025年第三季度）", "京东科技信息技术有限公司"),
            quarter("名单（2025年第二季度）", "北京玖富普惠信息技术有限公司"),
            html=page,
        ),
        aliases=aliases,
    )
    assert sorted(p.name for p in result.partners) == sorted(read)


def test_a_row_linking_both_files_beside_a_superseded_cell_reads_both(
    aliases: AliasTable,
) -> None:
    """Whose status the cell gives is unclear when its row links two files: no guess."""
    page = (
        '<table><tr><td><a href="/upload/2025Q3.pdf">名单</a></td>'
        '<td><a href="/upload/2025Q2.pdf">名单</a></td><td>已废止</td></tr></table>'
    )
    result = extract(
        capture(
            quarter("名单（2025年第三季度）", "京东科技信息技术有限公司"),
            quarter("名单（2025年第二季度）", "北京玖富普惠信息技术有限公司"),
            html=page,
        ),
        aliases=aliases,
    )
    assert len(result.partners) == 2


@pytest.mark.parametrize(
    ("byline", "footer"),
    [
        ("2025-10-01 · 甲乙消费金融", ""),
        ("甲乙消费金融 2025-10-01", "甲乙消费金融有限公司 渝ICP备15009990号"),
        ("发布单位：甲乙消费金融有限公司", "甲乙消费金融有限公司 渝ICP备15009990号-1"),
    ],
    ids=["byline", "icp-record", "icp-record-issuer-label"],
)
def test_the_publisher_named_in_a_byline_or_by_its_icp_record_is_no_partner(
    byline: str, footer: str
) -> None:
    """An H5 notice's byline (its date and its source) names the publisher, and so does the
    ICP record in its footer, which names the site's operator: neither is a partner."""
    table = (
        "<table><tr><th>序号</th><th>合作机构名称</th></tr>"
        "<tr><td>1</td><td>甲乙网络科技有限公司</td></tr></table>"
    )
    page = (
        "<html><body><section><h2>关于互联网助贷业务合作机构信息的公示</h2>"
        f"<p class='time'>{byline}</p>{table}</section><footer>{footer}</footer></body></html>"
    )
    assert [p.name for p in bench_noise.read(page).partners] == ["甲乙网络科技有限公司"]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_list(rows: list[tuple[str, str]], *notes: str) -> bytes:
    """A real DOCX: a table of names and categories, then the notes under it."""
    import docx

    document = docx.Document()
    document.add_heading("甲乙信托有限公司互联网助贷业务合作机构名单", level=1)
    grid = document.add_table(rows=1, cols=3)
    for cell, label in zip(
        grid.rows[0].cells, ("序号", "合作机构名称", "合作机构类型"), strict=True
    ):
        cell.text = label
    for number, (name, category) in enumerate(rows, 1):
        for cell, text in zip(grid.add_row().cells, (str(number), name, category), strict=True):
            cell.text = text
    for note in notes:
        document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("mark", ["*", "※", "＊"])
def test_a_rename_stated_in_a_note_under_its_footnote_mark_is_a_rename(
    aliases: AliasTable, mark: str
) -> None:
    """'乙公司*' in the table, '*注：原“甲公司”已更名为“乙公司”。' under it: the note's mark
    and its word together lead the note, so the change is one rename, not added + dropped."""
    old, new = "北京甲乙网络科技有限公司", "北京丙丁数智科技有限公司"
    other = ("戊己融资担保有限公司", "增信服务机构")
    before = word_list([(old, "平台运营机构"), other])
    after = word_list(
        [(f"{new}{mark}", "平台运营机构"), other], f"{mark}注：原“{old}”已更名为“{new}”。"
    )
    versions = [
        extract(capture(response("名单.docx", body, DOCX)), aliases=aliases).partners
        for body in (before, after)
    ]
    assert [p.name for p in versions[1]] == [new, other[0]]
    events, _ = compare(manifest(versions[0]), versions[1], aliases=aliases)
    assert [(e.type.value, e.old, e.new) for e in events] == [("renamed", old, new)]


def test_an_end_stated_in_a_note_under_its_footnote_mark_marks_the_partner() -> None:
    """'*注：甲公司已注销，…': the same lead (mark, then 注) opens a note that ends a partner."""
    rows = "".join(
        f"<tr><td>{name}</td><td>平台运营机构</td></tr>"
        for name in ("甲乙网络科技有限公司", "杭州丙丁信息科技有限公司*")
    )
    page = (
        "<html><body><h1>互联网助贷业务合作机构名单</h1><table><tr><th>合作机构名称</th>"
        f"<th>合作机构类型</th></tr>{rows}</table>"
        "<p>*注：杭州丙丁信息科技有限公司已注销，本行已停止与其开展新增业务。</p></body></html>"
    )
    ended = {p.name: bool(p.markers) for p in bench_noise.read(page).partners}
    assert ended == {"甲乙网络科技有限公司": False, "杭州丙丁信息科技有限公司": True}
