"""Rendered HTML -> a Document of lines and grids, in reading order. Pure (lxml only).

Navigation, headers, footers and scripts are skipped. A table that holds other tables is
page layout (old CMS templates), so its cells are read as running text; every other table,
and every table built of divs (`divgrid`), becomes a Grid.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree, html

from archiver.partners.blocks import Block, Document, Grid, Line, LineKind
from archiver.partners.categories import names_category
from archiver.partners.htmltables import DivGrids, grid_of
from archiver.partners.markup import tidy
from archiver.partners.menus import is_menu, is_menu_table
from archiver.partners.names import looks_like_org
from archiver.partners.spanrows import row_cells
from archiver.partners.struck import STRUCK_MARK, struck_rename, struck_without_words
from archiver.partners.superseded import is_superseded_block
from archiver.partners.tabs import tab_panes
from archiver.partners.terms import heads_names, term_lines


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SKIPPED = _words(
    "script style noscript template head iframe svg select option button input "
    "nav header footer aside map object canvas video audio"
)
_BLOCKS = _words(
    "p div section article main li dt dd dl h1 h2 h3 h4 h5 h6 ul ol blockquote pre textarea "
    "form hr br "
    "center address figure figcaption caption tr td th table tbody thead tfoot body html"
)
_HEADINGS = _words("h1 h2 h3 h4 h5 h6")
_MENU_TAGS = _words("div p ul ol li td table span font")
_BOLD = _words("strong b")
_CHROME = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|foot|ft|header|breadcrumbs?|crumbs?|bread"
    r"|sidebar|side-bar|friend-?links?|copyright|topbar|toolbar|share|pagination|pager|page-nav"
    r"|search|login|banner|modal|popup|cookie|chat|kefu|kf)(?:$|[-_\s])",
    re.IGNORECASE,
)
# An inline element styled as a badge or a tag: a word of its own (_is_token).
_TOKEN_CLASS = re.compile(r"(?:^|[-_\s])(?:tag|tags|badge|label|chip|pill)(?:$|[-_\s])", re.I)
_ORG_WORD = re.compile(r"公司|集团|银行|中心|有限|股份")
_CATEGORY_END = re.compile(r"(?:机构|服务|类|合作方)$")  # "平台运营机构", never "阳光财产保险"
_ITEM_NUMBER = re.compile(r"\d{1,2}[.、．]?")


def parse(markup: str) -> html.HtmlElement | None:
    """The element tree of a page or fragment, or None when there is nothing to parse."""
    if not markup.strip():
        return None
    try:
        root = html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return None
    tidy(root)  # (markup.py)
    return root


def document(markup: str, *, url: str = "") -> Document:
    """The lines and grids of an HTML page or fragment."""
    root = parse(markup)
    if root is None:
        return Document(url=url, blocks=())
    _circle_note_references(root)
    walker = _Walker(tab_panes(root, cell_text), urlsplit(url).hostname or "")
    walker.walk(root)
    walker.flush()
    return Document(url=url, blocks=tuple(walker.blocks))


# "<sup>2</sup>", "<sup>[2]</sup>", "<sup>注2</sup>": a note's number as a reference
_SUP_NUMBER = re.compile(r"^\s*(?:注|备注)?\s*[\[［(（]?\s*(\d{1,2})\s*[\]］)）]?\s*$")


def _circle_note_references(root: html.HtmlElement) -> None:
    """A note's number set as a superscript after a name ("甲公司<sup>2</sup>") is written as
    its circled number ("甲公司②"), a footnote reference (footnotes.py), never digits glued to
    the name."""
    for sup in root.iter("sup"):
        found = _SUP_NUMBER.match(sup.text_content() or "")
        if found and 1 <= int(found.group(1)) <= 20 and len(sup) == 0:
            sup.text = chr(0x2460 + int(found.group(1)) - 1)


_NAMES_AN_INSTITUTION = re.compile(
    r"^(?!.*(?:名单|机构|合作))[\u4e00-\u9fff]{2,14}(?:银行|集团|公司|信托|消费金融)$"
)


def images_in(markup: str) -> int:
    """Number of content images (not icons, logos or QR codes) in a page or fragment.

    >>> images_in('<p><img src="/i/hsbank.png" alt="徽商银行"><img src="/i/list.png"></p>')
    1
    """
    root = parse(markup)
    if root is None:
        return 0
    count = 0
    for img in root.iter("img"):
        hint = " ".join(str(img.get(a, "")) for a in ("src", "class", "id", "alt")).lower()
        if re.search(r"logo|icon|qr|ewm|erweima|wechat|weixin|banner|arrow|btn|share", hint):
            continue
        if _NAMES_AN_INSTITUTION.match(str(img.get("alt", "")).strip()):
            continue  # alt="徽商银行": the institution's logo, whatever its file is called
        sizes = [img.get("width", ""), img.get("height", "")]
        if any(s.isdigit() and int(s) < 120 for s in sizes):
            continue
        if _is_chrome(img):
            continue
        count += 1
    return count


def _is_chrome(element: html.HtmlElement) -> bool:
    node: html.HtmlElement | None = element
    while node is not None:
        if isinstance(node.tag, str) and _is_skipped(node, node.tag.lower()):
            return True
        node = node.getparent()
    return False


def cell_text(element: html.HtmlElement) -> str:
    """Text of a table cell; <br>, <p> and <div> inside it become line breaks.

    >>> cell_text(html.fromstring("<td>甲公司<br>（已暂停合作）</td>"))
    '甲公司\\n（已暂停合作）'
    """
    pieces: list[str] = []
    _cell_pieces(element, pieces)
    text = "".join(pieces)
    lines = (re.sub(r"[ \t\r\f\v\xa0\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _cell_pieces(element: html.HtmlElement, pieces: list[str]) -> None:
    renamed = struck_rename(element)
    if renamed:  # <del>旧名称</del> 新名称
        pieces.append(renamed)
        return
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("script", "style", "noscript", "template"):
        if element.tail:
            pieces.append(element.tail)
        return
    block = tag in _BLOCKS
    if block:
        pieces.append("\n")
    if tag and element.text:
        pieces.append(element.text)
    for child in element:
        _cell_pieces(child, pieces)
    if struck_without_words(element):
        pieces.append(STRUCK_MARK)
    if block:
        pieces.append("\n")
    if element.tail:
        pieces.append(element.tail.replace("\n", " "))


def _is_token(element: html.HtmlElement) -> bool:
    """A field's label or a badge: a word of its own, never glued to the text beside it
    (<label>机构全称</label>甲公司; <span class="tag">平台运营机构</span> after a brand).

    >>> _is_token(html.fromstring("<label>机构全称</label>"))
    True
    >>> _is_token(html.fromstring('<span class="tag tag-p">平台运营机构</span>'))
    True
    >>> _is_token(html.fromstring('<span class="name">甲公司</span>'))
    False

    A category in an inline element of its own after a name (<li>甲公司<em>平台运营机构</em>)
    is one too; a piece of a name never is (<span>融资担保有限公司</span>).

    >>> _is_token(html.fromstring("<em>平台运营机构</em>"))
    True
    >>> _is_token(html.fromstring("<span>重庆融资担保有限公司</span>"))
    False
    >>> _is_token(html.fromstring("<span>▪ 阳光财产保险</span>"))
    False
    """
    if element.tag == "label" or _TOKEN_CLASS.search(str(element.get("class") or "")):
        return True
    return _leading_number(element) or _category_word(element.text_content())


def _category_word(text: str) -> bool:
    word = text.strip()
    return (
        2 <= len(word) <= 10
        and _CATEGORY_END.search(word) is not None
        and names_category(word)
        and not _ORG_WORD.search(word)
    )


def _leading_number(element: html.HtmlElement) -> bool:
    """An item's number in an element of its own before the name (<li><span class="idx">4
    </span>甲公司</li>): a word of its own, as "4 甲公司" reads.

    >>> _leading_number(html.fromstring("<li><span>4</span>甲公司</li>")[0])
    True
    >>> _leading_number(html.fromstring("<li>甲<span>4</span>公司</li>")[0])
    False
    """
    parent = element.getparent()
    if parent is None or (parent.text or "").strip() or parent[0] is not element:
        return False
    tail = (element.tail or "").lstrip()
    return bool(_ITEM_NUMBER.fullmatch(element.text_content().strip())) and not tail[:1].isdigit()


# Where a numbered item starts inside running alt text ("名单：1.甲 2.乙"), never in a date.
_ALT_PIECES = re.compile(r"[、；;，,。：:\s]+|(?<![\d.．])\d{1,3}[.．、](?!\d)")
_ALT_ITEM = re.compile(r"\s*(?=(?<![\d.．])\d{1,3}[.．、](?!\d))")


class _Walker:
    """Depth-first walk that cuts running text into lines at block boundaries."""

    def __init__(self, tabs: dict[html.HtmlElement, str] | None = None, host: str = "") -> None:
        self.tabs = tabs or {}
        self.host = host
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.tables = 0
        self.lines = 0
        self.div_grids: DivGrids = {}  # each div's div-table verdict (htmltables.grid_of)

    def flush(self, kind: LineKind = LineKind.TEXT, number: int | None = None) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer.clear()
        if text:
            self.lines += 1
            self.blocks.append(Line(text, kind, number, f"line {self.lines}"))

    def walk(self, element: html.HtmlElement) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        tab = self.tabs.get(element)
        if tab is not None:
            self.flush()
            if not tab:  # the bar: its labels head the panes instead
                return
            self.lines += 1
            self.blocks.append(Line(tab, LineKind.HEADING, None, f"line {self.lines}"))
        renamed = struck_rename(element)
        if renamed:  # <del>旧名称</del> 新名称 (its tail is read with it)
            self.buffer.append(renamed)
            return
        if tag in _MENU_TAGS and (
            is_menu(element, self.host) or is_menu_table(element, self.host)
        ):
            pass  # the site's own menu (menus.py)
        elif tag and not _is_skipped(element, tag):
            grid = grid_of(element, tag, cell_text, self.div_grids)
            if grid is not None:
                self.flush()
                caption = element.find("caption")
                if caption is not None and cell_text(caption):
                    self.lines += 1
                    text = cell_text(caption).replace("\n", " ")
                    self.blocks.append(Line(text, LineKind.HEADING, None, f"line {self.lines}"))
                self.tables += 1
                self.blocks.append(Grid(grid, f"table {self.tables}"))
            elif tag == "br":
                self.flush()
            elif tag == "img":
                self._image(element)
            elif tag in _BLOCKS:
                self._block(element, tag)
            else:
                self._inline(element)
        if element.tail:  # comments and skipped elements still end in running text
            self.buffer.append(element.tail)

    def _image(self, image: html.HtmlElement) -> None:
        """A picture of the list whose alt or title text repeats it: that text is read, one
        line per numbered item. Text naming fewer than two organisations (a logo's "甲银行",
        "图片1") is no list and stays out."""
        text = max((str(image.get(a) or "") for a in ("alt", "title")), key=len).strip()
        pieces = _ALT_PIECES.split(text)
        if sum(1 for piece in pieces if looks_like_org(piece)) < 2:
            return
        self.flush()
        for piece in _ALT_ITEM.split(text):
            self.buffer.append(piece)
            self.flush()

    def _inline(self, element: html.HtmlElement) -> None:
        token = _is_token(element)
        if token:
            self.buffer.append(" ")
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
        if struck_without_words(element):
            self.buffer.append(STRUCK_MARK)
        if token:
            self.buffer.append(" ")

    def _block(self, element: html.HtmlElement, tag: str) -> None:
        self.flush()
        lines = term_lines(element) if tag == "dl" else None  # <dt>甲公司</dt><dd>平台运营…
        if tag in ("pre", "textarea"):  # preformatted text keeps its line breaks
            lines = element.text_content().splitlines()
        if lines is not None:
            for text in lines:
                self.buffer.append(text)
                self.flush()
            return
        cells = row_cells(element) if tag in ("div", "li", "dd", "p") else None
        if cells is not None:  # <div class=row><span>1</span><span>甲公司</span>…: one line
            self.buffer.append(" ".join(cells))
            self.flush(LineKind.ITEM if tag == "li" else LineKind.TEXT, None)
            return
        if element.text:
            self.buffer.append(element.text)
        number = _ol_start(element) if tag == "ol" else None
        for child in element:
            if number is not None and isinstance(child.tag, str) and child.tag == "li":
                self._item(child, number)
                number += 1
            else:
                self._nested_list(tag, child)
                self.walk(child)
        self.flush(self._kind(element, tag), None)

    def _nested_list(self, tag: str, child: html.HtmlElement) -> None:
        """An <li>'s text above a list nested in it heads that list (groups.py)."""
        if tag == "li" and isinstance(child.tag, str) and child.tag in ("ul", "ol"):
            self.flush(LineKind.HEADING, None)

    def _item(self, item: html.HtmlElement, number: int) -> None:
        self.flush()
        cells = row_cells(item)  # <li><span>甲公司</span><span>借呗</span></li>, as in a <ul>
        if cells is not None:
            self.buffer.append(" ".join(cells))
        elif item.text:
            self.buffer.append(item.text)
        for child in item if cells is None else ():
            self._nested_list("li", child)
            self.walk(child)
        self.flush(LineKind.ITEM, number)
        if item.tail:
            self.buffer.append(item.tail)

    def _kind(self, element: html.HtmlElement, tag: str) -> LineKind:
        if tag in _HEADINGS or (tag == "dt" and heads_names(element)):
            return LineKind.HEADING
        if tag == "li":
            return LineKind.ITEM
        if tag in ("p", "div", "td", "dt") and self.buffer:
            bold = "".join(
                "".join(child.itertext())
                for child in element
                if isinstance(child.tag, str) and child.tag in _BOLD
            ).strip()
            text = "".join(self.buffer).strip()
            if bold and bold == text:
                return LineKind.HEADING
        return LineKind.TEXT


def _is_skipped(element: html.HtmlElement, tag: str) -> bool:
    chrome = bool(_CHROME.search(f"{element.get('class', '')} {element.get('id', '')}"))
    return (
        tag in _SKIPPED
        or (chrome and not _holds_a_table_of_names(element))
        or is_superseded_block(element, tag)
    )


def _holds_a_table_of_names(element: html.HtmlElement) -> bool:
    """A table of company names inside a block named as chrome: a page whose header div was
    never closed ("<div class=nav>…" around the whole article) still shows its list there.

    >>> names = ("序号", "甲科技有限公司", "乙担保有限公司")
    >>> rows = "".join(f"<tr><td>{n}</td></tr>" for n in names)
    >>> _holds_a_table_of_names(html.fromstring(f"<div class='nav'><table>{rows}</table></div>"))
    True
    >>> _holds_a_table_of_names(html.fromstring("<div class='nav'><ul><li>首页</li></ul></div>"))
    False
    """
    for table in element.iter("table"):
        rows = [
            [cell.text_content().strip() for cell in row if cell.tag in ("td", "th")]
            for row in table.iter("tr")
        ]
        named = sum(1 for cells in rows if any(looks_like_org(cell) for cell in cells))
        if len(rows) >= 3 and named * 2 >= len(rows):
            return True
    return False


def _ol_start(element: html.HtmlElement) -> int:
    start = str(element.get("start", "1")).strip()
    return int(start) if start.isdigit() else 1
