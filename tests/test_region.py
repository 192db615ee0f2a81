"""The disclosure region: a table of pages and what must (and must not) be in the region."""
# ruff: noqa: E501  (case tables read best one case per line)

from __future__ import annotations

import pytest

from archiver import region

ANT = "蚂蚁智信（杭州）信息技术有限公司"
QY = "上海淇毓信息科技有限公司"
HEAD = '<header class="site-header"><h1>某某银行</h1></header>'
NAV = '<nav><a href="/">首页</a><a href="/about">关于我们</a><a href="/news">新闻中心</a></nav>'
FOOT = "<footer>©2013-2025 某某银行 版权所有 访问量：12345</footer>"
LIST = f"<h2>互联网助贷业务合作机构名单</h2><table><tr><td>1</td><td>{ANT}</td></tr><tr><td>2</td><td>{QY}</td></tr></table>"
RELATED = (
    "<div class='box'><h3>相关新闻</h3><ul>"
    "<li><a href='/n/1'>关于开展反诈宣传活动的通知</a></li>"
    "<li><a href='/n/2'>我行荣获2025年度普惠金融奖</a></li>"
    "<li><a href='/n/3'>关于调整营业时间的公告</a></li></ul></div>"
)
LATEST = (
    "<div class='list-news'><ul>"
    "<li><a href='/n/4'>关于系统升级的公告</a><span>2025-09-01</span></li>"
    "<li><a href='/n/5'>关于信用卡积分调整的通知</a><span>2025-08-21</span></li>"
    "<li><a href='/n/6'>2025年第二季度信息披露报告</a><span>2025-07-30</span></li></ul></div>"
)


def body(*parts: str) -> str:
    return f"<html><head><title>公告</title></head><body>{''.join(parts)}</body></html>"


# (case, page, selector, must be in the region, must not be in the region)
CASES = [
    (
        "header, nav and footer go",
        body(HEAD, NAV, LIST, FOOT),
        None,
        [ANT, QY],
        ["关于我们", "版权所有"],
    ),
    (
        "a related-news block goes, heading and all",
        body(LIST, RELATED),
        None,
        [ANT],
        ["相关新闻", "反诈宣传"],
    ),
    ("a column of dated notice titles goes", body(LIST, LATEST), None, [ANT], ["信用卡积分"]),
    (
        "rotating banners go",
        body("<div class='swiper'><img src='/b1.jpg'>双十一活动</div>", LIST),
        None,
        [ANT],
        ["双十一"],
    ),
    (
        "classed sidebars go",
        body("<div class='sidebar'>客服热线 95555</div>", LIST),
        None,
        [QY],
        ["95555"],
    ),
    (
        "an article's own header and date stay",
        body(
            NAV,
            f"<article><header><h1>合作机构名单公告</h1><p>发布日期：2025-09-30</p></header>{LIST}</article>",
            FOOT,
        ),
        None,
        ["合作机构名单公告", "2025-09-30", ANT],
        ["关于我们"],
    ),
    (
        "partners shown as links stay (they are companies, not notices)",
        body(
            "<ul>"
            + "".join(
                f"<li><a href='https://x.cn/{i}'>{n}</a></li>"
                for i, n in enumerate((ANT, QY, "深圳市分期乐网络科技有限公司"))
            )
            + "</ul>"
        ),
        None,
        [ANT, QY, "分期乐"],
        [],
    ),
    (
        "an announcement index is the page itself, never furniture",
        body(NAV, LATEST, FOOT),
        None,
        ["关于系统升级的公告", "信用卡积分"],
        ["关于我们"],
    ),
    (
        "a tab bar that names categories stays",
        body("<div class='menu'><span>平台运营机构</span><span>增信服务机构</span></div>", LIST),
        None,
        ["平台运营机构", ANT],
        [],
    ),
    (
        "the configured selector wins",
        body(HEAD, "<div id='c'>" + LIST + "</div>", RELATED),
        "#c",
        [ANT],
        ["某某银行", "相关新闻"],
    ),
    (
        "scripts, styles and hidden templates are no text",
        body(
            "<script>var t='2025-11-29 12:00:01'</script><style>.a{}</style><div style='display:none'>隐藏模板</div>",
            LIST,
        ),
        None,
        [ANT],
        ["var t", "隐藏模板"],
    ),
    (
        "image alt text is part of the text",
        body("<h2>合作机构名单</h2><p><img src='/u/list.png' alt='图片1'></p>"),
        None,
        ["[图片 图片1]"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("case", "page", "selector", "present", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_the_region_holds_the_disclosure_and_nothing_around_it(
    case: str, page: str, selector: str | None, present: list[str], absent: list[str]
) -> None:
    found = region.find(page, url="https://bank.cn/xxpl/1.html", selector=selector)
    for text in present:
        assert text in found.text, (case, found.text)
    for text in absent:
        assert text not in found.text, (case, found.removed)


def test_images_of_the_region_are_named_by_absolute_url_and_banners_are_not() -> None:
    page = body(
        HEAD.replace("</h1>", "<img src='/logo.png'></h1>"),
        "<div class='banner'><img src='/ad.jpg'></div>",
        "<div id='c'><h2>互联网助贷合作机构名单</h2><img src='list%20v2.png' alt='名单'><img src='data:image/png;base64,AA'></div>",
    )
    found = region.find(page, url="https://bank.cn/xxpl/1.html")
    assert [(i.url, i.alt) for i in found.images] == [
        ("https://bank.cn/xxpl/list%20v2.png", "名单")
    ]


def test_a_selector_that_matches_nothing_is_said() -> None:
    found = region.find(body(LIST), selector="#gone")
    assert not found.selector_matched
    assert found.text == ""


def test_a_selector_lxml_cannot_run_selects_nothing_rather_than_failing() -> None:
    assert not region.find(body(LIST), selector="div:has(> p)!!").selector_matched


def test_site_excludes_remove_their_elements() -> None:
    found = region.find(body("<p class='weather'>晴 25℃</p>", LIST), excludes=(".weather",))
    assert "25℃" not in found.text and ANT in found.text


def test_an_empty_document_is_an_empty_region() -> None:
    assert region.find("   ").text == ""


def test_noise_in_the_furniture_does_not_change_the_region() -> None:
    """The property the archive relies on: a clock, a counter, a banner or a related-news
    block that rotates outside the region leaves the region's text as it was."""
    first = body(HEAD, NAV, "<div class='top'>今天是2025年11月29日</div>", LIST, RELATED, FOOT)
    second = body(
        HEAD, NAV, "<div class='top'>今天是2025年11月30日</div>", LIST, LATEST, FOOT
    ).replace("12345", "12399")
    a, b = region.find(first), region.find(second)
    assert a.text.replace("29", "30") == b.text.replace("29", "30")
    assert "关于" not in b.text


def test_a_column_holding_the_list_beside_many_notice_links_is_no_link_list() -> None:
    """A short list (two partners) in a column whose sidebar links twelve other notices is
    mostly link text by length; a counter line outside the column then made the column look
    like a list of links, and the partners went with it (bench_noise found it)."""
    notices = "".join(
        f"<li><a href='/n/{i}'>关于调整第{i}批个人定期存款利率及服务收费标准的公告</a></li>"
        for i in range(12)
    )
    page = body(
        "<div class='info'>发布时间：2026-11-14 浏览次数：74706</div>",
        "<div class='w'><div class='l'><h3>关于互联网助贷业务合作机构的公告</h3>",
        "<table><tr><th>序号</th><th>合作机构名称</th></tr>",
        "<tr><td>1</td><td>北京三快在线科技有限公司</td></tr>",
        "<tr><td>2</td><td>四川省金玉融资担保有限公司</td></tr></table>",
        "<h4>相关公告</h4><ul><li><a href='/a'>关于互联网贷款业务收费情况的公示</a></li>",
        "<li><a href='/b'>关于贷款利率定价的说明</a></li></ul></div>",
        f"<div class='r'><ul>{notices}</ul></div></div>",
        "<div class='ft'>青川村镇银行股份有限公司 版权所有 联系电话：0839-1234567 川ICP备16012345号</div>",
    )
    found = region.find(page)
    assert "北京三快在线科技有限公司" in found.text
    assert "四川省金玉融资担保有限公司" in found.text
    assert "存款利率" not in found.text and "收费情况" not in found.text
