"""Links an index page offers: announcement columns, "更多" pages and candidate documents. Pure.

Links come from the rendered DOM (anchors, with the date printed beside them) and from the
JSON bodies a page loaded (宁银-style ``data.json`` with DOCTITLE/DOCRELTIME/URL fields). A
link's title only sets the order in which candidates are read; whether a candidate is a
partner list is decided by its content (`archiver.discovery.score`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import lxml.html
from lxml import etree

from archiver import dates, doctypes
from archiver.discovery.urls import ASSET_SUFFIX, normalise, same_institution


class LinkKind(StrEnum):
    """How a link is followed."""

    INDEX = "index"  # an announcement column or a fuller list: read with its pagination
    CANDIDATE = "candidate"  # an announcement or attachment that may carry the list


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """One followable link found on an index page."""

    url: str  # normalised
    text: str
    kind: LinkKind
    published: str = ""  # YYYY-MM-DD printed beside the link, if any
    priority: int = 5  # lower is read first


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRules:
    """What the link reader needs to know about the institution."""

    entry: str
    columns: tuple[str, ...]
    more: tuple[str, ...]
    hosts: tuple[str, ...] = ()


JUNK = re.compile(
    r"^(首页|网站首页|返回首页|关于我们|公司简介|联系我们|加入我们|人才招聘|社会招聘|校园招聘|招聘"
    r"|网站地图|隐私|隐私政策|法律声明|免责声明|使用条款|登录|注册|English|EN|繁體|繁体|简体"
    r"|上一页|下一页|上一篇|下一篇|尾页|末页|返回|返回列表|打印|关闭|分享|下载APP|APP下载|客户端下载"
    r"|在线客服|客服中心|帮助中心|产品中心|产品服务|产品介绍|我要借款|立即申请)$",
    re.IGNORECASE,
)
STRONG_TITLE = re.compile(r"名单|合作机构|助贷|合作平台|合作产品|获客|增信|导流|合作方")
WEAK_TITLE = re.compile(r"公告|公示|披露|通知|声明|说明")
UNRELATED_TITLE = re.compile(r"关联交易|消保|消费者权益|利率|收费|招聘|年报|年度报告|反洗钱|诈骗")
TEMPLATE = re.compile(r"(^|[\s_-])(nav|menu|header|footer|foot|topbar|breadcrumb|crumb)", re.I)
_NUMBERED = re.compile(r"^\d{1,3}$")
_TITLE_KEYS = ("title", "doctitle", "name", "newstitle", "articletitle", "subject", "label")
_URL_KEYS = ("url", "href", "link", "docpuburl", "detailurl", "linkurl", "path", "pdfurl")
_DATE_KEYS = ("docreltime", "publishtime", "pubdate", "date", "createtime", "releasetime", "time")


def classify(
    text: str, url: str, rules: LinkRules, *, in_template: bool, dated: bool = False
) -> LinkKind | None:
    """What kind of link this is, or None when it is not worth following.

    >>> r = LinkRules(entry="https://a.com/", columns=("公告",), more=("查看更多",))
    >>> classify("重要公告", "https://a.com/gg/", r, in_template=True)
    <LinkKind.INDEX: 'index'>
    >>> classify("合作机构名单的公告", "https://a.com/gg/1.html", r, in_template=False)
    <LinkKind.CANDIDATE: 'candidate'>
    >>> classify("关于我们", "https://a.com/about", r, in_template=True) is None
    True
    >>> classify("公告", "https://a.com/gg/2.html", r, in_template=False, dated=True)
    <LinkKind.CANDIDATE: 'candidate'>
    """
    label = " ".join(text.split())
    bare = url.split("?", 1)[0].split("#", 1)[0]
    if not url.startswith(("http://", "https://")) or ASSET_SUFFIX.search(bare):
        return None
    if not same_institution(url, rules.entry, rules.hosts):
        return None
    if not label or JUNK.match(label) or _NUMBERED.match(label):
        return None
    if label in rules.more or label.rstrip(" >»›") in rules.more:
        return LinkKind.INDEX
    if not dated and len(label) <= 8 and any(word in label for word in rules.columns):
        return LinkKind.INDEX  # a dated item of a list is an announcement, even "公告"
    if doctypes.is_attachment(bare):
        return LinkKind.CANDIDATE
    if in_template and not STRONG_TITLE.search(label):
        return None
    if len(label) >= 4 or dated:
        return LinkKind.CANDIDATE
    return None


def priority(link_text: str, kind: LinkKind, published: str) -> int:
    """Reading order: columns first, then titles that name a list, then the rest.

    >>> [priority(t, LinkKind.CANDIDATE, "") for t in ("合作机构名单", "临时公告", "关联交易公告")]
    [2, 3, 6]
    """
    if kind is LinkKind.INDEX:
        return 0
    if STRONG_TITLE.search(link_text):
        return 2
    if UNRELATED_TITLE.search(link_text):
        return 6
    if WEAK_TITLE.search(link_text):
        return 3
    return 4 if published else 5


def html_links(html: str, page_url: str, rules: LinkRules) -> list[Link]:
    """Followable links of a rendered page, in document order, without duplicates.

    >>> page = '<nav><a href="/gg/">公告</a></nav><ul><li><a href="/gg/1.html">名单公告</a>'
    >>> page += '<span>2025-10-01</span></li></ul>'
    >>> found = html_links(page, "https://a.cn/", _rules())
    >>> [(lk.kind.value, lk.url, lk.published) for lk in found]
    [('index', 'https://a.cn/gg/', ''), ('candidate', 'https://a.cn/gg/1.html', '2025-10-01')]
    """
    if not html.strip():
        return []
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for base_el in root.iter("base"):
        href = base_el.get("href")
        if href:
            base = normalise(href, page_url)
            break
    found: dict[str, Link] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:")) or href == "#":
            continue
        text = " ".join(_text(anchor).split())
        if not text:
            text = " ".join((anchor.get("title") or "").split())
        url = normalise(href, base)
        published = _date_beside(anchor)
        kind = classify(text, url, rules, in_template=_in_template(anchor), dated=bool(published))
        if kind is None or url in found or url == normalise(page_url):
            continue
        found[url] = Link(
            url=url,
            text=text,
            kind=kind,
            published=published,
            priority=priority(text, kind, published),
        )
    return list(found.values())


def json_links(body: bytes, source_url: str, rules: LinkRules) -> list[Link]:
    """Candidate documents listed in a JSON body (items with a title and a URL).

    >>> body = '{"data":[{"DOCTITLE":"公告","DOCRELTIME":"2025-10-01","URL":"/a/1.html"}]}'
    >>> found = json_links(body.encode(), "https://a.cn/d.json", _rules())
    >>> [(lk.url, lk.text, lk.published) for lk in found]
    [('https://a.cn/a/1.html', '公告', '2025-10-01')]
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # 5,000-deep JSON: not a list
        return []
    found: dict[str, Link] = {}
    for item in _dicts(data):
        lowered = {str(k).lower(): v for k, v in item.items()}
        title = next((str(lowered[k]) for k in _TITLE_KEYS if isinstance(lowered.get(k), str)), "")
        href = next((str(lowered[k]) for k in _URL_KEYS if isinstance(lowered.get(k), str)), "")
        if not title.strip() or not href.strip():
            continue
        url = normalise(href, source_url)
        published = next((d for k in _DATE_KEYS if (d := dates.from_value(lowered.get(k)))), "")
        label = " ".join(title.split())
        if not same_institution(url, rules.entry, rules.hosts) or JUNK.match(label):
            continue
        bare = url.split("?", 1)[0].split("#", 1)[0]
        if ASSET_SUFFIX.search(bare) or url in found:
            continue
        kind = LinkKind.CANDIDATE
        found[url] = Link(
            url=url,
            text=label,
            kind=kind,
            published=published,
            priority=priority(label, kind, published),
        )
    return list(found.values())


def looks_like_index(links: list[Link]) -> bool:
    """A page that lists several dated announcements is an index page, whatever its title.

    >>> dated = LinkKind.CANDIDATE
    >>> looks_like_index([Link(url=f"u{i}", text="t", kind=dated, published="2025-01")
    ...                   for i in range(5)])
    True
    """
    dated = sum(1 for link in links if link.kind is LinkKind.CANDIDATE and link.published)
    return dated >= 5


def _dicts(data: Any) -> Iterator[dict[Any, Any]]:
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _in_template(element: Any) -> bool:
    node = element
    for _ in range(8):
        node = node.getparent()
        if node is None:
            return False
        if node.tag in ("nav", "header", "footer"):
            return True
        marks = f"{node.get('class') or ''} {node.get('id') or ''}"
        if TEMPLATE.search(marks):
            return True
    return False


def _date_beside(anchor: Any) -> str:
    """The date printed in the link itself or in its row (li, tr, dd, a small div)."""
    own = dates.parse(_text(anchor))
    if own:
        return own
    node = anchor
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("nav", "header", "footer", "body"):
            break
        text = _text(node)
        if len(text) > 400 or sum(1 for _ in node.iter("a")) > 1:
            break  # a container of several links is not this link's row
        found = dates.parse(text) or _epoch(text)
        if found:
            return found
        if node.tag in ("li", "tr", "dd"):
            break
    href = anchor.get("href") or ""
    return dates.parse(href) if re.search(r"20\d{6}", href) else ""


def _text(element: Any) -> str:
    return "".join(str(part) for part in element.itertext())


def _epoch(text: str) -> str:
    """A date from epoch milliseconds printed as they came from an API (1759276800000)."""
    match = re.search(r"(?<!\d)1[5-9]\d{11}(?!\d)", text)
    return dates.from_value(int(match.group(0))) if match else ""


def _rules() -> LinkRules:
    """Rules for the doctests."""
    return LinkRules(entry="https://a.cn/", columns=("公告",), more=("更多",))
