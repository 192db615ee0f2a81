"""The page's own status (issue 15, round 7): a page that carries no partner list is `absent`
when it names a list only in links to other pages; a server error rendered with HTTP 200 is a
failed check (`server_error`), never a version. Pure: extract.disclosure on built captures."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html

from archiver.extract import disclosure
from archiver.models import Capture, HttpResponse, ListStatus, PageStatus, RenderedPage
from archiver.partners import AliasTable

URL = "https://www.example-bank.cn/xxgk/2025/1025/notice.html"
TEMPLATE = (
    "<html><head><title>{title}</title></head><body>"
    "<div class='crumbs'>当前位置：首页 &gt; 信息披露 &gt; 互联网助贷业务合作机构名单</div>"
    "<div class='article'>{body}</div></body></html>"
)


def _read(body: str, *, title: str = "公告") -> tuple[PageStatus, ListStatus, str]:
    html = TEMPLATE.format(title=title, body=body)
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
        main_response=HttpResponse(url=URL, status=200, media_type="text/html", body=b""),
    )
    found = disclosure(capture, aliases=AliasTable())
    return found.status, found.list_status, found.reason


def test_a_notice_that_names_a_list_only_in_its_links_is_absent() -> None:
    body = (
        "<h1>关于调整部分网点营业时间的公告</h1><p>自2025年11月1日起，以下网点调整营业时间。</p>"
        "<table><tr><td>网点名称</td><td>营业时间</td></tr>"
        "<tr><td>城东支行</td><td>9:00-17:00</td></tr></table>"
        "<p>上一篇：关于互联网助贷业务合作机构名单的公告</p><p>下一篇：关于防范电信诈骗的提示</p>"
    )
    status, listed, _ = _read(body)
    assert (status, listed) == (PageStatus.OK, ListStatus.ABSENT)


def test_a_notice_that_refers_to_the_list_on_the_website_is_absent() -> None:
    body = (
        "<h1>关于调整个人贷款业务服务时间的公告</h1><p>尊敬的客户：自2025年12月1日起，线上个人"
        "贷款业务服务时间调整为每日7:00至23:00。我行互联网助贷业务合作机构名单详见本行官网"
        "“信息披露—互联网贷款”栏目。</p><p>特此公告。</p>"
    )
    _, listed, _ = _read(body, title="关于调整个人贷款业务服务时间的公告")
    assert listed is ListStatus.ABSENT


def test_a_page_that_announces_its_own_list_and_shows_none_stays_unparseable() -> None:
    body = "<h1>互联网助贷业务合作机构名单</h1><p>本行合作机构名单如下：</p>"
    _, listed, _ = _read(body, title="互联网助贷业务合作机构名单")
    assert listed is ListStatus.UNPARSEABLE


def test_a_server_error_inside_the_template_is_a_failed_check() -> None:
    body = (
        "<h1>HTTP Status 500 – Internal Server Error</h1><p>Type Exception Report</p>"
        "<pre>java.lang.NullPointerException\n\tat com.example.PartnerController.list</pre>"
    )
    status, _, reason = _read(body, title="信息披露")
    assert status is PageStatus.SERVER_ERROR
    assert "HTTP 200" in reason


def test_a_list_page_whose_notes_mention_a_server_error_stays_ok() -> None:
    body = (
        "<table><tr><th>序号</th><th>机构名称</th></tr>"
        "<tr><td>1</td><td>深圳市分期乐网络科技有限公司</td></tr></table>"
        "<p>如页面提示 Internal Server Error，请稍后刷新。</p>"
    )
    status, listed, _ = _read(body, title="互联网助贷业务合作机构名单")
    assert (status, listed) == (PageStatus.OK, ListStatus.OK)


def test_a_template_engines_error_with_its_placeholders_left_is_a_failed_check() -> None:
    """A CMS whose FreeMarker template failed: the table's placeholders left, the engine's
    stack trace printed, HTTP 200 (blind round 14, broken-template-error)."""
    body = (
        "<h1>互联网助贷业务合作机构名单</h1><table><tr><th>序号</th><th>机构名称</th></tr>"
        "<tr><td>${item_index+1}</td><td>${item.orgName!}</td></tr></table>"
        "<pre>FreeMarker template error (HTML_DEBUG mode; use RETHROW in production!):\n"
        "The following has evaluated to null or missing:\n==> partnerList\n"
        "\tat freemarker.core.InvalidReferenceException.getInstance("
        "InvalidReferenceException.java:134)</pre>"
    )
    status, _, _ = _read(body, title="互联网助贷业务合作机构名单")
    assert status is PageStatus.SERVER_ERROR


def test_a_server_side_include_that_failed_is_a_failed_check() -> None:
    """The list's include failed; Apache prints its SSI error where the list belongs, inside
    the article's template (blind round 23, ssi-include-error)."""
    body = (
        "<h1>互联网助贷业务合作机构名单</h1><div class='info'>发布时间：2025-09-29</div>"
        "<div class='TRS_Editor'><p>[an error occurred while processing this directive]</p></div>"
    )
    status, _, _ = _read(body, title="互联网助贷业务合作机构名单")
    assert status is PageStatus.SERVER_ERROR
