"""The disclosure region of a rendered page: what the institution published, without the
site's furniture. Pure (lxml over the rendered DOM).

    region = find(html, url=page_url)                       # no selector: boilerplate removed
    region = find(html, url=page_url, selector="#content")  # the configured selector wins

Removed when no selector is configured: scripts and styles; the page's header, navigation,
footer and sidebars (by element, ARIA role, or an id/class that names them); rotating banners
and carousels; and link-list blocks of *other* announcements ("相关新闻", "最新公告", previous
and next article, a column of dated notice titles). A block is never removed when it holds
most of what is left of the page (then it *is* the page: an announcement index) or a partner
list (links whose texts are company names). What is left is the region: its text and images
are what makes a new version (see `archiver.extract`), and its HTML is what the partner
reader reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree, html
from lxml.cssselect import CSSSelector, SelectorError

from archiver.dates import COMPACT_DATE
from archiver.partners.htmltables import mark_rows_hidden_by_style
from archiver.partners.markup import open_shadow_roots

ALWAYS_REMOVED = ("script", "style", "noscript", "template", "head", "marquee")
FURNITURE_TAGS = ("header", "nav", "footer", "aside")
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menubar"}
# Whole class or id tokens that name site furniture; matched after lower-casing.
_FURNITURE_TOKEN = re.compile(
    r"^(?:site-?|page-?|g-|global-?|main-?)?"
    r"(?:header|head-?wrap|topbar|top-?bar|top-?nav|nav|navbar|nav-?bar|navigation|menu|menus"
    r"|sub-?nav|subnav|breadcrumbs?|crumbs?|bread|footer|foot|ft|copyright|copy-?right|sidebar"
    r"|side-?bar|cookie(?:-\w+)?|(?:kf|kefu|chat|online-?service)(?:-\w+)?"
    r"|aside|banner|banners|swiper(?:-\w+)?|carousel|slider|slides?|slick(?:-\w+)?|bx-wrapper"
    r"|share|bdsharebuttonbox|toolbar|friend-?links?|qr-?code|float(?:-\w+)?|related"
    r"|related-?\w+|recommend(?:-\w+)?|hot-?news|news-?hot|prev-?next|pre-?next|pager-?article)$"
)
_RELATED_HEADING = re.compile(
    r"^(?:相关|推荐|热门|热点|最新|延伸|猜你喜欢|更多|近期|往期)"
    r"(?:新闻|公告|阅读|文章|资讯|动态|推荐|通知|信息|内容)?|^上一篇|^下一篇|^新闻动态$"
)
_ANNOUNCEMENT = re.compile(
    r"关于|公告|通知|公示|声明|新闻|动态|活动|提示|须知|解读|会议|举办|召开|荣获|开展|发布"
    r"|报告|办法|上线|升级|优惠|招聘|\d{4}\s*[年.\-/]"
)
_ORG = re.compile(r"(?:公司|银行|集团|中心|事务所|合作社|研究院|分行|支行)\s*[)）]?\s*$")
_BLOCK = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "center",
}  # fmt: skip
_CELLS = {"td", "th"}
_DATES = re.compile(COMPACT_DATE)
_CELL_GAP = re.compile(r" *\t[ \t]*")
_LIST_WORDS = re.compile(r"合作机构|机构名单|合作名单|平台运营|增信服务")
LINK_LIST_MIN_LINKS = 3
LINK_DENSITY = 0.6  # share of a block's text that is link text
PAGE_SHARE = 0.5  # a block holding more than this share of the text is the page itself
OUTSIDE_MIN = 40  # characters: less beside a link list, and the list is the page
OUTSIDE_SHARE = 0.15
_SENTENCE = 20  # characters: a paragraph this long without a link is content, not a list item


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image inside the region, as the page names it."""

    url: str  # absolute
    alt: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """The disclosure region of one page."""

    html: str  # outer HTML of what is left (the body, or the selector's element)
    text: str  # its text, one block per line, cells separated by tabs
    images: tuple[Image, ...] = ()
    removed: tuple[str, ...] = ()  # why each removed block went, in document order
    selector_matched: bool = True
    has_footer: bool = False  # the page has a footer (cut-off pages often do not)


def find(
    markup: str,
    *,
    url: str = "",
    selector: str | None = None,
    excludes: tuple[str, ...] = (),
) -> Region:
    """The disclosure region of a rendered page.

    >>> page = ('<body><nav>首页 关于我们</nav><div id="c"><h1>合作机构名单</h1>'
    ...         '<p>蚂蚁智信（杭州）信息技术有限公司</p></div><footer>版权所有</footer></body>')
    >>> find(page).text
    '合作机构名单\\n蚂蚁智信（杭州）信息技术有限公司'
    >>> find(page, selector="h1").text
    '合作机构名单'
    """
    root = _parse(markup)
    if root is None:
        return Region(html="", text="", selector_matched=selector is None)
    has_footer = bool(root.xpath("//footer")) or bool(_by_token(root, "footer"))
    open_shadow_roots(root)  # a web component's shadow root, as the capture writes it: shown
    mark_rows_hidden_by_style(root)  # (the page's <style> goes next)
    for element in list(root.iter(*ALWAYS_REMOVED)):
        _drop(element)
    _drop_comments(root)
    removed: list[str] = []
    for css in excludes:
        for element in _select(root, css):
            removed.append(f"excluded {css}")
            _drop(element)
    body = _body(root)
    if selector:
        chosen = _select(root, selector)
        if not chosen:
            return Region(html="", text="", selector_matched=False, has_footer=has_footer)
        region = chosen[0]
    else:
        region = body
        removed.extend(_strip_furniture(region))
        removed.extend(_strip_link_lists(region))
    base = _base_url(root, url)
    return Region(
        html=etree.tostring(region, encoding="unicode", method="html"),
        text=text_of(region),
        images=tuple(_images(region, base)),
        removed=tuple(removed),
        has_footer=has_footer,
    )


def text_of(element: html.HtmlElement) -> str:
    """Readable text of an element: one line per block, tabs between table cells.

    >>> text_of(html.fromstring('<div><p>甲</p><table><tr><td>1</td><td>乙</td></tr></table>'))
    '甲\\n1\\t乙'
    """
    parts: list[str] = []
    _walk(element, parts)
    lines = (_CELL_GAP.sub("\t", line).strip(" \t") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _BLOCK:
        parts.append("\n")
    elif tag in _CELLS:
        parts.append("\t")
    if tag == "img":
        alt = (element.get("alt") or "").strip()
        if alt:
            parts.append(f"[图片 {alt}]")
    if element.text and tag:
        parts.append(_spaces(element.text))
    for child in element:
        if isinstance(child.tag, str) and not _hidden(child):
            _walk(child, parts)
        if child.tail:
            parts.append(_spaces(child.tail))
    if tag in _BLOCK:
        parts.append("\n")


def _spaces(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text)


def _hidden(element: html.HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _parse(markup: str) -> html.HtmlElement | None:
    if not markup.strip():
        return None
    try:
        return html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _body(root: html.HtmlElement) -> html.HtmlElement:
    found = root.find(".//body")
    return found if found is not None else root


def _select(root: html.HtmlElement, css: str) -> list[html.HtmlElement]:
    try:
        found = CSSSelector(css)(root)
    except (SelectorError, etree.XPathError, ValueError):
        return []  # config.py validates selectors; a selector lxml cannot run selects nothing
    return [e for e in found if isinstance(e, html.HtmlElement)] if isinstance(found, list) else []


def _drop(element: html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tree()


def _drop_comments(root: html.HtmlElement) -> None:
    for comment in list(root.iter(etree.Comment)):
        parent = comment.getparent()
        if parent is not None:
            tail = comment.tail
            previous = comment.getprevious()
            parent.remove(comment)
            if tail:  # keep the text that followed the comment
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail


def _tokens(element: html.HtmlElement) -> list[str]:
    return [t.lower() for t in f"{element.get('class') or ''} {element.get('id') or ''}".split()]


def _by_token(root: html.HtmlElement, word: str) -> list[html.HtmlElement]:
    return [e for e in root.iter() if isinstance(e.tag, str) and word in _tokens(e)]


def _furniture(element: html.HtmlElement) -> str:
    """Why the element is site furniture, or "" when it is not."""
    tag = element.tag
    if tag in ("nav",):
        return "nav"
    if tag in ("header", "footer", "aside") and not _inside_content(element):
        return str(tag)
    role = (element.get("role") or "").lower()
    if role in FURNITURE_ROLES:
        return f"role={role}"
    for token in _tokens(element):
        if _FURNITURE_TOKEN.match(token):
            return f".{token}"
    return ""


def _inside_content(element: html.HtmlElement) -> bool:
    """An article's own header or footer (its title, its date) is content."""
    return any(a.tag in ("article", "main") for a in element.iterancestors())


def _text_length(element: html.HtmlElement) -> int:
    return len(re.sub(r"\s+", "", element.text_content()))


def _keep_anyway(element: html.HtmlElement, total: int) -> bool:
    """A block that holds most of the page, or a partner list, is never furniture."""
    length = _text_length(element)
    if total and length > total * PAGE_SHARE:
        return True
    return _names_companies(element)


def _is_the_page(element: html.HtmlElement, total: int) -> bool:
    """Little is left beside the block: an announcement index, not a page with a block."""
    outside = total - _text_length(element)
    return outside < OUTSIDE_MIN or outside < total * OUTSIDE_SHARE


def _keep_furniture(element: html.HtmlElement, total: int) -> bool:
    """Furniture-named blocks that hold list words (a category tab bar) stay too."""
    return _keep_anyway(element, total) or bool(_LIST_WORDS.search(element.text_content()))


def _names_companies(element: html.HtmlElement) -> bool:
    """Links or rows whose texts are mostly company names: a partner list, not a menu."""
    rows = element.xpath(".//tr | .//li")
    texts = [_clean(r.text_content()) for r in rows] if len(rows) >= 2 else []
    if not texts:
        texts = [_clean(a.text_content()) for a in element.iter("a")]
    named = sum(1 for t in texts if t and _ORG.search(t))
    return len(texts) >= 2 and named * 2 >= len(texts)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _strip_furniture(body: html.HtmlElement) -> Iterator[str]:
    total = _text_length(body)
    for element in list(_candidates(body)):
        if element.getparent() is None or not _attached(element, body):
            continue
        why = _furniture(element)
        if why and not _keep_furniture(element, total):
            yield why
            _drop(element)


def _strip_link_lists(body: html.HtmlElement) -> Iterator[str]:
    total = _text_length(body)
    for element in list(_candidates(body)):
        if element.getparent() is None or not _attached(element, body):
            continue
        why = _link_list(element)
        if why and not _is_the_page(element, total) and not _names_companies(element):
            heading = _heading_before(element)
            if heading is not None:
                _drop(heading)
            yield why
            _drop(element)


def _candidates(body: html.HtmlElement) -> Iterator[html.HtmlElement]:
    for element in body.iterdescendants():
        if isinstance(element.tag, str):
            yield element


def _attached(element: html.HtmlElement, body: html.HtmlElement) -> bool:
    return any(a is body for a in element.iterancestors())


def _link_list(element: html.HtmlElement) -> str:
    """Why the block is a list of links to other announcements ("" when it is not)."""
    if element.tag not in ("ul", "ol", "div", "section", "dl", "table", "td"):
        return ""
    title = _own_title(element)
    if title and _RELATED_HEADING.search(title):
        return f"related: {title[:12]}"
    if _has_own_content(element):
        return ""  # a column that holds the article beside its link lists: they go one by one
    links = [a for a in element.iter("a") if _clean(a.text_content())]
    if len(links) < LINK_LIST_MIN_LINKS:
        return ""
    text = len(_DATES.sub("", _clean(element.text_content())))  # dates beside titles
    linked = sum(len(_DATES.sub("", _clean(a.text_content()))) for a in links)
    if not text or linked / text < LINK_DENSITY:
        return ""
    texts = [_clean(a.text_content()) for a in links]
    notices = sum(1 for t in texts if _ANNOUNCEMENT.search(t) and not _ORG.search(t))
    if notices * 2 < len(texts):
        return ""
    heading = _heading_before(element)
    label = _clean(heading.text_content())[:12] if heading is not None else ""
    return f"links to other notices{': ' + label if label else ''}"


def _has_own_content(element: html.HtmlElement) -> bool:
    """Whether a block holds content beside its links: a table with two rows of cells and no
    link, or a paragraph or heading of a sentence's length without one. Such a block is a
    page's column (the article and its 相关公告 below it), never a list of links, however
    many link titles its sidebar adds.

    >>> _has_own_content(html.fromstring(
    ...     "<div><table><tr><td>1</td><td>甲公司</td></tr><tr><td>2</td><td>乙公司</td></tr>"
    ...     "</table><ul><li><a href='/1'>关于…的公告</a></li></ul></div>"))
    True
    >>> _has_own_content(html.fromstring(
    ...     "<div><p><a href='/1'>关于调整部分网点营业时间的公告</a> 2026-01-02</p></div>"))
    False
    """
    rows = 0
    for row in element.iter("tr"):
        cells = [c for c in row if c.tag in _CELLS and _clean(c.text_content())]
        if len(cells) >= 2 and row.find(".//a") is None:
            rows += 1
            if rows >= 2:
                return True
    for block in element.iter("p", "h1", "h2", "h3", "h4", "h5", "h6"):
        if block.find(".//a") is None and len(_clean(block.text_content())) >= _SENTENCE:
            return True
    return False


def _own_title(element: html.HtmlElement) -> str:
    """The title a block gives itself: a heading or title-classed first child."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tokens = " ".join(_tokens(child))
        if child.tag in ("h2", "h3", "h4", "h5", "h6", "dt") or "title" in tokens:
            return _clean(child.text_content())
        break
    heading = _heading_before(element)
    return _clean(heading.text_content()) if heading is not None else ""


def _heading_before(element: html.HtmlElement) -> html.HtmlElement | None:
    """A short heading right before the block ("相关新闻" above its list)."""
    previous = element.getprevious()
    if previous is None or not isinstance(previous.tag, str):
        return None
    text = _clean(previous.text_content())
    if previous.tag in ("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong") and (
        0 < len(text) <= 12 and _RELATED_HEADING.search(text)
    ):
        return previous
    return None


def _base_url(root: html.HtmlElement, url: str) -> str:
    base = root.find(".//base[@href]")
    return urljoin(url, base.get("href") or "") if base is not None else url


def _images(region: html.HtmlElement, base: str) -> Iterator[Image]:
    seen: set[str] = set()
    for img in region.iter("img"):
        src = (img.get("src") or "").strip()
        if not src or src.startswith("data:") or _hidden(img):
            continue
        absolute = urljoin(base, src)
        if absolute in seen:
            continue
        seen.add(absolute)
        yield Image(
            url=absolute,
            alt=(img.get("alt") or "").strip(),
            title=(img.get("title") or "").strip(),
        )
