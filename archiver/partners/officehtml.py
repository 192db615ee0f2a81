"""Word and Excel files saved as a web page, published under a .doc or .xls name. Pure.

"另存为网页" in Word, Excel or WPS writes HTML (or MHTML, "单个文件网页") that the Office
applications open as a document, so sites publish it as ``名单.doc`` or ``名单.xls``. By its
bytes it is no Word 97 or BIFF file: it is read as the HTML it is. Only an export says so in
its markup (Office's XML namespaces, ``ProgId``, the generator): an ordinary web page under a
document's name (a "not found" page) is not taken for one.
"""

from __future__ import annotations

import email
import re
from email.message import Message

_HEAD = 4096  # where an export's markers sit: the <html> tag's namespaces and <head>
_MHTML = re.compile(  # a MIME header block first, and it says multipart/related
    rb"^\s*(?:[A-Za-z][\w-]*:[^\n]*\n(?:[ \t][^\n]*\n)*)*?content-type:\s*multipart/related",
    re.IGNORECASE,
)
_HTML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)?<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_OFFICE = re.compile(
    rb"urn:schemas-microsoft-com:office:(?:word|excel)"
    rb"|ProgId\s+content=[\"']?(?:Word\.Document|Excel\.Sheet|KSO|WPS)"
    rb"|name=[\"']?Generator[\"']?\s+content=[\"']?(?:Microsoft (?:Word|Excel)|WPS|Kingsoft)",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def export_markup(body: bytes) -> tuple[bytes, str] | None:
    """The HTML bytes and declared charset of an Office web-page export, else None.

    >>> export_markup(b'<html xmlns:w="urn:schemas-microsoft-com:office:word"><p>x</p></html>')
    (b'<html xmlns:w="urn:schemas-microsoft-com:office:word"><p>x</p></html>', '')
    >>> export_markup(b"<html><head><title>404 Not Found</title></head></html>") is None
    True
    """
    head = body[:_HEAD].lstrip(b"\xef\xbb\xbf")
    if _MHTML.match(head):
        return _mhtml_page(body)
    if not _HTML.match(head) or not _OFFICE.search(head):
        return None
    declared = _CHARSET.search(head)
    return body, declared.group(1).decode("ascii") if declared else ""


def _mhtml_page(body: bytes) -> tuple[bytes, str] | None:
    """The HTML part of an MHTML file (Word's "single file web page", or a browser's saved
    page: an .mht is a web page whoever saved it), its first."""
    message = email.message_from_bytes(body)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = _payload(part)
        return (payload, part.get_content_charset() or "") if payload else None
    return None


def _payload(part: Message) -> bytes | None:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else None
