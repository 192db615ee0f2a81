"""Attachments the publisher marks as no longer in force. Pure (lxml).

A notice may link the current list and, beside it, the list it replaced: "历史版本（已废止）：
<a>…（2025年第二季度）.pdf</a>", a link struck through, or a file whose own title says
"（已废止）". Those names are not the current list: such a file is archived (its text kept)
and not read, as long as another attachment is read in its place. With nothing else to read
it stays the list: the reader does not guess that a page has no list at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
_IN_FORCE = re.compile(r"现行|最新|当前|本期|现有|有效名单|生效名单|更新后")
_LISTS = frozenset({"ul", "ol", "dl", "tbody", "table"})  # a group of files
_MARK_CHARS = 20  # the mark after a link ("（已废止）", "（历史版本，仅供查询）")


def _key(url: str) -> str:
    parts = urlsplit(unquote(url))
    return f"{parts.netloc}{parts.path}?{parts.query}"


def marked_links(markups: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The links (as URL keys, see `is_marked`) that a page marks as superseded: by the
    link's own text or title, by the label just before it in its block, or struck through.

    `markups`: (page URL, page HTML) pairs."""
    return frozenset(key for key, anchor in _links(markups) if _marked(anchor))


def is_marked(url: str, marked: frozenset[str]) -> bool:
    """Whether an attachment's URL is one of the `marked_links`."""
    return _key(url) in marked


def link_titles(markups: Iterable[tuple[str, str]]) -> dict[str, str]:
    """What the page calls each linked file (URL key -> the link's text and title, every
    link to it joined): "宁波通商银行关于重大关联交易的公告" in a 信息披露 file table."""
    titles: dict[str, list[str]] = {}
    for key, anchor in _links(markups):
        own = f"{anchor.text_content()} {anchor.get('title') or ''}".strip()
        titles.setdefault(key, []).append(own)
    return {key: " ".join(texts) for key, texts in titles.items()}


def _links(markups: Iterable[tuple[str, str]]) -> Iterator[tuple[str, html.HtmlElement]]:
    """(URL key, anchor) of every link with an href in the pages."""
    for url, markup in markups:
        root = dom.parse(markup)
        for anchor in root.iter("a") if root is not None else ():
            href = anchor.get("href")
            if href:
                yield _key(urljoin(url, href.strip())), anchor


def title_of(url: str, titles: dict[str, str]) -> str:
    """The page's title for an attachment (`link_titles`), "" when no link names it."""
    return titles.get(_key(url), "")


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
    if _says_old(_label_before(element, anchor)) or _says_old(_mark_after(anchor)):
        return True
    return _row_says_old(anchor) or _under_old_label(element)


def _row_says_old(anchor: html.HtmlElement) -> bool:
    """A file table's row that says, in a cell of its own, that its file is no longer in
    force (文件 | 发布日期 | 状态: "已废止"), when the row links no other file.

    >>> rows = ('<table><tr><td><a href="a.pdf">名单</a></td><td>现行有效</td></tr>'
    ...     '<tr><td><a href="b.pdf">名单</a></td><td>2025-07-01</td><td>已废止</td></tr></table>')
    >>> [_row_says_old(a) for a in html.fromstring(rows).iter("a")]
    [False, True]
    """
    row = next((a for a in anchor.iterancestors() if a.tag in ("tr", "table")), None)
    if row is None or row.tag != "tr":
        return False
    cell = next(a for a in anchor.iterancestors() if a.getparent() is row)
    others = [c for c in row if isinstance(c.tag, str) and c is not cell]
    if any(c.tag == "a" or c.find(".//a") is not None for c in others):
        return False  # the row links several files: whose status a cell gives is unclear
    texts = (c.text_content().strip() for c in others)
    return any(len(text) <= _MARK_CHARS and _says_old(text) for text in texts)


def _says_old(text: str) -> bool:
    """A mark or label of an old file that does not also speak of the one in force
    ("（最新，原名单已废止）" names the new file)."""
    return bool(NO_LONGER_IN_FORCE.search(text)) and not _IN_FORCE.search(text)


def _mark_after(anchor: html.HtmlElement) -> str:
    """The words right after a link, before the next link or the end of its block: a mark
    such as "（已废止）" or "（历史版本，仅供查询）" that follows the file's name."""
    pieces = [anchor.tail or ""]
    for sibling in anchor.itersiblings():
        if sibling.tag == "a" or sibling.find(".//a") is not None:
            break
        pieces.append(f"{sibling.text_content()}{sibling.tail or ''}")
    return "".join(pieces).strip()[:_MARK_CHARS]


def _under_old_label(block: html.HtmlElement) -> bool:
    """The link's block follows a label of its own that says "历史版本：" / "往期名单"
    (the blocks in between being links too, so a group of old files under one label; a
    list of files is looked past to the label above the list)."""
    node: html.HtmlElement | None = block
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag == "a" or sibling.find(".//a") is not None:
                continue  # another file of the same group
            text = sibling.text_content().strip()
            if text:
                return len(text) <= _LABEL_CHARS and _says_old(text)
        parent = node.getparent()
        node = parent if parent is not None and parent.tag in _LISTS else None
    return False


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
