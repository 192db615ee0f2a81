"""Shapes blind round 21 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind21.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from archiver.models import ListStatus, Marker
from archiver.partners import AliasTable, extract
from benchmarks import bench_noise
from tests.test_partners_documents import aliases
from tests.test_partners_documents import capture as document_capture
from tests.test_partners_documents import response as document_response
from tests.test_partners_extraction import DOCX, LINK_PAGE, XLSX, capture, response
from tests.test_partners_round18 import ANT, PICC, QY, ZA, _page, _read
from tests.test_partners_round20 import _events

__all__ = ["aliases"]  # (a fixture)

FUND = "易方达基金管理有限公司"
WEALTH = "招银理财有限责任公司"


def _table(*names: str, label: str = "机构名称") -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{name}</td></tr>" for n, name in enumerate(names, 1))
    return f"<table><tr><th>序号</th><th>{label}</th></tr>{rows}</table>"


@pytest.mark.parametrize(
    "heading",
    [
        "<h3>代销业务合作机构</h3>",
        "<h3>三、代理销售合作机构名单</h3>",
        "<p>我行代销的理财产品及基金合作机构如下：</p>",
    ],
    ids=["heading", "numbered", "lead"],
)
def test_a_distribution_list_beside_the_partner_list_is_not_read(heading: str) -> None:
    """A bank's 代销 partners (funds, wealth products) published under the loan partners in
    the same table shape: another business, not partners of this list (blind round 10's
    trap-agency-sales-partners, held as an xfail since; round 21 asked for it again)."""
    body = f"<h3>互联网助贷业务合作机构</h3>{_table(ANT, QY, ZA)}{heading}{_table(FUND, WEALTH)}"
    assert set(_read(body)) == {ANT, QY, ZA}


def test_a_page_of_distribution_partners_only_has_no_partner_list() -> None:
    """ "代销产品合作机构名单" titles another business's list: no partner list on the page,
    and the bank's logo (alt="徽商银行") is no picture of one."""
    lead = "<img src='/img/hs.png' alt='徽商银行'><p>现将代销合作机构名单公示如下：</p>"
    body = lead + _table(FUND, WEALTH)
    read = bench_noise.read(_page(body, title="代销产品合作机构名单"))
    assert (read.list_status, read.partners) == (ListStatus.ABSENT, ())


def test_notes_run_in_one_line_each_explain_their_own_mark() -> None:
    """ "注：①原名称为…。②该机构自2025年11月起暂停合作。" in one paragraph: ② marks its name
    suspended, ① explains a rename, not an end."""
    body = _table(ANT, f"{QY}①", f"{PICC}②") + (
        "<p>注：①原名称为“上海淇毓信息技术有限公司”。②该机构自2025年11月起暂停合作。</p>"
    )
    read = {p.name: p.markers for p in bench_noise.read(_page(body)).partners}
    assert read == {ANT: (), QY: (Marker.FORMERLY,), PICC: (Marker.SUSPENDED,)}


def test_a_hidden_block_whose_markup_calls_it_old_is_not_read() -> None:
    """<div class="old-version" style="display:none"> of names as paragraphs, nothing on the
    page shows it: last edition's names, not partners (blind round 21,
    stale-names-in-comment-and-hidden). A hidden tab pane stays read."""
    old = f"<div class='old-version' style='display:none'><p>{FUND}</p><p>{WEALTH}</p></div>"
    assert set(_read(_table(ANT, QY) + old)) == {ANT, QY}
    pane = f"<div class='tab-pane' style='display:none'><p>{ZA}</p></div>"
    assert set(_read(_table(ANT, QY) + pane)) == {ANT, QY, ZA}


def test_rows_an_autofilter_hides_are_still_in_the_list(aliases: AliasTable) -> None:
    """A workbook saved with its AutoFilter on (合作状态 = 合作中) hides the other rows from
    the view, not from the list: a reader clears the filter and sees them (blind rounds 16
    and 21). A row hidden by hand outside any filter stays unread."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["序号", "合作机构名称", "合作状态"], [1, ANT, "合作中"], [2, QY, "已终止"]):
        sheet.append(row)
    sheet.auto_filter.ref = "A1:C3"
    sheet.auto_filter.add_filter_column(2, ["合作中"])
    sheet.row_dimensions[3].hidden = True
    sheet.append([])
    sheet.append(["草稿", ZA, ""])
    sheet.row_dimensions[5].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    attachment = response("名单.xlsx", buffer.getvalue(), XLSX)
    result = extract(capture(LINK_PAGE, attachments=(attachment,)), aliases=aliases)
    assert {p.name: p.markers for p in result.partners} == {ANT: (), QY: (Marker.TERMINATED,)}


def _card(name: str, *fields: str) -> str:
    return f"<div class='card'>{name}{''.join(fields)}</div>"


def test_a_card_titled_by_its_name_takes_the_category_under_it() -> None:
    """<div class=card><h5>甲公司</h5><em>增信服务机构</em></div>: the category under the
    name is that card's, not the next card's heading (blind round 21, subtotal-rows s4)."""
    cards = _card(f"<h5>{ANT}</h5>", "<em>平台运营机构</em>") + _card(
        f"<h5>{ZA}</h5>", "<em>增信服务机构</em>"
    )
    assert _read(cards) == {ANT: "平台运营机构", ZA: "增信服务机构"}


def test_a_status_under_its_own_label_marks_the_card() -> None:
    """<label>合作状态</label><span>暂停合作</span> in an H5 card: the partner is suspended
    (blind round 21, status-suspended-and-back)."""
    row = "<div class='row'><label>{}</label><span>{}</span></div>"
    cards = "".join(
        _card(
            f"<div class='nm'>{name}</div>",
            row.format("机构类别", "平台运营机构"),
            row.format("合作状态", status),
        )
        for name, status in ((ANT, "正常合作"), (QY, "暂停合作"), (PICC, "正常合作"))
    )
    read = {p.name: p.markers for p in bench_noise.read(_page(cards)).partners}
    assert read == {ANT: (), QY: (Marker.SUSPENDED,), PICC: ()}


def test_a_header_row_of_spans_run_together_is_no_partner() -> None:
    """<li class=th><span>统一社会信用代码</span><span>机构名称</span></li> over items of
    spans: the labels read as one word are no name (blind round 21, resort-by-credit-code)."""
    items = "".join(
        f"<li><span>9131000{n}MA1K00000X</span><span>{name}</span></li>"
        for n, name in enumerate((ANT, QY, ZA))
    )
    header = "<li class='th'><span>统一社会信用代码</span><span>机构名称</span></li>"
    body = f"<h4>平台运营机构</h4><ul>{header}{items}</ul>"
    assert set(_read(body)) == {ANT, QY, ZA}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("深圳市小赢信息技术有限责任公司", "深圳市小赢信息技术股份有限公司"),
        ("北京玖富普惠信息技术股份有限公司", "北京玖富普惠信息技术有限公司"),
    ],
)
def test_a_change_of_legal_form_is_a_rename(aliases: AliasTable, old: str, new: str) -> None:
    """有限责任公司 -> 股份有限公司 (a conversion, 股改) changes the registered name: renamed,
    annotated or not (blind round 21, legal-form-change and pdf-same-url-replaced). 有限公司
    and 有限责任公司 are one kind written short and long: no event; nor is every form of the
    list rewritten at once (the team's corpus: a list typed again from another source)."""
    assert _events(aliases, _table(ANT, old), _table(ANT, new)) == [("renamed", old, new)]
    long_form = "北京玖富普惠信息技术有限责任公司"
    short_form = "北京玖富普惠信息技术有限公司"
    assert _events(aliases, _table(ANT, long_form), _table(ANT, short_form)) == []
    # every form rewritten at once: the list typed again from another source, no event
    retyped = (ANT.replace("有限公司", "有限责任公司"), new)
    assert _events(aliases, _table(ANT, old), _table(*retyped)) == []


def test_a_circled_note_giving_the_former_name_is_a_rename(aliases: AliasTable) -> None:
    """ "甲公司①" with "注：① 原名“乙公司”，已于2026年10月完成工商变更登记。": the note says
    the former name without the word 更名 (blind round 21, circled-footnote-rename)."""
    old = "北京嘀嘀无限科技发展有限公司"
    new = "北京小桔智行科技发展有限公司"
    note = f"<p>注：① 原名“{old}”，已于2026年10月完成工商变更登记。</p>"
    after = _table(ANT, f"{new}<sup>①</sup>") + note
    assert _events(aliases, _table(ANT, old), after) == [("renamed", old, new)]


def _docx_with_a_tracked_move() -> bytes:
    """A list whose reviser moved 奇富 from the platforms to the credit enhancers, not yet
    accepted: Word keeps the moved run twice, under ``w:moveFrom`` (plain ``w:t``) and
    ``w:moveTo``."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def moved(tag: str, name: str) -> Any:
        wrapper = OxmlElement(tag)
        wrapper.set(qn("w:id"), "1" if tag == "w:moveFrom" else "2")
        wrapper.set(qn("w:author"), "reviser")
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = name
        run.append(text)
        wrapper.append(run)
        return wrapper

    document = Document()
    document.add_paragraph("互联网助贷业务合作机构名单", style="Heading 1")
    document.add_paragraph("一、平台运营机构", style="Heading 2")
    document.add_paragraph(f"1. {ANT}")
    document.add_paragraph("2. ")._p.append(moved("w:moveFrom", QY))
    document.add_paragraph("二、增信服务机构", style="Heading 2")
    document.add_paragraph(f"1. {ZA}")
    document.add_paragraph("2. ")._p.append(moved("w:moveTo", QY))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_name_moved_with_tracked_changes_is_read_once(aliases: AliasTable) -> None:
    docx = document_response("名单.docx", _docx_with_a_tracked_move(), DOCX)
    found = extract(document_capture(docx), aliases=aliases)
    assert sorted((p.name, p.category_raw) for p in found.partners) == sorted(
        [(ANT, "平台运营机构"), (QY, "增信服务机构"), (ZA, "增信服务机构")]
    )
