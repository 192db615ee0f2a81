"""Names a PDF strikes through with a drawn line: a partnership ended ("划线机构为已终止合作
机构"), the text layer unchanged under the line. Pure (a PDFium page in, names out).

A strike is a thin horizontal path (at most 3 points high, at least 15 wide) that crosses
characters through their middle band (between 30% and 70% of their height); a ruling line runs
between rows and an underline under the baseline, so neither strikes anything. The struck
characters that make an organisation's name are stated ended (`mark`) in a note under the
document's blocks, as a page states an ended partner under its list.
"""

from __future__ import annotations

import re
from typing import Any

from archiver.partners.blocks import Block, Line
from archiver.partners.names import looks_like_org

_THIN = 3.0  # points: a line drawn as a path or as a flat rectangle
_WIDE = 15.0
_MAX_SEGMENTS = 2000  # a page drawn as hatching is no list with strikes
_REACH = 12  # points: a strike crosses a glyph within this of its middle (glyphs up to 60 pt)
_LEADING_NUMBER = re.compile(r"^\s*\d{1,4}\s*")

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


def struck_names(page: Any, textpage: Any, path_type: int) -> list[str]:
    """The organisations' names a page strikes through with drawn lines."""
    segments = []
    for path in page.get_objects(filter=[path_type], max_depth=3):
        left, bottom, right, top = path.get_bounds()
        if top - bottom <= _THIN and right - left >= _WIDE:
            segments.append((left, right, (bottom + top) / 2))
        if len(segments) > _MAX_SEGMENTS:
            return []
    if not segments:
        return []
    rows: dict[int, list[tuple[int, Box]]] = {}  # characters by their middle's height
    for index in range(textpage.count_chars()):
        box = textpage.get_charbox(index)
        rows.setdefault(round((box[1] + box[3]) / 2), []).append((index, box))
    names = []
    for left, right, y in segments:
        near = (
            item
            for key in range(round(y) - _REACH, round(y) + _REACH + 1)
            for item in rows.get(key, ())
        )
        struck = sorted(index for index, box in near if _crosses(box, left, right, y))
        for first, last in _runs(struck):
            text = textpage.get_text_range(first, last - first + 1)
            name = _LEADING_NUMBER.sub("", re.sub(r"\s+", "", text))
            if looks_like_org(name):
                names.append(name)
    return names


def _crosses(box: Box, left: float, right: float, y: float) -> bool:
    """Whether a line at height `y` from `left` to `right` strikes a character's box.

    >>> _crosses((100, 700, 110, 710), 95, 285, 705), _crosses((100, 700, 110, 710), 95, 285, 700)
    (True, False)
    """
    c_left, c_bottom, c_right, c_top = box
    height = c_top - c_bottom
    if height <= 0 or c_right - c_left <= 0:
        return False
    middle = c_bottom + 0.3 * height <= y <= c_top - 0.3 * height
    return middle and c_left >= left - 2 and c_right <= right + 2


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive character indices as (first, last) runs.

    >>> _runs([3, 4, 5, 9, 10])
    [(3, 5), (9, 10)]
    """
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and index <= runs[-1][1] + 2:  # a space the line runs over
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


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
