"""Visible text -> canonical text: the parts that change on every visit taken out. Pure.

Only what is dynamic by nature is removed: clocks and "today is" widgets, visit counters,
relative times ("3天前"), session tokens and cache-busters, copyright year ranges. Dates that
carry meaning stay: an as-of date (截至2025年9月30日), a cooperation period or a publication
date is disclosure content, and a change to it is a new version. Per-site `ignore` patterns
remove the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from archiver.dates import FULL_DATE, MONTH_DAY

_DATE = rf"(?:{FULL_DATE}|{MONTH_DAY})"
_TIME = r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?"
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"

_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # "今天是2025年11月29日 星期六", "当前时间：2025-11-29 17:12:03"
    (
        "clock_widget",
        re.compile(
            rf"(?:今天是|今日|今天|当前时间|现在时间|现在是|北京时间|系统时间)\s*[：:]?\s*"
            rf"(?:{_DATE})?\s*(?:{_WEEKDAY})?\s*(?:{_TIME})?"
        ),
        "",
    ),
    # a date followed by its weekday is a calendar widget, not a disclosure date
    ("dated_weekday", re.compile(rf"{_DATE}\s*(?:{_TIME}\s*)?{_WEEKDAY}"), ""),
    ("weekday_dated", re.compile(rf"{_WEEKDAY}\s*{_DATE}(?:\s*{_TIME})?"), ""),
    # time of day with seconds: clocks and "generated at" stamps
    ("clock_seconds", re.compile(r"(?<!\d)\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?!\d)"), ""),
    # 浏览量：123 / 阅读次数 45 / 点击：6次 / Views: 12
    (
        "counter",
        re.compile(
            r"((?:浏览|阅读|访问|点击|查看|人气|访问量|浏览量|阅读量|点击量|点击数|浏览次数"
            r"|阅读次数|访问次数|点击率|views?|hits?|pv)\s*(?:量|数|次数)?\s*[：:]?\s*)"
            r"\d[\d,]*\s*(?:次|人次|人)?",
            re.IGNORECASE,
        ),
        r"\1",
    ),
    (
        "counter_suffix",
        re.compile(r"\d[\d,]*\s*(?:次浏览|次阅读|人浏览|人阅读|次访问|人看过)"),
        "",
    ),
    # 3天前 / 5分钟前 / 刚刚
    ("relative_time", re.compile(r"\d+\s*(?:秒|分钟|小时|天|周|个月|月|年)前|刚刚"), ""),
    # © 2013-2025 / Copyright 2008-2026 / 版权所有 2025
    (
        "copyright_years",
        re.compile(
            r"((?:©|\(c\)|copyright|版权所有)[^\n]{0,40}?)\d{4}(?:\s*[-–—~至]\s*\d{4})?",
            re.IGNORECASE,
        ),
        r"\1",
    ),
    # long random-looking tokens: session ids, nonces, cache-busters, epoch milliseconds
    (
        "token",
        re.compile(
            r"(?<![0-9A-Za-z])(?=[0-9A-Za-z_-]*\d)(?=[0-9A-Za-z_-]*[A-Za-z])"
            r"[0-9A-Za-z_-]{24,}(?![0-9A-Za-z])"
        ),
        "",
    ),
    ("epoch", re.compile(r"(?<!\d)1[5-9]\d{8}(?:\d{3})?(?!\d)"), ""),
)

_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\u200c\u200d\ufeff]+")


def normalise_text(text: str) -> str:
    """NFKC, one kind of space, trimmed lines, no empty lines.

    NFKC also folds Kangxi radicals (⼀) that some CJK fonts produce back to 一.

    >>> normalise_text("  合作机构（\\u3000蚂蚁）\\n\\n\\t序号 ")
    '合作机构( 蚂蚁)\\n序号'
    """
    folded = unicodedata.normalize("NFKC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in folded.splitlines())
    return "\n".join(line for line in lines if line)


def strip_noise(text: str, ignore: Iterable[str] = ()) -> str:
    """Canonical text: normalised, dynamic fragments and `ignore` matches removed.

    >>> strip_noise("发布时间：2025-09-30 浏览量：1024\\n今天是2025年11月29日 星期六")
    '发布时间:2025-09-30 浏览量:'
    >>> strip_noise("截至2025年9月30日，合作机构共12家")
    '截至2025年9月30日,合作机构共12家'
    """
    result = normalise_text(text)
    for pattern in ignore:
        result = re.sub(pattern, "", result)
    for _, regex, replacement in _RULES:
        result = regex.sub(replacement, result)
    return normalise_text(result)
