"""The shape every format is read into: lines and grids in reading order. Pure.

An HTML page, a PDF, a DOCX and an XLSX sheet all become a `Document`: a sequence of
`Line`s (a paragraph, a list item, a heading) and `Grid`s (a table with merged cells
already expanded). One reader then finds partners in any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archiver.models import SourceKind


class LineKind(StrEnum):
    """What the markup says a line is (the reader also looks at its words)."""

    TEXT = "text"
    HEADING = "heading"  # <h1>-<h6>, a bold-only paragraph, a sheet name
    ITEM = "item"  # <li>


@dataclass(frozen=True, slots=True)
class Line:
    """One line of running text."""

    text: str
    kind: LineKind = LineKind.TEXT
    number: int | None = None  # position in an <ol>
    locator: str = ""


@dataclass(frozen=True, slots=True)
class Grid:
    """One table: rows of cell texts, rowspan/colspan expanded (a merged cell repeats)."""

    rows: tuple[tuple[str, ...], ...]
    locator: str = ""


Block = Line | Grid


@dataclass(frozen=True, slots=True)
class Document:
    """The blocks of one page or attachment, and how to cite records read from it."""

    url: str
    blocks: tuple[Block, ...]
    table_kind: SourceKind = SourceKind.TABLE_ROW
    line_kind: SourceKind = SourceKind.PARAGRAPH
    item_kind: SourceKind = SourceKind.LIST_ITEM

    @property
    def text(self) -> str:
        """Plain text of the document (grid rows tab-separated), for the archive's diff."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Line):
                parts.append(block.text)
            else:
                parts.extend(
                    "\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows
                )
        return "\n".join(parts)


def expand_spans(
    rows: list[list[tuple[str, int, int]]],
) -> tuple[tuple[str, ...], ...]:
    """Rows of (text, rowspan, colspan) cells -> a rectangular grid; merged cells repeat.

    >>> expand_spans([[("平台", 2, 1), ("甲公司", 1, 1)], [("乙公司", 1, 1)]])
    (('平台', '甲公司'), ('平台', '乙公司'))
    """
    pending: dict[int, tuple[int, str]] = {}
    grid: list[list[str]] = []
    for cells in rows:
        row: list[str] = []
        col = 0
        for text, rowspan, colspan in cells:
            col = _fill_pending(row, pending, col)
            for _ in range(max(1, colspan)):
                row.append(text)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, text)
                col += 1
        col = _fill_pending(row, pending, col)
        for later in sorted(c for c in pending if c >= col):
            row.extend([""] * (later - len(row)))
            col = _fill_pending(row, pending, later)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return tuple(tuple(row + [""] * (width - len(row))) for row in grid)


def _fill_pending(row: list[str], pending: dict[int, tuple[int, str]], col: int) -> int:
    while col in pending:
        left, text = pending.pop(col)
        row.append(text)
        if left > 1:
            pending[col] = (left - 1, text)
        col += 1
    return col
