"""Shapes blind round 14 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind14.py)."""

from __future__ import annotations

import io

from archiver.models import ListStatus, Marker
from archiver.partners import AliasTable, compare, extract
from benchmarks import bench_noise
from tests.test_partners_documents import aliases, capture, pdf, response
from tests.test_partners_events import version as manifest

__all__ = ["aliases"]  # the module's fixture, shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
JD = "北京京东叁佰陆拾度电子商务有限公司"
MT = "北京三快在线科技有限公司"
QY = "上海淇毓信息科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"
FQL = "深圳市分期乐网络科技有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def test_a_lead_saying_the_list_includes_ended_partners_ends_none(aliases: AliasTable) -> None:
    """ "现将…名单（含已终止合作机构）公示如下：" above a workbook whose 备注 marks two rows
    已终止: only those two are ended, not every row after the lead."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["合作机构类别", "序号", "合作机构名称", "备注"])
    sheet.append(["平台运营机构", 1, ANT, None])
    sheet.append([None, 2, JD, "已终止（2025年9月30日终止合作）"])
    sheet.append([None, 3, MT, None])
    sheet.append(["增信服务机构", 1, PICC, "已终止"])
    sheet.append([None, 2, ZA, None])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("A5:A6")
    buffer = io.BytesIO()
    book.save(buffer)
    html = _page("<p>现将我行互联网助贷业务合作机构名单（含已终止合作机构）公示如下：</p>")
    found = extract(
        capture(response("名单.xlsx", buffer.getvalue(), XLSX), html=html), aliases=aliases
    )
    ended = {p.name for p in found.partners if Marker.TERMINATED in p.markers}
    assert ended == {JD, PICC}
    assert {p.name for p in found.partners} == {ANT, JD, MT, PICC, ZA}


def test_a_folded_pdf_table_whose_second_section_has_its_own_header_is_read_whole(
    aliases: AliasTable,
) -> None:
    """A list folded in two halves ("序号 名称 序号 名称"), each section with a header of
    its own words ("平台运营机构名称", then "增信服务机构名称")."""
    body = pdf(
        "甲乙银行互联网助贷业务合作机构名单",
        "一、平台运营机构（共4家）",
        "序号 平台运营机构名称 序号 平台运营机构名称",
        f"1 {ANT} 3 {MT}",
        f"2 {JD} 4 {QY}",
        "二、增信服务机构（共2家）",
        "序号 增信服务机构名称 序号 增信服务机构名称",
        f"1 {PICC} 2 {ZA}",
    )
    found = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == {
        ANT: "平台运营机构",
        JD: "平台运营机构",
        MT: "平台运营机构",
        QY: "平台运营机构",
        PICC: "增信服务机构",
        ZA: "增信服务机构",
    }


def test_a_letter_spaced_pdf_header_is_a_header_not_another_table(aliases: AliasTable) -> None:
    """ "序 号  合 作 机 构 名 称  类 别": a header set with letter spacing reads as spaced
    single characters; the rows under it are the list."""
    body = pdf(
        "丙丁农商银行互联网助贷业务合作机构名单",
        "序号 合 作 机 构 名 称 类 别",
        f"1 {ANT} 平台运营机构",
        f"2 {MT} 平台运营机构",
        f"3 {PICC} 增信服务机构",
        "注 ： 上 述 机 构 排 名 不 分 先 后 。",
    )
    found = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert found.list_status is ListStatus.OK, found.list_note
    assert {p.name for p in found.partners} == {ANT, MT, PICC}


def test_a_reports_partner_section_is_read_and_its_other_tables_are_not(
    aliases: AliasTable,
) -> None:
    """A quarterly disclosure report linked as "…信息披露报告.pdf": its 股东 and 关联方
    tables are not partners, its section "五、互联网助贷业务合作机构" is the list."""
    body = pdf(
        "甲乙银行股份有限公司",
        "2025年第三季度信息披露报告",
        "三、股东情况",
        "序号 股东名称 持股比例",
        "1 甲乙金融控股集团有限公司 20.00%",
        "四、关联交易",
        "序号 关联方名称 交易类型",
        "1 甲乙地铁集团有限公司 授信",
        "五、互联网助贷业务合作机构",
        "序号 合作机构名称 类别",
        f"1 {ANT} 平台运营机构",
        f"2 {PICC} 增信服务机构",
        "六、其他重要事项",
    )
    html = _page(
        '<p>附件：<a href="/upload/2025Q3.pdf">甲乙银行2025年第三季度信息披露报告.pdf</a></p>',
        "甲乙银行2025年第三季度信息披露报告",
    )
    found = extract(capture(response("2025Q3.pdf", body, PDF), html=html), aliases=aliases)
    assert {p.name for p in found.partners} == {ANT, PICC}, found.list_note


def test_a_cards_product_line_is_the_cards_product_not_a_list_of_its_own() -> None:
    """A mobile card "甲公司 合作类型：平台运营机构 合作产品：某某金融": the product, though it
    ends like a company's short name, is no partner of a list introduced by the type."""
    cards = "".join(
        f'<li class="m-card"><div class="m-t">{name}</div><div class="m-s">合作类型：平台运营机构'
        f'</div><div class="m-s">合作产品：{product}</div></li>'
        for name, product in ((JD, "京东金条"), ("北京小桔科技有限公司", "滴滴金融"))
    )
    assert _read(f'<ul class="m-list">{cards}</ul>') == {
        JD: "平台运营机构",
        "北京小桔科技有限公司": "平台运营机构",
    }


def test_the_publishers_own_warning_under_the_list_names_no_partner() -> None:
    """ "甲消费金融股份有限公司（甲花）郑重提示：我司仅与上述机构开展…合作": the publisher
    speaking, named on no other line of an H5 page."""
    body = (
        "<p>平台运营机构</p>"
        f"<p>1 {FQL}（分期乐）</p><p>2 {QY}（奇富借条）</p>"
        "<p>马上消费金融股份有限公司（安逸花）郑重提示：我司仅与上述机构开展互联网助贷合作，"
        "请勿向任何个人或机构转账。客服热线：95105757</p>"
    )
    assert set(_read(body, "合作机构公示")) == {FQL, QY}


def test_a_numbered_footnote_that_ends_a_partner_names_no_partner_of_its_own() -> None:
    """ "① 自2025年8月1日起终止合作，存量业务按原合同约定继续履行。": a note's clauses are no
    names, however short."""
    body = (
        f"<h3>平台运营机构</h3><ul><li>{FQL}</li><li><s>北京玖富普惠信息技术有限公司</s>①</li></ul>"
        "<p>① 自2025年8月1日起终止合作，存量业务按原合同约定继续履行。</p>"
    )
    assert set(_read(body)) == {FQL, "北京玖富普惠信息技术有限公司"}


def test_a_rename_footnote_whose_sign_follows_its_lead_is_a_rename() -> None:
    """ "注：*乙公司原名为甲公司，…" under a list marking 乙 with "*": a rename."""

    def version(name: str, note: str = "") -> str:
        rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate((ANT, name), 1))
        return _page(f"<table><tr><th>序号</th><th>机构名称</th></tr>{rows}</table>{note}")

    before = bench_noise.read(version("北京微播视界科技有限公司")).partners
    after = bench_noise.read(
        version(
            "北京抖音信息服务有限公司*",
            "<p>注：*北京抖音信息服务有限公司原名为北京微播视界科技有限公司，2025年10月完成工商变更。</p>",
        )
    ).partners
    events, _ = compare(manifest(before), after, aliases=AliasTable())
    assert [(e.type.value, e.old, e.new) for e in events] == [
        ("renamed", "北京微播视界科技有限公司", "北京抖音信息服务有限公司")
    ]


def test_a_cards_field_line_about_a_channel_opens_no_section() -> None:
    """ "合作渠道：京东金融APP" under a card's name is its field: the next card keeps the
    section's category (a table turned into cards gives no category change)."""
    cards = "".join(
        f'<div class="card"><div class="hd"><span>{name}</span></div>'
        f'<div class="bd"><p>合作渠道：{channel}</p></div></div>'
        for name, channel in ((JD, "京东金融APP"), (MT, "美团APP"))
    )
    assert _read(f"<p>一、互联网助贷业务平台运营机构</p><div>{cards}</div>") == {
        JD: "互联网助贷业务平台运营机构",
        MT: "互联网助贷业务平台运营机构",
    }


def test_a_note_on_the_whole_list_under_the_last_card_is_not_its_remark() -> None:
    """ "说明：上述合作机构均经我行准入审批…" under a deck of cards is the list's note; a card's
    own "备注：…" line stays its remark (the table turned into cards gives no remark change)."""

    def deck(remark: str) -> str:
        cards = "".join(
            f'<div class="card"><div class="hd"><span>{name}</span></div><div class="bd">'
            f"<p>合作类型：平台运营机构</p><p>客服电话：{phone}</p>{extra}</div></div>"
            for name, phone, extra in ((JD, "95118", ""), (MT, "10107888", remark))
        )
        return f"<div>{cards}</div><p>说明：上述合作机构均经我行准入审批，可通过客服电话咨询。</p>"

    read = {p.name: p.remark for p in bench_noise.read(_page(deck(""))).partners}
    assert read == {JD: "", MT: ""}
    marked = bench_noise.read(_page(deck("<p>备注：暂停新增业务</p>"))).partners
    assert {p.name: p.remark for p in marked} == {JD: "", MT: "暂停新增业务"}
