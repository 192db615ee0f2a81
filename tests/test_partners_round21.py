"""Shapes blind round 21 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind21.py)."""

from __future__ import annotations

import io

import pytest

from archiver.models import ListStatus, Marker
from archiver.partners import AliasTable, extract
from benchmarks import bench_noise
from tests.test_partners_documents import aliases
from tests.test_partners_extraction import LINK_PAGE, XLSX, capture, response
from tests.test_partners_round18 import ANT, PICC, QY, ZA, _page, _read

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
    assert read == {ANT: (), QY: (), PICC: (Marker.SUSPENDED,)}


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
