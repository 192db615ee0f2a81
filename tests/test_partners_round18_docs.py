"""The document classes round 18 showed (after its held-out score), each in a shape of our own:
real DOCX and PPTX files built here, read through the whole partner reader."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from archiver import doctypes
from archiver.models import ListStatus
from archiver.partners import AliasTable, extract
from tests.test_partners_documents import aliases, capture, response

__all__ = ["aliases"]  # the module's fixture, shared

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PLATFORMS = ("甲乙网络科技有限公司", "丙丁信息技术（上海）有限公司", "戊己数字科技有限公司")
GUARANTORS = ("壬癸融资担保有限公司", "子丑财产保险股份有限公司")
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _table_xml(rows: list[tuple[str, ...]]) -> str:
    cells = "".join(
        "<w:tr>"
        + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in row)
        + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl {_W}><w:tblPr/>{cells}</w:tbl>"


def _rows() -> list[tuple[str, ...]]:
    head = [("序号", "机构名称", "合作类别")]
    platforms = [(str(i), n, "平台运营机构") for i, n in enumerate(PLATFORMS, 1)]
    guarantors = [(str(i), n, "增信服务机构") for i, n in enumerate(GUARANTORS, 4)]
    return head + platforms + guarantors


def _text_box_paragraph(table: str, *, fallback_copy: bool) -> str:
    """A paragraph anchoring a text box that holds a title line and the table: VML only (an
    old Word or WPS), or Word's DrawingML box with the same content again as a VML fallback."""
    content = (
        "<w:txbxContent><w:p><w:r><w:t>互联网助贷业务合作机构名单</w:t></w:r></w:p>"
        f"{table}<w:p/></w:txbxContent>"
    )
    vml = (
        f'<w:pict><v:shape id="box" type="#_x0000_t202"><v:textbox>{content}</v:textbox>'
        "</v:shape></w:pict>"
    )
    if not fallback_copy:
        run = f"<w:r>{vml}</w:r>"
    else:
        drawing = (
            "<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
            f"{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        )
        run = (
            f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    namespaces = (
        f'{_W} xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    )
    return f"<w:p {namespaces}><w:r><w:t>附件：</w:t></w:r>{run}</w:p>"


def _docx(build: Callable[[Any, Any], None]) -> bytes:
    import docx
    from docx.oxml import parse_xml

    word = docx.Document()
    build(word, parse_xml)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fallback_copy", [False, True], ids=["vml", "drawingml-with-fallback"])
def test_a_table_inside_a_text_box_is_read_as_a_table_and_once(
    aliases: AliasTable, fallback_copy: bool
) -> None:
    """The whole list sits in a text box anchored in one paragraph (w:txbxContent): its table
    is a table, not one glued line of every cell; Word's VML fallback copy of a DrawingML box
    is the same content and is read once (blind round 18, docx-table-in-textbox)."""

    def build(word: Any, parse_xml: Any) -> None:
        body = word.element.body
        paragraph = parse_xml(
            _text_box_paragraph(_table_xml(_rows()), fallback_copy=fallback_copy)
        )
        body.insert(0, paragraph)

    result = extract(capture(response("名单.docx", _docx(build), DOCX)), aliases=aliases)
    assert result.list_status is ListStatus.OK, result.list_note
    names = [p.name for p in result.partners]
    assert names == [*PLATFORMS, *GUARANTORS]
    categories = {p.name: p.category_raw for p in result.partners}
    assert categories[GUARANTORS[0]] == "增信服务机构"


def test_a_table_in_the_page_header_is_read_once_before_the_body(aliases: AliasTable) -> None:
    """The platform table was put in the page header (so it repeats on every printed page)
    and the guarantors' table in the body: both are the list, the header's read once
    (blind round 18, docx-list-in-page-header)."""

    def build(word: Any, parse_xml: Any) -> None:
        header = word.sections[0].header
        header.is_linked_to_previous = False
        head_rows = [("序号", "平台运营机构名称")] + [
            (str(i), n) for i, n in enumerate(PLATFORMS, 1)
        ]
        header._element.append(parse_xml(_table_xml(head_rows)))
        word.add_paragraph("增信服务机构")
        body_rows = [("序号", "增信服务机构名称")] + [
            (str(i), n) for i, n in enumerate(GUARANTORS, 1)
        ]
        word.element.body.insert(1, parse_xml(_table_xml(body_rows)))
        word.add_page_break()
        word.add_paragraph("（此页无正文）")

    result = extract(capture(response("名单.docx", _docx(build), DOCX)), aliases=aliases)
    assert result.list_status is ListStatus.OK, result.list_note
    assert sorted(p.name for p in result.partners) == sorted([*PLATFORMS, *GUARANTORS])


def _pptx() -> bytes:
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = "互联网助贷业务合作机构名单"
    rows = _rows()
    shape = slide.shapes.add_table(len(rows), 3, Inches(0.5), Inches(1.5), Inches(9), Inches(4))
    # the category merged down its rows, as a deck's designer does it, written once
    shape.table.cell(1, 2).merge(shape.table.cell(3, 2))
    shape.table.cell(4, 2).merge(shape.table.cell(5, 2))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if not shape.table.cell(r, c).is_spanned:
                shape.table.cell(r, c).text = text
    reminder = deck.slides.add_slide(deck.slide_layouts[1])
    reminder.shapes.title.text = "风险提示"
    reminder.placeholders[1].text = "请通过正规渠道申请贷款，谨防电信网络诈骗。"
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def test_a_powerpoint_deck_whose_slide_holds_the_list_as_a_table_is_read(
    aliases: AliasTable,
) -> None:
    """A briefing deck published as the attachment: the slide's table is the list, its
    category merged down the rows reaches each partner, the reminder slide is no list
    (blind round 18, pptx-slide-table)."""
    body = _pptx()
    assert doctypes.sniff(body) is doctypes.PPTX
    result = extract(capture(response("名单.pptx", body, PPTX)), aliases=aliases)
    assert result.list_status is ListStatus.OK, result.list_note
    categories = {p.name: p.category_raw for p in result.partners}
    assert categories == {
        **dict.fromkeys(PLATFORMS, "平台运营机构"),
        **dict.fromkeys(GUARANTORS, "增信服务机构"),
    }


def test_a_deck_that_is_not_a_zip_is_a_note_not_a_crash(aliases: AliasTable) -> None:
    """Bytes named .pptx that are no deck: the reader says so in one line."""
    result = extract(
        capture(response("名单.pptx", b"<html>not found</html>", PPTX)), aliases=aliases
    )
    assert result.list_status is not ListStatus.OK
    assert "名单.pptx" in result.list_note


def test_an_error_page_served_as_the_attachment_is_named_a_web_page(aliases: AliasTable) -> None:
    """名单.pdf answers 200 with the site's "文件不存在或已被删除" page: the note says what came
    (a web page), not that a PDF is broken (blind round 18, attachment-missing-soft404)."""
    body = "<!DOCTYPE html><html><body><p>文件不存在或已被删除</p></body></html>".encode()
    result = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert result.list_status is not ListStatus.OK
    assert "名单.pdf is a web page, not a PDF" in result.list_note
