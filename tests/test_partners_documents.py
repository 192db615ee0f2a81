"""Attachments in the formats lists are published in, read by the partner reader (pure)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.models import Capture, HttpResponse, ListStatus, RenderedPage
from archiver.partners import AliasTable, extract, load_aliases

CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
BLIND6 = Path(__file__).parent / "fixtures" / "blind6" / "pages2"
URL = "https://www.example-bank.cn/xxpl/gg/20251015.html"
XLS = "application/vnd.ms-excel"
LINK_PAGE = "<html><body><h1>合作机构名单公示</h1><p>名单详见附件。</p></body></html>"


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(CONFIG.read_text())


def capture(*attachments: HttpResponse, html: str = LINK_PAGE) -> Capture:
    page = RenderedPage(url=URL, html=html, text="名单详见附件。", title="合作机构名单公示")
    return Capture(
        site_id="t",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime(2025, 10, 31, tzinfo=UTC),
        browser_version="test",
        pages=(page,),
        attachments=attachments,
    )


def response(name: str, body: bytes, media_type: str) -> HttpResponse:
    return HttpResponse(
        url=f"https://www.example-bank.cn/upload/{name}",
        status=200,
        media_type=media_type,
        body=body,
    )


def test_a_legacy_xls_workbook_is_read_with_its_merged_categories(aliases) -> None:
    """Excel 97-2003 (BIFF): the category merged down its rows reaches every partner."""
    body = (BLIND6 / "xls-biff-legacy-attachment" / "zzbank_hzjgmd_20251015.xls").read_bytes()
    result = extract(capture(response("名单.xls", body, XLS)), aliases=aliases)
    assert result.list_status is ListStatus.OK
    categories = {p.name: p.category_raw for p in result.partners}
    assert len(categories) == 12
    assert categories["北京融世纪信息技术有限公司"] == "平台运营机构"
    assert categories["天津津融融资担保有限公司"] == "增信服务机构"
    assert not any("注" in name or "名单" in name for name in categories)


def test_a_damaged_xls_is_unparseable_with_a_note(aliases) -> None:
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    result = extract(capture(response("名单.xls", body, XLS)), aliases=aliases)
    assert result.list_status is ListStatus.UNPARSEABLE
    assert "could not be read as XLS" in result.list_note


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(header: list[str], *rows: list[object]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_period_over_two_columns_is_one_period_whatever_their_order(aliases) -> None:
    """合作起始日 | 合作到期日: the end date is part of the period (its change is an event),
    and a re-export that puts the end column first reads the same."""
    ant = "蚂蚁智信（杭州）信息技术有限公司"
    start_first = workbook(
        ["序号", "机构名称", "合作起始日", "合作到期日"], [1, ant, "2025-10-01", "2026-03-31"]
    )
    end_first = workbook(
        ["机构名称", "合作终止日期", "合作开始日期"], [ant, "2026-03-31", "2025-10-01"]
    )
    periods = [
        extract(capture(response("名单.xlsx", body, XLSX)), aliases=aliases).partners[0].period
        for body in (start_first, end_first)
    ]
    assert periods == ["2025-10-01至2026-03-31", "2025-10-01至2026-03-31"]


def test_an_sdk_sharing_list_beside_the_partner_list_gives_no_partners(aliases) -> None:
    """A third-party SDK list names companies in a 第三方机构名称 column: not partners; its
    text is archived and the note says what it is."""
    ant = "蚂蚁智信（杭州）信息技术有限公司"
    partners = workbook(["序号", "平台运营机构名称"], [1, ant])
    sdk = workbook(
        ["SDK名称", "第三方机构名称", "使用目的", "收集的个人信息"],
        ["百度地图SDK", "北京百度网讯科技有限公司", "网点定位", "位置信息"],
        ["个推推送SDK", "每日互动股份有限公司", "消息推送", "设备信息"],
    )
    result = extract(
        capture(response("名单.xlsx", partners, XLSX), response("sdk.xlsx", sdk, XLSX)),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == [ant]
    assert "sdk.xlsx is a table of SDK or shared personal information" in result.list_note
    assert any("北京百度网讯科技有限公司" in text for _, text in result.document_texts)


def test_a_sheet_of_instructions_for_the_form_is_archived_not_read(aliases) -> None:
    """A 填表说明 sheet's numbered rules are no partners; a rule that sounds like one in a
    table's notes row is a sentence, not a name."""
    import openpyxl

    ant = "蚂蚁智信（杭州）信息技术有限公司"
    book = openpyxl.Workbook()
    listed = book.active
    listed.title = "平台运营机构"
    for row in (["序号", "机构名称"], [1, ant], ["注：合作起始时间以合作协议签署日期为准"]):
        listed.append(row)
    rules = book.create_sheet("填表说明")
    for rule in (
        "填表说明",
        "1.机构名称应填写营业执照所载全称，如：XX科技有限公司，不得填写品牌或APP名称。",
        "2.合作起始时间以合作协议签署日期为准。",
        "3.如机构更名，应在备注栏注明原名称。",
    ):
        rules.append([rule])
    buffer = io.BytesIO()
    book.save(buffer)
    result = extract(capture(response("名单.xlsx", buffer.getvalue(), XLSX)), aliases=aliases)
    assert [p.name for p in result.partners] == [ant]
    assert "应在备注栏注明原名称" in result.document_texts[0][1]


FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def pdf(*paragraphs: str) -> bytes:
    """A real PDF whose paragraphs wrap at the page's right edge (fpdf's multi_cell)."""
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=12)
    for paragraph in paragraphs:
        document.multi_cell(0, 8, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def test_a_sentence_list_wrapped_at_the_pdf_page_edge_is_read_whole(aliases) -> None:
    """A name cut by the page's right edge inside running text ("…股份有" / "限公司和…")
    is joined again; the numbered items around it stay items."""
    body = pdf(
        "关于互联网助贷业务合作机构的公示",
        "一、平台运营机构（共1家）",
        "1.北京三快在线科技有限公司",
        "二、增信服务机构（共3家）",
        "本行互联网助贷业务的增信服务机构为中国人民财产保险股份有限公司、阳光财产保险股份有限"
        "公司和重庆市三峡融资担保集团股份有限公司。上述增信服务机构均持有相应金融牌照。",
    )
    result = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "北京三快在线科技有限公司",
        "中国人民财产保险股份有限公司",
        "阳光财产保险股份有限公司",
        "重庆市三峡融资担保集团股份有限公司",
    ]


def test_a_footnote_star_glued_to_a_name_is_no_part_of_it(aliases) -> None:
    """ "北京快手科技有限公司*" (标“*”者为本期新增): the star marks the row, the name is whole."""
    body = pdf(
        "合作机构名单",
        "序号  机构名称  合作类别  合作起始时间",
        "1  北京三快在线科技有限公司  平台运营机构  2025年7月",
        "2  北京快手科技有限公司*  平台运营机构  2025年5月",
        "注：标“*”者为本期新增合作机构。",
    )
    result = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "北京三快在线科技有限公司",
        "北京快手科技有限公司",
    ]


def test_two_names_per_row_under_section_headings_are_all_read(aliases) -> None:
    """序号 机构名称 序号 机构名称 at the top, then a heading per category (the header again
    under one of them): every name, each under its own heading."""
    body = pdf(
        "合作机构名单",
        "序号  机构名称  序号  机构名称",
        "一、平台运营机构（2家）",
        "1  北京三快在线科技有限公司  2  北京小桔科技有限公司",
        "二、增信服务机构（2家）",
        "序号  机构名称  序号  机构名称",
        "1  众安在线财产保险股份有限公司  2  阳光财产保险股份有限公司",
    )
    result = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert [(p.name, p.category_raw) for p in result.partners] == [
        ("北京三快在线科技有限公司", "平台运营机构"),
        ("北京小桔科技有限公司", "平台运营机构"),
        ("众安在线财产保险股份有限公司", "增信服务机构"),
        ("阳光财产保险股份有限公司", "增信服务机构"),
    ]


def test_a_table_of_products_and_rates_after_the_partners_gives_no_partners(aliases) -> None:
    """序号 合作产品名称 合作渠道（App） 年化利率区间: a product table's rows (product, the
    App's brand, a rate) are not partners."""
    body = pdf(
        "一、合作机构",
        "序号  合作机构名称  合作机构类型",
        "1  北京三快在线科技有限公司  平台运营机构",
        "二、合作产品",
        "序号  合作产品名称  合作渠道（App）  年化利率区间",
        "1  美团·湖消借钱  美团  9.0%-23.9%",
        "2  湖消·轻松借  度小满金融  7.2%-23.9%",
    )
    result = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert [p.name for p in result.partners] == ["北京三快在线科技有限公司"]
