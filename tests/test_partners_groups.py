"""Group headings (groups.py): a brand line above the legal entities of its group is a
grouping, not a partner; a brand that is the only name given for a partner stays one."""

from __future__ import annotations

import pytest

from tests.test_partners_structure import ANT, FQL, _extract

JD = "京东科技信息技术有限公司"
JD_GUARANTEE = "上海京东融资担保有限公司"
TITLE = "<h1>互联网助贷业务合作机构</h1>"


def _table(*names: str) -> str:
    rows = "".join(f"<tr><td>{name}</td><td>平台运营机构</td></tr>" for name in names)
    return f"<table><tr><th>合作主体</th><th>合作类型</th></tr>{rows}</table>"


@pytest.mark.parametrize(
    "body",
    [
        f"<h4>蚂蚁集团</h4>{_table(ANT)}<h4>京东集团</h4>{_table(JD, JD_GUARANTEE)}",
        f"<p><b>蚂蚁集团</b></p><ul><li>{ANT}</li></ul>"
        f"<p><strong>京东集团</strong></p><ul><li>{JD}</li><li>{JD_GUARANTEE}</li></ul>",
        f"<ul><li>蚂蚁集团<ul><li>{ANT}</li></ul></li>"
        f"<li>京东集团<ol><li>{JD}</li><li>{JD_GUARANTEE}</li></ol></li></ul>",
    ],
    ids=["heading-and-table", "bold-line-and-list", "nested-list"],
)
def test_a_brand_heading_above_its_legal_entities_is_no_partner(body: str) -> None:
    names = {p.name for p in _extract(TITLE + body).partners}
    assert names == {ANT, JD, JD_GUARANTEE}


def test_a_brand_heading_with_nothing_under_it_is_a_partner_in_its_place() -> None:
    body = (
        f"<h4>京东集团</h4><ul><li>{JD}</li></ul>"
        "<h4>乐信集团</h4><p>以上机构均已纳入名单制管理。</p>"
    )
    assert [p.name for p in _extract(TITLE + body).partners] == [JD, "乐信集团"]


def test_a_brand_heading_with_fields_of_its_own_is_a_partner() -> None:
    body = "<h4>蚂蚁集团</h4><p>合作内容：平台运营</p><h4>京东集团</h4><p>合作内容：平台运营</p>"
    read = {p.name: p.category_raw for p in _extract(TITLE + body).partners}
    assert read == {"蚂蚁集团": "平台运营", "京东集团": "平台运营"}


def test_a_brand_item_among_legal_names_is_a_partner() -> None:
    body = f"<ul><li>蚂蚁集团</li><li>{JD}</li><li>{FQL}</li></ul>"
    assert [p.name for p in _extract(TITLE + body).partners] == ["蚂蚁集团", JD, FQL]


def test_a_column_of_groups_merged_over_their_entities_is_no_partner_column() -> None:
    body = (
        f"<table><tr><th rowspan=1>蚂蚁集团</th><td>{ANT}</td><td>平台运营机构</td></tr>"
        f"<tr><th rowspan=2>京东集团</th><td>{JD}</td><td>平台运营机构</td></tr>"
        f"<tr><td>{JD_GUARANTEE}</td><td>增信服务机构</td></tr></table>"
    )
    read = {p.name: p.category_raw for p in _extract(TITLE + body).partners}
    assert read == {ANT: "平台运营机构", JD: "平台运营机构", JD_GUARANTEE: "增信服务机构"}


@pytest.mark.parametrize(
    "body",
    [
        f"<p>蚂蚁集团旗下：{ANT}</p><p>京东集团旗下机构：{JD}、{JD_GUARANTEE}。</p>",
        f"<p><strong>蚂蚁集团</strong>：{ANT}</p><p><strong>京东集团</strong>：{JD}、{JD_GUARANTEE}</p>",
        f"<p>1. 蚂蚁集团：{ANT}</p><p>2. 京东集团：{JD}、{JD_GUARANTEE}</p>",
    ],
    ids=["qixia-prose", "bold-brand-colon", "numbered-brand-colon"],
)
def test_a_brand_and_a_colon_before_legal_entities_lists_the_entities(body: str) -> None:
    assert {p.name for p in _extract(TITLE + body).partners} == {ANT, JD, JD_GUARANTEE}


def test_a_brand_across_a_table_row_above_its_entities_is_no_partner() -> None:
    body = (
        "<table><tr><th>合作机构</th><th>类别</th></tr><tr><td colspan=2>蚂蚁集团</td></tr>"
        f"<tr><td>{ANT}</td><td>平台运营机构</td></tr><tr><td colspan=2>乐信集团</td></tr></table>"
    )
    read = {p.name: p.category_raw for p in _extract(TITLE + body).partners}
    assert read == {ANT: "平台运营机构", "乐信集团": ""}  # the last brand heads nothing


def test_a_brand_in_its_own_row_with_a_blank_category_stays_a_partner() -> None:
    body = (
        "<table><tr><th>合作机构</th><th>类别</th></tr><tr><td>奇富科技</td><td></td></tr>"
        f"<tr><td>{ANT}</td><td>平台运营机构</td></tr></table>"
    )
    assert {p.name for p in _extract(TITLE + body).partners} == {"奇富科技", ANT}
