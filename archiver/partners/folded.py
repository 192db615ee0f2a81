"""Lines of a table that repeats its labels side by side ("序号 机构名称 序号 机构名称"), as a
PDF gives them: collected to be read as one grid, its records unfolded column by column. Pure.
"""

from __future__ import annotations

import re

from archiver.partners.categories import names_category
from archiver.partners.headings import heading_label
from archiver.partners.lines import light_clean
from archiver.partners.names import clean_text
from archiver.partners.tables import repeat_period

_NAME_LABEL = "机构名称"
_CATEGORY_LABEL = "合作类型"


def category_halves(header: tuple[str, ...]) -> int:
    """The width of one half when a table sets its categories side by side, each half's name
    column headed by its category ("序号 平台运营机构 序号 增信服务机构": 2), or 0.

    >>> category_halves(("序号", "平台运营机构", "序号", "增信服务机构"))
    2
    >>> category_halves(("序号", "机构名称", "序号", "机构名称"))
    0
    >>> category_halves(("序号", "平台运营机构"))
    0
    """
    cells = tuple(clean_text(cell) for cell in header)
    for period in range(2, len(cells) // 2 + 1):
        if len(cells) % period:
            continue
        halves = [cells[at : at + period] for at in range(0, len(cells), period)]
        differ = [i for i in range(period) if len({half[i] for half in halves}) > 1]
        if len(differ) != 1 or not all(names_category(half[differ[0]]) for half in halves):
            continue
        named = tuple(_NAME_LABEL if i % period == differ[0] else c for i, c in enumerate(cells))
        return period if repeat_period(named) == period else 0
    return 0


def with_category_columns(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A table of categories side by side (`category_halves`) with a name and a category
    column in each half, so that it unfolds as one list whose records keep their half's
    category. Other tables are unchanged.

    >>> rows = (("序号", "平台运营机构", "序号", "增信服务机构"), ("1", "甲公司", "1", "乙公司"))
    >>> with_category_columns(rows)[1]
    ('1', '甲公司', '平台运营机构', '1', '乙公司', '增信服务机构')
    """
    period = category_halves(rows[0]) if rows else 0
    if not period:
        return rows
    header = rows[0]
    name_at = next(i for i in range(period) if header[i] != header[i + period])
    labels = [header[at + name_at] for at in range(0, len(header), period)]
    result = []
    for index, row in enumerate(rows):
        cells: list[str] = []
        for half, label in enumerate(labels):
            part = list(row[half * period : (half + 1) * period])
            part += [""] * (period - len(part))
            if index == 0:
                part[name_at] = _NAME_LABEL
            filled = index == 0 or any(cell.strip() for cell in part)
            part.insert(name_at + 1, _CATEGORY_LABEL if index == 0 else label if filled else "")
            cells.extend(part)
        result.append(tuple(cells))
    return tuple(result)


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
        period = repeat_period(tokens) or category_halves(tokens) if len(tokens) > 3 else 0
        if period:
            folded.append(tokens)
        return "row" if period else ""
    width, period = len(folded[0]), repeat_period(folded[0]) or category_halves(folded[0])
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
