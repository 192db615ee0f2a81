"""Two partner lists side by side, aligned by partner rather than by line. Pure.

Rows follow the new list's order, with dropped partners after the partners they followed in
the old list. A row is added, dropped, renamed, changed (some cells differ, those cells are
marked) or same; re-ordering alone changes nothing, so a re-sorted table reads as "no
change" instead of a page of struck-through text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archiver import wording
from archiver.models import EventType, Partner, PartnerEvent

State = Literal["added", "dropped", "renamed", "changed", "same"]
COLUMNS = (
    ("name", "合作机构"),
    ("category", "类别"),
    ("products", "产品"),
    ("period", "合作期间"),
    ("status", "标注"),
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text now, and before when it changed."""

    text: str
    before: str | None = None  # set when the cell differs from the previous version


@dataclass(frozen=True, slots=True)
class Row:
    """One partner across the two versions."""

    state: State
    cells: tuple[Cell, ...]
    position_before: int | None = None  # 1-based rows in each list
    position_after: int | None = None


@dataclass(frozen=True, slots=True)
class TableDiff:
    """The aligned rows, and what kind of change they add up to."""

    rows: tuple[Row, ...]

    @property
    def changed(self) -> tuple[Row, ...]:
        """Rows that are not the same."""
        return tuple(row for row in self.rows if row.state != "same")

    @property
    def reordered_only(self) -> bool:
        """The same partners and cells, in another order."""
        return not self.changed and any(
            row.position_before != row.position_after for row in self.rows
        )


def cells(partner: Partner) -> tuple[str, ...]:
    """What a row shows of a partner, in COLUMNS order."""
    status = "、".join(
        part
        for part in (wording.markers([m.value for m in partner.markers]), partner.remark)
        if part
    )
    return (
        partner.name,
        wording.category(partner.category.value, partner.category_raw),
        "、".join(partner.products),
        partner.period,
        status,
    )


def compare(
    before: tuple[Partner, ...], after: tuple[Partner, ...], events: tuple[PartnerEvent, ...] = ()
) -> TableDiff:
    """Align `before` and `after` by match key (and by the renames among `events`).

    >>> from archiver.models import Partner
    >>> a = Partner(raw="甲", name="甲", match_key="甲")
    >>> b = Partner(raw="乙", name="乙", match_key="乙")
    >>> compare((a, b), (b, a)).reordered_only
    True
    >>> [row.state for row in compare((a,), (b,)).rows]
    ['dropped', 'added']
    """
    renamed = {e.match_key: e.old for e in events if e.type is EventType.RENAMED and e.old}
    old_by_key: dict[str, tuple[int, Partner]] = {}
    for index, partner in enumerate(before, 1):
        old_by_key.setdefault(partner.match_key, (index, partner))
    old_by_name = {partner.name: key for key, (_, partner) in old_by_key.items()}
    used: set[str] = set()
    placed: list[tuple[float, Row]] = []
    for index, partner in enumerate(after, 1):
        key = partner.match_key
        state: State = "same"
        if key not in old_by_key and renamed.get(key) in old_by_name:
            key = old_by_name[renamed[key]]
            state = "renamed"
        if key in old_by_key and key not in used:
            used.add(key)
            old_index, old = old_by_key[key]
            now, then = cells(partner), cells(old)
            row_cells = tuple(
                Cell(text, None if text == prior else prior)
                for text, prior in zip(now, then, strict=True)
            )
            if state == "same" and any(cell.before is not None for cell in row_cells):
                state = "changed"
            placed.append((index, Row(state, row_cells, old_index, index)))
        else:
            placed.append(
                (index, Row("added", tuple(Cell(t) for t in cells(partner)), None, index))
            )
    # Dropped partners go right after the row that preceded them in the old list.
    after_of: dict[int, float] = {
        row.position_before: position for position, row in placed if row.position_before
    }
    for key, (old_index, old) in old_by_key.items():
        if key in used:
            continue
        anchor = max((after_of[i] for i in after_of if i < old_index), default=0.0)
        placed.append(
            (
                anchor + old_index / 1e6,
                Row("dropped", tuple(Cell(t) for t in cells(old)), old_index),
            )
        )
    placed.sort(key=lambda item: item[0])
    return TableDiff(rows=tuple(row for _, row in placed))
