"""Character-level text diff for Chinese, with semantic clean-up and a time limit. Pure.

Word diffs split on whitespace and turn a Chinese paragraph into one token, so we diff
characters (diff-match-patch) and clean the result up semantically. Big texts are diffed
line by line first (line mode), then refined, which keeps 2 MB texts in tens of
milliseconds. The time limit bounds the worst case (two unrelated texts): past it the
diff is still correct, only coarser.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch

EQUAL, INSERT, DELETE = 0, 1, -1
LINE_MODE_ABOVE = 20_000  # characters; below this a char diff is fast enough
DEFAULT_TIMEOUT_S = 1.0

Op = Literal[-1, 0, 1]


@dataclass(frozen=True, slots=True)
class TextDiff:
    """A diff as (op, text) pairs, with its size."""

    ops: tuple[tuple[int, str], ...]
    inserted: int
    deleted: int

    @property
    def is_empty(self) -> bool:
        """True when both texts were equal."""
        return self.inserted == 0 and self.deleted == 0


def compare(before: str, after: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> TextDiff:
    """Diff two texts at character level.

    >>> d = compare("合作机构：蚂蚁智信", "合作机构：奇富科技")
    >>> [(op, text) for op, text in d.ops]
    [(0, '合作机构：'), (-1, '蚂蚁智信'), (1, '奇富科技')]
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout_s
    deadline = time.time() + timeout_s  # one budget for every diff_main call below
    if len(before) + len(after) > LINE_MODE_ABOVE:
        diffs = _line_mode(dmp, before, after, deadline)
    else:
        diffs = dmp.diff_main(before, after, False, deadline)
    dmp.diff_cleanupSemantic(diffs)
    ops = tuple((int(op), text) for op, text in diffs if text)
    inserted = sum(len(text) for op, text in ops if op == INSERT)
    deleted = sum(len(text) for op, text in ops if op == DELETE)
    return TextDiff(ops=ops, inserted=inserted, deleted=deleted)


def _line_mode(
    dmp: diff_match_patch, before: str, after: str, deadline: float
) -> list[tuple[int, str]]:
    """Diff whole lines first, then characters inside each changed block.

    Every call shares one deadline: giving each its own would let a diff with many changed
    blocks take many times the limit. Blocks left when time is up stay whole-line.
    """
    chars_before, chars_after, lines = dmp.diff_linesToChars(before, after)
    diffs = dmp.diff_main(chars_before, chars_after, False, deadline)
    dmp.diff_charsToLines(diffs, lines)
    refined: list[tuple[int, str]] = []
    pending_delete, pending_insert = "", ""
    for op, text in [*diffs, (EQUAL, "")]:
        if op == DELETE:
            pending_delete += text
        elif op == INSERT:
            pending_insert += text
        else:
            if pending_delete and pending_insert and time.time() < deadline:
                refined.extend(dmp.diff_main(pending_delete, pending_insert, False, deadline))
            elif pending_delete and pending_insert:
                refined.extend([(DELETE, pending_delete), (INSERT, pending_insert)])
            elif pending_delete:
                refined.append((DELETE, pending_delete))
            elif pending_insert:
                refined.append((INSERT, pending_insert))
            pending_delete, pending_insert = "", ""
            if text:
                refined.append((EQUAL, text))
    return refined


def to_patch(before: str, diff: TextDiff) -> str:
    """The diff as a diff-match-patch patch (compact, applies to `before`)."""
    dmp = diff_match_patch()
    patches = dmp.patch_make(before, list(diff.ops))
    return str(dmp.patch_toText(patches))


def apply_patch(before: str, patch: str) -> str:
    """Apply a patch made by `to_patch`; raises ValueError if it does not apply cleanly."""
    dmp = diff_match_patch()
    result, applied = dmp.patch_apply(dmp.patch_fromText(patch), before)
    if not all(applied):
        raise ValueError("patch does not apply cleanly")
    return str(result)


def unified_lines(before: str, after: str, *, context: int = 2) -> list[tuple[str, str]]:
    """Changed lines with context, as (" " | "+" | "-", line) pairs, for terminals.

    >>> unified_lines("a\\nb\\nc\\n", "a\\nB\\nc\\n", context=0)
    [('-', 'b'), ('+', 'B')]
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DEFAULT_TIMEOUT_S
    chars_before, chars_after, lines = dmp.diff_linesToChars(before, after)
    diffs = dmp.diff_main(chars_before, chars_after, checklines=False)
    dmp.diff_charsToLines(diffs, lines)
    rows: list[tuple[str, str]] = []
    marks = {EQUAL: " ", INSERT: "+", DELETE: "-"}
    for op, text in diffs:
        rows.extend((marks[op], line) for line in text.splitlines())
    keep = [False] * len(rows)
    for index, (mark, _) in enumerate(rows):
        if mark != " ":
            for k in range(max(0, index - context), min(len(rows), index + context + 1)):
                keep[k] = True
    return [row for row, kept in zip(rows, keep, strict=True) if kept]
