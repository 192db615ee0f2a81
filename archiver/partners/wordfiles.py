"""Word attachments (.docx): paragraphs and tables as blocks, in document order. Pure (bytes
in, blocks out).

A paragraph is a line (a heading by its style, an item when Word numbers it); a table is a
grid, a table nested in a layout table's cell a grid of its own. Lists also sit where the body
walk alone would not see them: in a text box anchored in a paragraph (``w:txbxContent``, read
in its place, Word's VML fallback copy of a DrawingML box skipped) and in the page header
(read once, before the body).
"""

from __future__ import annotations

import io
from typing import Any

from archiver.partners.blocks import Block, Grid, Line, LineKind
from archiver.partners.budget import Clock, OverBudget, check_zip
from archiver.partners.budget import rectangular as _rectangular
from archiver.partners.struck import struck_runs


def blocks(body: bytes, clock: Clock) -> list[Block]:
    """The paragraphs and tables of a .docx file, in order: its page headers' first."""
    import docx  # noqa: PLC0415 - heavy import, only when a DOCX arrives
    from docx.oxml.ns import qn  # noqa: PLC0415

    check_zip(body, clock.budget)
    word = docx.Document(io.BytesIO(body))
    # Style names once, by id: python-docx resolves `paragraph.style` by walking the styles
    # part for every paragraph, which made 50,000 paragraphs take 49 s.
    style_names = {
        str(style.get(qn("w:styleId"))): str(style.name_val or "").lower()
        for style in word.styles.element.findall(qn("w:style"))
    }
    walker = _WordWalker(style_names, clock, qn)
    for header in _header_parts(word):  # a list put in the page header, once, before the body
        walker.walk(header)
    walker.walk(word.element.body)
    return walker.blocks


class _WordWalker:
    """The blocks of a WordprocessingML container (the body, a header, a text box): paragraphs
    as lines, tables as grids, and what sits in a paragraph's text box read in its place."""

    def __init__(self, style_names: dict[str, str], clock: Clock, qn: Any) -> None:
        self.style_names, self.clock, self.qn = style_names, clock, qn
        self.blocks: list[Block] = []
        self.tables = self.paragraphs = self.cells = 0

    def walk(self, container: Any) -> None:
        qn, budget = self.qn, self.clock.budget
        for child in container.iterchildren():
            self.paragraphs += 1
            if self.paragraphs > budget.max_paragraphs:
                raise OverBudget(f"more than {budget.max_paragraphs:,} paragraphs")
            if self.paragraphs % 1000 == 0:
                self.clock.tick()
            if child.tag == qn("w:p"):
                self._paragraph(child)
                for box in _text_boxes(child, qn):
                    self.walk(box)
            elif child.tag == qn("w:tbl"):
                self._table(child)
            elif child.tag == qn("w:sdt"):  # a content control: its content, in place
                for content in child.iterchildren(qn("w:sdtContent")):
                    self.walk(content)

    def _paragraph(self, paragraph: Any) -> None:
        qn = self.qn
        text = _paragraph_text(paragraph, qn).strip()
        if not text:
            return
        properties = paragraph.find(qn("w:pPr"))
        style_node = properties.find(qn("w:pStyle")) if properties is not None else None
        style_id = str(style_node.get(qn("w:val"), "")) if style_node is not None else ""
        style = self.style_names.get(style_id, style_id.lower())
        numbered = properties is not None and properties.find(qn("w:numPr")) is not None
        kind = LineKind.TEXT
        if style.startswith(("heading", "title", "标题")):
            kind = LineKind.HEADING
        elif numbered:
            kind = LineKind.ITEM
        self.blocks.append(Line(text, kind, None, f"paragraph {self.paragraphs}"))

    def _table(self, node: Any) -> None:
        budget = self.clock.budget
        for table in _word_tables(node, self.qn):
            self.tables += 1
            rows: list[tuple[str, ...]] = []
            for tr in table:
                row = _table_row(tr, self.qn)
                self.cells += len(row)
                if self.cells > budget.max_table_cells:
                    raise OverBudget(f"more than {budget.max_table_cells:,} table cells")
                rows.append(row)
            self.clock.tick()
            if rows:
                self.blocks.append(Grid(_rectangular(rows), f"table {self.tables}"))


def _header_parts(word: Any) -> list[Any]:
    """The ``w:hdr`` elements of a document's page headers, each once (sections share them)."""
    seen: list[Any] = []
    for section in word.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            if header.is_linked_to_previous:
                continue
            element = header._element  # python-docx exposes no other handle
            if element is not None and all(element is not known for known in seen):
                seen.append(element)
    return seen


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_boxes(paragraph: Any, qn: Any) -> list[Any]:
    """The outermost text boxes (``w:txbxContent``) anchored in a paragraph; the VML copy Word
    writes as a fallback beside a DrawingML text box is the same content and is skipped."""
    boxes = []
    for box in paragraph.iter(qn("w:txbxContent")):
        for ancestor in box.iterancestors():
            if ancestor is paragraph:
                boxes.append(box)
                break
            if ancestor.tag in (_MC_FALLBACK, qn("w:txbxContent")):
                break
    return boxes


def _word_tables(table: Any, qn: Any) -> list[list[Any]]:
    """The row runs of a ``w:tbl``, a table nested in one of its cells read as a table of its
    own (a layout table whose cell holds the list) rather than as the text of one cell."""
    found: list[list[Any]] = [[]]
    for tr in table.iterchildren(qn("w:tr")):
        nested = [inner for tc in tr.iterchildren(qn("w:tc")) for inner in tc.iter(qn("w:tbl"))]
        nested = [inner for inner in nested if not any(o in nested for o in inner.iterancestors())]
        if not nested:
            found[-1].append(tr)
            continue
        for inner in nested:
            found.extend(_word_tables(inner, qn))
        found.append([])
    return [rows for rows in found if rows]


def _paragraph_text(paragraph: Any, qn: Any) -> str:
    """The text of a ``w:p``: runs, tabs and breaks, as python-docx reads it. Tracked changes
    read as if accepted: an insertion's runs are text, a deletion's ``w:delText`` is not, and
    a moved run counts once, where it moved to (``w:moveTo``), not where it was
    (``w:moveFrom``, whose runs keep plain ``w:t``). A name in struck-through runs
    (``w:strike``, ``w:dstrike``) reads as a struck element does (`struck_runs`)."""
    parts: list[tuple[str, bool]] = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if _within(node, paragraph, qn("w:txbxContent")):
            continue  # a text box's text is read as its own blocks, never glued to the line
        if _within(node, paragraph, qn("w:moveFrom")):
            continue
        if node.tag == qn("w:t"):
            parts.append((node.text or "", _struck(node.getparent(), qn)))
        elif node.tag == qn("w:tab"):
            parts.append(("\t", False))
        else:
            parts.append(("\n", False))
    if any(struck for _, struck in parts):
        return struck_runs(parts)
    return "".join(text for text, _ in parts)


_OFF = frozenset({"0", "false", "off"})


def _struck(run: Any, qn: Any) -> bool:
    """Whether a ``w:r`` is struck through (single or double) by its own properties."""
    properties = run.find(qn("w:rPr")) if run is not None else None
    if properties is None:
        return False
    for tag in ("w:strike", "w:dstrike"):
        mark = properties.find(qn(tag))
        if mark is not None and str(mark.get(qn("w:val"), "1")).lower() not in _OFF:
            return True
    return False


def _within(node: Any, paragraph: Any, tag: str) -> bool:
    """Whether a node of a paragraph sits in an element `tag` inside that paragraph (a text
    box anchored there, ``w:txbxContent``; a tracked move's source, ``w:moveFrom``)."""
    for ancestor in node.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == tag:
            return True
    return False


def _table_row(tr: Any, qn: Any) -> tuple[str, ...]:
    """The cells of a ``w:tr``; a cell spanning n grid columns is repeated n times, and a
    vertically merged continuation cell is empty (the reader fills it from above)."""
    row: list[str] = []
    for tc in tr.iterchildren(qn("w:tc")):
        text = "\n".join(_paragraph_text(p, qn) for p in tc.iter(qn("w:p")))
        props = tc.find(qn("w:tcPr"))
        grid = props.find(qn("w:gridSpan")) if props is not None else None
        span = str(grid.get(qn("w:val"), "1")) if grid is not None else "1"
        row.extend([text] * max(1, min(int(span) if span.isdigit() else 1, 64)))
    return tuple(row)
