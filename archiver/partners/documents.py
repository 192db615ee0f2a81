"""Attachments (PDF, DOCX, XLSX, CSV) -> Documents, and their text for the archive. Pure.

A document that cannot be read (corrupt bytes, a scanned PDF without a text layer, an old
binary .doc/.xls) gives a note instead of an exception: the list may be in it, so the
capture says "unparseable" rather than "no partners".
"""

from __future__ import annotations

import csv
import io
import re
import threading
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from archiver.models import HttpResponse, SourceKind
from archiver.partners.blocks import Block, Document, Grid, Line, LineKind

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSUPPORTED = {"doc": "Word 97-2003 (.doc)", "xls": "Excel 97-2003 (.xls)", "wps": "WPS (.wps)"}
_PDFIUM = threading.Lock()
_DEFAULT_SHEETS = ("sheet1", "工作表1", "sheet", "表1")


@dataclass(frozen=True, slots=True)
class Reading:
    """What one attachment gave: its blocks and text, or why it gave nothing."""

    url: str
    document: Document | None = None
    text: str = ""
    note: str = ""  # why it could not be read (or "" when it could)
    unreadable: bool = False  # the list may be inside, but no text could be taken out


def file_name(url: str) -> str:
    """The last path segment of a URL, decoded.

    >>> file_name("https://example.cn/upload/%E5%90%8D%E5%8D%95.pdf?v=2")
    '名单.pdf'
    """
    return unquote(PurePosixPath(urlsplit(url).path).name) or url


def kind_of(response: HttpResponse) -> str:
    """pdf, docx, xlsx, csv, doc, xls, wps, image or "" — by content first, then by name."""
    body = response.body
    if body[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if body[:4] == b"PK\x03\x04":
        head = body[:20000] + body[-20000:]
        if b"word/" in head:
            return "docx"
        if b"xl/" in head:
            return "xlsx"
    media = response.media_type
    suffix = PurePosixPath(urlsplit(response.url).path).suffix.lower().lstrip(".")
    if media.startswith("image/") or suffix in ("png", "jpg", "jpeg", "gif", "bmp", "webp"):
        return "image"
    if body[:8] == _OLE:
        return "xls" if "excel" in media or suffix in ("xls", "et") else "doc"
    by_media = {
        "application/pdf": "pdf",
        "application/msword": "doc",
        "application/vnd.ms-excel": "xls",
        "text/csv": "csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    }
    return by_media.get(
        media, suffix if suffix in ("pdf", "docx", "xlsx", "csv", "doc", "xls", "wps") else ""
    )


def read_attachment(response: HttpResponse) -> Reading:
    """The blocks and text of one attachment; a note (never an exception) when unreadable."""
    kind = kind_of(response)
    name = file_name(response.url)
    if not response.body:
        return Reading(response.url, note=f"attachment {name} is empty", unreadable=True)
    if kind == "image":
        return Reading(response.url, note=f"attachment {name} is an image", unreadable=True)
    if kind in _UNSUPPORTED:
        note = f"attachment {name} is {_UNSUPPORTED[kind]}, which is not read"
        return Reading(response.url, note=note, unreadable=True)
    readers = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "csv": _csv}
    reader = readers.get(kind)
    if reader is None:
        return Reading(response.url, note=f"attachment {name}: unknown format", unreadable=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reader(response, name)
    except Exception as exc:  # noqa: BLE001 - bytes from the web break parsers in any way; a note, not a crash
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        note = f"attachment {name} could not be read as {kind.upper()}: {reason}"
        return Reading(response.url, note=note, unreadable=True)


def _reading(response: HttpResponse, blocks: Sequence[Block], kind: SourceKind) -> Reading:
    """A file whose every block came from one kind of source."""
    document = Document(
        url=response.url,
        blocks=tuple(blocks),
        table_kind=kind,
        line_kind=kind,
        item_kind=kind,
    )
    return Reading(response.url, document=document, text=document.text)


# --- PDF ---------------------------------------------------------------------------------------


_WRAPPED_TAIL = re.compile(r"(?:份有限|有限|限|责任|任)?公司(?:\s|$)|司(?:\s|$)")


def _pdf(response: HttpResponse, name: str) -> Reading:
    """Text lines of every page, by PDFium (fast); pdfminer when PDFium refuses the file.

    Lines keep their column gaps as spaces, so a ruled table reads as "序号 名称 类别 电话"
    rows; a name wrapped inside its cell comes back as a short next line, which the reader
    joins. PDFium is ~100x faster than pdfminer on a 30-page list (see the benchmark).
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415 - lazy, heavy
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]  # noqa: PLC0415

    blocks: list[Block] = []
    chars = images = 0
    with _PDFIUM:  # PDFium is not thread-safe; checks may run on several threads
        try:
            pdf = pdfium.PdfDocument(response.body)
        except pdfium.PdfiumError:
            return _pdf_by_pdfminer(response, name)
        try:
            for number in range(len(pdf)):
                page = pdf[number]
                textpage = page.get_textpage()
                chars += textpage.count_chars()
                images += sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
                blocks.extend(_page_lines(textpage.get_text_range(), number + 1))
                textpage.close()
                page.close()
        finally:
            pdf.close()
    if chars and _cell_per_line(blocks):
        return _pdf_by_pdfminer(response, name, tables=True)
    return _pdf_reading(response, name, blocks, chars=chars, images=images)


def _cell_per_line(blocks: list[Block]) -> bool:
    """PDFium gave a table one cell per line (row numbers alone on their lines), or names cut
    inside narrow cells (lines that start with the rest of a legal form: "限公司 平台运营机构"):
    a printed web page with narrow columns. Such a table needs its ruling lines to be read."""
    texts = [b.text.strip() for b in blocks if isinstance(b, Line)]
    alone = sum(1 for t in texts if re.fullmatch(r"\d{1,4}", t))
    leading = sum(1 for t in texts if re.match(r"\d{1,4}\s+\S", t))
    wrapped = sum(1 for t in texts if _WRAPPED_TAIL.match(t))
    return (alone >= 5 and alone > leading) or wrapped >= 5


def _pdf_by_pdfminer(response: HttpResponse, name: str, *, tables: bool = False) -> Reading:
    """pdfplumber (pdfminer): ruled tables cell by cell, and some damaged files PDFium
    refuses. About 0.3 s a page, so only when PDFium's text is not enough."""
    import pdfplumber  # noqa: PLC0415 - heavy import, only when needed

    blocks: list[Block] = []
    chars = images = 0
    with pdfplumber.open(io.BytesIO(response.body)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars += len(page.chars)
            images += len(page.images)
            if tables:
                blocks.extend(_ruled_page(page, number))
            else:
                blocks.extend(_page_lines(page.extract_text() or "", number))
            page.flush_cache()
    return _pdf_reading(response, name, blocks, chars=chars, images=images)


def _ruled_page(page: Any, number: int) -> list[Block]:
    """A page's ruled tables as grids, and the text around them as lines, top to bottom."""
    placed: list[tuple[float, Block]] = []
    boxes: list[tuple[float, float, float, float]] = []
    if page.rects or page.lines:
        for index, table in enumerate(page.find_tables(), 1):
            rows = _fill_merged(table.extract())
            if rows:
                boxes.append(table.bbox)
                placed.append((table.bbox[1], Grid(rows, f"page {number} table {index}")))
    for index, line in enumerate(page.extract_text_lines(return_chars=False), 1):
        middle = (line["top"] + line["bottom"]) / 2
        if any(top <= middle <= bottom for _, top, _, bottom in boxes):
            continue
        placed.append((line["top"], Line(line["text"], locator=f"page {number} line {index}")))
    placed.sort(key=lambda pair: pair[0])
    return [block for _, block in placed]


def _fill_merged(rows: list[list[str | None]]) -> tuple[tuple[str, ...], ...]:
    """pdfplumber leaves None where a merged cell spans: copy the text from above (or left)."""
    grid: list[list[str]] = []
    for r, row in enumerate(rows):
        out: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                out.append(cell)
            elif r > 0 and c < len(grid[r - 1]):
                out.append(grid[r - 1][c])
            else:
                out.append(out[-1] if out else "")
        grid.append(out)
    return tuple(tuple(row) for row in grid if any(cell.strip() for cell in row))


def _page_lines(text: str, number: int) -> list[Block]:
    lines = (line.strip() for line in text.splitlines())
    return [
        Line(line, locator=f"page {number} line {index}")
        for index, line in enumerate(lines, 1)
        if line
    ]


def _pdf_reading(
    response: HttpResponse, name: str, blocks: list[Block], *, chars: int, images: int
) -> Reading:
    if chars == 0:
        what = "a scanned PDF (images, no text layer)" if images else "a PDF without text"
        return Reading(response.url, note=f"attachment {name} is {what}", unreadable=True)
    return _reading(response, blocks, SourceKind.PDF_PAGE)


# --- DOCX --------------------------------------------------------------------------------------


def _docx(response: HttpResponse, name: str) -> Reading:
    import docx  # noqa: PLC0415 - heavy import, only when a DOCX arrives
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.table import Table  # noqa: PLC0415
    from docx.text.paragraph import Paragraph  # noqa: PLC0415

    _check_zip(response.body)
    word = docx.Document(io.BytesIO(response.body))
    blocks: list[Block] = []
    tables = paragraphs = 0
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, word)
            text = paragraph.text.strip()
            if not text:
                continue
            paragraphs += 1
            style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
            numbered = child.pPr is not None and child.pPr.numPr is not None
            kind = LineKind.TEXT
            if style.startswith(("heading", "title", "标题")):
                kind = LineKind.HEADING
            elif numbered:
                kind = LineKind.ITEM
            blocks.append(Line(text, kind, None, f"paragraph {paragraphs}"))
        elif child.tag == qn("w:tbl"):
            tables += 1
            table = Table(child, word)
            rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
            blocks.append(Grid(_rectangular(rows), f"table {tables}"))
    return _reading(response, blocks, SourceKind.DOCX)


# --- XLSX / CSV --------------------------------------------------------------------------------


def _xlsx(response: HttpResponse, name: str) -> Reading:
    import openpyxl  # noqa: PLC0415 - heavy import, only when a spreadsheet arrives

    _check_zip(response.body)
    book = openpyxl.load_workbook(io.BytesIO(response.body), data_only=True)
    blocks: list[Block] = []
    for sheet in book.worksheets:
        values = [[_cell_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = values[merged.min_row - 1][merged.min_col - 1] if values else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(values))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(values[r]))):
                    values[r][c] = top
        rows = [tuple(row) for row in values if any(cell.strip() for cell in row)]
        if not rows:
            continue
        if sheet.title.strip().lower() not in _DEFAULT_SHEETS:
            blocks.append(Line(sheet.title, LineKind.HEADING, None, f"sheet {sheet.title}"))
        blocks.append(Grid(_rectangular(rows), f"sheet {sheet.title}"))
    book.close()
    return _reading(response, blocks, SourceKind.XLSX)


def _csv(response: HttpResponse, name: str) -> Reading:
    text = decode(response.body)
    rows = [tuple(row) for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    return _reading(response, (Grid(_rectangular(rows), "csv"),), SourceKind.XLSX)


def decode(body: bytes, charset: str = "") -> str:
    """Bytes -> text: the declared charset, else UTF-8, else GB18030 (a superset of GBK)."""
    for encoding in (charset, "utf-8-sig", "gb18030"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace")


def _cell_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rectangular(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    width = max((len(row) for row in rows), default=0)
    return tuple(tuple(row) + ("",) * (width - len(row)) for row in rows)


def _check_zip(body: bytes) -> None:
    """A clear message for a truncated or damaged Office file (the libraries' are cryptic)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            bad = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise ValueError("not a valid Office file (damaged zip)") from exc
    if bad is not None:
        raise ValueError(f"damaged entry {bad} in the Office file")
