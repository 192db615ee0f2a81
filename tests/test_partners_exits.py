"""An update notice's list of the names it removes ("退出合作机构：甲…", a heading "本次退出名单"
above names) ends those names; its "新增合作机构" list above the full list is no second
listing with a category of its own."""

from __future__ import annotations

import pytest

from archiver.partners.annotations import is_ended
from tests.test_partners_structure import ANT, KX, _extract

JIUFU = "北京玖富普惠信息技术有限公司"
ZA = "众安在线财产保险股份有限公司"
FULL = (
    "<p><b>三、调整后的合作机构名单</b></p><table><tr><th>序号</th><th>机构名称</th>"
    f"<th>机构类型</th></tr><tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
    f"<tr><td>2</td><td>{ZA}</td><td>增信服务机构</td></tr></table>"
)


@pytest.mark.parametrize(
    "notice",
    [
        f"<p>2. 退出合作机构：{JIUFU}（平台运营机构），自2025年11月1日起不再合作。</p>",
        f"<p>本次退出名单：{JIUFU}（平台运营机构）、{KX}</p>",
        f"<p><b>二、本次退出名单</b></p><ul><li>{JIUFU}</li><li>{KX}</li></ul>",
        f"<h3>二、移出合作机构</h3><p>{JIUFU}</p><p>{KX}</p>",
    ],
    ids=["numbered-label-and-clause", "label-and-names", "bold-heading-list", "heading-lines"],
)
def test_the_names_an_update_notice_removes_are_ended(notice: str) -> None:
    read = {p.name: is_ended(p.markers) for p in _extract(notice + FULL).partners}
    assert read[JIUFU] and read.get(KX, True)
    assert not read[ANT] and not read[ZA]


def test_a_removal_label_over_words_that_are_not_names_ends_nothing() -> None:
    body = "<p>2. 退出合作机构：按本行合作机构管理办法执行，另行公告。</p>" + FULL
    assert {p.name for p in _extract(body).partners} == {ANT, ZA}


def test_the_names_a_notice_adds_are_no_second_listing_under_their_own_category() -> None:
    body = f"<h3>一、新增合作机构</h3><p>{ZA}</p>" + FULL
    read = [(p.name, p.category_raw) for p in _extract(body).partners]
    assert sorted(read) == sorted([(ANT, "平台运营机构"), (ZA, "增信服务机构")])
