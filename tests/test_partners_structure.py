"""extract() on HTML structures of issue 15's round 6 (engineer A's failure classes), written
here in shapes of our own: each test fails on the reader before its rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.html
import pytest

from archiver.models import Capture, HttpResponse, RenderedPage
from archiver.partners import AliasTable, extract
from archiver.partners.annotations import is_ended
from archiver.partners.extraction import Extraction

URL = "https://www.example-bank.cn/xxpl/2025/1031/list.html"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
PICC = "中国人民财产保险股份有限公司"
KX = "深圳市凯旋融资担保有限公司"


def read(body: str, *, title: str = "互联网助贷业务合作机构名单") -> tuple[str, ...]:
    """The partner names read from one page, in order."""
    return tuple(partner.name for partner in _extract(body, title=title).partners)


def _extract(body: str, *, title: str = "互联网助贷业务合作机构名单") -> Extraction:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    root = lxml.html.fromstring(html)
    page = RenderedPage(url=URL, html=html, text=root.text_content(), title=title)
    capture = Capture(
        site_id="t",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime(2025, 10, 31, tzinfo=UTC),
        browser_version="test",
        pages=(page,),
    )
    return extract(capture, aliases=AliasTable())


# --- class 1: legal names beside short forms, the publisher's own row ------------------------


def test_a_short_name_column_beside_the_legal_name_column_is_not_read() -> None:
    body = (
        "<table><tr><th>序号</th><th>机构简称</th><th>机构全称</th><th>类别</th></tr>"
        f"<tr><td>1</td><td>人保财险</td><td>{PICC}</td><td>增信服务机构</td></tr>"
        f"<tr><td>2</td><td>凯旋担保</td><td>{KX}</td><td>增信服务机构</td></tr>"
        f"<tr><td>3</td><td>分期乐</td><td>{FQL}</td><td>平台运营机构</td></tr></table>"
    )
    assert read(body) == (PICC, KX, FQL)


def test_a_short_name_column_alone_is_still_the_name_column() -> None:
    body = (
        "<table><tr><th>序号</th><th>合作机构简称</th><th>合作机构类别</th></tr>"
        "<tr><td>1</td><td>蚂蚁智信</td><td>平台运营机构</td></tr>"
        "<tr><td>2</td><td>分期乐</td><td>平台运营机构</td></tr></table>"
    )
    assert read(body) == ("蚂蚁智信", "分期乐")


def test_the_logo_brand_with_its_english_name_is_the_publisher_not_a_partner() -> None:
    body = (
        '<div class="top">甬信金融 NXCFC　客服热线 95555</div>'
        "<h2>合作机构名单</h2>"
        f"<table><tr><th>序号</th><th>机构名称</th></tr><tr><td>1</td><td>{ANT}</td></tr>"
        f"<tr><td>2</td><td>{KX}</td></tr></table>"
    )
    assert read(body) == (ANT, KX)


def test_the_publishers_own_row_keeps_the_numbering_whole() -> None:
    body = (
        "<table><tr><th>序号</th><th>机构名称</th><th>渠道类型</th></tr>"
        "<tr><td>1</td><td>甬信消费金融股份有限公司</td><td>自营</td></tr>"
        f"<tr><td>2</td><td>{ANT}</td><td>平台运营机构</td></tr>"
        f"<tr><td>3</td><td>{FQL}</td><td>平台运营机构</td></tr></table>"
    )
    found = _extract(body, title="获客渠道及合作机构公示-甬信消费金融")
    assert tuple(p.name for p in found.partners) == (ANT, FQL)
    assert found.truncated == ""


def test_two_records_per_row_numbered_along_the_rows_read_in_their_order() -> None:
    body = (
        "<table><tr><th>序号</th><th>机构名称</th><th>序号</th><th>机构名称</th></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>2</td><td>{FQL}</td></tr>"
        f"<tr><td>3</td><td>{PICC}</td><td></td><td></td></tr></table>"
    )
    found = _extract(body)
    assert tuple(p.name for p in found.partners) == (ANT, FQL, PICC)
    assert found.truncated == ""


# --- class 2: H5 cards, a category tag glued to the name, the card's fields -----------------


def _card(tag: str, name: str, *fields: tuple[str, str]) -> str:
    rows = "".join(f'<div class="row"><label>{k}</label><span>{v}</span></div>' for k, v in fields)
    return (
        f'<div class="card"><div class="card-hd"><i class="tag">{tag}</i>'
        f'<span class="org">{name}</span></div><div class="card-bd">{rows}</div></div>'
    )


def test_a_category_tag_glued_before_the_name_in_a_card_is_the_category() -> None:
    body = _card("营销获客", ANT) + _card("营销获客", FQL) + _card("融资担保", KX)
    found = _extract(body)
    assert [(p.name, p.category_raw) for p in found.partners] == [
        (ANT, "营销获客"),
        (FQL, "营销获客"),
        (KX, "融资担保"),
    ]


def test_a_cards_field_lines_under_its_name_are_its_fields() -> None:
    body = _card(
        "平台运营",
        ANT,
        ("合作产品", "借呗、花呗"),
        ("客服电话", "95188"),
        ("合作期限", "2025年1月1日至2026年12月31日"),
    ) + _card("平台运营", FQL, ("合作产品", "分期乐"), ("客服电话", "400-000-0000"))
    found = {p.name: p for p in _extract(body).partners}
    assert found[ANT].products == ("借呗", "花呗")
    assert found[ANT].hotline == "95188"
    assert found[ANT].period == "2025年1月1日至2026年12月31日"
    assert (found[FQL].products, found[FQL].hotline) == (("分期乐",), "400-000-0000")


def test_one_hotline_line_after_a_list_is_the_publishers_not_the_last_partners() -> None:
    body = f"<h3>平台运营机构</h3><p>{ANT}</p><p>{FQL}</p><p>客服电话：95555</p>"
    found = {p.name: p for p in _extract(body).partners}
    assert set(found) == {ANT, FQL}
    assert found[FQL].hotline == ""


def test_a_card_header_among_cards_is_no_site_header_naming_the_publisher() -> None:
    name = "甬信消费金融股份有限公司"  # a partner whose name looks like a lender's
    body = _card("", name) + _card("", ANT) + _card("", FQL)
    assert read(body) == (name, ANT, FQL)


# --- class 3: tabs of current and ended partners, categories in tabs, ended in prose --------


def _ended(found: Extraction) -> dict[str, bool]:
    return {p.name: is_ended(p.markers) for p in found.partners}


def test_a_current_tab_beside_an_ended_tab_keeps_its_partners_current() -> None:
    body = (
        '<div class="tabs"><span class="on">当前合作机构</span><span>已终止合作机构</span></div>'
        '<div class="pane"><table><tr><th>机构名称</th><th>合作类型</th></tr>'
        f"<tr><td>{ANT}</td><td>平台运营机构</td></tr><tr><td>{KX}</td><td>增信服务机构</td></tr>"
        '</table></div><div class="pane" style="display:none"><table><tr><th>机构名称</th>'
        f"<th>合作类型</th></tr><tr><td>{FQL}</td><td>平台运营机构</td></tr></table></div>"
    )
    assert _ended(_extract(body)) == {ANT: False, KX: False, FQL: True}


def test_a_tab_bar_read_as_one_line_is_no_ended_heading() -> None:
    body = (
        "<p><span>现合作机构</span><span>已终止合作机构</span></p>"
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr><tr><td>{KX}</td></tr></table>"
    )
    assert _ended(_extract(body)) == {ANT: False, KX: False}


def test_a_partner_the_page_says_it_once_worked_with_is_ended() -> None:
    body = (
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr></table>"
        f"<p>另：本行曾与{FQL}开展导流合作（已于2024年12月31日终止合作）。</p>"
    )
    assert _ended(_extract(body)) == {ANT: False, FQL: True}


def test_the_tab_is_the_category_and_a_service_column_is_not() -> None:
    def tabs(platform: tuple[str, ...], other: tuple[str, ...]) -> str:
        def pane(names: tuple[str, ...], pane_id: str) -> str:
            rows = "".join(f"<tr><td>{n}</td><td>风控模型服务</td></tr>" for n in names)
            head = "<tr><th>机构名称</th><th>合作内容</th></tr>"
            return f'<section id="{pane_id}"><table>{head}{rows}</table></section>'

        return (
            '<div role="tablist"><a href="#p1">平台运营机构</a>'
            '<a href="#p2">其他合作机构</a></div>' + pane(platform, "p1") + pane(other, "p2")
        )

    before = _extract(tabs((ANT, FQL), (KX,)))
    after = _extract(tabs((ANT,), (KX, FQL)))
    assert {p.name: p.category_raw for p in before.partners} == {
        ANT: "平台运营机构",
        FQL: "平台运营机构",
        KX: "其他合作机构",
    }
    assert {p.name: p.category_raw for p in after.partners}[FQL] == "其他合作机构"


# --- class 4: the site's own menus, hidden Excel rows, a Word letter's signer ----------------


def test_a_bar_of_the_sites_links_is_no_partner() -> None:
    body = (
        '<div class="t"><a href="/grwy/">个人网银</a>|<a href="/qywy/">企业网银</a>|'
        '<a href="/sjyh/">手机银行</a></div>'
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr><tr><td>{KX}</td></tr></table>"
    )
    assert read(body) == (ANT, KX)


def test_a_left_column_table_of_the_sites_links_is_no_partner() -> None:
    body = (
        '<table><tr><td class="lm">信息披露</td></tr><tr><td>· <a href="#">年度报告</a></td></tr>'
        '<tr><td>· <a href="#">互联网贷款合作机构</a></td></tr>'
        '<tr><td>· <a href="#">服务收费</a></td></tr></table>'
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr><tr><td>{KX}</td></tr></table>"
    )
    assert read(body) == (ANT, KX)


def test_partner_names_that_link_to_their_sites_are_still_read() -> None:
    body = (
        "<h3>平台运营机构</h3>"
        f'<p><a href="/hzjg/1.html">{ANT}</a> | <a href="/hzjg/2.html">{FQL}</a></p>'
    )
    assert set(read(body)) == {ANT, FQL}


def test_a_row_of_no_height_is_not_published_but_a_hidden_row_is() -> None:
    body = (
        "<table><tr><td>序号</td><td>合作机构名称</td></tr>"
        f"<tr><td>1</td><td>{ANT}</td></tr>"
        f"<tr height=0 style='display:none'><td>2</td><td>{FQL}</td></tr>"
        f"<tr style='display:none'><td>2</td><td>{KX}</td></tr></table>"
    )
    assert read(body) == (ANT, KX)


@pytest.mark.parametrize(
    "hidden",
    [
        "<tr height=27 style='display:none;height:20.25pt;mso-height-source:userset;'>"
        "<td x:num>2</td><td x:str>{}</td></tr>",
        "<tr style='display: none'><td class=et3 x:num>2</td><td class=et4 x:str>{}</td></tr>",
    ],
    ids=["mso-row-style", "excel-cells"],
)
def test_a_row_display_none_in_an_office_export_is_not_published(hidden: str) -> None:
    """Excel and WPS save a hidden row as display:none with its height kept: a saved
    spreadsheet has no script to show it, so the row is hidden, not collapsed."""
    body = (
        "<table><tr><td>序号</td><td>合作机构名称</td></tr>"
        f"<tr><td x:num>1</td><td x:str>{ANT}</td></tr>"
        + hidden.format(FQL)
        + f"<tr><td x:num>3</td><td x:str>{KX}</td></tr></table>"
    )
    assert read(body) == (ANT, KX)


def test_the_signer_of_a_letter_under_a_category_heading_is_no_partner() -> None:
    body = (
        "<p>二、增信服务机构</p>"
        f"<table><tr><td>序号</td><td>机构名称</td></tr><tr><td>1</td><td>{PICC}</td></tr></table>"
        "<p>注：本名单自公布之日起生效。</p>"
        "<p align=right>甬信银行股份有限公司</p><p align=right>2025年10月24日</p>"
    )
    assert read(body, title="附件") == (PICC,)


def test_a_word_pages_company_property_is_the_publisher() -> None:
    props = "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Company>甬信银行股份有限公司"
    props += "</o:Company></o:DocumentProperties></xml><![endif]-->"
    body = (
        f"{props}<p>增信服务机构：</p><p>1. {PICC}</p><p>2. 甬信银行股份有限公司</p><p>3. {KX}</p>"
    )
    assert read(body, title="附件") == (PICC, KX)


# --- class 5: a struck-through former name before the new one, a name cut in transit ---------


def test_a_struck_name_before_another_name_is_its_former_name() -> None:
    body = (
        "<table><tr><th>合作机构名称</th><th>合作类型</th></tr>"
        f"<tr><td><del>上海淇毓信息科技有限公司</del> 奇富数科（上海）科技有限公司</td>"
        "<td>平台运营机构</td></tr>"
        f"<tr><td><s>{KX}</s></td><td>增信服务机构</td></tr></table>"
    )
    found = {p.name: p for p in _extract(body).partners}
    assert set(found) == {"奇富数科（上海）科技有限公司", KX}
    assert "上海淇毓信息科技有限公司" in found["奇富数科（上海）科技有限公司"].former_names
    assert is_ended(found[KX].markers)


def test_the_last_row_cut_mid_name_is_no_partner() -> None:
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>平台运营机构</td></tr>"
        for n, name in enumerate((ANT, FQL, KX), 1)
    )
    head = "<tr><th>序号</th><th>机构名称</th><th>类别</th></tr>"
    body = f"<table>{head}{rows}<tr><td>4</td><td>深圳市小"
    assert read(body) == (ANT, FQL, KX)


def test_a_short_name_in_the_middle_of_a_table_is_still_read() -> None:
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>平台运营机构</td></tr>"
        for n, name in enumerate((ANT, "分期乐", FQL, KX), 1)
    )
    body = f"<table><tr><th>序号</th><th>合作机构名称</th><th>类别</th></tr>{rows}</table>"
    assert read(body) == (ANT, "分期乐", FQL, KX)


# --- class 6: an app's tabs with counts, its JSON codes beside its own rendering --------------


def test_status_tabs_with_counts_keep_their_partners_apart() -> None:
    body = (
        '<div class="nav"><span class="active">合作中（2）</span><span>已终止（1）</span></div>'
        f'<div class="pane"><table><tr><th>合作机构名称</th></tr><tr><td>{ANT}</td></tr>'
        f"<tr><td>{KX}</td></tr></table></div>"
        '<div class="pane" style="display:none"><table><tr><th>合作机构名称</th></tr>'
        f"<tr><td>{FQL}</td></tr></table></div>"
    )
    found = _extract(body)
    assert _ended(found) == {ANT: False, KX: False, FQL: True}
    assert {p.remark for p in found.partners if p.name == FQL} == {"已终止"}  # no count


def test_a_json_records_code_category_folds_into_the_pages_own_row() -> None:
    html = (
        "<html><head><title>合作机构名单</title></head><body><h3>增信服务机构</h3>"
        f"<table><tr><th>合作机构名称</th></tr><tr><td>{KX}</td></tr></table></body></html>"
    )
    page = RenderedPage(url=URL, html=html, text=KX, title="合作机构名单")
    records = {"data": {"records": [{"partnerFullName": KX, "bizType": "CREDIT_ENH"}]}}
    body = json.dumps(records, ensure_ascii=False).encode()
    api = HttpResponse(url=URL + "api", status=200, media_type="application/json", body=body)
    capture = Capture(
        site_id="t",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime(2025, 10, 31, tzinfo=UTC),
        browser_version="test",
        pages=(page,),
        json_bodies=(api,),
    )
    found = extract(capture, aliases=AliasTable()).partners
    assert [(p.name, p.category_raw) for p in found] == [(KX, "增信服务机构")]


def test_a_numbered_line_of_fields_parted_by_commas_is_read() -> None:
    body = (
        f"<p>1. {ANT}，平台运营机构，客服电话：95188</p>"
        f"<p>2. {FQL}（已终止合作），平台运营机构，客服电话：400-000-0000</p>"
    )
    found = {p.name: p for p in _extract(body).partners}
    assert (found[ANT].category_raw, found[ANT].hotline) == ("平台运营机构", "95188")
    assert is_ended(found[FQL].markers)


def test_a_numbered_sentence_that_starts_with_a_name_is_not_parted_into_fields() -> None:
    body = (
        f"<h3>平台运营机构</h3><p>1. {ANT}，平台运营机构</p>"
        "<p>2. 甬信消费金融有限公司系甬信银行控股子公司，其合作机构名单请至该公司官网查询。</p>"
    )
    assert read(body) == (ANT,)


@pytest.mark.parametrize(
    "notes",
    [
        "<p>注：1. 名单按合作类别及机构名称排序，排名不分先后；</p>"
        f"<p>2. {FQL}自2025年10月1日起暂停新增业务合作，存量业务按合同约定继续服务；</p>"
        "<p>3. 增信服务机构包括为本行提供融资担保或信用保证保险的机构。</p>",
        f"<p>备注：{FQL}自2025年10月1日起暂停新增业务合作。</p>",
        f"<p>注：</p><ol><li>排名不分先后；</li><li>{FQL}已暂停新增业务。</li></ol>",
    ],
    ids=["numbered-note-items", "one-note", "note-list"],
)
def test_a_note_that_suspends_new_business_with_a_partner_suspends_it(notes: str) -> None:
    """ "乙自…起暂停新增业务合作" in a note under the table, its items numbered like records:
    乙 stays listed, suspended; the others stay current."""
    body = (
        "<table><tr><td>序号</td><td>合作机构名称</td><td>合作类别</td></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
        f"<tr><td>2</td><td>{FQL}</td><td>平台运营机构</td></tr>"
        f"<tr><td>3</td><td>{PICC}</td><td>增信服务机构</td></tr></table>" + notes
    )
    assert _ended(_extract(body)) == {ANT: False, FQL: True, PICC: False}


def test_a_partner_that_leaves_the_list_in_a_sentence_of_its_own_is_ended() -> None:
    """An announcement of new partners that also says one leaves: "同时，乙因合作到期，自…起
    退出我行合作机构名单". The new ones are current; a conditional ("如…终止合作") ends nobody."""
    body = (
        "<p>我行新增以下互联网助贷业务合作机构：</p>"
        f"<p>1. {ANT}（平台运营机构）；</p><p>2. {PICC}（增信服务机构）。</p>"
        f"<p>同时，{FQL}因合作到期，自2025年11月30日起退出我行合作机构名单。</p>"
        f"<p>{KX}为本行提供增信服务，如终止合作将另行公告。</p>"
    )
    assert _ended(_extract(body)) == {ANT: False, PICC: False, FQL: True}
