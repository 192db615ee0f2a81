"""A card's fields under its name. Pure.

An H5 page shows each partner as a card: a category tag and the name, then one line per
field ("合作产品：借呗", "合作期限：…", "客服电话：95188", "合作状态：已暂停"), no label
before the name. The
field lines that follow a name read from a line belong to that partner, so a change of
hotline, product or period is seen. A lone field line after a list ("客服热线：400…" under
the last item) is the publisher's own, not a card's: fields are given to the rows only when
at least two rows have them. The same holds for a "统一社会信用代码：…" line under a name: it
says who that partner is (a rename keeps it), and a lone one under a list is the publisher's.
A "说明：上述合作机构均经…" line under the last card is the list's note, not that card's remark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from archiver.partners.categories import names_category
from archiver.partners.cells import Column, is_blank, phones_in
from archiver.partners.lines import split_products
from archiver.partners.rows import Row

# A note on the whole list, not on the card above it ("上述合作机构均经…", "以上排名不分先后").
_ABOUT_THE_LIST = re.compile(r"(?:上述|以上|前述|本表|本名单|所列|列示|排名)")
_CARD_FIELDS = (Column.CATEGORY, Column.PRODUCT, Column.PERIOD, Column.HOTLINE, Column.REMARK)
MIN_CARDS = 2


@dataclass
class TrailingFields:
    """Field lines seen right under a row read from a line, by that row's index."""

    found: dict[int, list[tuple[Column, str]]] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)

    def note_code(self, row: int, code: str) -> None:
        """Keep the credit code of a line right under row `row` (-1: none; the first wins)."""
        if row >= 0 and code:
            self.codes.setdefault(row, code)

    def note(self, row: int, labelled: list[tuple[Column, str, str]]) -> bool:
        """Keep the fields of a line right under row `row` (-1: none). False when the line
        is no card field line (it labels a name, or none of its labels is a card's field)."""
        if row < 0 or any(column is Column.NAME for column, _, _ in labelled):
            return False
        if any(column is Column.REMARK and _ABOUT_THE_LIST.match(v) for column, _, v in labelled):
            return False  # "说明：上述合作机构均经我行准入审批…" under the last card: the list's
        fields = [(column, value) for column, _, value in labelled if column in _CARD_FIELDS]
        if not fields or len(fields) < len(labelled):
            return False
        self.found.setdefault(row, []).extend(fields)
        return True

    def apply(self, rows: list[Row]) -> None:
        """Give the rows the fields and codes under them (when two rows have some: a page of
        cards; codes only when no two rows share one)."""
        found, self.found = self.found, {}
        codes, self.codes = self.codes, {}
        if len(found) >= MIN_CARDS:
            for index, fields in found.items():
                if index < len(rows):
                    rows[index] = with_fields(rows[index], fields)
        if len(codes) >= MIN_CARDS and len(set(codes.values())) == len(codes):
            for index, code in codes.items():
                if index < len(rows) and not rows[index].credit_code:
                    rows[index] = replace(rows[index], credit_code=code)


def with_fields(row: Row, fields: list[tuple[Column, str]]) -> Row:
    """A row with a card's fields: what the card states of itself wins over a section's
    category; the other fields fill what the name's line left empty.

    >>> from archiver.models import Source, SourceKind
    >>> row = Row("甲公司", Source(kind=SourceKind.PARAGRAPH), category_raw="平台运营机构")
    >>> with_fields(row, [(Column.HOTLINE, "客服 95188"), (Column.PRODUCT, "借呗、花呗")])
    ... # doctest: +ELLIPSIS
    Row(name='甲公司', ..., products=('借呗', '花呗'), period='', hotline='95188', ...)
    """
    for column, value in fields:
        if is_blank(value):
            continue  # "备注：—" says nothing, as a blank cell does
        if column is Column.CATEGORY and (names_category(value) or not row.category_raw):
            row = replace(row, category_raw=value)  # "合作产品类型：个人消费贷款" is no category
        elif column is Column.PRODUCT and not row.products:
            row = replace(row, products=split_products(value))
        elif column is Column.PERIOD and not row.period:
            row = replace(row, period=value)
        elif column is Column.HOTLINE and not row.hotline:
            row = replace(row, hotline="、".join(phones_in(value)) or value)
        elif column is Column.REMARK and value and not row.remark:  # 备注 / 合作状态
            row = replace(row, remark=value)
    return row
