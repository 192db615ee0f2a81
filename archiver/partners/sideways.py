"""Tables laid out sideways: labels down the first column, one partner per column (a wide
table on a narrow page, or a "comparison" layout). Pure.

Read row by row, such a table makes its label column the names' neighbour and its product
row a row of names (借呗 | 有钱花). Turned upright, it is the table it shows: a header row of
the labels, then one row per partner.
"""

from __future__ import annotations

import re

from archiver.partners.names import clean_text, looks_like_org
from archiver.partners.tables import header_layout

# A sideways table's own top row numbers its partner columns: 项目 | 机构一 | 机构二 | 机构三
_COLUMN_NUMBER = re.compile(
    r"^(?:合作)?(?:机构|单位|序号|第)?[一二三四五六七八九十\d]{1,3}(?:家|号)?$"
)


def transposed(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...] | None:
    """The rows of a table laid out sideways (labels down its first column, one partner per
    column, as a wide table on a narrow page), turned upright; None for any other table.

    >>> transposed((("机构名称", "甲乙科技有限公司", "丙丁担保有限公司"),
    ...     ("合作类型", "平台运营机构", "增信服务机构"), ("客服电话", "95188", "95518")))[1]
    ('甲乙科技有限公司', '平台运营机构', '95188')
    >>> transposed((("项目", "机构一", "机构二"), ("机构名称", "甲乙科技有限公司", "丙丁担保公司"),
    ...     ("合作类型", "平台运营机构", "增信服务机构")))[2]
    ('丙丁担保公司', '增信服务机构')

    The names may head the columns themselves, under a corner label of their own (项目):

    >>> transposed((("项目", "甲乙科技有限公司", "丙丁担保有限公司"),
    ...     ("合作类型", "平台运营机构", "增信服务机构"), ("客服电话", "95188", "95518")))[:2]
    (('机构名称', '合作类型', '客服电话'), ('甲乙科技有限公司', '平台运营机构', '95188'))
    """
    if len(rows) > 2 and all(_COLUMN_NUMBER.match(clean_text(c)) for c in rows[0][1:]):
        return transposed(rows[1:])  # (项目 | 机构一 | 机构二: the columns' numbers)
    width = len(rows[0]) if rows else 0
    if width < 3 or len(rows) < 2 or any(len(row) != width for row in rows):
        return None
    if header_layout(rows[0]) is not None:
        return None  # (a later row of category words may look like a header: 合作类型 | 平台…)
    labels = tuple(row[0] for row in rows)
    layout = header_layout(labels)
    if layout is None and _names_across(rows[0][1:]):
        labels = ("机构名称", *labels[1:])  # the corner cell labels the row of names
        layout = header_layout(labels)
        rows = (labels[:1] + rows[0][1:], *rows[1:])
    if layout is None or len(layout.name_columns) != 1:
        return None
    names = rows[layout.name_columns[0]][1:]
    if sum(looks_like_org(clean_text(name)) for name in names) * 2 < len(names):
        return None
    return tuple(zip(*rows, strict=True))


def _names_across(cells: tuple[str, ...]) -> bool:
    """A top row of partner names: two or more, every filled cell an organisation's name."""
    filled = [clean_text(cell) for cell in cells if cell.strip()]
    return len(filled) >= 2 and all(looks_like_org(cell) for cell in filled)
