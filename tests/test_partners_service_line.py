"""The lender's own service line ("甲消费金融有限公司 客服热线：400…") under a list published as
images is the publisher's, not a partner; the page is unparseable. Partners listed with
their hotlines, one line each, stay partners."""

from __future__ import annotations

from archiver.models import ListStatus
from tests.test_partners_structure import PICC, _extract

IMAGES = (
    '<div class="t">互联网助贷业务合作机构名单</div><div class="wrap">'
    '<img src="img/list_1.png" alt="互联网助贷业务合作机构名单">'
    '<img src="img/list_2.png" alt="互联网助贷业务合作机构名单"></div>'
)


def test_the_lenders_own_service_line_under_images_is_no_partner() -> None:
    body = IMAGES + "<p>中银消费金融有限公司 客服热线：400-619-5566</p>"
    read = _extract(body, title="合作机构公示")
    assert read.partners == ()
    assert read.list_status is ListStatus.UNPARSEABLE


def test_lenders_listed_with_their_hotlines_are_partners() -> None:
    body = (
        "<h3>联合贷款合作机构</h3><ul><li>甲乙银行股份有限公司 客服电话：95501</li>"
        "<li>丙丁银行股份有限公司 客服电话：95502</li></ul>"
    )
    assert len(_extract(body).partners) == 2


def test_a_partner_that_is_no_lender_keeps_its_one_hotline_line() -> None:
    body = f"<h3>增信服务机构</h3><p>{PICC} 客服热线：95518</p>"
    assert [p.name for p in _extract(body).partners] == [PICC]
