"""Shapes blind round 15 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind15.py)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from archiver.completeness import cut_off
from archiver.models import Capture, HttpResponse, ListStatus, Marker, RenderedPage
from archiver.partners import AliasTable, compare, extract
from benchmarks import bench_noise
from tests.test_partners_documents import aliases, capture, pdf, response
from tests.test_partners_events import version as manifest

__all__ = ["aliases"]  # the module's fixture, shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
DXM = "度小满科技（北京）有限公司"
XC = "上海携程金融信息服务有限公司"
YL = "北京瓴岳信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"
SH = "上海数禾信息科技有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def _table(*rows: tuple[str, ...]) -> str:
    cells = ("".join(f"<td>{cell}</td>" for cell in row) for row in rows)
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


def test_a_product_tables_short_names_are_the_listed_partners_not_new_ones() -> None:
    """A product table under the list names its partners by brand (度小满, 携程金融): they are
    the listed companies, whose products they give, never partners of their own."""
    body = _table(
        ("序号", "合作类型", "合作机构名称"), ("1", "平台运营机构", DXM), ("2", "平台运营机构", XC)
    )
    body += "<h3>二、合作产品信息</h3>"
    body += _table(("产品名称", "合作机构", "还款方式"), ("渤银有钱花", "度小满", "等额本息"))
    partners = {p.name: p for p in bench_noise.read(_page(body)).partners}
    assert set(partners) == {DXM, XC}
    assert partners[DXM].products == ("渤银有钱花",)


def test_a_change_log_whose_rows_are_sentences_ends_the_partner_they_name() -> None:
    """ "调整日期 | 调整内容" with "终止与甲公司合作": 甲 ended; "新增乙公司" adds no name of its
    own (a 修订记录 sheet's "修订内容" the same)."""
    body = _table(("序号", "合作类型", "合作机构名称"), ("1", "平台运营机构", XC))
    body += "<h3>三、历次名单调整情况</h3>"
    body += _table(
        ("调整日期", "调整内容"), ("2025-10-15", f"终止与{SH}合作"), ("2025-07-01", f"新增{XC}")
    )
    body += _table(("版本", "日期", "修订内容"), ("V1.1", "2025-11-15", f"新增{ANT}"))
    partners = {p.name: p for p in bench_noise.read(_page(body)).partners}
    assert set(partners) == {XC, SH}
    assert Marker.TERMINATED in partners[SH].markers
    assert not partners[XC].markers


def test_a_cards_operating_entity_line_is_the_partner_and_its_brand_is_not() -> None:
    """A card: the brand as its head, then "运营主体：" and the legal name. One partner, the
    legal name, with the category of the tab above the cards."""
    cards = "".join(
        f'<div class="card"><h5>{brand}</h5><p>运营主体：{legal}</p></div>'
        for brand, legal in (("洋钱罐", YL), ("分期乐", FQL))
    )
    body = f"<div class='tab'>平台运营机构</div><div class='cards'>{cards}</div>"
    assert _read(body) == {YL: "平台运营机构", FQL: "平台运营机构"}


def test_a_word_paragraphs_runs_are_one_name_not_cells() -> None:
    """Word saved as a web page splits a name into runs wherever the editor changed a font or
    checked spelling ("福州三六" "零融资担保有限公司"): the paragraph is one name."""
    runs = (
        "<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span lang=EN-US>2.</span>"
        "<span style='font-family:仿宋'>福州三六</span>"
        "<span style='font-family:仿宋'>零融资担保有限公司</span></p>"
    )
    assert _read("<p class=MsoNormal>增信服务机构：</p>" + runs) == {
        "福州三六零融资担保有限公司": "增信服务机构"
    }


def test_names_separated_by_pipes_are_a_list() -> None:
    assert _read(f"<p>增信服务（保险）：{ZA} | {PICC}</p>") == {
        ZA: "增信服务（保险）",
        PICC: "增信服务（保险）",
    }


def test_a_category_in_its_own_inline_element_after_the_name_is_no_part_of_it() -> None:
    """<li>甲公司<em>平台运营机构</em></li>: the category, not the end of the name (also in
    items hidden until "展开全部" is clicked: they are on the page)."""
    items = (
        f"<li>{ANT}<em>平台运营机构</em></li>"
        f'<li class="more" style="display:none">{ZA}<em>增信服务机构</em></li>'
    )
    assert _read(f"<ul>{items}</ul><a href='javascript:;'>展开全部</a>") == {
        ANT: "平台运营机构",
        ZA: "增信服务机构",
    }


def test_categories_set_side_by_side_in_one_table_keep_their_halves(aliases: AliasTable) -> None:
    """ "序号 平台运营机构 序号 增信服务机构": each half's names have its half's category, in an
    HTML table and in a PDF's text lines alike."""
    rows = [
        ("序号", "平台运营机构", "序号", "增信服务机构"),
        ("1", ANT, "1", ZA),
        ("2", DXM, "2", PICC),
    ]
    rows.append(("3", XC, "", ""))
    wanted = {ANT: "平台运营机构", DXM: "平台运营机构", XC: "平台运营机构"}
    wanted |= {ZA: "增信服务机构", PICC: "增信服务机构"}
    assert _read(_table(*rows)) == wanted
    body = pdf("互联网助贷业务合作机构名单", *(" ".join(c for c in row if c) for row in rows))
    found = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == wanted


def test_a_paged_lists_page_counter_and_a_heading_of_kinds_of_company_are_categories() -> None:
    body = "<h3>平台运营机构（第1页/共2页）</h3>" + _table(("序号", "机构名称"), ("1", ANT))
    body += "<h3>（二）提供增信服务的融资担保公司及保险公司</h3>" + _table(
        ("序号", "机构名称"), ("1", ZA)
    )
    assert _read(body) == {ANT: "平台运营机构", ZA: "提供增信服务的融资担保公司及保险公司"}
    assert [p.category.value for p in bench_noise.read(_page(body)).partners] == [
        "platform",
        "credit_enhancement",
    ]


def test_a_former_name_that_is_the_name_itself_is_no_rename(aliases: AliasTable) -> None:
    """ "度小满科技（北京）有限公司（原名：度小满科技(北京)有限公司）": the brackets' width is the
    only difference, so no former name and no event against the bare name."""
    before = bench_noise.read(_page(_table(("序号", "机构名称"), ("1", DXM)))).partners
    annotated = f"{DXM}（原名：度小满科技(北京)有限公司）"
    after = bench_noise.read(_page(_table(("序号", "机构名称"), ("1", annotated)))).partners
    assert [(p.name, p.former_names, p.markers) for p in after] == [(DXM, (), ())]
    assert compare(manifest(before), after, aliases=aliases) == ((), ())


def _served(body: bytes, text: str = "") -> Capture:
    url = "https://b.cn/gg/list.html"
    main = HttpResponse(url=url, status=200, media_type="text/html", body=body)
    page = RenderedPage(url=url, html=body.decode("utf-8", "replace"), text=text, title="名单")
    return Capture(
        site_id="t",
        requested_url=url,
        final_url=url,
        status=200,
        fetched_at=datetime(2026, 7, 1, tzinfo=UTC),
        browser_version="test",
        main_response=main,
        pages=(page,),
    )


def test_a_page_cut_off_right_after_a_table_is_incomplete() -> None:
    """Cut after the first section's </table>: nothing is left open but the page's divs."""
    head = "<html><body><div class='main'><div class='content'><h2>一、平台运营机构</h2>"
    body = (head + _table(("1", ANT))).encode()
    assert "a block left open" in cut_off(_served(body))
    assert cut_off(_served(body + b"</div></div></body></html>")) == ""


@pytest.mark.parametrize("garbled", [True, False])
def test_a_page_decoded_in_the_wrong_charset_is_unreadable_not_empty(
    aliases: AliasTable, garbled: bool
) -> None:
    """A GBK page served as UTF-8 shows U+FFFD for every Chinese character: no list can be
    read from it, which says nothing of whether there is one."""
    text = "\ufffd\ufffd\ufffd\ufffd 2026-07-15 " * 10 if garbled else "关于调整营业时间的公告"
    capture_ = _served(f"<html><body><p>{text}</p></body></html>".encode(), text)
    found = extract(replace(capture_, pages=capture_.pages), aliases=aliases)
    wanted = ListStatus.UNPARSEABLE if garbled else ListStatus.ABSENT
    assert found.list_status is wanted
    assert ("garbled" in found.list_note) is garbled


def test_an_xlsx_revision_sheet_names_no_partner(aliases: AliasTable) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "平台运营机构"
    sheet.append(["序号", "机构名称", "机构类别"])
    sheet.append([1, ANT, "平台运营机构"])
    log = book.create_sheet("修订记录")
    log.append(["版本", "日期", "修订内容"])
    log.append(["V1.1", "2025-11-15", "新增北京小米支付技术有限公司"])
    buffer = io.BytesIO()
    book.save(buffer)
    found = extract(capture(response("名单.xlsx", buffer.getvalue(), XLSX)), aliases=aliases)
    assert [p.name for p in found.partners] == [ANT]
