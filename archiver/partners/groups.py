"""Group headings: a brand line above the legal entities of its group. Pure.

Pages that list partners by group ("按合作集团列示") put the group's brand (蚂蚁集团, 京东集团,
360数科) on a line of its own, a heading or the text of an <li> holding a nested list, and
the legal entities of the group under it. The brand is a grouping, not a partner. The
contrary case is a brand that is the only name given for a partner: nothing with a legal
form follows it, so it is read as published.

A `GroupHeading` holds such a line's row back until the next row says which case it is: a
row whose name has a legal form (the group's entities) drops it; anything else, a heading,
another group or the end of the document, keeps it where it was. In a table the group is a
column of brands merged down over the rows of its entities (`without_group_column`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from archiver.partners.names import LEGAL_FORMS, clean_text
from archiver.partners.rows import Row
from archiver.partners.tables import Layout


def is_legal_name(name: str) -> bool:
    """Whether a name carries a legal form (有限公司, 股份有限公司, 有限合伙, Co., Ltd.).

    >>> is_legal_name("上海京东融资担保有限公司"), is_legal_name("京东集团")
    (True, False)
    """
    return bool(LEGAL_FORMS.search(clean_text(name)))


@dataclass
class GroupHeading:
    """The row of a brand heading not yet known to head a group (see the module's text)."""

    held: Row | None = None
    numbered: bool = False  # the held brand groups only numbered entities (a bare line's)

    def holds(
        self, rows: list[Row], name_rows: list[Row], *, heading: bool, bare: bool = False
    ) -> bool:
        """Hold the row of a heading line naming one brand; True when it was held.

        `bare`: not a heading but a line that is only a brand, unnumbered, among numbered
        items ("蚂蚁集团" above "1 蚂蚁智信（杭州）信息技术有限公司 平台运营机构" in a PDF's text):
        held the same way, and dropped only when a numbered legal entity follows it.
        """
        if not (heading or bare) or len(name_rows) != 1 or is_legal_name(name_rows[0].name):
            return False
        self.release(rows)  # the brand above had nothing under it: a partner
        self.held = name_rows[0]
        self.numbered = bare and not heading
        return True

    def before(self, rows: list[Row], row: Row) -> None:
        """A row is read: a legal entity under the held brand drops it, anything else keeps it."""
        numbered = row.seq is not None or not self.numbered
        if self.held is not None and is_legal_name(row.name) and numbered:
            self.held = None  # the group's entities follow: the brand only groups them
        self.release(rows)

    def release(self, rows: list[Row]) -> None:
        """Keep the held row, in its place (a heading or the end of the document follows)."""
        if self.held is not None:
            rows.append(self.held)
            self.held = None


def without_group_column(layout: Layout, rows: tuple[tuple[str, ...], ...]) -> Layout:
    """A layout whose name column of groups (brands without a legal form, merged down over
    several rows: a rowspan) beside a column of legal entities is no name column.

    >>> from archiver.partners.cells import Column
    >>> rows = (("京东集团", "京东科技信息技术有限公司"), ("京东集团", "上海京东融资担保有限公司"))
    >>> layout = Layout(columns={0: Column.NAME, 1: Column.NAME}, width=2)
    >>> without_group_column(layout, rows).name_columns
    (1,)
    """
    columns = layout.name_columns
    if len(columns) < 2:
        return layout
    cells = {c: [clean_text(r[c]) for r in rows if c < len(r) and r[c].strip()] for c in columns}
    entities = [c for c in columns if cells[c] and _legal_share(cells[c]) >= 0.6]
    groups = [
        c
        for c in columns
        if cells[c] and _legal_share(cells[c]) == 0 and len(set(cells[c])) < len(cells[c])
    ]
    if not entities or not groups:
        return layout
    kept = {c: role for c, role in layout.columns.items() if c not in groups}
    return replace(layout, columns=kept)


def _legal_share(cells: list[str]) -> float:
    return sum(is_legal_name(cell) for cell in cells) / len(cells)
