"""What one table row is (a total, a card, another table's header) and its cells by role.
Pure.
"""

from __future__ import annotations

import math
import re

from archiver.models import SourceKind
from archiver.partners.cells import Column, column_of, is_blank
from archiver.partners.names import clean_text, looks_like_org
from archiver.partners.owner import is_own
from archiver.partners.records import published
from archiver.partners.tables import Layout, header_layout, keyed_by_product, strip_number

_END_LABEL = re.compile(r"到期|截止|终止|结束|止日|end|expir", re.IGNORECASE)


def cells_of(row: tuple[str, ...], layout: Layout) -> CellReader:
    return CellReader(row, layout)


class CellReader:
    """cell(Column.X) -> that column's text in one row ("" when the table has none)."""

    def __init__(self, row: tuple[str, ...], layout: Layout) -> None:
        self.row = row
        self.layout = layout

    def __call__(self, role: Column) -> str:
        if role is Column.PERIOD:
            return self._period()
        column = self.layout.column(role)
        return "" if column is None else self._text(column)

    def _text(self, column: int) -> str:
        if column >= len(self.row):
            return ""
        text = published(self.row[column])  # a wrapped cell joined back, CJK without spaces
        return "" if is_blank(text) else text

    def _period(self) -> str:
        """A period published over two columns (合作起始日 | 合作到期日) is one period,
        "start至end", the start first whatever the columns' order."""
        columns = sorted(c for c, role in self.layout.columns.items() if role is Column.PERIOD)
        labels = self.layout.labels
        ends = [c for c in columns if c < len(labels) and _END_LABEL.search(labels[c])]
        ordered = [c for c in columns if c not in ends] + ends
        return "至".join(dict.fromkeys(t for c in ordered if (t := self._text(c))))


def has_foreign_header(rows: tuple[tuple[str, ...], ...]) -> bool:
    """The first row labels columns, but none of them is a partner name: another table."""
    labels = [clean_text(c) for c in rows[0] if c.strip()] if rows else []
    if len(set(labels)) < 2:
        return False
    short = [
        c
        for c in labels
        if len(c) <= 10 and not looks_like_org(c) and not re.fullmatch(r"[\d.、]+", c)
    ]
    return len(short) == len(labels) or keyed_by_product(labels)  # (long rate labels)


def labels_another_table(tokens: list[str]) -> bool:
    """A line of column labels that starts with 序号 but names no partner column ("序号 合作
    产品名称 合作渠道（App） 年化利率区间"): the header of another table (products, rates).

    >>> labels_another_table(["序号", "合作产品名称", "合作渠道（App）", "年化利率区间"])
    True
    >>> labels_another_table(["序号", "合作机构名称", "合作机构类型"])
    False
    >>> labels_another_table(["产品名称", "年化利率区间（单利）", "额度", "期限", "展业平台"])
    True
    """
    cells = [clean_text(t) for t in tokens if t.strip()]
    if len(cells) >= 3 and keyed_by_product(cells):
        return (
            True  # "产品名称 年化利率 额度 期限 展业平台": 展业平台 ends like a name, is a label
        )
    if len(cells) < 3 or any(looks_like_org(c) for c in cells):
        return False
    numbered = column_of(cells[0])[0] is Column.SEQ
    if not all(len(c) <= 12 and not re.search(r"\d", c) for c in cells[numbered:]):
        return False
    if keyed_by_product(cells):
        return True
    return numbered and header_layout(tuple(cells)) is None


def starts_with_name(cell: str) -> bool:
    first = next((line for line in cell.split("\n") if line.strip()), "")
    return looks_like_org(strip_number(first.strip())[1])


def is_record(labelled: list[tuple[Column, str, str]]) -> bool:
    """Label：value fields of a record, not a bare "平台运营机构：" heading."""
    if not labelled:
        return False
    return not (len(labelled) == 1 and labelled[0][1] and not labelled[0][2])


def row_number(text: str) -> int | None:
    """A row number: "12", "12.", "（12）", "No.12"; None for anything longer."""
    found = re.fullmatch(r"\D{0,3}?(\d{1,4})\D{0,2}", clean_text(text))
    return int(found.group(1)) if found else None


def is_total_row(row: tuple[str, ...]) -> bool:
    head = [clean_text(c) for c in row[:3] if c.strip()]
    return any(re.match(r"^(?:合计|小计|总计|共计|总数)", c) for c in head)


def is_card_grid(rows: tuple[tuple[str, ...], ...]) -> bool:
    """A two-column table of label | value pairs (a vertical record, or several)."""
    if len(rows) < 2 or any(len(r) != 2 for r in rows) or header_layout(rows[0]) is not None:
        return False
    labels = [column_of(r[0]) for r in rows]
    plain = [column for column, preset in labels if column is not None and not preset]
    names = sum(column is Column.NAME for column in plain)
    return names >= 1 and len(plain) >= 0.6 * len(rows)


def is_own_row(row: tuple[str, ...], layout: Layout, own_keys: set[str]) -> bool:
    """A row that names the publisher itself (its own channel, 自营): no partner, but a
    numbered row of the list all the same."""
    return any(c < len(row) and is_own(row[c], own_keys) for c in layout.name_columns)


def describes_service(layout: Layout) -> bool:
    """The category column says what the partner does (合作内容, 服务内容), not its type."""
    column = layout.column(Column.CATEGORY)
    label = layout.labels[column] if column is not None and column < len(layout.labels) else ""
    return bool(re.search(r"内容|范围|事项", label)) and not re.search(r"类|型", label)


CUT_NAME_SHARE = 0.8  # the other rows' names are this full of legal names


def is_cut_row(rows: tuple[tuple[str, ...], ...], layout: Layout, kind: SourceKind) -> bool:
    """The last row of an HTML table cut off in transit ("8 | 深圳市小", nothing after):
    among legal names, a name that is none with every cell after it empty is a cut name,
    no partner. (A PDF table's last name may go on on the next page: not judged here.)

    >>> layout = header_layout(("序号", "机构名称", "类别"))
    >>> rows = (("1", "甲乙科技有限公司", "平台"), ("2", "丙丁信息技术有限公司", "平台"))
    >>> is_cut_row((*rows, ("3", "深圳市小", "")), layout, SourceKind.TABLE_ROW) if layout else 0
    True
    """
    name = layout.column(Column.NAME)
    if name is None or len(rows) < 3 or layout.inferred or kind is not SourceKind.TABLE_ROW:
        return False
    last, others = rows[-1], [r[name] for r in rows[:-1] if name < len(r) and r[name].strip()]
    if name >= len(last) or not last[name].strip() or any(c.strip() for c in last[name + 1 :]):
        return False
    share = sum(looks_like_org(clean_text(c)) for c in others) / max(len(others), 1)
    return share >= CUT_NAME_SHARE and not names_an_org(last[name])


def names_an_org(cell: str) -> bool:
    """A cell whose name is complete, whatever follows it in the cell: a note marker (注, *),
    an English name on the line under it, a bracketed remark.

    >>> names_an_org("中国平安财产保险股份有限公司注"), names_an_org("深圳市小赢信息技术有限责")
    (True, False)
    >>> names_an_org("众安在线财产保险股份有限公司\\nZhongAn Online P&C Insurance Co., Ltd.")
    True
    """
    lines = [clean_text(line) for line in cell.splitlines() if line.strip()]
    text = clean_text(cell)
    upto_company = text[: text.rfind("公司") + 2] if "公司" in text else ""
    return any(looks_like_org(line) for line in lines) or looks_like_org(upto_company)


def is_header_echo(row: tuple[str, ...], layout: Layout) -> bool:
    """A header row repeated inside the table (each page of a printed list repeats it)."""
    cells = tuple(clean_text(c) for c in row)
    if layout.labels and cells == layout.labels:
        return True
    labels = [c for c in cells if c]
    if not labels:
        return False
    hits = sum(
        column_of(c)[0] is not None and len(c) <= 8 and not looks_like_org(c) for c in labels
    )
    return hits >= max(2, math.ceil(0.6 * len(labels)))
