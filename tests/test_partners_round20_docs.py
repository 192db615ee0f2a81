"""Documents blind round 20 found read wrong, each in a variant of its own (the outsiders'
pages themselves run in tests/test_partners_blind20.py)."""

from __future__ import annotations

import io
import logging

import pytest

from archiver.models import ListStatus
from archiver.partners import AliasTable, extract
from tests.test_partners_documents import FONT, aliases, capture, response

__all__ = ["aliases"]  # (a fixture)

PARTNERS = [
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "北京三快在线科技有限公司",
    "上海数禾信息科技有限公司",
    "重庆市分期乐融资担保有限公司",
    "中国人民财产保险股份有限公司",
]


def _rotated_pdf(lines: list[str], degrees: int) -> bytes:
    """A table of lines printed upright, then the page turned by /Rotate (a scanner app's or
    a viewer's "rotate and save")."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF(orientation="L")
    document.add_font("zh", fname=FONT)
    document.add_page()
    document.set_font("zh", size=11)
    for line in lines:
        document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf = pdfium.PdfDocument(bytes(document.output()))
    pdf[0].set_rotation(degrees)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_table_on_a_page_turned_by_rotate_is_read_row_by_row(
    aliases: AliasTable, degrees: int
) -> None:
    """A page turned by /Rotate is read as the page it prints. (On blind round 20's
    pdf-rotate-90, a reportlab table turned by pypdf, PDFium ran rows 1-9 into one line and 3
    of 11 names were read; pdfpages.break_lines parts such rows by where their characters
    sit. This fpdf2 page PDFium reads right either way: the blind page is the regression
    test, this one keeps every turn read.)"""
    lines = ["互联网助贷业务合作机构名单", "序号    合作机构名称    合作机构类别"] + [
        f"{i}    {name}    {_category(name)}" for i, name in enumerate(PARTNERS, 1)
    ]
    found = extract(
        capture(response("list.pdf", _rotated_pdf(lines, degrees), "application/pdf")),
        aliases=aliases,
    )
    assert found.list_status is ListStatus.OK
    assert {p.name: p.category_raw for p in found.partners} == {
        name: _category(name) for name in PARTNERS
    }


def _category(name: str) -> str:
    return "增信服务机构" if "担保" in name or "保险" in name else "平台运营机构"
