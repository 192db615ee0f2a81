"""Which archived files are published, under which path, served as which media type. Pure.

Blobs stay private: they are stored with the media type the institution's server sent, so an
archived HTML page or SVG served from the archive's own origin would run its scripts there,
and whoever wrote that page knows its sha256 and could send a victim the link. Published
copies therefore carry a media type we choose: images, PDFs and office files as themselves,
everything that a browser could execute (HTML, SVG, XML, JavaScript, unknown text) as
text/plain, anything else as a download.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.models import BlobRef

AS_IS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}
TEXT_LIKE = ("text/", "application/json", "application/xml", "application/xhtml", "+xml", "+json")
DOWNLOAD = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class RawFile:
    """A published copy of one blob."""

    ref: BlobRef
    path: str  # inside the published prefix
    media_type: str  # what the copy is served as


def base_type(media_type: str) -> str:
    """The media type without parameters, lower case.

    >>> base_type("Text/HTML; charset=GBK")
    'text/html'
    """
    return media_type.split(";", 1)[0].strip().lower()


def raw_file(ref: BlobRef) -> RawFile:
    """Where the copy of a blob goes and what it is served as.

    >>> raw_file(BlobRef(role="dom", digest="ab" * 32, media_type="text/html", size_bytes=1)).path
    'raw/ab/abababababababababababababababababababababababababababababababab.html.txt'
    """
    kind = base_type(ref.media_type)
    if kind in AS_IS:
        suffix, served = AS_IS[kind], kind
    elif kind.startswith(TEXT_LIKE) or kind.endswith(TEXT_LIKE):
        sub = kind.rsplit("/", 1)[-1].split("+")[-1]
        suffix = ".txt" if sub == "plain" else f".{_safe(sub)}.txt"
        served = "text/plain; charset=utf-8"
    else:
        suffix, served = ".bin", DOWNLOAD
    return RawFile(ref=ref, path=f"raw/{ref.digest[:2]}/{ref.digest}{suffix}", media_type=served)


def served_type(raw: RawFile, data: bytes) -> str:
    """The media type to store the copy with; text that is not UTF-8 keeps no charset.

    >>> f = raw_file(BlobRef(role="dom", digest="ab" * 32, media_type="text/html", size_bytes=2))
    >>> served_type(f, "招联".encode("gbk"))
    'text/plain'
    """
    if raw.media_type.startswith("text/plain"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "text/plain"  # GBK pages: let the browser detect the charset
    return raw.media_type


def _safe(text: str) -> str:
    cleaned = "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in "-."))
    return cleaned[:20] or "data"
