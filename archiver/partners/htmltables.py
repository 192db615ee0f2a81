"""HTML tables as grids: a table of cells, or one built of divs (`divgrid`). Pure (lxml).

A table that holds other tables (of cells or of divs) places them on the page, as old CMS
templates do, so it is no grid; nor is a table whose cells hold prose or headings (a table
used for layout). Every other table is read as rows of cell texts, rowspans and colspans
expanded, rows of no height (Excel's hidden rows) left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import html

from archiver.partners.blocks import expand_spans
from archiver.partners.cells import SECTION_NUMBER, is_sentence
from archiver.partners.cloaked import names_in_use, shown_by_a_click
from archiver.partners.divgrid import rows_of as div_table
from archiver.partners.names import looks_like_org

_MAX_SPAN = 1000
Rows = tuple[tuple[str, ...], ...]
DivGrids = dict[html.HtmlElement, Rows | None]  # a div's verdict, over one walk of a page


def grid_of(
    element: html.HtmlElement,
    tag: str,
    text: Callable[[html.HtmlElement], str],
    seen: DivGrids | None = None,
) -> Rows | None:
    """The grid an element shows (`text` reads one cell), or None: not a table, a table of
    tables, or a table used for layout. `seen` keeps the div-table verdict of each div
    over one walk of a page: layout tables nest, and each asks again of every div in it."""
    seen = {} if seen is None else seen
    if tag == "table":
        grid = None if _has_nested_table(element, text, seen) else _grid(element, text)
    else:
        grid = _div_table(element, text, seen)
    return grid if grid is not None and not _is_layout(grid) else None


def _div_table(
    element: html.HtmlElement, text: Callable[[html.HtmlElement], str], seen: DivGrids
) -> Rows | None:
    if element not in seen:
        seen[element] = div_table(element, text)
    return seen[element]


def _has_nested_table(
    table: html.HtmlElement, text: Callable[[html.HtmlElement], str], seen: DivGrids
) -> bool:
    """A table holding tables, of cells or of divs, places them on the page: layout."""
    return any(True for _ in table.iterdescendants("table")) or any(
        _div_table(inner, text, seen) is not None for inner in table.iterdescendants("div")
    )


def shown_rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    """The table's own rows a reader is shown, now or by a click ("查看更多"): not those of
    no height (Excel's hidden rows), nor hidden rows no control shows (see `_unshown`)."""
    own = [tr for tr in table.iter("tr") if _owner_table(tr) is table and not _zero_height(tr)]
    hiding = _hiding_classes(table)
    hidden = [_hidden(tr, hiding) for tr in own]
    if any(hidden):  # (rows a click shows, "查看更多", are read: see _unshown)
        names = names_in_use(table.getroottree().getroot())
        clicked = [shown_by_a_click(tr, names) for tr in own]
        hidden = [found and not click for found, click in zip(hidden, clicked, strict=True)]
    return [tr for tr, left_out in zip(own, _unshown(own, hidden), strict=True) if not left_out]


def _grid(table: html.HtmlElement, text: Callable[[html.HtmlElement], str]) -> Rows:
    rows: list[list[tuple[str, int, int]]] = []
    for tr in shown_rows(table):
        cells = [
            (text(cell), _span(cell.get("rowspan")), _span(cell.get("colspan")))
            for cell in tr
            if isinstance(cell.tag, str) and cell.tag in ("td", "th")
        ]
        if cells:
            rows.append(cells)
    return expand_spans(rows)


# classes that hide what they mark, in the common CSS frameworks (Bootstrap, layui, Bulma…)
_HIDING_CLASSES = frozenset({"hide", "hidden", "d-none", "is-hidden", "layui-hide", "none"})
_HIDING_RULE = re.compile(r"\.([\w-]+)\s*\{[^}]*?display\s*:\s*none", re.I)


def mark_rows_hidden_by_style(root: html.HtmlElement) -> None:
    """Give the hidden attribute to each table row of a class the page's own <style> blocks
    declare display:none, before the styles are dropped (region.find), so `_grid` sees which
    rows the page hides.

    >>> root = html.fromstring("<div><style>.old{display:none}</style>"
    ...     "<table><tr class='old'><td>甲</td></tr></table></div>")
    >>> mark_rows_hidden_by_style(root); root.find(".//tr").get("hidden")
    ''
    """
    styles = " ".join(style.text or "" for style in root.iter("style"))
    hiding = {found.lower() for found in _HIDING_RULE.findall(styles)}
    if not hiding:
        return
    for tr in root.iter("tr"):
        if hiding & set(str(tr.get("class", "")).lower().split()):
            tr.set("hidden", "")


def _hiding_classes(table: html.HtmlElement) -> frozenset[str]:
    """The classes that hide what they mark: the frameworks' own, and those the page's
    <style> blocks declare display:none (when they are still there)."""
    styles = " ".join(style.text or "" for style in table.getroottree().getroot().iter("style"))
    return _HIDING_CLASSES | {found.lower() for found in _HIDING_RULE.findall(styles)}


def _hidden(tr: html.HtmlElement, hiding: frozenset[str]) -> bool:
    """A row hidden by the page: an inline display:none, the hidden attribute or a hiding
    class. Rows hidden at a list's end may be what "查看更多" shows, so they are read; a hidden
    row with shown rows after it is an old row or a draft kept in the markup, which no button
    shows in its place (see `_unshown`).

    >>> table = html.fromstring("<table><tr class='row hide'><td>甲</td></tr><tr hidden></tr>")
    >>> [_hidden(tr, _HIDING_CLASSES) for tr in table.iter("tr")]
    [True, True]
    """
    style = re.sub(r"\s+", "", str(tr.get("style", ""))).lower()
    if tr.get("hidden") is not None or re.search(r"(?:^|;)display:none", style):
        return True
    return bool(hiding & set(str(tr.get("class", "")).lower().split()))


def _unshown(rows: list[html.HtmlElement], hidden: list[bool]) -> list[bool]:
    """Which hidden rows (no control of the page showing them) are never shown: one with a
    shown row after it (an old row or a draft kept in the markup), or one at the end whose
    number does not go on from the shown rows' (the rest of a list goes on: 4, 5 after 1-3)."""
    last = 0
    unshown = []
    for index, (tr, is_hidden) in enumerate(zip(rows, hidden, strict=True)):
        number = _row_number(tr)
        if not is_hidden:
            last = number or last
            unshown.append(False)
        elif not all(hidden[index + 1 :]):
            unshown.append(True)
        else:
            unshown.append(bool(number and last and number != last + 1))
            last = number if number and not unshown[-1] else last
    return unshown


def _row_number(tr: html.HtmlElement) -> int:
    """The number in a row's first cell (序号), 0 when it has none."""
    cells = [cell for cell in tr if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
    first = cells[0].text_content().strip() if cells else ""
    return int(first) if first.isascii() and first.isdigit() and len(first) <= 4 else 0


def _zero_height(tr: html.HtmlElement) -> bool:
    """A row of no height (<tr height=0 style='display:none'>: a row hidden in Excel, as
    Excel and WPS save it) is never shown: not published. So is a row display:none in an
    Office export (its own style says mso-…, or its cells carry Excel's x:str / x:num): a
    saved spreadsheet has no script to show it. Elsewhere a row only display:none may be
    shown by a click ("查看更多"), so it is read."""
    style = re.sub(r"\s+", "", str(tr.get("style", ""))).lower()
    if str(tr.get("height", "")).strip() == "0" or re.search(
        r"(?:^|;)(?:mso-)?height:0(?:pt|px|cm)?(?:;|$)", style
    ):
        return True
    return bool(re.search(r"(?:^|;)display:none(?:!important)?(?:;|$)", style)) and (
        "mso-" in style or _office_cells(tr)
    )


def _office_cells(tr: html.HtmlElement) -> bool:
    """Cells as Excel and WPS save them: x:str, x:num or x:fmla attributes, or the style
    classes they number (class=xl65, class=et2).

    >>> row = html.fromstring("<table><tr><td class=xl65>7</td><td>甲</td></tr></table>")
    >>> _office_cells(row.find(".//tr")), _office_cells(html.fromstring("<tr><td>1</td></tr>"))
    (True, False)
    """
    cells = [cell for cell in tr if isinstance(cell.tag, str)]
    classes = (token for c in cells for token in str(c.get("class", "")).split())
    numbered = (re.fullmatch(r"(?:xl|et)\d{1,4}", token) for token in classes)
    return any(str(name).lower().startswith("x:") for c in cells for name in c.attrib) or any(
        numbered
    )


def _is_layout(grid: tuple[tuple[str, ...], ...]) -> bool:
    """A table used to place text on the page: a cell holds prose or headings, not values;
    or the table has one column and a cell holds a block of lines (a list of cards in an old
    template's content cell), not one value."""
    if all(len(row) == 1 for row in grid) and any(row[0].count("\n") >= 3 for row in grid):
        return True
    for row in grid:
        for cell in row:
            lines = cell.split("\n")
            if len(lines) >= 4 and any(_is_prose(line) for line in lines):
                return True
            if len(cell) > 300 and sum(_is_prose(line) for line in lines) * 2 > len(lines):
                return True
    return False


def _is_prose(line: str) -> bool:
    if SECTION_NUMBER.match(line):
        return True
    if looks_like_org(line):
        return False
    return is_sentence(line) or len(line) > 24


def _owner_table(tr: html.HtmlElement) -> html.HtmlElement | None:
    node = tr.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _span(value: str | None) -> int:
    if not value:
        return 1
    digits = re.match(r"\s*(\d+)", value)
    if not digits:
        return 1
    return min(max(int(digits.group(1)), 1), _MAX_SPAN)
