"""Attachments the publisher marks as no longer in force. Pure (lxml).

A notice may link the current list and, beside it, the list it replaced: "历史版本（已废止）：
<a>…（2025年第二季度）.pdf</a>", a link struck through, or a file whose own title says
"（已废止）". Those names are not the current list: such a file is archived (its text kept)
and not read, as long as another attachment is read in its place. With nothing else to read
it stays the list: the reader does not guess that a page has no list at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html

from archiver.partners import dom
from archiver.partners.blocks import Document, Line
from archiver.partners.struck import is_struck
from archiver.partners.superseded import NO_LONGER_IN_FORCE

_TITLE_MARK = re.compile(
    r"[（(【\[]\s*(?:已废止|已作废|作废|已失效|失效|历史版本|旧版)\s*[）)】\]]|(?:已废止|已作废|已失效)\s*$"
)
_BLOCK = frozenset({"p", "li", "tr", "dd", "dt", "div", "td", "h1", "h2", "h3", "h4", "h5", "h6"})
_TITLE_LINES = 3  # a document's title sits in its first lines
_LABEL_CHARS = 40  # the label before a link in its block ("历史版本（已废止）：")


def _key(url: str) -> str:
    parts = urlsplit(unquote(url))
    return f"{parts.netloc}{parts.path}?{parts.query}"


def marked_links(markups: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The links (as URL keys, see `is_marked`) that a page marks as superseded: by the
    link's own text or title, by the label just before it in its block, or struck through.

    `markups`: (page URL, page HTML) pairs."""
    found: set[str] = set()
    for url, markup in markups:
        root = dom.parse(markup)
        if root is None:
            continue
        for anchor in root.iter("a"):
            href = anchor.get("href")
            if href and _marked(anchor):
                found.add(_key(urljoin(url, href.strip())))
    return frozenset(found)


def is_marked(url: str, marked: frozenset[str]) -> bool:
    """Whether an attachment's URL is one of the `marked_links`."""
    return _key(url) in marked


def _marked(anchor: html.HtmlElement) -> bool:
    own = f"{anchor.text_content()} {anchor.get('title') or ''}"
    if NO_LONGER_IN_FORCE.search(own):
        return True
    element: html.HtmlElement | None = anchor
    while element is not None and element.tag not in _BLOCK:
        if is_struck(element):
            return True
        element = element.getparent()
    if element is None or is_struck(element):
        return element is not None
    return bool(NO_LONGER_IN_FORCE.search(_label_before(element, anchor)))


def _label_before(block: html.HtmlElement, anchor: html.HtmlElement) -> str:
    """The block's text before the link, back to the previous link ("历史版本（已废止）：")."""
    pieces: list[str] = []

    def walk(node: html.HtmlElement) -> bool:  # True once the link is reached
        if node is anchor:
            return True
        if node.tag == "a":
            pieces.clear()  # a label belongs to the link right after it
        else:
            pieces.append(node.text or "")
        for child in node:
            if walk(child):
                return True
            pieces.append(child.tail or "")
        return False

    walk(block)
    return "".join(pieces)[-_LABEL_CHARS:]


def titled_superseded(document: Document) -> bool:
    """Whether a document's own title (its first lines) says it is no longer in force, in a
    mark of its own ("…名单（已废止）", "【已作废】…"), not in words about another text
    ("关于废止…的通知" is a notice, not a superseded list)."""
    lines = [b.text for b in document.blocks[:_TITLE_LINES] if isinstance(b, Line)]
    return any(_TITLE_MARK.search(text) for text in lines)


def set_aside(readings: Iterable[tuple[str, Document | None]], marked: frozenset[str]) -> set[str]:
    """The URLs of the attachments not to read: those marked superseded (by the page or by
    their own title), when at least one other attachment is read in their place.

    `readings`: (attachment URL, its document or None when it could not be read)."""
    documents = [(url, document) for url, document in readings if document is not None]
    old = {url for url, d in documents if is_marked(url, marked) or titled_superseded(d)}
    return old if len(old) < len(documents) else set()
