"""Is what the server sent whole? Structural signs that a document was cut off. Pure.

A page cut off in transit or by a failing server (HTTP 200, the body stops mid-table) is
preserved but never believed, however often it repeats: the same cut page twice is not
confirmation. The signs are in the bytes as served, not in the rendered DOM (a browser closes
every open element): an HTML document with neither ``</body>`` nor ``</html>`` and with more
tables, lists or divs opened than closed, a PDF without its ``%%EOF`` trailer, an Office
document (ZIP) without its end-of-central-directory record. A paged list whose next page
answered an error (`Capture.unreached`: page 2 of 2 gone 404 while page 1 still says 共16条)
is incomplete the same way: the pager says the list goes on and the server did not give it.

Stated counts and numbering gaps are not structural: a publisher's page can carry a stale
count for months. Those make a capture *suspect* (see `archiver.belief`), to be confirmed by a
second capture, not *incomplete*.
"""

from __future__ import annotations

import re

from archiver.doctypes import ZIPPED_MEDIA_TYPES
from archiver.models import Capture, HttpResponse

PDF_TAIL = 2048  # bytes: %%EOF must appear in the last ones (trailing junk is common)
ZIP_TAIL = 65_557  # the end-of-central-directory record, with the longest comment
_CLOSED = re.compile(rb"</\s*(?:body|html)\s*>", re.IGNORECASE)
_CONTAINERS = tuple(
    (name, re.compile(rb"<" + tag + rb"[\s>]", re.I), re.compile(rb"</" + tag + rb"\s*>", re.I))
    for name, tag in (("table", b"table"), ("list", b"ul"), ("list", b"ol"), ("block", b"div"))
)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def cut_off(capture: Capture) -> str:
    """Why the capture's documents look cut off ("" when they look whole).

    >>> from datetime import UTC, datetime
    >>> def served(body, media="text/html"):
    ...     main = HttpResponse(url="http://b.cn/l", status=200, media_type=media, body=body)
    ...     return Capture(site_id="s", requested_url="", final_url="", status=200,
    ...                    fetched_at=datetime(2025, 10, 1, tzinfo=UTC), browser_version="",
    ...                    main_response=main)
    >>> cut_off(served("<html><body><table><tr><td>1</td><td>甲公司</td></tr>".encode()))
    'the page is cut off: no </body> or </html>, a table left open'
    >>> cut_off(served(b"<html><body><table><tr><td>1</td></tr></table></body></html>"))
    ''
    >>> cut_off(served(b"%PDF-1.4 ... no trailer", "application/pdf"))
    'the PDF l is cut off (no %%EOF)'
    """
    reasons = []
    if capture.truncated:  # a capture budget cut it: preserved, never believed (DESIGN 7)
        reasons.append("over a capture budget: " + "; ".join(capture.truncated))
    if capture.unreached:  # the pager says the list goes on, and the next page failed
        reasons.append("the list is incomplete: " + "; ".join(capture.unreached))
    main = capture.main_response
    if main is not None and main.media_type in HTML_TYPES and main.body:
        reasons.append(html_cut_off(main.body))
    documents = [*capture.attachments]
    if main is not None and main not in documents and main.media_type not in HTML_TYPES:
        documents.append(main)
    reasons.extend(document_cut_off(doc) for doc in documents)
    return "; ".join(reason for reason in reasons if reason)


def html_cut_off(body: bytes) -> str:
    """Why an HTML body looks cut off ("" when it looks whole).

    No closing ``</body>``/``</html>`` alone is allowed markup; with a table or list left
    open, or text after the last tag, the document stopped in the middle.

    >>> html_cut_off(b"<p>a</p><ul><li>b</li></ul>")
    ''
    >>> html_cut_off(b"<p>a</p><ul><li>b")
    'the page is cut off: no </body> or </html>, a list left open, ends inside text'

    Cut right after a table, the page's own containers are still open:

    >>> html_cut_off(b"<div class=main><h2>x</h2><table><tr><td>1</td></tr></table>")
    'the page is cut off: no </body> or </html>, a block left open'
    """
    if _CLOSED.search(body):
        return ""
    signs = []
    for name, opened, closed in _CONTAINERS:
        if len(opened.findall(body)) > len(closed.findall(body)):
            signs.append(f"a {name} left open")
    if not body.rstrip().endswith(b">"):
        signs.append("ends inside text")
    if not signs:
        return ""
    return "the page is cut off: no </body> or </html>, " + ", ".join(dict.fromkeys(signs))


def document_cut_off(document: HttpResponse) -> str:
    """Why a PDF or an Office document looks cut off ("" when it looks whole)."""
    if not document.body:
        return ""
    name = document.url.rsplit("/", 1)[-1].split("?", 1)[0] or document.url
    if document.media_type == "application/pdf" or document.body[:5] == b"%PDF-":
        if b"%%EOF" not in document.body[-PDF_TAIL:]:
            return f"the PDF {name} is cut off (no %%EOF)"
    elif (document.media_type in ZIPPED_MEDIA_TYPES or document.body[:4] == b"PK\x03\x04") and (
        b"PK\x05\x06" not in document.body[-ZIP_TAIL:]
    ):
        return f"the document {name} is cut off (no end of archive)"
    return ""
