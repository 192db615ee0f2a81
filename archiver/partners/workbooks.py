"""Spreadsheets (XLSX, legacy XLS, CSV) -> the blocks of a Document. Pure.

Only what the reader sees is read: visible sheets, without their hidden rows and columns,
each merged range filled from its top-left cell (a category merged down its rows reaches every
row). What is hidden (a draft row, last quarter's sheet left in the file) is in the archived
file and its text, never in the list: a reader of the spreadsheet does not see it. Rows an
autofilter hides are the exception: the view is filtered, the list still holds them. A sheet
of instructions for filling in the form (填表说明, 填报说明, 注意事项) is kept as text only: its
numbered rules ("2.合作起始时间以合作协议签署日期为准") are not partners.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from archiver.partners.blocks import Block, Grid, Line, LineKind
from archiver.partners.budget import Budget, Clock, OverBudget, check_zip, rectangular
from archiver.partners.struck import struck_runs

_DEFAULT_SHEETS = ("sheet1", "工作表1", "sheet", "表1")
_INSTRUCTIONS = re.compile(r"^(?:(?:填表|填报|编制|使用|报送)?说明|注意事项|(?:填表|填报)须知)$")


@dataclass
class Sheets:
    """The blocks of a workbook's sheets, and the text of the sheets that are not read."""

    blocks: list[Block] = field(default_factory=list)
    aside: list[str] = field(default_factory=list)  # instruction sheets: archived, not read

    def add(self, title: str, values: list[list[str]], hidden: Hidden | None = None) -> None:
        """One sheet's non-empty rows: a heading (its own title) and a grid; its hidden rows
        and columns are set aside (archived as text, not read)."""
        if hidden is not None:
            values = hidden.set_aside(values, self.aside)
        rows = [tuple(row) for row in values if any(cell.strip() for cell in row)]
        if not rows:
            return
        if _INSTRUCTIONS.match(title.strip()):
            self.aside.extend([title, *(" ".join(c for c in row if c.strip()) for row in rows)])
            return
        if title.strip().lower() not in _DEFAULT_SHEETS:
            self.blocks.append(Line(title, LineKind.HEADING, None, f"sheet {title}"))
        self.blocks.append(Grid(rectangular(rows), f"sheet {title}"))


@dataclass(frozen=True, slots=True)
class Hidden:
    """The rows and columns of a sheet its author hid (1-based, as the file numbers them)."""

    rows: frozenset[int] = frozenset()
    columns: frozenset[int] = frozenset()

    def set_aside(self, values: list[list[str]], aside: list[str]) -> list[list[str]]:
        """The visible cells of `values`; the text of the hidden ones goes to `aside`."""
        if not self.rows and not self.columns:
            return values
        shown: list[list[str]] = []
        for number, row in enumerate(values, start=1):
            if number in self.rows:
                aside.append(" ".join(c for c in row if c.strip()))
                continue
            shown.append([c for i, c in enumerate(row, start=1) if i not in self.columns])
            aside.extend(c for i, c in enumerate(row, start=1) if i in self.columns and c.strip())
        return shown


def xlsx(body: bytes, clock: Clock) -> Sheets:
    """The visible sheets of an XLSX, streamed (read-only), merged ranges filled."""
    import openpyxl  # noqa: PLC0415 - heavy import, only when a spreadsheet arrives

    check_zip(body, clock.budget)
    # Read-only mode streams rows and never builds the cells a declared dimension or a merged
    # range names ("A1:XFD1048576" in 5 KB ate GBs): only the cells the file holds are read.
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    sheets = Sheets()
    cells = rows_read = 0
    struck = _struck_styles(book)
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue  # a hidden sheet (last quarter's list) is not what the reader sees
            sheet.reset_dimensions()
            values: list[list[str]] = []
            for row in _rows(sheet, struck):
                rows_read += 1
                cells += len(row)
                if rows_read > clock.budget.max_rows or cells > clock.budget.max_cells:
                    raise OverBudget(
                        f"more than {clock.budget.max_rows:,} rows or "
                        f"{clock.budget.max_cells:,} cells"
                    )
                if rows_read % 1000 == 0:
                    clock.tick()
                values.append(list(row))
            merged, hidden = _marks(sheet, clock.budget)
            _fill_merged_cells(values, merged)
            sheets.add(sheet.title, values, hidden)
    finally:
        book.close()
    return sheets


def _struck_styles(book: Any) -> frozenset[int]:
    """The ids of a workbook's cell styles whose font is struck through."""
    fonts = getattr(book, "_fonts", ())
    return frozenset(
        index
        for index, style in enumerate(getattr(book, "_cell_styles", ()))
        if style.fontId < len(fonts) and fonts[style.fontId].strike
    )


def _rows(sheet: Any, struck: frozenset[int]) -> Iterator[list[str]]:
    """A read-only sheet's rows as text; a cell whose font strikes an organisation's name
    through is that name marked ended, as a struck name on a web page is (`struck_runs`)."""
    if not struck:
        for values in sheet.iter_rows(values_only=True):
            yield [cell_value(v) for v in values]
        return
    for cells in sheet.iter_rows():
        yield [
            struck_runs([(cell_value(c.value), True)])
            if getattr(c, "_style_id", 0) in struck
            else cell_value(getattr(c, "value", None))
            for c in cells
        ]


def xls(body: bytes, clock: Clock) -> Sheets:
    """A legacy Excel 97-2003 workbook (BIFF), by xlrd, read as an XLSX is: visible sheets,
    merged ranges filled from their top-left cell, dates as ISO dates."""
    import xlrd  # noqa: PLC0415 - only when a .xls arrives

    book = xlrd.open_workbook(file_contents=body, formatting_info=True, on_demand=True)
    sheets = Sheets()
    cells = 0
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility != 0:
                continue  # hidden or very hidden, as in an XLSX
            cells += sheet.nrows * sheet.ncols
            if sheet.nrows > clock.budget.max_rows or cells > clock.budget.max_cells:
                raise OverBudget(
                    f"more than {clock.budget.max_rows:,} rows or {clock.budget.max_cells:,} cells"
                )
            clock.tick()
            values = [
                [_xls_value(cell, book.datemode) for cell in sheet.row(r)]
                for r in range(sheet.nrows)
            ]
            merged = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
            if len(merged) > clock.budget.max_merged:
                raise OverBudget(f"more than {clock.budget.max_merged:,} merged ranges")
            _fill_merged_cells(values, merged)
            hidden = Hidden(
                frozenset(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden),
                frozenset(c + 1 for c, info in sheet.colinfo_map.items() if info.hidden),
            )
            sheets.add(sheet.name, values, hidden)
    finally:
        book.release_resources()
    return sheets


def _xls_value(cell: Any, datemode: int) -> str:
    import xlrd  # noqa: PLC0415

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_value(xlrd.xldate_as_datetime(cell.value, datemode))
        except (ValueError, OverflowError):
            return str(cell.value)
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_EMPTY):
        return ""
    return cell_value(cell.value)


_LAST_COLUMN = 16_384  # XFD: no sheet is wider
_LAST_ROW = 1_048_576  # and none is longer
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _marks(sheet: Any, budget: Budget) -> tuple[list[tuple[int, int, int, int]], Hidden]:
    """(min_row, min_col, max_row, max_col) of every ``mergeCell`` of a read-only sheet, and
    its hidden rows (``<row hidden="1">``) and columns (``<col min max hidden="1">``)."""
    from lxml import etree  # noqa: PLC0415
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415

    found: list[tuple[int, int, int, int]] = []
    rows: set[int] = set()
    columns: set[int] = set()
    filtered = range(0)
    tags = (f"{_MAIN}mergeCell", f"{_MAIN}row", f"{_MAIN}col", f"{_MAIN}autoFilter")
    with sheet._get_source() as source:
        for _, element in etree.iterparse(source, tag=tags, huge_tree=False):
            hidden = element.get("hidden", "") in ("1", "true")
            if element.tag == tags[0]:
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                found.append((min_row, min_col, max_row, max_col))
            elif element.tag == tags[3] and element.find(f"{_MAIN}filterColumn") is not None:
                filtered = _rows_under_filter(element.get("ref", ""))
            elif hidden and element.tag == tags[1] and element.get("r", "").isdigit():
                rows.add(int(element.get("r", "")))
            elif hidden and element.tag == tags[2]:
                first, last = int(element.get("min", "0")), int(element.get("max", "0"))
                columns.update(range(first, min(last, _LAST_COLUMN) + 1))
            element.clear()
            if len(found) > budget.max_merged:
                raise OverBudget(f"more than {budget.max_merged:,} merged ranges")
            if len(rows) > budget.max_rows:
                raise OverBudget(f"more than {budget.max_rows:,} hidden rows")
    # A row an autofilter hides is a row of the list the view is filtered on (合作状态 =
    # 合作中): the list still holds it, and a reader who clears the filter sees it.
    return found, Hidden(frozenset(r for r in rows if r not in filtered), frozenset(columns))


def _rows_under_filter(ref: str) -> range:
    """The rows an autofilter's range filters: below its header row ("A3:F20" -> 4..20).

    >>> _rows_under_filter("A3:F20"), _rows_under_filter("A3"), _rows_under_filter("x")
    (range(4, 21), range(0, 0), range(0, 0))
    """
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415

    try:
        _, min_row, _, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return range(0)
    if min_row is None or max_row is None or max_row <= min_row:
        return range(0)
    return range(min_row + 1, min(max_row, _LAST_ROW) + 1)


def _fill_merged_cells(values: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Copy each merged range's top-left value over the range, clipped to the sheet's width.

    A file need not hold the covered cells of a merge (a title merged across A1:D1 may be
    stored as A1 alone): the row is widened to the range, never past the widest row read,
    so a title reads as one text across the table, as an HTML colspan does."""
    width = max((len(row) for row in values), default=0)
    for min_row, min_col, max_row, max_col in ranges:
        if min_row > len(values) or min_col > len(values[min_row - 1]):
            continue
        top = values[min_row - 1][min_col - 1]
        right = min(max_col, width)
        for r in range(min_row - 1, min(max_row, len(values))):
            row = values[r]
            row.extend([""] * (right - len(row)))
            for c in range(min_col - 1, right):
                row[c] = top


def csv_grid(text: str) -> Grid:
    """A CSV file's rows as one grid."""
    rows = [tuple(row) for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    return Grid(rectangular(rows), "csv")


def cell_value(value: object) -> str:
    """A cell's value as text: whole floats as integers, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
