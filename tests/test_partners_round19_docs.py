"""The document classes round 19 showed (after its held-out score), each in a shape of our own:
real text files and PDFs built here, read through the whole partner reader."""

from __future__ import annotations

import logging

from archiver.models import ListStatus
from archiver.partners import AliasTable, extract
from tests.test_partners_documents import FONT, aliases, capture, response

__all__ = ["aliases"]  # the module's fixture, shared

PLATFORMS = ("甲乙网络科技有限公司", "丙丁信息技术（上海）有限公司", "戊己数字科技有限公司")
GUARANTORS = ("壬癸融资担保有限公司", "子丑财产保险股份有限公司")
ENDED = ("寅卯信息科技有限公司",)


def test_a_list_saved_as_gbk_text_with_crlf_lines_is_read(aliases: AliasTable) -> None:
    """名单.txt in GBK, CRLF line ends, "1、" numbers and category lines: a document like any
    other (blind round 19, txt-attachment-gbk: it was left unread, the list unparseable)."""
    lines = ["互联网助贷业务合作机构名单", "一、平台运营机构"]
    lines += [f"{i}、{name}" for i, name in enumerate(PLATFORMS, 1)]
    lines += ["二、增信服务机构"] + [f"{i}、{name}" for i, name in enumerate(GUARANTORS, 1)]
    body = "\r\n".join(lines).encode("gbk")
    found = extract(capture(response("名单.txt", body, "text/plain")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == {
        **dict.fromkeys(PLATFORMS, "平台运营机构"),
        **dict.fromkeys(GUARANTORS, "增信服务机构"),
    }


def test_a_sheet_saved_as_tab_separated_text_is_read_as_a_table(aliases: AliasTable) -> None:
    rows = [("序号", "机构名称", "合作类型")]
    rows += [(str(i), name, "平台运营机构") for i, name in enumerate(PLATFORMS, 1)]
    body = "\n".join("\t".join(row) for row in rows).encode("utf-8")
    found = extract(capture(response("名单.txt", body, "text/plain")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == dict.fromkeys(
        PLATFORMS, "平台运营机构"
    )


def _pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_font("zh", fname=FONT)
    document.add_page()
    document.set_font("zh", size=11)
    for line in lines:
        document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def test_the_pages_last_line_naming_the_ended_list_heads_no_rows_of_the_current_one(
    aliases: AliasTable,
) -> None:
    """附件1 the current list, 附件2 the ended partners, linked in that order: the page's last
    line "附件2：已终止合作机构名单" says what 附件2 holds; 附件1's partners stay current
    (blind round 19, two-attachments-current-terminated: all were read as ended)."""
    page = (
        "<html><body><h1>关于更新互联网助贷业务合作机构名单的公告</h1>"
        "<p>现将我行合作机构名单及已终止合作机构名单公示如下。</p>"
        "<p>附件1：<a href='/upload/fj1.pdf'>互联网助贷业务合作机构名单</a></p>"
        "<p>附件2：<a href='/upload/fj2.pdf'>已终止合作的互联网助贷业务合作机构名单</a></p>"
        "</body></html>"
    )
    current = _pdf(
        ["附件1：互联网助贷业务合作机构名单", "序号 机构名称 合作类型"]
        + [f"{i} {name} 平台运营机构" for i, name in enumerate(PLATFORMS, 1)]
    )
    ended = _pdf(
        ["附件2：已终止合作的互联网助贷业务合作机构名单", "序号 机构名称 原合作类型"]
        + [f"{i} {name} 平台运营机构" for i, name in enumerate(ENDED, 1)]
    )
    found = extract(
        capture(
            response("fj1.pdf", current, "application/pdf"),
            response("fj2.pdf", ended, "application/pdf"),
            html=page,
        ),
        aliases=aliases,
    )
    assert found.list_status is ListStatus.OK
    assert {p.name: bool(p.markers) for p in found.partners} == {
        **dict.fromkeys(PLATFORMS, False),
        **dict.fromkeys(ENDED, True),
    }


def test_names_wrapped_inside_a_narrow_ruled_cell_are_read_whole(aliases: AliasTable) -> None:
    """A ruled table whose name column is narrow: "4 子丑财产保险股份" / "有限公司北京分公司"
    on two lines of one cell. The cells are read by their ruling, so the branch keeps its
    whole name (blind round 19, pdf-wrapped-long-names)."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    names = [
        ("重庆甲乙小额贷款有限公司", "平台运营机构"),
        ("丙丁信息技术（上海）有限公司", "平台运营机构"),
        ("子丑财产保险股份有限公司北京分公司", "增信服务机构"),
        ("寅卯财产保险股份有限公司深圳市分公司", "增信服务机构"),
    ]
    document = FPDF()
    document.add_font("zh", fname=FONT)
    document.add_page()
    document.set_font("zh", size=11)
    document.cell(0, 10, "互联网助贷业务合作机构名单", new_x="LMARGIN", new_y="NEXT")
    with document.table(
        col_widths=(12, 50, 40), width=102, text_align="LEFT", first_row_as_headings=False
    ) as table:
        for row in [("序号", "机构名称", "类型")] + [
            (str(i), name, kind) for i, (name, kind) in enumerate(names, 1)
        ]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    body = bytes(document.output())
    found = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == dict(names)
