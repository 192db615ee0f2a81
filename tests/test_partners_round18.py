"""Shapes blind round 18 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind18.py; its documents in
tests/test_partners_round18_docs.py)."""

from __future__ import annotations

import pytest

from archiver.models import ListStatus
from archiver.testing import LocalSite
from benchmarks import bench_noise

ANT = "蚂蚁智信（杭州）信息技术有限公司"
QY = "上海淇毓信息科技有限公司"
JD = "京东科技信息技术有限公司"
JDG = "天津京东融资担保有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str) -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body)).partners}


@pytest.mark.parametrize("number", ["1.", "1、", "（1）"], ids=["dot", "comma", "bracket"])
def test_a_run_numbered_inline_after_its_category_reads_names_without_numbers(
    number: str,
) -> None:
    """ "（一）平台运营机构：1.甲；2.乙。" in one paragraph: the numbers count the names, they
    are no part of them (blind round 18, zero-width-softhyphen)."""
    second = number.replace("1", "2")
    body = (
        f"<p>（一）平台运营机构：{number}{ANT}；{second}{QY}。</p>"
        f"<p>（二）增信服务机构：{number}{ZA}；{second}{PICC}。</p>"
    )
    assert set(_read(body)) == {ANT, QY, ZA, PICC}


@pytest.mark.parametrize("mark", ["/", "／", "、"])
def test_two_names_in_one_cell_take_the_categories_given_beside_them_in_order(mark: str) -> None:
    """A joint operation in one row: "甲/乙" beside "平台运营机构/增信服务机构". Each name is a
    partner with the category in its place; one category beside two names is both's."""
    body = (
        "<table><tr><th>序号</th><th>合作机构</th><th>合作类型</th></tr>"
        f"<tr><td>1</td><td>{JD}{mark}{JDG}</td><td>平台运营机构/增信服务机构</td></tr>"
        f"<tr><td>2</td><td>{ANT}{mark}{QY}</td><td>平台运营机构</td></tr></table>"
    )
    assert _read(body) == {
        JD: "平台运营机构",
        JDG: "增信服务机构",
        ANT: "平台运营机构",
        QY: "平台运营机构",
    }


def test_a_term_over_names_is_their_heading_even_when_it_ends_like_a_name() -> None:
    """ "<dt>信托财产保管银行</dt><dd>甲银行股份有限公司</dd>": the term is the role of the
    names under it, never a name; a custodian is another role than a partner (disowned.py),
    so the bank under it is not read either (blind round 18, trust-dl-list)."""
    body = (
        "<dl><dt>平台运营机构</dt>"
        f"<dd>{ANT}</dd><dd>{QY}</dd><dt>增信服务机构</dt><dd>{ZA}</dd>"
        "<dt>信托财产保管银行</dt><dd>中信银行股份有限公司</dd></dl>"
    )
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", ZA: "增信服务机构"}


@pytest.mark.parametrize("label", ["本公司产品名称", "我行产品名称"])
def test_the_publishers_own_products_named_after_the_list_are_no_partners(label: str) -> None:
    """ "本公司产品名称：锦程易贷、锦程分期" in a card under the last category: the products
    are the publisher's, not names (blind round 18, cfc-h5-funding-banks)."""
    body = (
        f"<h3>增信服务机构</h3><ul><li>{ZA}</li><li>{PICC}</li></ul>"
        f"<div class='card'>{label}：锦程易贷、锦程分期。客服热线：400-100-1000</div>"
    )
    assert set(_read(body)) == {ZA, PICC}


def test_a_help_widgets_questions_are_no_partners() -> None:
    """An online-help widget at the foot of the page lists questions ("如何申请借款") under
    the last category: questions are never names, and the widget is site furniture
    (blind round 18, cfc-cookie-chat)."""
    widgets = (
        "<div id='kf-chat'><div>在线客服</div><ul><li>如何申请借款</li><li>如何提前还款</li></ul>"
        "</div>",
        "<div class='assistant'><ul><li>如何申请借款？</li><li>怎样修改手机号</li></ul></div>",
    )
    for widget in widgets:
        body = f"<h3>增信服务机构</h3><ol><li>{ZA}</li><li>{PICC}</li></ol>{widget}"
        assert set(_read(body)) == {ZA, PICC}, widget


def test_a_page_that_says_the_list_moved_carries_no_list() -> None:
    """Only "本行…合作机构名单已迁移至“信息披露”栏目，请点击此处查看" and the publisher's name
    in a footer div (class "ft"): no list here, and the bank is not its own partner
    (blind round 18, moved-notice-only)."""
    body = (
        "<div class='box'><p>因网站改版，本行互联网助贷业务合作机构名单已迁移至"
        "“信息披露—互联网贷款”栏目，请<a href='/xxpl/'>点击此处</a>查看。</p></div>"
        "<div class='ft'>吉林甲乙银行股份有限公司</div>"
    )
    read = bench_noise.read(_page(body))
    assert read.partners == ()
    assert read.list_status is ListStatus.ABSENT, read.list_note


def test_a_sideways_table_whose_top_row_numbers_its_columns_is_read_upright() -> None:
    """项目 | 机构一 | 机构二 over 机构名称 | 甲 | 乙 and 合作类型 | …: one partner per column
    (blind round 18, transposed-table)."""
    body = (
        "<table><tr><th>项目</th><th>机构一</th><th>机构二</th><th>机构三</th></tr>"
        f"<tr><th>机构名称</th><td>{ANT}</td><td>{QY}</td><td>{ZA}</td></tr>"
        "<tr><th>合作类型</th><td>平台运营机构</td><td>平台运营机构</td><td>增信服务机构</td></tr>"
        "<tr><th>客服电话</th><td>95188</td><td>95055</td><td>1010-9955</td></tr></table>"
    )
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", ZA: "增信服务机构"}


@pytest.mark.browser
def test_a_list_a_web_component_draws_in_its_shadow_root_is_captured_and_read(
    local_site: LocalSite, capturer: object
) -> None:
    """<partner-list src="partners.json">: a custom element fetches the rows and draws the
    table in an open shadow root, which no outerHTML holds. The capture writes it as a
    declarative shadow root, so the archived page shows it and the reader reads it
    (blind round 18, web-component-shadow)."""
    from archiver.adapters.browser import PlaywrightCapturer
    from archiver.extract import disclosure
    from archiver.partners import AliasTable
    from archiver.ports import CaptureRequest

    assert isinstance(capturer, PlaywrightCapturer)
    rows = [[ANT, "平台运营机构"], [QY, "平台运营机构"], [ZA, "增信服务机构"]]
    local_site.file(
        "/xxgk/rows.txt",
        "\n".join("|".join(row) for row in rows).encode(),
        "text/plain; charset=utf-8",
    )
    script = (
        "class PartnerList extends HTMLElement { constructor() { super();"
        " this.root = this.attachShadow({mode: 'open'}); }"
        " connectedCallback() { fetch(this.getAttribute('src')).then(r => r.text()).then(t => {"
        " let h = '<table><tr><th>机构名称</th><th>类型</th></tr>';"
        " for (const line of t.split('\\n')) { const [n, c] = line.split('|');"
        " h += '<tr><td>' + n + '</td><td>' + c + '</td></tr>'; }"
        " this.root.innerHTML = h + '</table>'; }); } }"
        " customElements.define('partner-list', PartnerList);"
    )
    local_site.page(
        "/xxgk/list.html",
        f"<h1>互联网助贷业务合作机构名单</h1><partner-list src='rows.txt'></partner-list>"
        f"<script>{script}</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/xxgk/list.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    assert 'shadowrootmode="open"' in capture.pages[0].html
    read = disclosure(capture, aliases=AliasTable())
    assert {p.name: p.category_raw for p in read.partners} == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
        ZA: "增信服务机构",
    }


def test_a_rural_banks_short_name_in_the_heading_makes_its_full_name_its_own() -> None:
    """The heading says 江淮农商银行, the signature under the table 江淮农村商业银行股份有限公司
    (a 相关新闻 block after it, so it is not the page's last line): one bank, the publisher,
    never its own partner (blind round 18's quiet-change corpus, transposed-table)."""
    body = (
        "<h2>安徽江淮农商银行互联网助贷合作机构情况表</h2>"
        f"<table><tr><th>序号</th><th>机构名称</th></tr><tr><td>1</td><td>{ANT}</td></tr>"
        f"<tr><td>2</td><td>{QY}</td></tr></table>"
        "<p>安徽江淮农村商业银行股份有限公司</p>"
        "<div class='related'><h3>相关新闻</h3><ul>"
        "<li><a href='/a.html'>关于调整营业时间的公告</a></li></ul></div>"
    )
    assert set(_read(body)) == {ANT, QY}
