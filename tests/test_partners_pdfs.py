"""PDF lists as their text layer gives them: cells wrapped onto lines of their own, a second
table after the list, a superseded file beside the current one (pure, real PDFs)."""

from __future__ import annotations

import pytest

from archiver.models import HttpResponse, Marker
from archiver.partners import AliasTable, extract
from tests.test_partners_documents import aliases, capture, pdf, response

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"


def test_a_wrapped_cell_between_a_numbered_record_and_its_hotline_is_no_name(
    aliases: AliasTable,
) -> None:
    """A landscape table whose address cell wraps: "…益田路5033号平" / "安金融中心" /
    "95556 2023-07-01". The fragment continues record 2; under a category heading, where a
    lone line that looks like an organisation is taken as a name, it is still not one."""
    body = pdf(
        "合作机构名单",
        "序号  合作机构名称  统一社会信用代码  注册地址  客服电话  合作起始日期",
        "一、平台运营机构",
        "1  北京三快在线科技有限公司  91110108580853389M  北京市朝阳区望京东路4号  10107888"
        "  2023-03-01",
        "二、增信服务机构",
        "2  国任财产保险股份有限公司  91440300668533390T  深圳市福田区益田路5033号平",
        "安金融中心",
        "956030  2024-10-10",
        "3  华安财产保险股份有限公司  914403007109301597  深圳市罗湖区深南东路5015号  95556"
        "  2023-07-01",
    )
    result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "北京三快在线科技有限公司",
        "国任财产保险股份有限公司",
        "华安财产保险股份有限公司",
    ]


@pytest.mark.parametrize("numbered", [False, True], ids=["unnumbered", "numbered"])
def test_every_line_of_a_list_is_a_name_when_no_record_is_numbered_or_each_is(
    aliases: AliasTable, numbered: bool
) -> None:
    names = ["北京三快在线科技有限公司", "中国人民银行征信中心", "阳光财产保险股份有限公司"]
    lines = [f"{n}  {name}" if numbered else name for n, name in enumerate(names, 1)]
    result = extract(
        capture(response("名单.pdf", pdf("合作机构名单", "合作机构名称", *lines), PDF)),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == names


def test_a_table_of_products_keyed_by_product_after_the_list_gives_no_partners(
    aliases: AliasTable,
) -> None:
    """表二 "产品名称 产品类型 年化利率区间 合作平台": its 合作平台 cells (小米金融) are brands
    of a product table, not partners, with or without a 序号 column."""
    for seq in ("", "序号  "):
        body = pdf(
            "表一：合作机构名单",
            "序号  机构名称  机构类型",
            "1  北京小米数字科技有限公司  平台运营机构",
            "表二：助贷业务产品信息",
            f"{seq}产品名称  产品类型  年化利率区间（单利）  合作平台",
            f"{'1  ' if seq else ''}小米随心借  个人消费贷款  7.2%-24%  小米金融",
        )
        result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
        assert [p.name for p in result.partners] == ["北京小米数字科技有限公司"], seq


CURRENT = "https://www.example-bank.cn/upload/2025Q3.pdf"
OLD = "https://www.example-bank.cn/upload/2025Q2.pdf"


def quarter(title: str, name: str) -> HttpResponse:
    body = pdf(title, "序号  机构名称  类别", f"1  {name}  平台运营机构")
    return HttpResponse(
        url=CURRENT if "三季度" in title else OLD, status=200, media_type=PDF, body=body
    )


@pytest.mark.parametrize(
    "links",
    [
        '<p>附件：<a href="/upload/2025Q3.pdf">名单（2025年第三季度）.pdf</a></p>'
        '<p style="color:#999">历史版本（已废止）：<a href="/upload/2025Q2.pdf">名单（2025年第二'
        "季度）.pdf</a></p>",
        '<ul><li><a href="/upload/2025Q3.pdf">现行名单.pdf</a></li>'
        '<li><a href="/upload/2025Q2.pdf">上期名单（已作废）.pdf</a></li></ul>',
        '<p><a href="/upload/2025Q3.pdf">现行名单.pdf</a> <s><a href="/upload/2025Q2.pdf">'
        "上期名单.pdf</a></s></p>",
        '<p>附件1：<a href="/upload/2025Q3.pdf">名单（2025年12月更新）.xlsx</a>（最新）</p>'
        '<p>附件2：<a href="/upload/2025Q2.pdf">名单（2025年9月）.pdf</a>（已废止）</p>',
        '<p>附件：<a href="/upload/2025Q3.pdf">名单.pdf</a></p><p class="history">历史版本：</p>'
        '<p>附件2：<a href="/upload/2025Q2.pdf">名单（2025年9月）.pdf</a></p>',
        '<p><a href="/upload/2025Q3.pdf">名单.pdf</a></p><h4>往期名单</h4><ul><li>'
        '<a href="/upload/2025Q1.pdf">一季度.pdf</a></li><li><a href="/upload/2025Q2.pdf">'
        "二季度.pdf</a></li></ul>",
    ],
    ids=["labelled", "link-text", "struck", "marked-after", "label-above", "list-under-label"],
)
def test_an_attachment_the_page_marks_superseded_is_archived_not_read(
    aliases: AliasTable, links: str
) -> None:
    page = f"<html><body><h1>合作机构名单</h1>{links}</body></html>"
    result = extract(
        capture(
            quarter("名单（2025年第三季度）", "京东科技信息技术有限公司"),
            quarter("名单（2025年第二季度）", "北京玖富普惠信息技术有限公司"),
            html=page,
        ),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == ["京东科技信息技术有限公司"]
    assert "2025Q2.pdf is marked superseded, not read" in result.list_note
    assert any("北京玖富普惠" in text for _, text in result.document_texts)


def test_a_file_titled_superseded_is_not_read_beside_the_current_one(
    aliases: AliasTable,
) -> None:
    result = extract(
        capture(
            quarter("名单（2025年第三季度）", "京东科技信息技术有限公司"),
            quarter("名单（2025年第二季度）（已废止）", "北京玖富普惠信息技术有限公司"),
        ),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == ["京东科技信息技术有限公司"]


@pytest.mark.parametrize(
    ("link", "title"),
    [
        ("宁波通商银行关于重大关联交易的公告", "公告"),
        ("附件2", "宁波通商银行关于重大关联交易的公告"),
        ("服务价格目录（2025年版）", "附件"),
    ],
    ids=["the-page-says", "its-title-says", "a-fee-schedule"],
)
def test_another_disclosure_beside_the_list_gives_no_partners(
    aliases: AliasTable, link: str, title: str
) -> None:
    """A 信息披露 file table links the partner list beside other disclosures whose tables
    name companies (关联方, 股东): what the page's link or the file's own title says it is
    keeps its companies out of the list."""
    page = (
        '<table><tr><td><a href="/upload/2025Q3.pdf">互联网助贷业务合作机构名单</a></td></tr>'
        f'<tr><td><a href="/upload/other.pdf">{link}</a></td></tr></table>'
    )
    other = HttpResponse(
        url="https://www.example-bank.cn/upload/other.pdf",
        status=200,
        media_type=PDF,
        body=pdf(
            title, "关联方名称  交易类型  金额（万元）", "宁波通商集团有限公司  综合授信  50000"
        ),
    )
    result = extract(
        capture(quarter("名单（2025年第三季度）", "京东科技信息技术有限公司"), other, html=page),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == ["京东科技信息技术有限公司"]
    assert "other.pdf is another disclosure" in result.list_note


def test_a_superseded_file_with_nothing_in_its_place_is_still_read(aliases: AliasTable) -> None:
    """Nothing else to read: the reader does not guess that the page has no list."""
    page = '<p>历史版本（已废止）：<a href="/upload/2025Q2.pdf">名单.pdf</a></p>'
    result = extract(
        capture(quarter("名单（2025年第二季度）", "北京玖富普惠信息技术有限公司"), html=page),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == ["北京玖富普惠信息技术有限公司"]


def test_a_prose_pdf_sentence_that_ends_a_partnership_marks_it_ended(aliases: AliasTable) -> None:
    """ "本行已与甲公司于2025年6月终止合作": 甲 is ended, the names listed above stay current;
    a conditional ("如与…终止合作") ends nobody."""
    body = pdf(
        "互联网助贷业务合作机构信息公示",
        "一、平台运营机构",
        "本行合作的平台运营机构共2家，分别为：北京三快在线科技有限公司、深圳市腾讯计算机系统有限公司。",
        "二、其他说明",
        "本行已与北京字跳网络技术有限公司于2025年6月终止合作，相关存量贷款由本行继续管理。"
        "本行如与上述机构终止合作，将及时公告。",
    )
    result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    markers = {p.name: p.markers for p in result.partners}
    assert markers == {
        "北京三快在线科技有限公司": (),
        "深圳市腾讯计算机系统有限公司": (),
        "北京字跳网络技术有限公司": (Marker.TERMINATED,),
    }


def test_a_name_under_its_numbered_category_line_is_a_record(aliases: AliasTable) -> None:
    """ "2 平台运营机构" on a line of its own, the name on the next: the name is no wrapped
    cell of record 1 (a heading line stands between them)."""
    body = pdf(
        "序号  合作类型  机构名称  合作产品  客服电话",
        "1  平台运营机构  北京三快在线科技有限公司  美团借钱  10107888",
        "2  平台运营机构",
        "珠海横琴星链云端信息服务与数字科技有限公司",
        "星链借  400-990-3131",
    )
    result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "北京三快在线科技有限公司",
        "珠海横琴星链云端信息服务与数字科技有限公司",
    ]
