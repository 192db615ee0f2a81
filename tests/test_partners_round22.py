"""Shapes of round 22's brief read wrong before it, each in a variant of our own (the
outsiders' pages themselves run in tests/test_partners_blind22.py)."""

from __future__ import annotations

import io
import zipfile

from archiver.models import Marker
from archiver.partners import AliasTable, extract
from benchmarks import bench_noise
from tests.test_partners_documents import aliases, capture, response
from tests.test_partners_extraction import DOCX, XLSX
from tests.test_partners_round18 import ANT, PICC, QY, ZA, _page, _read
from tests.test_partners_round20 import _events

PDF = "application/pdf"
XIAOYING = "深圳市小赢科技有限责任公司"

__all__ = ["aliases"]  # (a fixture)


def _docx_with_struck_names() -> bytes:
    """A Word list whose ended partner's name is struck through (the row's other cells too)
    and whose renamed partner's old name is struck before the new one."""
    from docx import Document

    document = Document()
    document.add_paragraph("互联网助贷业务合作机构名单", style="Heading 1")
    table = document.add_table(rows=4, cols=3)
    for column, label in enumerate(("序号", "机构名称", "合作类型")):
        table.cell(0, column).text = label
    table.cell(1, 0).text, table.cell(1, 1).text = "1", ANT
    table.cell(1, 2).text = "平台运营机构"
    table.cell(2, 0).text = "2"
    for column, value in ((1, QY), (2, "平台运营机构")):
        table.cell(2, column).paragraphs[0].add_run(value).font.strike = True
    table.cell(3, 0).text, table.cell(3, 2).text = "3", "增信服务机构"
    renamed = table.cell(3, 1).paragraphs[0]
    renamed.add_run(PICC).font.strike = True
    renamed.add_run(f" {ZA}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_name_struck_through_in_a_docx_is_ended(aliases: AliasTable) -> None:
    docx = response("名单.docx", _docx_with_struck_names(), DOCX)
    found = extract(capture(docx), aliases=aliases)
    assert {p.name: p.markers for p in found.partners} == {
        ANT: (),
        QY: (Marker.TERMINATED,),
        ZA: (Marker.FORMERLY,),
    }


def _xlsx_with_a_struck_row() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "机构名称", "合作类型"])
    sheet.append([1, ANT, "平台运营机构"])
    sheet.append([2, QY, "平台运营机构"])
    sheet.append([3, ZA, "增信服务机构"])
    for cell in sheet[3]:
        cell.font = Font(strike=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_row_struck_through_in_a_workbook_is_ended(aliases: AliasTable) -> None:
    xlsx = response("名单.xlsx", _xlsx_with_a_struck_row(), XLSX)
    found = extract(capture(xlsx), aliases=aliases)
    assert {p.name: p.markers for p in found.partners} == {
        ANT: (),
        QY: (Marker.TERMINATED,),
        ZA: (),
    }


def test_paragraphs_numbered_in_chinese_numerals_read_names_without_numbers() -> None:
    """ "一、甲公司（平台运营机构）" one paragraph each: 一、二、 count the names, as 1、2、 do."""
    body = (
        "<p>特此公示：</p>"
        f"<p>一、{ANT}（平台运营机构）</p><p>二、{QY}（平台运营机构）</p>"
        f"<p>三、{ZA}（增信服务机构）</p>"
    )
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", ZA: "增信服务机构"}


def test_an_english_legal_forms_full_stop_is_part_of_the_name() -> None:
    """The English page of a bank's site: "Co., Ltd." ends with its own full stop."""
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>Platform Operator</td></tr>"
        for n, name in enumerate(("Jia Technology Co., Ltd.", "Yi Holdings Inc."), 1)
    )
    body = f"<table><tr><th>No.</th><th>Name</th><th>Category</th></tr>{rows}</table>"
    page = f"<h2>List of Internet Loan Facilitation Partners</h2>{body}"
    assert set(_read(page)) == {"Jia Technology Co., Ltd.", "Yi Holdings Inc."}


def test_a_zip_holding_a_stored_workbook_is_a_zip_not_a_workbook(aliases: AliasTable) -> None:
    """A folder zipped without compression: the workbook's own "xl/…" part names show in
    the archive's bytes, but the archive's members are the folder's files."""
    from archiver import doctypes

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("合作机构名单/合作机构名单.xlsx", _xlsx_with_a_struck_row())
        archive.writestr("合作机构名单/说明.txt", "请解压后查看。")
    body = buffer.getvalue()
    assert doctypes.sniff(body) is None
    assert doctypes.is_zip(body)
    found = extract(capture(response("名单.zip", body, "application/zip")), aliases=aliases)
    assert {p.name for p in found.partners} == {ANT, QY, ZA}


def _ofd(rows: list[tuple[str, str, str]]) -> bytes:
    """An OFD file whose list is a table drawn cell by cell: one TextObject per cell, the
    cells of a row on one baseline, written column by column (not in reading order)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    cells = [("0", "序号", 10), ("0", "机构名称", 30), ("0", "机构类别", 120)]
    for row, values in enumerate(rows, 1):
        cells += [(str(row), value, x) for value, x in zip(values, (10, 30, 120), strict=True)]
    objects = "".join(
        f'<ofd:TextObject ID="{index}" Boundary="{x} {40 + 8 * int(row)} 80 7" Size="4">'
        f'<ofd:TextCode X="0" Y="5">{text}</ofd:TextCode></ofd:TextObject>'
        for index, (row, text, x) in enumerate(sorted(cells, key=lambda c: c[2]), 10)
    )
    title = (
        '<ofd:TextObject ID="9" Boundary="20 20 170 8" Size="5">'
        '<ofd:TextCode X="0" Y="6">互联网助贷业务合作机构名单</ofd:TextCode></ofd:TextObject>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "OFD.xml",
            f"<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<ofd:Document {ns}><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
            "</ofd:Pages></ofd:Document>",
        )
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">{title}{objects}'
            "</ofd:Layer></ofd:Content></ofd:Page>",
        )
    return buffer.getvalue()


def test_an_ofd_attachment_is_read_by_the_position_of_its_text(aliases: AliasTable) -> None:
    from archiver import doctypes

    body = _ofd([("1", ANT, "平台运营机构"), ("2", QY, "平台运营机构"), ("3", ZA, "增信服务机构")])
    assert doctypes.sniff(body) is doctypes.OFD
    found = extract(capture(response("名单.ofd", body, "application/ofd")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
        ZA: "增信服务机构",
    }


def test_an_ofd_that_names_no_document_root_is_unreadable_with_a_note(
    aliases: AliasTable,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
    found = extract(
        capture(response("名单.ofd", buffer.getvalue(), "application/ofd")), aliases=aliases
    )
    assert found.partners == ()
    assert "名单.ofd" in found.list_note and "DocRoot" in found.list_note


def test_a_short_service_number_with_its_extension_is_a_hotline() -> None:
    """An H5 card's "平台运营机构 · 客服热线 95055-2": the hotline is 95055-2 (press 2), and
    the separator left beside the category says nothing."""
    cards = "".join(
        f'<div class="van-cell"><div class="van-cell__title">{name}</div>'
        f'<div class="van-cell__label">平台运营机构 · 客服热线 <a href="tel:{tel}">{tel}</a></div>'
        "</div>"
        for name, tel in ((ANT, "95188-3"), (QY, "95055"), (ZA, "4009-999-595"))
    )
    read = {p.name: (p.hotline, p.remark) for p in bench_noise.read(_page(cards)).partners}
    assert read == {ANT: ("95188-3", ""), QY: ("95055", ""), ZA: ("4009-999-595", "")}


def _pdf_with_drawn_lines() -> bytes:
    """A ruled table (every cell bordered) whose second name is struck through by a drawn
    line at mid-height and whose third is underlined (a line under the baseline)."""
    import logging

    from fpdf import FPDF

    from tests.test_partners_documents import FONT

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=11)
    document.cell(0, 10, "互联网助贷业务合作机构名单", new_x="LMARGIN", new_y="NEXT")
    rows = [("序号", "机构名称", "合作类型"), ("1", ANT, "平台运营机构")]
    rows += [("2", QY, "平台运营机构"), ("3", ZA, "增信服务机构")]
    for row in rows:
        y = document.get_y()
        for width, text in zip((15, 100, 50), row, strict=True):
            document.cell(width, 9, text, border=1)
        document.ln(9)
        if row[0] == "2":
            document.line(26, y + 4.5, 26 + 6 * len(QY) * 0.65, y + 4.5)  # through the name
        if row[0] == "3":
            document.line(26, y + 7.5, 26 + 6 * len(ZA) * 0.65, y + 7.5)  # under it
    document.cell(0, 8, "注：划线机构为已终止合作机构。", new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def test_a_name_struck_through_by_a_drawn_line_in_a_pdf_is_ended(aliases: AliasTable) -> None:
    found = extract(capture(response("名单.pdf", _pdf_with_drawn_lines(), PDF)), aliases=aliases)
    assert {p.name: (p.category_raw, p.markers) for p in found.partners} == {
        ANT: ("平台运营机构", ()),
        QY: ("平台运营机构", (Marker.TERMINATED,)),
        ZA: ("增信服务机构", ()),
    }


def _pdf_with_a_wrapped_remark() -> bytes:
    """A ruled table drawn text by text: the second row's remark wraps inside its narrow cell,
    its two lines centred on the row ("原名：…有" a little above the row's baseline, "限公司"
    under it)."""
    import logging

    from fpdf import FPDF

    from tests.test_partners_documents import FONT

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=10)
    document.text(15, 20, "合作机构名单")
    rows = [("序号", "机构名称", "机构类别", "备注"), ("1", ANT, "平台运营机构", "")]
    rows += [("2", XIAOYING, "平台运营机构", "原名：上海某某网络科技有")]
    rows += [("3", ZA, "增信服务机构", ""), ("4", PICC, "增信服务机构", "")]
    columns = (12, 24, 110, 145, 195)
    for index, values in enumerate(rows):
        top = 30 + 12 * index
        document.line(columns[0], top, columns[-1], top)
        for x, value in zip(columns, values[:3], strict=False):
            document.text(x + 1, top + 7.5, value)
        if values[0] == "2":  # the remark's two lines centred on the row, as Word does
            document.text(columns[3] + 1, top + 5.5, values[3])
            document.text(columns[3] + 1, top + 10, "限公司")
        else:
            document.text(columns[3] + 1, top + 7.5, values[3])
    bottom = 30 + 12 * len(rows)
    document.line(columns[0], bottom, columns[-1], bottom)
    for x in columns:
        document.line(x, 30, x, bottom)
    return bytes(document.output())


def test_a_remark_wrapped_in_its_cell_is_no_part_of_the_next_name(aliases: AliasTable) -> None:
    found = extract(
        capture(response("名单.pdf", _pdf_with_a_wrapped_remark(), PDF)), aliases=aliases
    )
    assert {p.name for p in found.partners} == {ANT, XIAOYING, ZA, PICC}


def test_a_note_naming_the_former_name_in_a_bracket_is_a_rename(aliases: AliasTable) -> None:
    """ "注：乙（原“甲”）已完成名称变更。" under the new list: the partner renamed, not one
    dropped and another added."""
    old, new = "上海甲乙融资担保有限公司", "上海丙丁融资担保有限公司"
    before = _table_of(ANT, old)
    after = _table_of(ANT, new) + f"<p>注：{new}（原“{old}”）已完成名称变更。</p>"
    assert _events(aliases, before, after) == [("renamed", old, new)]


def _table_of(*names: str) -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{name}</td></tr>" for n, name in enumerate(names, 1))
    return f"<table><tr><th>序号</th><th>机构名称</th></tr>{rows}</table>"
