"""Dates as Chinese and ISO pages write them: the one set of patterns, and their readings.
Pure.

Pages write a date as ``2025-10-01``, ``2025/10/1``, ``2025.10.01`` or ``2025年10月1日``
(spaces anywhere), a month as ``2025年10月``, and a cooperation period as two dates joined
by 至/到/a dash (``2025.10.01-2026.09.30``, ``2025年10月1日至2026年9月30日``) or as words
(长期, 至今). Every module that looks for a date builds on the fragments below, so a new
spelling is taught once.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# Fragments (regular-expression source, no groups), from strict to loose.
YEAR_MONTH = r"\d{4}\s*[-/.年]\s*\d{1,2}"  # 2025-10, 2025年10 (a month or a date's start)
_DAY = r"\s*[-/.月]\s*\d{1,2}\s*日?"
FULL_DATE = YEAR_MONTH + _DAY  # 2025-10-01, 2025年10月1日
MONTH_DAY = r"\d{1,2}\s*月\s*\d{1,2}\s*日"  # 11月29日 (the year left out)
DATE_OR_MONTH = rf"{YEAR_MONTH}(?:{_DAY})?"  # a date, or a month written with its year
DATE = (  # as a list's cells write them: also 2025年10月, 2025年, 01/10/2025
    rf"(?:{YEAR_MONTH}(?:{_DAY}|\s*月)?"
    r"|\d{4}年|\d{1,2}[-/]\d{1,2}[-/]\d{4})"
)
COMPACT_DATE = r"\[?\d{2,4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?\]?"  # [25-10-01] beside a title
PERIOD_JOINER = r"(?:至|到|-|—|–|~|－|～)"

PERIOD = re.compile(  # a cooperation period, by dates or by words
    rf"{DATE}\s*(?:起|开始|以来)|{DATE}\s*{PERIOD_JOINER}\s*(?:{DATE}|今|长期|合同|协议)"
    r"|^\d+\s*(?:年|个月)(?:期)?$|长期|无固定期限|自动续期|至今"
)
ISO_PARTS = re.compile(  # (year, month, day?) or 8 digits
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*(\d{1,2})\s*日?)?|(\d{8})"
)
_PERIOD_LABEL = re.compile(r"^[^\d:：]{1,12}[:：]\s*")
_PERIOD_NOISE = re.compile(r"[\s日至到\-—–~－～起止,，;；:：()（）]")

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


def is_period(text: str) -> bool:
    """True when a (cleaned) text reads as a cooperation period.

    >>> is_period("2025年1月1日至2027年12月31日"), is_period("2025.01.01-2026.12.31")
    (True, True)
    >>> is_period("长期"), is_period("2025年度报告")
    (True, False)
    """
    return bool(PERIOD.search(text))


def period_key(text: str) -> str:
    """A (cleaned) period with every date written one way, so that a date-format change is
    no change.

    >>> period_key("2025年1月1日至2027年12月31日") == period_key("2025.01.01 - 2027.12.31")
    True
    >>> period_key("合作期限:2025年10月1日至2026年9月30日")
    '2025-10-01|2026-09-30|'
    >>> period_key("2025年10月至长期")
    '2025-10|长期'
    """
    cleaned = _PERIOD_LABEL.sub("", text)  # "合作期限：" written before the dates
    found = []
    for match in ISO_PARTS.finditer(cleaned):
        if match.group(4):
            digits = match.group(4)
            found.append(iso(digits[:4], digits[4:6], digits[6:]))
        else:
            found.append(iso(match.group(1), match.group(2), match.group(3) or ""))
    words = _PERIOD_NOISE.sub("", ISO_PARTS.sub("", cleaned))
    return "|".join([*found, words]) if found else re.sub(r"\s", "", cleaned)


def iso(year: str, month: str, day: str) -> str:
    """``YYYY-MM-DD`` (``YYYY-MM`` without a day); the digits as written when not a date.

    >>> iso("2025", "10", "1"), iso("2025", "10", ""), iso("2025", "2", "30")
    ('2025-10-01', '2025-10', '2025-2-30')
    """
    try:
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        return f"{int(year):04d}-{int(month):02d}"
    except ValueError:
        return f"{year}-{month}-{day}".rstrip("-")
