"""extract() on HTML shapes of issue 15's round 7 (engineer A's failure classes: running text,
superseded lists, ended marks stated away from the name, the page's own status), written here
in shapes of our own: each test fails on the reader before its rule."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html

from archiver.models import Capture, RenderedPage
from archiver.partners import AliasTable, extract
from archiver.partners.annotations import is_ended
from archiver.partners.extraction import Extraction

URL = "https://www.example-bank.cn/xxpl/2025/1031/list.html"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
PICC = "中国人民财产保险股份有限公司"
KX = "深圳市凯旋融资担保有限公司"
TABLE = (
    "<table><tr><th>序号</th><th>机构名称</th><th>合作类别</th></tr>"
    f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
    f"<tr><td>2</td><td>{FQL}</td><td>平台运营机构</td></tr>"
    f"<tr><td>3</td><td>{PICC}</td><td>增信服务机构</td></tr></table>"
)


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


def current(body: str) -> tuple[str, ...]:
    """The partner names read as current (not ended), in order."""
    return tuple(p.name for p in _extract(body).partners if not is_ended(p.markers))


def ended(body: str) -> tuple[str, ...]:
    return tuple(p.name for p in _extract(body).partners if is_ended(p.markers))


# --- class 1: running text is no name ---------------------------------------------------------


def test_a_clause_citing_a_regulation_is_no_name() -> None:
    body = (
        "<p>依据《中国人民银行 国家外汇管理局关于规范互联网贷款的通知》要求，"
        "现将本行互联网助贷业务合作机构名单公布如下：</p>" + TABLE
    )
    assert current(body) == (ANT, FQL, PICC)


def test_a_sentence_about_the_publisher_is_no_name() -> None:
    body = TABLE + (
        "<p>北海汇丰银行（中国）有限公司系北海汇丰控股（BH Holdings Ltd）在华设立的外商独资银行"
        "<br>BH Bank (China) Company Limited is wholly owned by BH Holdings Ltd.</p>"
    )
    assert current(body) == (ANT, FQL, PICC)


# --- class 2: a superseded list is neither current nor ended ----------------------------------

OLD = (
    "<table><tr><th>序号</th><th>机构名称</th><th>合作类别</th></tr>"
    f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
    f"<tr><td>2</td><td>{KX}</td><td>增信服务机构</td></tr></table>"
)


def test_a_collapsed_earlier_version_is_not_read() -> None:
    old = f"<details><summary>往期名单（2025年7月）</summary>{OLD}</details>"
    body = f"<h3>2025年10月版</h3>{TABLE}{old}"
    assert current(body) == (ANT, FQL, PICC)
    assert ended(body) == ()


def test_a_block_headed_as_superseded_is_not_read() -> None:
    body = f'{TABLE}<div class="box"><h4>历史版本（已废止）</h4>{OLD}</div><p>联系电话：95588</p>'
    assert current(body) == (ANT, FQL, PICC)


def test_lines_under_a_superseded_heading_until_the_list_in_force() -> None:
    body = (
        f"<h3>已废止名单（2025年6月30日前适用）</h3><p>1. {KX}</p>"
        f"<h3>现行名单</h3><p>1. {ANT}</p><p>2. {FQL}</p>"
    )
    assert current(body) == (ANT, FQL)


def test_the_ended_partners_of_the_list_in_force_stay_ended() -> None:
    body = f"{TABLE}<h3>已终止合作机构</h3><p>1. {KX}</p>"
    assert current(body) == (ANT, FQL, PICC)
    assert ended(body) == (KX,)


# --- class 3: ended marks stated away from the name; an intent is no mark ---------------------

SIGNED = (
    "<table><tr><th>序号</th><th>机构名称</th><th>合作类别</th></tr>"
    f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
    f"<tr><td>2</td><td>{FQL}※</td><td>平台运营机构</td></tr>"
    f"<tr><td>3</td><td>{PICC}</td><td>增信服务机构</td></tr></table>"
)


def test_a_sign_a_footnote_explains_as_ended_marks_the_names_that_carry_it() -> None:
    body = SIGNED + "<p>说明：名称后带“※”号者已于2025年9月30日终止合作，存量客户服务不受影响。</p>"
    assert current(body) == (ANT, PICC)
    assert ended(body) == (FQL,)


def test_a_sign_a_footnote_explains_otherwise_is_decoration() -> None:
    body = SIGNED + "<p>注：标※的机构为本季度新增合作机构。</p>"
    assert current(body) == (ANT, FQL, PICC)


def test_an_adjustment_notice_ends_every_partner_it_names_above_the_full_list() -> None:
    body = (
        f"<p>二、终止与{KX}、天津乙丙科技有限公司的增信服务合作。</p>"
        "<p>调整后，我行互联网助贷业务合作机构名单如下：</p>" + TABLE
    )
    assert current(body) == (ANT, FQL, PICC)
    assert ended(body) == (KX, "天津乙丙科技有限公司")


def test_a_future_non_renewal_is_no_ended_mark_today() -> None:
    body = (
        "<p>本公司互联网助贷业务合作机构：<br>"
        f"{ANT}（平台运营机构）<br>{PICC}（增信服务机构，2026年6月30日合作到期后不再续约）</p>"
    )
    assert current(body) == (ANT, PICC)
    assert ended(body) == ()


def test_a_status_word_on_a_partners_line_or_field_heads_no_superseded_part() -> None:
    body = (
        f"<p>1. {ANT}</p><p>2. {KX} 已作废</p><p>状态：已失效</p><p>3. {FQL}</p><p>4. {PICC}</p>"
    )
    assert {ANT, FQL, PICC} <= set(current(body) + ended(body))
