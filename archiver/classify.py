"""What did the capture see? ok, or which kind of fault. Pure.

Decided before any comparison, so a challenge page, a maintenance notice, a login wall or a
soft-404 is never archived as a version of the disclosure (DESIGN invariant 4). The markers
only count on short pages: a real list page that mentions 安全验证 in its footer stays ok.
"""

from __future__ import annotations

import re

from archiver.models import Capture, PageStatus

SHORT_PAGE = 600  # characters of canonical text; real lists are longer than interstitials
EMPTY_PAGE = 20

CHALLENGE = re.compile(
    r"just a moment|checking your browser|attention required|cf-browser-verification"
    r"|cf-chl|challenge-platform|ddos protection|请完成安全验证|安全验证|人机验证|滑动验证"
    r"|拖动滑块|请按住滑块|访问验证|正在验证|验证您是否是真人|访问被拦截|访问已被拦截|被拦截"
    r"|访问被拒绝|请求被拒绝|网站防火墙|web应用防火墙|waf|安全狗|云锁|创宇盾|知道创宇"
    r"|incapsula|request unsuccessful|__jsl_clearance|acw_sc__v2|请开启javascript"
    r"|enable javascript and cookies|频繁访问|访问过于频繁|访问太频繁",
    re.IGNORECASE,
)
MAINTENANCE = re.compile(
    r"系统维护|系统升级|维护中|升级维护|停机维护|暂停服务|网站维护|正在升级|升级改造"
    r"|under maintenance|maintenance mode|temporarily unavailable|service unavailable"
    r"|稍后再试|稍后访问",
    re.IGNORECASE,
)
LOGIN = re.compile(r"请登录|请先登录|登录后查看|登录后访问|用户登录|账号登录|sign in|log in", re.I)
NOT_FOUND = re.compile(
    r"页面不存在|页面未找到|找不到页面|找不到该页面|您访问的页面不存在|该页面已删除|页面已删除"
    r"|信息不存在|文章不存在|内容不存在|内容已删除|已被删除|已下线|not found|(?<!\d)404(?!\d)"
    r"|页面走丢|出错了",
    re.IGNORECASE,
)
# A server's error page rendered inside the site's template with HTTP 200: the backend call
# behind the list failed. The page is not the disclosure, as an HTTP 5xx is not.
SERVER_ERROR = re.compile(
    r"HTTP Status 5\d\d|Internal Server Error|(?<!\d)50[24]\s*[-–—:]?\s*(?:Bad Gateway|Gateway Ti)"
    r"|Server Error in '[^']*' Application|Whitelabel Error Page|Exception Report"
    r"|java\.lang\.\w+(?:Exception|Error)|Traceback \(most recent call last\)"
    r"|FreeMarker template error|freemarker\.core\.\w+Exception|TemplateProcessingException"
    r"|org\.apache\.jasper\.JasperException|(?:at|in) [\w.$]+\((?:[\w$]+\.java):\d+\)"
    r"|Fatal error: .{0,200} on line \d+|服务器内部错误"
    r"|\[an error occurred while processing (?:this|the) directive\]"  # SSI (Apache, nginx)
    r"|服务器(?:发生|出现)?(?:错误|异常)\s*[(（]?5\d\d",
    re.IGNORECASE,
)
PASSWORD_FIELD = re.compile(r"<input[^>]+type=[\"']?password", re.IGNORECASE)
HTML_TYPES = ("text/html", "application/xhtml+xml", "")


def classify(capture: Capture, text: str, *, has_list: bool = False) -> tuple[PageStatus, str]:
    """(status, human reason) of a capture, given its canonical text.

    `has_list` says a partner list was recognised: such a page is never taken for an
    interstitial, however short it is.
    """
    main = capture.main_response
    media = main.media_type if main is not None else ""
    html = " ".join(page.html[:200_000] for page in capture.pages[:1])
    short = len(text) < SHORT_PAGE and not has_list
    if capture.status >= 400:
        probe = _probe(text, html) if short else ""
        if capture.status in (403, 405, 429, 503) and CHALLENGE.search(probe):
            return PageStatus.CHALLENGE, f"HTTP {capture.status} anti-bot challenge page"
        if capture.status == 503 and MAINTENANCE.search(probe):
            return PageStatus.MAINTENANCE, "HTTP 503 maintenance page"
        return PageStatus.HTTP_ERROR, f"HTTP {capture.status}"
    if media not in HTML_TYPES:
        if capture.attachments:
            return PageStatus.OK, ""
        return PageStatus.NOT_HTML, f"the page is {media}, not HTML or a document"
    if not capture.selector_matched:
        return PageStatus.SELECTOR_MISSING, "the configured selector matched nothing"
    error = SERVER_ERROR.search(_outside_links(html)) if not has_list else None
    if error and SERVER_ERROR.search(text):
        return PageStatus.SERVER_ERROR, f"a server error page with HTTP 200 ({error.group(0)})"
    fault = _short_page_fault(text, html) if short else None
    if fault is not None:
        return fault
    if len(text) < EMPTY_PAGE and not (capture.attachments or capture.images or has_list):
        return PageStatus.EMPTY, f"only {len(text)} characters of text"
    return PageStatus.OK, ""


def _probe(text: str, html: str) -> str:
    """Where a challenge's words are looked for: the text and the page's markup, whose
    <noscript> ("请开启JavaScript") is what a browser without scripts shows; ours runs them."""
    return f"{text}\n{_NOSCRIPT.sub(' ', html[:20_000])}"


def _outside_links(html: str) -> str:
    """The page's text without its links: a news list that links "关于系统升级维护的公告" does
    not make the page a maintenance notice.

    >>> _outside_links('<p>系统维护中</p><a href="/n/1">关于网上银行系统升级维护的公告</a>')
    ' 系统维护中  '
    """
    without = _LINK.sub(" ", _SCRIPT.sub(" ", html))
    return _TAG.sub(" ", without)


_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def stand_in(text: str, html: str) -> str:
    """Why a page of a list is an error page answering 200 (a "页面不存在" page, a challenge,
    a maintenance notice, a login form), or "" when it may be the list's next page: the same
    verdicts `classify` gives a short page.

    >>> stand_in("抱歉，您访问的页面不存在！ 返回首页", "<p>抱歉，您访问的页面不存在</p>")
    'the page says it does not exist'
    >>> stand_in("序号 机构名称 1 北京快手科技有限公司", "<table>…</table>")
    ''
    """
    fault = _short_page_fault(text, html) if len(text) < SHORT_PAGE else None
    return fault[1] if fault is not None else ""


def _short_page_fault(text: str, html: str) -> tuple[PageStatus, str] | None:
    """The fault a short page shows instead of the page, from its own text (never from the
    titles of its links), or None.

    >>> _short_page_fault("系统维护中，请稍后访问", "<p>系统维护中，请稍后访问</p>")
    (<PageStatus.MAINTENANCE: 'maintenance'>, 'maintenance notice instead of the page')
    >>> _short_page_fault("公告 关于系统维护的公告", '<a href="/n/1">关于系统维护的公告</a>')
    """
    if CHALLENGE.search(_probe(text, html)):
        return PageStatus.CHALLENGE, "anti-bot challenge page"
    prose = _outside_links(html[:200_000])
    if MAINTENANCE.search(text) and MAINTENANCE.search(prose):
        return PageStatus.MAINTENANCE, "maintenance notice instead of the page"
    if LOGIN.search(text) and PASSWORD_FIELD.search(html):
        return PageStatus.LOGIN_WALL, "login form instead of the page"
    if NOT_FOUND.search(text) and NOT_FOUND.search(prose):
        return PageStatus.SOFT_404, "the page says it does not exist"
    return None
