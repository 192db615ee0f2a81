"""PowerPoint attachments (.pptx): the tables and text of each slide as blocks, slide by slide
and, on a slide, top to bottom. Pure (bytes in, blocks out).

A bank that presents its partner list at a briefing sometimes publishes the deck itself: the
list is a table on a slide (``a:tbl``), or a text box of names. Tables become grids (a cell
merged across columns repeated in each, one merged down left empty for the reader to fill from
above, as with Word's); a slide's title is a heading and its other paragraphs are lines.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from archiver.partners.blocks import Block, Grid, Line, LineKind
from archiver.partners.budget import Clock, OverBudget, check_zip, rectangular


def blocks(body: bytes, clock: Clock) -> list[Block]:
    """The tables and text lines of a .pptx file, slide by slide."""
    import pptx  # noqa: PLC0415 - heavy import, only when a deck arrives

    check_zip(body, clock.budget)
    deck = pptx.Presentation(io.BytesIO(body))
    reader = _SlideReader(clock)
    for number, slide in enumerate(deck.slides, start=1):
        reader.slide = number
        reader.read(slide.shapes)
        clock.tick()
    return reader.blocks


class _SlideReader:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.blocks: list[Block] = []
        self.slide = self.tables = self.cells = 0

    def read(self, shapes: Iterable[Any]) -> None:
        for shape in sorted(shapes, key=_position):
            if getattr(shape, "shapes", None) is not None:  # a group: its members, in place
                self.read(shape.shapes)
            elif getattr(shape, "has_table", False) and shape.has_table:
                self._table(shape.table)
            elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                self._text(shape)

    def _text(self, shape: Any) -> None:
        title = shape.is_placeholder and "title" in str(shape.placeholder_format.type).lower()
        kind = LineKind.HEADING if title else LineKind.TEXT
        for paragraph in shape.text_frame.paragraphs:
            text = paragraph.text.strip()
            if text:
                self.blocks.append(Line(text, kind, None, f"slide {self.slide}"))

    def _table(self, table: Any) -> None:
        self.tables += 1
        rows: list[tuple[str, ...]] = []
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell.is_spanned:  # covered by a merge: across, the origin's text repeats
                    cells.append(cells[-1] if cells and _spanned_across(cell) else "")
                else:
                    cells.append(cell.text)
            self.cells += len(cells)
            if self.cells > self.clock.budget.max_table_cells:
                raise OverBudget(f"more than {self.clock.budget.max_table_cells:,} table cells")
            rows.append(tuple(cells))
        if rows:
            where = f"slide {self.slide} table {self.tables}"
            self.blocks.append(Grid(rectangular(rows), where))


def _spanned_across(cell: Any) -> bool:
    """Whether a covered cell is covered from its left (hMerge) rather than from above."""
    return bool(cell._tc.hMerge)  # python-pptx: the merge flags are only here


def _position(shape: Any) -> tuple[int, int]:
    return (int(shape.top or 0), int(shape.left or 0))
