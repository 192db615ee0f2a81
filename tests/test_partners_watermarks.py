"""A PDF list stamped with a watermark over its table is read by each character's geometry:
the watermark's characters enter no cell (pure, real PDFs made with fpdf2)."""

from __future__ import annotations

import logging

import pytest

from archiver.partners import AliasTable, extract
from archiver.partners.documents import read_attachment
from tests.test_partners_documents import FONT, aliases, capture, response

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"
ROWS = [
    ("京东科技信息技术有限公司", "平台运营机构"),
    ("上海淇毓信息科技有限公司", "平台运营机构"),
    ("深圳市分期乐网络科技有限公司", "平台运营机构"),
    ("深圳市小赢信息技术有限责任公司", "平台运营机构"),
    ("北京小桔科技有限公司", "平台运营机构"),
    ("上海三六零融资担保有限公司", "增信服务机构"),
    ("深圳市小赢融资担保有限公司", "增信服务机构"),
    ("中国人民财产保险股份有限公司", "增信服务机构"),
]


def stamped_list(*, angle: float, grey: int, size: int) -> bytes:
    """A list set cell by cell (no rulings, as ReportLab and many report writers draw it),
    stamped first with a pale watermark twice down the middle of the page, across the
    table: 30pt at an angle, or level and large across the rows themselves."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF(unit="pt", format="A4")
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_text_color(grey, grey, grey)
    document.set_font("zh", size=size)
    for x, y in ((116, 592), (116, 322)) if angle else ((60, 345), (60, 425)):
        with document.rotation(angle, x + 184, y):
            document.text(x, y, "仅供官网公示使用 复制无效")
    document.set_text_color(0, 0, 0)
    document.set_font("zh", size=16)
    document.text(160, 100, "互联网助贷业务合作机构名单")
    document.set_font("zh", size=10)
    for row, (number, name, kind) in enumerate(
        [("序号", "合作机构名称", "合作类别")]
        + [(str(n), name, kind) for n, (name, kind) in enumerate(ROWS, 1)]
    ):
        y = 280 + 20 * row
        document.text(68, y, number)
        document.text(113, y, name)
        document.text(425, y, kind)
    return bytes(document.output())


@pytest.mark.parametrize(
    ("angle", "grey", "size"),
    [(35, 217, 30), (-35, 200, 30), (0, 217, 40)],
    ids=["diagonal", "diagonal-down", "level-pale-and-large"],
)
def test_a_watermark_over_the_table_enters_no_cell(
    aliases: AliasTable, angle: float, grey: int, size: int
) -> None:
    body = stamped_list(angle=angle, grey=grey, size=size)
    result = extract(capture(response("名单（盖章版）.pdf", body, PDF)), aliases=aliases)
    assert [(p.name, p.category_raw) for p in result.partners] == ROWS


def test_dark_type_as_large_as_a_watermark_is_the_page_s_own_text() -> None:
    """Large type alone is no watermark: a black 40pt line stays in the file's text, and
    the same line in pale type is taken out of it."""
    dark = read_attachment(response("名单.pdf", stamped_list(angle=0, grey=0, size=40), PDF))
    pale = read_attachment(response("名单.pdf", stamped_list(angle=0, grey=215, size=40), PDF))
    assert "仅供官网公示使用" in dark.text.replace(" ", "")
    assert "仅供官网公示使用" not in pale.text.replace(" ", "")
    assert "中国人民财产保险股份有限公司" in pale.text


def sealed_list() -> bytes:
    """The list set cell by cell, then a red seal over its rows: a ring, and the issuer's name
    round its top, each character turned to the ring (the middle ones stand level)."""
    import math

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF(unit="pt", format="A4")
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=16)
    document.text(160, 100, "互联网助贷业务合作机构名单")
    document.set_font("zh", size=10)
    for row, (number, name, kind) in enumerate(
        [("序号", "合作机构名称", "合作类别")]
        + [(str(n), name, kind) for n, (name, kind) in enumerate(ROWS, 1)]
    ):
        y = 280 + 20 * row
        document.text(68, y, number)
        document.text(113, y, name)
        document.text(425, y, kind)
    document.set_draw_color(220, 0, 0)
    document.set_text_color(220, 0, 0)
    document.circle(260, 360, 60)  # (a ring; where fpdf2 puts it matters not)
    document.set_font("zh", size=13)
    legend = "甲乙银行股份有限公司章"  # odd: its middle character stands level
    for index, char in enumerate(legend):
        angle = 150 - index * 120 / (len(legend) - 1)  # from the left round the top
        x = 260 + 48 * math.cos(math.radians(angle)) - 6
        y = 360 - 48 * math.sin(math.radians(angle)) + 6
        with document.rotation(angle - 90, x + 6, y - 6):
            document.text(x, y, char)
    return bytes(document.output())


def test_a_seal_over_the_rows_enters_no_cell(aliases: AliasTable) -> None:
    """The seal's level characters (the top of its ring) share its red and stand inside it:
    they go with the turned ones; the rows keep their names."""
    result = extract(capture(response("名单（盖章版）.pdf", sealed_list(), PDF)), aliases=aliases)
    assert [(p.name, p.category_raw) for p in result.partners] == ROWS
    text = result.document_texts[0][1]
    assert not any(char in text for char in "甲乙章"), text
    assert text.count("份") == sum(name.count("份") for name, _ in ROWS), text  # the level one
