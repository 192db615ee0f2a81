"""Publication dates as list pages and JSON endpoints write them -> ``YYYY-MM-DD``. Pure."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_PATTERNS = (
    # 2025-10-01, 2025/10/01, 2025.10.01, 2025年10月1日 (optionally followed by a time)
    re.compile(r"(?<!\d)(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"),
    # 01-10-2025 (DD-MM-YYYY)
    re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(20\d{2})(?!\d)"),
    # 20251001 inside detail URLs and TRS ids
    re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"),
)
_SPLIT = re.compile(r"(?<!\d)(\d{1,2})[-/](\d{1,2})\s+(20\d{2})(?!\d)")  # "10-01\n2025"


def _valid(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def parse(text: str) -> str:
    """The first date in `text`, as ``YYYY-MM-DD``, or "" when there is none.

    >>> [parse(t) for t in ("时间：2025-10-01 浏览量：12", "2025年9月30日 10:00:00", "2025.10.8")]
    ['2025-10-01', '2025-09-30', '2025-10-08']
    >>> [parse(t) for t in ("10-01\\n2025", "01-10-2025", "/a/20240717/1.html", "第3页")]
    ['2025-10-01', '2025-10-01', '2024-07-17', '']
    """
    flat = " ".join(text.split())
    match = _PATTERNS[0].search(flat)
    if match:
        found = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    match = _SPLIT.search(flat)
    if match:
        found = _valid(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        if found:
            return found
    match = _PATTERNS[1].search(flat)
    if match:
        found = _valid(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if found:
            return found
    match = _PATTERNS[2].search(flat)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return ""


def from_value(value: object) -> str:
    """A date from a JSON value: epoch milliseconds or seconds, or any text `parse` reads.

    >>> from_value(1759276800000), from_value("2025-10-01 08:00"), from_value(None)
    ('2025-10-01', '2025-10-01', '')
    """
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        if 946_684_800 <= seconds <= 4_102_444_800:  # 2000 .. 2100
            return datetime.fromtimestamp(seconds, UTC).date().isoformat()
        return ""
    if isinstance(value, str):
        if value.isdigit() and len(value) in (10, 13):
            return from_value(int(value))
        return parse(value)
    return ""
