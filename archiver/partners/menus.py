"""A site's own menus inside the page: links to its other pages, never partners. Pure (lxml).

Old templates and portals put their menus in plain <div>s and layout tables, without a
<nav> or a class that says so: "个人网银 | 企业网银 | 手机银行" in a top bar, "· 年度报告",
"· 服务收费" down a left column. What gives them away is their structure: nothing but links
to the same site, separated by bars or bullets, whose words are not organisations' names. A list of
partners whose names link somewhere is kept (its link texts are names).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import html

from archiver.partners.names import looks_like_org

_SEPARATORS = re.compile(r"^[\s|｜/／·•・>»›\-–—:：\[\]【】]*$")
MIN_LINKS = 2
_TITLE_CHARS = 30  # a menu table's one cell without links is its title, never longer


def menu_links(element: html.HtmlElement, host: str) -> list[str] | None:
    """The link texts of an element made of nothing but links to this site (and
    separators), or None."""
    links = [a for a in element.iter("a") if isinstance(a.tag, str)]
    if not links or any(not _internal(str(a.get("href") or ""), host) for a in links):
        return None
    if element.tag == "a":
        return [" ".join(element.text_content().split())] if element.tail is None else None
    inside = {node for a in links for node in a.iter()}
    for node in element.iter():
        own_text = node.text if isinstance(node.tag, str) else ""  # (a comment's is no text)
        if node not in inside and not _SEPARATORS.match(own_text or ""):
            return None
        tail_in_link = node in inside and node not in links
        if node is not element and not tail_in_link and not _SEPARATORS.match(node.tail or ""):
            return None
    texts = [" ".join(a.text_content().split()) for a in links]
    return [text for text in texts if text]


def is_menu(element: html.HtmlElement, host: str) -> bool:
    """A bar or column of this site's links ("个人网银|企业网银|手机银行"), not a list of names.

    >>> bar = '<div><a href="/a">个人网银</a>|<a href="/b">企业网银</a></div>'
    >>> is_menu(html.fromstring(bar), "www.example-bank.cn")
    True
    >>> names = '<div><a href="/a">甲科技有限公司</a>|<a href="/b">乙科技有限公司</a></div>'
    >>> is_menu(html.fromstring(names), "www.example-bank.cn")
    False
    """
    texts = menu_links(element, host)
    return texts is not None and len(texts) >= MIN_LINKS and _not_names(texts)


def is_menu_table(table: html.HtmlElement, host: str) -> bool:
    """A layout table of links down a column ("信息披露 / · 年度报告 / · 服务收费"): every
    filled cell but a title is one link to this site, and the links are no names."""
    cells = [
        cell
        for cell in table.iter("td", "th")
        if isinstance(cell.tag, str) and cell.text_content().strip()
    ]
    texts: list[str] = []
    plain = 0
    for cell in cells:
        links = menu_links(cell, host)
        if links is None or not links:
            if len(re.sub(r"\s+", "", cell.text_content())) > _TITLE_CHARS:
                return False  # a cell of content (the page's article), not a menu's title
            plain += 1
        else:
            texts.extend(links)
    return plain <= 1 and len(texts) >= MIN_LINKS and _not_names(texts)


def _not_names(texts: list[str]) -> bool:
    return sum(looks_like_org(text.replace(" ", "")) for text in texts) * 2 < len(texts)


def _internal(href: str, host: str) -> bool:
    """A link to this site: relative, a fragment, a script, or this host."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:")):
        return True
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return True  # "../xxpl/index.html"
    return bool(host) and (parts.hostname or "") == host
