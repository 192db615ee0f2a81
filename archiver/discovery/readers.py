"""Text of PDF, DOCX and XLSX attachments, for classification only. Pure (bytes in, text out).

The partner reader (`archiver.partners.documents`) does the careful work on the same bytes,
within its reading budget; this is the quick look discovery needs to tell a partner list from
an unrelated notice, through the same bounded readers (a smaller budget: a look, not a read).
"""

from __future__ import annotations

from archiver import doctypes
from archiver.models import HttpResponse
from archiver.partners.documents import Budget, kind_of, read_attachment

MAX_CHARS = 200_000
LOOK = Budget(max_seconds=30.0)
LOOKED_AT = (doctypes.PDF.name, doctypes.DOCX.name, doctypes.XLSX.name, doctypes.RTF.name)


def text_of(response: HttpResponse) -> str:
    """Plain text of one attachment; "" for formats we cannot read, broken or over-budget files."""
    if kind_of(response) not in LOOKED_AT:
        return ""
    reading = read_attachment(response, LOOK)
    return reading.text[:MAX_CHARS]
