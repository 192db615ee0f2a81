"""Names a PDF strikes through with a drawn line: a partnership ended ("划线机构为已终止合作
机构"), the text layer unchanged under the line. Pure (a PDFium page in, names out).

A strike is a thin horizontal path (at most 3 points high, at least 15 wide) that crosses
runs of text through their middle band (between 30% and 70% of their height); a ruling line runs
between rows and an underline under the baseline, so neither strikes anything. The struck
characters that make an organisation's name are stated ended (`mark`) in a note under the
document's blocks, as a page states an ended partner under its list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from archiver.partners.blocks import Block, Line
from archiver.partners.names import looks_like_org

_THIN = 3.0  # points: a line drawn as a path or as a flat rectangle
_WIDE = 15.0
_MAX_SEGMENTS = 2000  # a page drawn as hatching is no list with strikes
_LEADING_NUMBER = re.compile(r"^\s*\d{1,4}\s*")

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


def struck_names(paths: Iterable[Any], textpage: Any) -> list[str]:
    """The organisations' names a page's drawn paths strike through."""
    segments = []
    for path in paths:
        left, bottom, right, top = path.get_bounds()
        if top - bottom <= _THIN and right - left >= _WIDE:
            segments.append((left, right, (bottom + top) / 2))
        if len(segments) > _MAX_SEGMENTS:
            return []
    if not segments:
        return []
    bands: dict[int, list[Box]] = {}  # runs of text (a cell's text, a name) by the heights
    for index in range(textpage.count_rects()):  # of their middle band
        run = textpage.get_rect(index)
        height = run[3] - run[1]
        for level in range(
            math.floor(run[1] + 0.3 * height), math.ceil(run[3] - 0.3 * height) + 1
        ):
            bands.setdefault(level, []).append(run)
    names = []
    for left, right, y in segments:
        for run in bands.get(round(y), ()):
            if not _crosses(run, left, right, y):
                continue
            text = textpage.get_text_bounded(
                left=max(run[0], left - 1), bottom=run[1], right=min(run[2], right + 1), top=run[3]
            )
            name = _LEADING_NUMBER.sub("", re.sub(r"\s+", "", text))
            if looks_like_org(name):
                names.append(name)
    return names


def _crosses(run: Box, left: float, right: float, y: float) -> bool:
    """Whether a line at height `y` from `left` to `right` strikes a run of text: through its
    middle band, along at least most of a glyph's width.

    >>> _crosses((100, 700, 400, 710), 95, 285, 705), _crosses((100, 700, 400, 710), 95, 285, 700)
    (True, False)
    >>> _crosses((100, 700, 400, 710), 395, 500, 705)  # a stroke that only grazes its end
    False
    """
    r_left, r_bottom, r_right, r_top = run
    height = r_top - r_bottom
    if height <= 0 or r_right - r_left <= 0:
        return False
    if not r_bottom + 0.3 * height <= y <= r_top - 0.3 * height:
        return False
    return min(r_right, right) - max(r_left, left) >= min(height, r_right - r_left) * 0.8


def mark(blocks: list[Block], names: list[str]) -> list[Block]:
    """The blocks with a note under them for each struck name ("注：甲公司已终止合作（名称划
    线）。"), the way a page states an ended partner under its list: the row keeps its cells
    (number, category), the note marks it ended, and the document's text shows the strike,
    which its text layer alone does not.

    >>> [b.text for b in mark([Line("3 甲乙科技有限公司 平台运营机构")], ["甲乙科技有限公司"])]
    ['3 甲乙科技有限公司 平台运营机构', '注：甲乙科技有限公司已终止合作（名称划线）。']
    """
    notes = [
        Line(f"注：{name}已终止合作（名称划线）。", locator="struck through")
        for name in dict.fromkeys(names)
    ]
    return [*blocks, *notes]
