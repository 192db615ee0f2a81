"""A character-level text diff laid out for people: inline, and side by side. Pure.

Long unchanged stretches are cut down to some context around each change, so a one-name
change in a 50-entry list reads as that change, not as the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archiver.textdiff import DELETE, EQUAL, INSERT

Kind = Literal["equal", "insert", "delete", "skip"]
_KINDS: dict[int, Kind] = {EQUAL: "equal", INSERT: "insert", DELETE: "delete"}
CONTEXT = 120  # characters kept on each side of a change
MAX_CHARS = 200_000  # characters shown in all; the rest is left to the raw text


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text of one kind; a "skip" stands for `skipped` unchanged characters."""

    kind: Kind
    text: str = ""
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    """One band of the side-by-side view: the text before, and after."""

    before: tuple[Segment, ...]
    after: tuple[Segment, ...]

    @property
    def is_skip(self) -> bool:
        """True for the band that stands for an elided stretch."""
        return len(self.before) == 1 and self.before[0].kind == "skip"


@dataclass(frozen=True, slots=True)
class DiffView:
    """Both layouts of one diff."""

    inline: tuple[Segment, ...]
    rows: tuple[Row, ...]
    truncated: bool


def view(
    ops: tuple[tuple[int, str], ...], *, context: int = CONTEXT, max_chars: int = MAX_CHARS
) -> DiffView:
    """Lay a diff out with unchanged text trimmed to `context` characters around changes.

    >>> v = view(((0, "甲" * 10), (-1, "蚂蚁"), (1, "奇富"), (0, "乙" * 10)), context=2)
    >>> [(s.kind, s.text or s.skipped) for s in v.inline][:3]
    [('skip', 8), ('equal', '甲甲'), ('delete', '蚂蚁')]
    >>> [(len(r.before), len(r.after)) for r in v.rows]
    [(1, 1), (3, 3), (1, 1)]
    """
    segments, truncated = _trimmed(_segments(ops, context), max_chars)
    return DiffView(inline=segments, rows=_rows(segments), truncated=truncated)


def _segments(ops: tuple[tuple[int, str], ...], context: int) -> list[Segment]:
    changed = any(op != EQUAL for op, _ in ops)
    out: list[Segment] = []
    last = len(ops) - 1
    for index, (op, text) in enumerate(ops):
        if op != EQUAL or not changed:
            out.append(Segment(_KINDS[op], text))
            continue
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        if len(text) <= keep_head + keep_tail + context // 4:
            out.append(Segment("equal", text))
            continue
        if keep_head:
            out.append(Segment("equal", text[:keep_head]))
        out.append(Segment("skip", skipped=len(text) - keep_head - keep_tail))
        if keep_tail:
            out.append(Segment("equal", text[len(text) - keep_tail :]))
    return out


def _trimmed(segments: list[Segment], max_chars: int) -> tuple[tuple[Segment, ...], bool]:
    shown, out = 0, []
    for segment in segments:
        if shown + len(segment.text) > max_chars:
            room = max_chars - shown
            if room > 0:
                out.append(Segment(segment.kind, segment.text[:room]))
            return tuple(out), True
        shown += len(segment.text)
        out.append(segment)
    return tuple(out), False


def _rows(segments: tuple[Segment, ...]) -> tuple[Row, ...]:
    rows: list[Row] = []
    band: list[Segment] = []

    def flush() -> None:
        if band:
            rows.append(
                Row(
                    before=tuple(s for s in band if s.kind in ("equal", "delete")),
                    after=tuple(s for s in band if s.kind in ("equal", "insert")),
                )
            )
            band.clear()

    for segment in segments:
        if segment.kind == "skip":
            flush()
            rows.append(Row(before=(segment,), after=(segment,)))
        else:
            band.append(segment)
    flush()
    return tuple(rows)
