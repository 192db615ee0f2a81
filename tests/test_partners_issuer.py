"""The publisher's legal name printed in its own attachment (letterhead, signer) is never
its partner, though the page names it only by its brand (pure, real PDFs)."""

from __future__ import annotations

from archiver.partners import AliasTable, extract
from tests.test_partners_documents import aliases, capture, pdf, response

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"
PAGE = (
    "<html><body><h1>关于互联网贷款业务合作机构名单的公告</h1><p>名单详见附件。</p>"
    "<div class='footer'><p>版权所有 © 外贸信托 2008-2025</p></div></body></html>"
)
ROWS = ("1  蚂蚁智信（杭州）信息技术有限公司  平台运营", "2  中证信用融资担保有限公司  增信服务")
NAMES = ["蚂蚁智信（杭州）信息技术有限公司", "中证信用融资担保有限公司"]


def test_the_letterhead_a_brand_shortens_is_the_publisher(aliases: AliasTable) -> None:
    """ "外贸信托" on the page shortens 中国对外经济贸易信托有限公司, printed alone above the
    list's title: the trust's own letterhead, not a partner."""
    body = pdf(
        "中国对外经济贸易信托有限公司",
        "互联网贷款业务合作机构名单",
        "序号  合作机构名称  合作内容",
        *ROWS,
    )
    result = extract(capture(response("hzjg.pdf", body, PDF), html=PAGE), aliases=aliases)
    assert [p.name for p in result.partners] == NAMES


def test_the_signer_a_brand_shortens_is_the_publisher(aliases: AliasTable) -> None:
    body = pdf(
        "互联网贷款业务合作机构名单",
        "序号  合作机构名称  合作内容",
        *ROWS,
        "中国对外经济贸易信托有限公司",
    )
    result = extract(capture(response("hzjg.pdf", body, PDF), html=PAGE), aliases=aliases)
    assert [p.name for p in result.partners] == NAMES


def test_a_bank_the_brand_only_resembles_is_still_a_partner(aliases: AliasTable) -> None:
    """Letterhead of another kind of institution, or a listed record the brand happens to
    shorten (a bank's brand and a partner bank), stays a partner: only the publisher's
    letterhead or signer is set aside."""
    page = PAGE.replace("外贸信托", "中信银行")
    body = pdf(
        "互联网助贷业务合作机构名单",
        "序号  合作机构名称  合作内容",
        "1  蚂蚁智信（杭州）信息技术有限公司  平台运营",
        "2  中信百信银行股份有限公司  平台运营",
        "3  中证信用融资担保有限公司  增信服务",
    )
    result = extract(capture(response("hzjg.pdf", body, PDF), html=page), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "蚂蚁智信（杭州）信息技术有限公司",
        "中信百信银行股份有限公司",
        "中证信用融资担保有限公司",
    ]
