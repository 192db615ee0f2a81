"""Lines of a table that repeats its labels side by side ("序号 机构名称 序号 机构名称"), as a
PDF gives them: collected to be read as one grid, its records unfolded column by column. Pure.
"""

from __future__ import annotations

import re

from archiver.partners.headings import heading_label
from archiver.partners.lines import light_clean
from archiver.partners.tables import repeat_period


def take_folded(folded: list[tuple[str, ...]], text: str) -> str:
    """Add a line to the folded table being collected: "row" when it was taken, "section" for
    a heading between its rows ("二、增信服务机构（6家）": the rows so far are read, the
    heading opens its section, and the same header goes on), "" when the line is not part of
    it. The first line must be the repeated header.

    >>> folded: list[tuple[str, ...]] = []
    >>> [take_folded(folded, t) for t in ("序号 机构名称 序号 机构名称", "一、平台运营机构（2家）",
    ...     "1 甲公司 2 乙公司", "特此公告")]
    ['row', 'section', 'row', '']
    >>> folded[1]
    ('1', '甲公司', '2', '乙公司')
    >>> folded = [("序号", "平台名称", "序号", "平台名称")]
    >>> take_folded(folded, "二、增信服务机构"), take_folded(folded, "序号 增信名称 序号 增信名称")
    ('section', 'row')
    >>> folded
    [('序号', '增信名称', '序号', '增信名称')]
    """
    tokens = tuple(light_clean(text).split(" "))
    if not folded:
        period = repeat_period(tokens) if len(tokens) > 3 else 0
        if period:
            folded.append(tokens)
        return "row" if period else ""
    width, period = len(folded[0]), repeat_period(folded[0])
    if len(tokens) == 1 and heading_label(text):
        return "section"
    if tokens == folded[0]:
        return "row"  # the header again under a section heading
    numbered = re.fullmatch(r"\d{1,4}", tokens[0]) is not None
    if (
        len(folded) == 1
        and len(tokens) == width
        and repeat_period(tokens) == period
        and not numbered
    ):
        folded[0] = tokens  # a section's own header ("序号 增信服务机构名称 序号 …")
        return "row"
    if len(tokens) > width or len(tokens) % period or not numbered:
        return ""
    folded.append(tokens + ("",) * (width - len(tokens)))
    return "row"
