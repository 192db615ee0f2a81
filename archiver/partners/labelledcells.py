"""Cards read as a grid: every card has the same fields, so the page reads as rows whose cells
carry their own labels ("合作类型：平台运营机构", "备注：已终止合作"). Pure.

A column whose cells all start with one label is that label's column: the label becomes the
header and the cells keep their values, so the grid is read by its header like the table the
cards replace (a category, a status, a hotline), not by a layout guessed from "label：value"
texts. The column of names, unlabelled, is named by what its cells are.
"""

from __future__ import annotations

import re

from archiver.partners.names import clean_text, looks_like_org

_CELL_LABEL = re.compile(r"^\s*([^:：\s]{2,12})\s*[:：]\s*(.*)$", re.DOTALL)
NAME_LABEL = "机构名称"
_MIN_ROWS = 2


def lift_cell_labels(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The rows under a header made of the labels their cells repeat (unchanged when no
    column repeats one label in every row, or no column is one of names).

    >>> rows = (("甲科技有限公司", "合作类型：平台运营机构", "备注：合作中"),
    ...         ("乙科技有限公司", "合作类型：增信服务机构", "备注：已终止合作"))
    >>> for row in lift_cell_labels(rows):
    ...     print(row)
    ('机构名称', '合作类型', '备注')
    ('甲科技有限公司', '平台运营机构', '合作中')
    ('乙科技有限公司', '增信服务机构', '已终止合作')
    >>> lift_cell_labels((("甲科技有限公司", "平台"), ("乙科技有限公司", "平台"))) == (
    ...     ("甲科技有限公司", "平台"), ("乙科技有限公司", "平台"))
    True
    """
    width = len(rows[0]) if rows else 0
    if len(rows) < _MIN_ROWS or width < 2 or any(len(row) != width for row in rows):
        return rows
    labels: list[str] = []
    for column in range(width):
        found = {_label(row[column]) for row in rows}
        labels.append(found.pop() if len(found) == 1 else "")
    names = [
        c
        for c in range(width)
        if not labels[c] and all(looks_like_org(clean_text(row[c])) for row in rows)
    ]
    if len(names) != 1 or not any(labels):
        return rows
    header = tuple(NAME_LABEL if c == names[0] else labels[c] for c in range(width))
    body = tuple(
        tuple(_value(cell) if labels[c] else cell for c, cell in enumerate(row)) for row in rows
    )
    return (header, *body)


def _label(cell: str) -> str:
    match = _CELL_LABEL.match(clean_text(cell))
    return match.group(1) if match else ""


def _value(cell: str) -> str:
    match = _CELL_LABEL.match(cell)
    return match.group(2).strip() if match else cell
