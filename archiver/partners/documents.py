"""Attachments (PDF, DOCX, XLSX, XLS, CSV, RTF, TXT) -> Documents, and their text for the
archive. Pure.

A document that cannot be read (corrupt bytes, a scanned PDF without a text layer, an old
binary .doc) gives a note instead of an exception: the list may be in it, so the
capture says "unparseable" rather than "no partners".

Attachments are hostile input, so every reader works within a budget (`Budget`): the
unpacked size of an Office file, the cells of a workbook (read streaming, never through the
sheet's declared dimensions, so "A1:XFD1048576" costs nothing), the paragraphs and table
cells of a DOCX (styles read straight from ``w:pStyle``), the pages of a PDF, and a
wall-clock deadline checked between rows, paragraphs and pages. Over any of them, the
document is `unreadable` with a note saying which budget, never a shorter list.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from archiver import doctypes
from archiver.models import HttpResponse, SourceKind
from archiver.partners import (
    colours,
    dom,
    ofd,
    officehtml,
    opendocument,
    pdfpages,
    pdfstrikes,
    plaintext,
    rtf,
    slides,
    watermarks,
    wordfiles,
    workbooks,
)
from archiver.partners.blocks import Block, Document, Line
from archiver.partners.budget import DEFAULT_BUDGET, Budget, Clock, OverBudget

__all__ = ["DEFAULT_BUDGET", "Budget", "Reading", "decode", "file_name", "read_attachment"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSUPPORTED = doctypes.UNREAD
_PDFIUM = threading.Lock()


@dataclass(frozen=True, slots=True)
class Reading:
    """What one attachment gave: its blocks and text, or why it gave nothing."""

    url: str
    document: Document | None = None
    text: str = ""
    note: str = ""  # why it could not be read (or "" when it could)
    unreadable: bool = False  # the list may be inside, but no text could be taken out


def file_name(url: str) -> str:
    """The last path segment of a URL, decoded; a document inside a ZIP (archives.py) as
    ``<zip name>/<member>``.

    >>> file_name("https://example.cn/upload/%E5%90%8D%E5%8D%95.pdf?v=2")
    '名单.pdf'
    >>> file_name("https://example.cn/upload/a.zip#%E5%90%8D%E5%8D%95.pdf")
    'a.zip/名单.pdf'
    """
    parts = urlsplit(url)
    name = unquote(PurePosixPath(parts.path).name) or url
    if name.lower().endswith(".zip") and parts.fragment:
        return f"{name}/{unquote(parts.fragment)}"
    return name


def kind_of(response: HttpResponse) -> str:
    """pdf, docx, xlsx, pptx, csv, rtf, doc, xls, wps, image or "" — by content first, then by
    the media type, then by name (the Content-Disposition file name before the URL's)."""
    body = response.body
    sniffed = doctypes.sniff(body)
    if sniffed is not None and sniffed.name in (
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "rtf",
        "ods",
        "odt",
        "ofd",
    ):
        return sniffed.name
    if sniffed is None and officehtml.export_markup(body) is not None:
        return "html"  # Word or Excel "saved as web page", whatever its name says
    media = response.media_type
    named = doctypes.disposition_name(_header(response, "content-disposition")) or response.url
    suffix = doctypes.suffix_of(named)
    if media.startswith("image/") or suffix in doctypes.IMAGE_SUFFIXES:
        return "image"
    if body[:8] == _OLE:  # WPS saves .et and .wps as OLE2 too: the name says which
        if "excel" in media or suffix in ("xls", "et"):
            return "xls"
        return sniffed.name if sniffed is not None and not suffix else "doc"
    found = doctypes.by_media_type(media) or doctypes.by_name(named)
    return found.name if found is not None else ""


_WEB_PAGE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|meta)\b", re.I)


def read_attachment(response: HttpResponse, budget: Budget = DEFAULT_BUDGET) -> Reading:
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
    readers = {
        "pdf": _pdf,
        "docx": _docx,
        "xlsx": _xlsx,
        "xls": _xls,
        "csv": _csv,
        "rtf": _rtf,
        "html": _office_html,
        "ods": _opendocument,
        "odt": _opendocument,
        "pptx": _slides,
        "ofd": _ofd,
        "txt": _plain_text,
    }
    reader = readers.get(kind)
    if kind != "html" and _WEB_PAGE.match(response.body[:512]):  # "文件不存在" at 名单.pdf
        note = f"attachment {name} is a web page, not a {kind.upper() or 'document'}"
        return Reading(response.url, note=note, unreadable=True)
    if reader is None:
        return Reading(response.url, note=f"attachment {name}: unknown format", unreadable=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reader(response, name, Clock(budget))
    except OverBudget as exc:
        note = f"attachment {name} is over the reading budget: {exc}"
        return Reading(response.url, note=note, unreadable=True)
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - bytes from the web break parsers in any way; a note, not a crash
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        note = f"attachment {name} could not be read as {kind.upper()}: {reason}"
        return Reading(response.url, note=note, unreadable=True)


def _reading(
    response: HttpResponse, blocks: Sequence[Block], kind: SourceKind, aside: Sequence[str] = ()
) -> Reading:
    """A file whose every block came from one kind of source; `aside`: text archived, not
    read (a workbook's instruction sheet)."""
    document = Document(
        url=response.url,
        blocks=tuple(blocks),
        table_kind=kind,
        line_kind=kind,
        item_kind=kind,
    )
    text = "\n".join([document.text, *aside]) if aside else document.text
    return Reading(response.url, document=document, text=text)


def _header(response: HttpResponse, name: str) -> str:
    return next((value for key, value in response.headers if key.lower() == name), "")


# --- PDF ---------------------------------------------------------------------------------------


def _pdf(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """Text lines of every page, by PDFium (fast); pdfminer when PDFium refuses the file,
    when its lines need the ruling (cells one per line) or when a watermark or seal legend
    is drawn over the text (read without it, by each character's geometry: watermarks.py).

    Lines keep their column gaps as spaces, so a ruled table reads as "序号 名称 类别 电话"
    rows; a name wrapped inside its cell comes back as a short next line, which the reader
    joins. PDFium is ~100x faster than pdfminer on a 30-page list (see the benchmark).
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415 - lazy, heavy
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]  # noqa: PLC0415

    blocks: list[Block] = []
    chars = images = 0
    stamped = False  # a watermark or seal legend over the text: cells need its geometry
    struck: list[str] = []  # names a drawn line strikes through (pdfstrikes.py)
    with _PDFIUM:  # PDFium is not thread-safe; checks may run on several threads
        try:
            pdf = pdfium.PdfDocument(response.body)
        except pdfium.PdfiumError:
            return _pdf_by_pdfminer(response, name, clock)
        try:
            flattened = _with_forms_flattened(pdf, clock) if pdf.init_forms() else None
        except pdfium.PdfiumError:
            flattened = None
        except OverBudget:
            pdf.close()
            raise
        if flattened is not None:
            pdf.close()
            return _pdf_by_pdfminer(replace(response, body=flattened), name, clock)
        try:
            if len(pdf) > clock.budget.max_pages:
                raise OverBudget(f"{len(pdf)} pages, over {clock.budget.max_pages}")
            for number in range(len(pdf)):
                clock.tick()
                if len(blocks) > clock.budget.max_lines:
                    raise OverBudget(f"more than {clock.budget.max_lines:,} lines")
                page = pdf[number]
                textpage = page.get_textpage()
                chars += textpage.count_chars()
                kinds = [pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH]
                drawn = list(page.get_objects(filter=kinds))  # one walk of the page's objects
                paths = [o for o in drawn if o.type == pdfium_c.FPDF_PAGEOBJ_PATH]
                images += len(drawn) - len(paths)
                if number in (0, len(pdf) - 1):  # a stamp is on every page, a seal on the last
                    stamped = stamped or watermarks.pdfium_has_watermark(page)
                struck += pdfstrikes.struck_names(paths, textpage)
                text = textpage.get_text_range()
                if len(text) == textpage.count_chars():  # one index per character
                    text = pdfpages.mend_breaks(text, textpage.get_charbox)
                    text = pdfpages.break_lines(text, textpage.get_charbox)
                blocks.extend(pdfpages.page_lines(text, number + 1))
                textpage.close()
                page.close()
        finally:
            pdf.close()
    if chars and (stamped or pdfpages.cell_per_line(blocks)):
        return _pdf_by_pdfminer(response, name, clock, tables=True, struck=struck)
    blocks = pdfstrikes.mark(blocks, struck) + _colour_notes(response, blocks)
    return _pdf_reading(response, name, blocks, chars=chars, images=images)


def _colour_notes(response: HttpResponse, blocks: list[Block]) -> list[Block]:
    """Notes for the names a PDF draws in the colour its legend gives a status ("灰色字体所示
    机构为已终止合作机构", colours.py); the characters' colours are read (pdfplumber) only
    when the text holds such a legend."""
    lines = [block.text for block in blocks if isinstance(block, Line)]
    if not any(colours.legend(line) for line in lines):
        return []
    import pdfplumber  # noqa: PLC0415 - heavy import, only when needed

    with pdfplumber.open(io.BytesIO(response.body)) as pdf:
        chars = [char for page in pdf.pages for char in page.chars]
    notes = colours.pdf_colour_note(lines, chars)
    return [Line(note, locator="coloured") for note in notes]


def _with_forms_flattened(pdf: Any, clock: Clock) -> bytes:
    """A fillable PDF's bytes with its fields' values drawn into the pages (a form whose
    names are typed into AcroForm fields: the page's own text holds only the numbers). The
    values are drawn after the page's content, so they are read by position (pdfminer)."""
    import pypdfium2.raw as pdfium_c  # noqa: PLC0415

    if len(pdf) > clock.budget.max_pages:
        raise OverBudget(f"{len(pdf)} pages, over {clock.budget.max_pages}")
    for number in range(len(pdf)):
        clock.tick()
        page = pdf[number]
        page.flatten(flag=pdfium_c.FLAT_NORMALDISPLAY)
        page.close()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _pdf_by_pdfminer(
    response: HttpResponse,
    name: str,
    clock: Clock,
    *,
    tables: bool = False,
    struck: Sequence[str] = (),
) -> Reading:
    """pdfplumber (pdfminer): ruled tables cell by cell, and some damaged files PDFium
    refuses. About 0.3 s a page, so only when PDFium's text is not enough."""
    import pdfplumber  # noqa: PLC0415 - heavy import, only when needed

    blocks: list[Block] = []
    chars = images = 0
    with pdfplumber.open(io.BytesIO(response.body)) as pdf:
        if len(pdf.pages) > clock.budget.max_pages:
            raise OverBudget(f"{len(pdf.pages)} pages, over {clock.budget.max_pages}")
        for number, page in enumerate(pdf.pages, 1):
            clock.tick()
            if len(blocks) > clock.budget.max_lines:
                raise OverBudget(f"more than {clock.budget.max_lines:,} lines")
            chars += len(page.chars)
            images += len(page.images)
            plain = watermarks.without_watermarks(page)
            if tables:
                blocks.extend(pdfpages.ruled_page(plain, number))
            else:
                blocks.extend(pdfpages.page_lines(plain.extract_text() or "", number))
            page.flush_cache()
    blocks = pdfstrikes.mark(blocks, list(struck)) + _colour_notes(response, blocks)
    return _pdf_reading(response, name, blocks, chars=chars, images=images)


def _pdf_reading(
    response: HttpResponse, name: str, blocks: list[Block], *, chars: int, images: int
) -> Reading:
    if chars == 0:
        what = "a scanned PDF (images, no text layer)" if images else "a PDF without text"
        return Reading(response.url, note=f"attachment {name} is {what}", unreadable=True)
    return _reading(response, blocks, SourceKind.PDF_PAGE)


# --- spreadsheets (archiver.partners.workbooks) ---------------------------------------------


def _xlsx(response: HttpResponse, name: str, clock: Clock) -> Reading:
    sheets = workbooks.xlsx(response.body, clock)
    return _reading(response, sheets.blocks, SourceKind.XLSX, sheets.aside)


def _xls(response: HttpResponse, name: str, clock: Clock) -> Reading:
    sheets = workbooks.xls(response.body, clock)
    return _reading(response, sheets.blocks, SourceKind.XLSX, sheets.aside)


def _csv(response: HttpResponse, name: str, clock: Clock) -> Reading:
    return _reading(response, (workbooks.csv_grid(decode(response.body)),), SourceKind.XLSX)


def _office_html(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """A Word or Excel web-page export (officehtml), read as the HTML it is."""
    markup, charset = officehtml.export_markup(response.body) or (b"", "")
    clock.tick()
    page = dom.document(decode(markup, charset), url=response.url)
    kind = (
        SourceKind.XLSX if doctypes.suffix_of(response.url) in ("xls", "et") else SourceKind.DOCX
    )
    return _reading(response, page.blocks, kind)


def _opendocument(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """An .ods spreadsheet or an .odt text (opendocument.py), read as Excel's or Word's."""
    kind = SourceKind.XLSX if doctypes.sniff(response.body) is doctypes.ODS else SourceKind.DOCX
    return _reading(response, opendocument.blocks(response.body, clock), kind)


def _ofd(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """An OFD file (ofd.py): its pages' text lines, read as a text PDF's."""
    return _reading(response, ofd.blocks(response.body, clock), SourceKind.PDF_PAGE)


def _slides(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """A PowerPoint deck (slides.py): its slides' tables and text, read as a Word file's."""
    return _reading(response, slides.blocks(response.body, clock), SourceKind.DOCX)


def _rtf(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """Rich text (often named .doc): its paragraphs and tables (rtf.py), read as Word's."""
    return _reading(response, rtf.rtf_blocks(response.body, clock), SourceKind.DOCX)


def _plain_text(response: HttpResponse, name: str, clock: Clock) -> Reading:
    """A text file (plaintext.py): its lines, or its tab-separated table, read as Word's."""
    text = decode(response.body, _charset(response))
    return _reading(response, plaintext.blocks(text, clock), SourceKind.DOCX)


def _charset(response: HttpResponse) -> str:
    found = re.search(r"charset=([\w-]+)", _header(response, "content-type"), re.IGNORECASE)
    return found.group(1) if found else ""


def _docx(response: HttpResponse, name: str, clock: Clock) -> Reading:
    return _reading(response, wordfiles.blocks(response.body, clock), SourceKind.DOCX)


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
