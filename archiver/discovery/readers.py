"""Text of PDF, DOCX and XLSX attachments, for classification only. Pure (bytes in, text out).

The partner reader (`archiver.partners`) does the careful work on the same bytes; this is the
quick look discovery needs to tell a partner list from an unrelated notice.
"""

from __future__ import annotations

import io
import logging
import zipfile

import docx
import openpyxl
import pdfplumber

from archiver.models import HttpResponse

PDF_PAGES = 30
MAX_CHARS = 200_000


def text_of(response: HttpResponse) -> str:
    """Plain text of one attachment; "" for formats we cannot read or broken files."""
    kind = response.media_type
    url = response.url.lower().split("?", 1)[0]
    try:
        if kind == "application/pdf" or url.endswith(".pdf"):
            return _pdf(response.body)
        if "wordprocessingml" in kind or url.endswith(".docx"):
            return _docx(response.body)
        if "spreadsheetml" in kind or url.endswith(".xlsx"):
            return _xlsx(response.body)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, Exception):  # noqa: BLE001 - hostile files
        return ""
    return ""


def _pdf(data: bytes) -> str:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    parts = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:PDF_PAGES]:
            parts.append(page.extract_text() or "")
    return "\n".join(parts)[:MAX_CHARS]


def _docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend("\t".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)[:MAX_CHARS]


def _xlsx(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)[:MAX_CHARS]
