"""Document types: what an attachment is (by media type or file name) and which ones are
read. Pure.

One table for the capture edge (which links are attachments, the media type of a document
served without one), discovery (which links lead to documents) and the partner reader (which
reader, or why none). A document served by a download handler (``download.jsp?id=…``,
``application/octet-stream``) is known by its bytes (`sniff`) or by the file name its link
text or its Content-Disposition header gives (`names_document`, `disposition_name`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One kind of attachment a list can be published in."""

    name: str  # "pdf": the reader's key and the kind a note names
    media_type: str  # its registered media type; "" when it has none (.wps, .et)
    suffixes: tuple[str, ...]  # file-name suffixes, lower case, without the dot
    read: bool = True  # the partner reader takes a list out of it
    zipped: bool = False  # an Office Open XML file: a ZIP, whole when its end record is there
    label: str = ""  # how a note names a type that is not read


PDF = DocumentType("pdf", "application/pdf", ("pdf",))
DOCX = DocumentType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    zipped=True,
)
XLSX = DocumentType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    zipped=True,
)
PPTX = DocumentType(  # a briefing deck whose slide holds the list as a table
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    zipped=True,
)
CSV = DocumentType("csv", "text/csv", ("csv",))
RTF = DocumentType("rtf", "application/rtf", ("rtf",))  # also served as .doc by old templates
DOC = DocumentType("doc", "application/msword", ("doc",), read=False, label="Word 97-2003 (.doc)")
XLS = DocumentType("xls", "application/vnd.ms-excel", ("xls",), label="Excel 97-2003 (.xls)")
WPS = DocumentType("wps", "", ("wps",), read=False, label="WPS (.wps)")
ET = DocumentType("et", "", ("et",), read=False, label="WPS spreadsheet (.et)")
ODS = DocumentType("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",), zipped=True)
ODT = DocumentType("odt", "application/vnd.oasis.opendocument.text", ("odt",), zipped=True)
# A web page saved as one file (Word's "single file web page", a browser's .mht): its HTML
MHT = DocumentType("mht", "application/x-mimearchive", ("mht", "mhtml"))
ZIP = DocumentType("zip", "application/zip", ("zip",), zipped=True)  # read by its members
# GB/T 33190's fixed-layout document (a ZIP of XML pages): official notices saved as OFD
OFD = DocumentType("ofd", "application/ofd", ("ofd",), zipped=True)
# A list saved as text, often GBK: known by its name only, as text/plain is what servers
# answer for anything (robots.txt, a JSON API, an error page).
TXT = DocumentType("txt", "", ("txt",))
TYPES = (PDF, DOCX, XLSX, PPTX, CSV, RTF, DOC, XLS, WPS, ET, ODS, ODT, MHT, ZIP, OFD, TXT)

MEDIA_TYPES = frozenset(t.media_type for t in TYPES if t.media_type)
ZIPPED_MEDIA_TYPES = tuple(t.media_type for t in TYPES if t.zipped)
UNREAD = {t.name: t.label for t in TYPES if not t.read}
IMAGE_SUFFIXES = ("png", "jpg", "jpeg", "gif", "bmp", "webp")
ATTACHMENT_SUFFIX = re.compile(  # a link to a document: its path (or query) ends in a suffix
    r"\.(" + "|".join(s for t in TYPES for s in t.suffixes) + r")(?:$|[?#])", re.IGNORECASE
)

NAMED_DOCUMENT = re.compile(  # a link text or title naming a file: "名单.pdf（98KB）"
    r"\.(" + "|".join(s for t in TYPES for s in t.suffixes) + r")(?![A-Za-z0-9])", re.IGNORECASE
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 1024  # where a PDF's header may sit (after a BOM or blank lines)
_ZIP_ENDS = 20_000  # a ZIP's first local header and its central directory, each end


def sniff(body: bytes) -> DocumentType | None:
    """The type a document's own bytes say: %PDF, a ZIP holding word/, xl/ or ppt/, an OLE2
    compound file whose directory names a Workbook or a WordDocument stream, or RTF ("{\\rtf",
    whatever the file is named: Word and WPS save RTF as .doc); None otherwise.

    >>> sniff(b"%PDF-1.7 ...").name, sniff(b"<html></html>")
    ('pdf', None)
    >>> sniff(b"\\xef\\xbb\\xbf{\\\\rtf1\\\\ansi\\\\ansicpg936 ...").name
    'rtf'
    """
    if b"%PDF-" in body[:_SNIFF_BYTES]:
        return PDF
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return RTF
    if body[:4] == b"PK\x03\x04":
        office = _office_by_members(body)
        if office is not None:
            return office or None
        ends = body[:_ZIP_ENDS] + body[-_ZIP_ENDS:]
        if b"word/" in ends:
            return DOCX
        if b"xl/" in ends:
            return XLSX
        if b"ppt/" in ends:
            return PPTX
        for opendocument in (ODS, ODT):  # its first member: "mimetype", stored, its type
            if opendocument.media_type.encode() in body[:200]:
                return opendocument
        return None
    if body[:8] == _OLE2:
        if "WordDocument".encode("utf-16-le") in body:
            return DOC
        if "Workbook".encode("utf-16-le") in body or "Book".encode("utf-16-le") in body:
            return XLS
    return None


_OFFICE_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))


def _office_by_members(body: bytes) -> DocumentType | Literal[False] | None:
    """An Office file's type by its ZIP's own member names (a folder zipped with an XLSX
    stored inside shows "xl/" in its bytes, never as a member); False for a whole ZIP that
    is no Office file but may be an OpenDocument; None when the directory cannot be read
    (a file cut short: the caller looks at the bytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    for prefix, kind in _OFFICE_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    if "OFD.xml" in names:
        return OFD
    for opendocument in (ODS, ODT):  # its first member: "mimetype", stored, its type
        if opendocument.media_type.encode() in body[:200]:
            return opendocument
    return False


def is_zip(body: bytes) -> bool:
    """Whether bytes are a ZIP archive that is no Office file (a folder of documents zipped).

    >>> is_zip(b"%PDF-1.7"), is_zip(b"PK\\x03\\x04 cut short")
    (False, False)
    """
    if body[:4] != b"PK\x03\x04" or sniff(body) is not None:
        return False
    return zipfile.is_zipfile(io.BytesIO(body))


def names_document(text: str) -> bool:
    """True when a link's text or title names a file of one of the TYPES.

    >>> names_document("互联网助贷业务合作机构名单.pdf（98KB）"), names_document("查看详情")
    (True, False)
    """
    return NAMED_DOCUMENT.search(text) is not None


def disposition_name(header: str) -> str:
    """The file name a Content-Disposition header gives (RFC 6266 ``filename*`` first, then
    ``filename``, percent-decoded), or "".

    >>> disposition_name("attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95.xls")
    '名单.xls'
    >>> disposition_name('attachment; filename="list.pdf"'), disposition_name("inline")
    ('list.pdf', '')
    """
    message = Message()
    message["content-disposition"] = header
    return unquote(message.get_filename() or "")


def is_attachment(url: str) -> bool:
    """True when a link names a document of one of the TYPES.

    >>> is_attachment("https://b.cn/upload/名单.PDF"), is_attachment("/a/list.xlsx?v=2")
    (True, True)
    >>> is_attachment("https://b.cn/notice/1.html"), is_attachment("https://b.cn/a.docs")
    (False, False)
    """
    return ATTACHMENT_SUFFIX.search(url) is not None


def suffix_of(url: str) -> str:
    """The file-name suffix of a URL's path, lower case, without the dot.

    >>> suffix_of("https://b.cn/upload/List.PDF?v=1"), suffix_of("https://b.cn/")
    ('pdf', '')
    """
    return PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")


def by_media_type(media_type: str) -> DocumentType | None:
    """The type registered under a media type, if any.

    >>> by_media_type("application/msword").name, by_media_type("text/html")
    ('doc', None)
    """
    return next((t for t in TYPES if t.media_type and t.media_type == media_type), None)


def by_name(url: str) -> DocumentType | None:
    """The type a URL's file name says, if any.

    >>> by_name("https://b.cn/a/名单.xlsx").name, by_name("https://b.cn/a/x.et").name
    ('xlsx', 'et')
    """
    suffix = suffix_of(url)
    return next((t for t in TYPES if suffix in t.suffixes), None)


def media_type_of_name(url: str) -> str:
    """A document's media type from its file name, else application/octet-stream.

    >>> media_type_of_name("https://b.cn/list.PDF"), media_type_of_name("https://b.cn/x.wps")
    ('application/pdf', 'application/octet-stream')
    """
    found = by_name(url)
    return found.media_type if found is not None and found.media_type else OCTET_STREAM
