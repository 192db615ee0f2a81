"""OpenDocument attachments (.ods spreadsheets, .odt text, as LibreOffice and WPS save them):
their tables and paragraphs as blocks, in document order. Pure (bytes in, blocks out).

An OpenDocument file is a ZIP whose content.xml holds the body: ``table:table`` of
``table:table-row`` of ``table:table-cell`` (a run of equal cells or rows written once with
``number-columns-repeated`` / ``number-rows-repeated``), and ``text:p`` / ``text:h`` lines.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from archiver.partners.blocks import Block, Grid, Line, LineKind
from archiver.partners.budget import Clock, OverBudget, check_zip, rectangular

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_REPEAT_CAP = 200  # a styled run to the sheet's edge ("repeated 16384") is not content


def blocks(body: bytes, clock: Clock) -> list[Block]:
    """The tables and text lines of an .ods or .odt file, in order.

    >>> import io, zipfile
    >>> content = (
    ...     '<office:document-content'
    ...     ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ...     ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ...     ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    ...     '<office:spreadsheet><table:table table:name="名单">'
    ...     '<table:table-row><table:table-cell><text:p>机构名称</text:p></table:table-cell>'
    ...     '<table:table-cell><text:p>类别</text:p></table:table-cell></table:table-row>'
    ...     '<table:table-row><table:table-cell><text:p>甲科技有限公司</text:p></table:table-cell>'
    ...     '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    ...     '</table:table></office:spreadsheet></office:body></office:document-content>')
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    ...     archive.writestr("content.xml", content)
    >>> from archiver.partners.budget import DEFAULT_BUDGET
    >>> [b.rows for b in blocks(buffer.getvalue(), Clock(DEFAULT_BUDGET))]
    [(('机构名称', '类别'), ('甲科技有限公司', ''))]
    """
    check_zip(body, clock.budget)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        content = archive.read("content.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(content, parser)
    found: list[Block] = []
    tables = lines = cells = 0
    office_body = root.find(f"{{{_OFFICE}}}body")
    for element in (office_body if office_body is not None else root).iter(
        f"{{{_TABLE}}}table", f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"
    ):
        if element.tag != f"{{{_TABLE}}}table" and _in_table(element):
            continue  # a cell's paragraph: read with its table
        if element.tag == f"{{{_TABLE}}}table":
            rows = _rows(element)
            cells += sum(len(row) for row in rows)
            if cells > clock.budget.max_table_cells:
                raise OverBudget(f"more than {clock.budget.max_table_cells:,} table cells")
            clock.tick()
            if rows:
                tables += 1
                found.append(Grid(rectangular(rows), f"table {tables}"))
            continue
        text = "".join(str(piece) for piece in element.itertext()).strip()
        if text:
            lines += 1
            kind = LineKind.HEADING if element.tag == f"{{{_TEXT}}}h" else LineKind.TEXT
            found.append(Line(text, kind, None, f"paragraph {lines}"))
    return found


def _in_table(element: etree._Element) -> bool:
    return any(a.tag == f"{{{_TABLE}}}table" for a in element.iterancestors())


def _rows(table: etree._Element) -> list[tuple[str, ...]]:
    """The rows of a table (not of a table nested in one of its cells), repeated runs unfolded
    and the empty cells after a row's last value dropped."""
    rows: list[tuple[str, ...]] = []
    for row in table.iter(f"{{{_TABLE}}}table-row"):
        if next(a for a in row.iterancestors() if a.tag == f"{{{_TABLE}}}table") is not table:
            continue
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                continue
            text = "\n".join(
                "".join(str(piece) for piece in p.itertext()).strip()
                for p in cell.iter(f"{{{_TEXT}}}p")
            ).strip()
            repeat = _repeat(cell, "number-columns-repeated")
            cells.extend([text] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.extend([tuple(cells)] * _repeat(row, "number-rows-repeated"))
    return rows


def _repeat(element: etree._Element, attribute: str) -> int:
    value = str(element.get(f"{{{_TABLE}}}{attribute}", "1"))
    return min(int(value), _REPEAT_CAP) if value.isdigit() and int(value) > 0 else 1
