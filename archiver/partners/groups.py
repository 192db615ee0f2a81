"""Group headings: a brand line above the legal entities of its group. Pure.

Pages that list partners by group ("按合作集团列示") put the group's brand (蚂蚁集团, 京东集团,
360数科) on a line of its own, a heading or the text of an <li> holding a nested list, and
the legal entities of the group under it. The brand is a grouping, not a partner. The
contrary case is a brand that is the only name given for a partner: nothing with a legal
form follows it, so it is read as published.

A `GroupHeading` holds such a line's row back until the next row says which case it is: a
row whose name has a legal form (the group's entities) drops it; anything else, a heading,
another group or the end of the document, keeps it where it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.partners.names import LEGAL_FORMS, clean_text
from archiver.partners.rows import Row


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

    def holds(self, rows: list[Row], name_rows: list[Row], *, heading: bool) -> bool:
        """Hold the row of a heading line naming one brand; True when it was held."""
        if not heading or len(name_rows) != 1 or is_legal_name(name_rows[0].name):
            return False
        self.release(rows)  # the brand above had nothing under it: a partner
        self.held = name_rows[0]
        return True

    def before(self, rows: list[Row], row: Row) -> None:
        """A row is read: a legal entity under the held brand drops it, anything else keeps it."""
        if self.held is not None and is_legal_name(row.name):
            self.held = None  # the group's entities follow: the brand only groups them
        self.release(rows)

    def release(self, rows: list[Row]) -> None:
        """Keep the held row, in its place (a heading or the end of the document follows)."""
        if self.held is not None:
            rows.append(self.held)
            self.held = None
