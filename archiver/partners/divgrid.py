"""Tables built of divs: a block whose rows are divs of cells is read as a table. Pure (lxml).

Sites rebuilt with a front-end framework show the same list as before, but the <table> became
<div class="table"><div class="tr"><span>序号</span><span>机构名称</span>…</div>…</div>.
Read line by line, such a list loses its columns: the header row becomes a category, a credit
code or a hotline becomes a product. A redesign that keeps the list is no change of it, so a
div table is read as the table it shows, with its header row naming the columns.

A block is a div table when every child is a row (a div whose children are all cells of text,
no text between them), or a group of such rows (thead / tbody as divs), every row has the same
number of cells (2 to 12), there are at least two rows, and a header row names the columns
(one of them the partners') or one column names organisations in most rows. Cards (a name
above field lines) and menus are no div tables: their children hold blocks of their own, or
no column of names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import html

from archiver.partners.cells import Column, column_of
from archiver.partners.names import looks_like_org
from archiver.partners.sideways import transposed

_CONTAINERS = frozenset({"div", "section"})
_ROWS = frozenset({"div", "li"})
_CELLS = frozenset({"div", "span", "p", "em", "i", "b", "strong", "label", "a", "font", "small"})
_INSIDE_A_CELL = frozenset({"span", "em", "i", "b", "strong", "a", "font", "small", "br", "sup"})
_MIN_CELLS, _MAX_CELLS = 2, 12
_MIN_ROWS = 2
# "客服电话：95188": a label of a field, then its value (never a time "09:00", a URL "https:")
_FIELD = re.compile(r"^[^\s:：\d]{2,10}[:：]\s*\S")
_MARKS = re.compile(r"[\s*＊※△▲☆★#＃①-⑳\d]+$")  # a footnote's sign after a name


def rows_of(
    element: html.HtmlElement, text: Callable[[html.HtmlElement], str]
) -> tuple[tuple[str, ...], ...] | None:
    """The rows of cell texts of a div table (`text` reads one cell), or None.

    >>> from lxml import html
    >>> block = html.fromstring(
    ...     "<div><div class='tr'><span>序号</span><span>机构名称</span><span>类别</span></div>"
    ...     "<div class='tr'><span>1</span><span>甲乙科技有限公司</span><span>平台</span></div>"
    ...     "<div class='tr'><span>2</span><span>丙丁担保有限公司</span><span>增信</span></div>"
    ...     "</div>")
    >>> rows_of(block, lambda cell: cell.text_content())[1]
    ('1', '甲乙科技有限公司', '平台')
    >>> cards = html.fromstring(
    ...     "<div><div class='card'><div><b>甲乙科技有限公司</b></div><div><p>产品：甲</p></div>"
    ...     "</div><div class='card'><div><b>丙丁科技有限公司</b></div><div><p>产品：乙</p></div>"
    ...     "</div></div>")
    >>> rows_of(cards, lambda cell: cell.text_content()) is None
    True
    """
    if _tag(element) not in _CONTAINERS or (element.text or "").strip():
        return None
    rows: list[list[html.HtmlElement]] = []
    for child in _children(element):
        cells = _cells(child)
        if cells is not None:
            rows.append(cells)
            continue
        group = [_cells(row) for row in _children(child)] if _tag(child) in _CONTAINERS else []
        if not group or any(cells is None for cells in group) or (child.text or "").strip():
            return None
        rows.extend(cells for cells in group if cells is not None)
    if len(rows) < _MIN_ROWS or len({len(cells) for cells in rows}) != 1:
        return None
    grid = tuple(tuple(text(cell) for cell in cells) for cells in rows)
    if _labels_its_fields(grid):
        return None
    return grid if _names_organisations(grid) or transposed(grid) else None


def _labels_its_fields(grid: tuple[tuple[str, ...], ...]) -> bool:
    """True when one row in three or more is made of "label：value" cells ("机构全称：甲公司 |
    客服电话：95188"): a card's field line; a table's cells hold values, its header the labels
    (a remark cell "原名称：乙公司" beside them is a value).

    >>> _labels_its_fields((("京东金融", "平台运营机构"),
    ...     ("机构全称：甲乙有限公司", "客服电话：95118"), ("人保财险", "增信服务机构"),
    ...     ("机构全称：丙丁有限公司", "客服电话：95518")))
    True
    >>> _labels_its_fields((("序号", "机构名称", "备注"),
    ...     ("1", "甲乙有限公司", "原名称：戊己有限公司"), ("2", "丙丁有限公司", "")))
    False
    """
    labelled = sum(
        1
        for row in grid
        if any(cell.strip() for cell in row)
        and all(_FIELD.match(cell.strip()) for cell in row if cell.strip())
    )
    return labelled * 3 >= len(grid)


def _cells(row: html.HtmlElement) -> list[html.HtmlElement] | None:
    """The cells of a row: two to twelve elements of text side by side, nothing between."""
    if _tag(row) not in _ROWS or (row.text or "").strip():
        return None
    cells = list(_children(row))
    if not _MIN_CELLS <= len(cells) <= _MAX_CELLS:
        return None
    for cell in cells:
        if _tag(cell) not in _CELLS or (cell.tail or "").strip():
            return None
        if any(_tag(inner) not in _INSIDE_A_CELL for inner in cell.iterdescendants()):
            return None  # a cell with blocks of its own: a card, not a row
        if sum(1 for inner in _children(cell) if inner.text_content().strip()) > 1:
            return None  # <div class=row><span>机构名称：</span><span>甲</span>: a row itself
    return cells


def _names_organisations(grid: tuple[tuple[str, ...], ...]) -> bool:
    """A header row names the columns, one of them the partners' (序号 | 合作机构 | 机构类型),
    or one column names organisations in two rows of three below the first (a header's place;
    cards whose header line and field line are both read as rows name one in every other row).

    >>> card = lambda kind, name: (("", kind), ("机构名称", name))
    >>> _names_organisations((*card("平台运营机构", "甲乙科技有限公司"),
    ...     *card("平台运营机构", "戊己科技有限公司"), *card("增信服务机构", "丙丁担保有限公司")))
    False
    """
    roles = [column_of(cell)[0] for cell in grid[0]]
    if Column.NAME in roles and sum(r is not None for r in roles) >= 2:
        return True
    body = grid[1:] if len(grid) > _MIN_ROWS else grid
    for column in range(len(grid[0])):
        named = sum(1 for row in body if looks_like_org(_MARKS.sub("", row[column])))
        if named * 3 >= len(body) * 2:
            return True
    return False


def _children(element: html.HtmlElement) -> list[html.HtmlElement]:
    return [child for child in element if isinstance(child.tag, str)]


def _tag(element: html.HtmlElement) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""
