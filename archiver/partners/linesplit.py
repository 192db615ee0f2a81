"""One block of text -> several lines: a paragraph that names its categories inline, a run
of numbered items set on one line. Pure.
"""

from __future__ import annotations

import re
from itertools import pairwise

from archiver.partners.blocks import Block, Line
from archiver.partners.cells import Column, column_of
from archiver.partners.names import looks_like_org

_CLAUSE_LABEL = re.compile(r"(?:^|(?<=[，,。；;]))\s*([^，,。；;：:、\s]{2,16})\s*[:：]")
_RUN_NUMBER = re.compile(r"(?:^|(?<=[\s；;。，,]))(\d{1,3})\s*[.、．](?!\d)")


def split_clauses(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A paragraph that names its categories inline, one line per category list.

    The sentence around the lists becomes lines of its own, so each list starts its line:

    >>> text = "截至9月30日，本行的平台运营机构包括：甲公司、乙公司；"
    >>> text += "增信服务机构为：丙公司。详见附件。"
    >>> for block in split_clauses((Line(text),)):
    ...     print(block.text)
    截至9月30日，
    本行的平台运营机构包括：甲公司、乙公司；
    增信服务机构为：丙公司。
    详见附件。
    """
    result: list[Block] = []
    for block in blocks:
        cuts = _clause_cuts(block.text) if isinstance(block, Line) else []
        if not cuts:
            result.append(block)
            continue
        assert isinstance(block, Line)
        bounds = [0, *cuts, len(block.text)]
        pieces = (block.text[a:b].strip() for a, b in pairwise(bounds))
        result.extend(
            Line(piece, block.kind, block.number if n == 1 else None, f"{block.locator}.{n}")
            for n, piece in enumerate((p for p in pieces if p), 1)
        )
    return tuple(result)


def _clause_cuts(text: str) -> list[int]:
    """Where the category lists of a prose line start, and where each one's sentence ends."""
    labels = [match for match in _CLAUSE_LABEL.finditer(text) if _lists_category(match.group(1))]
    cuts: set[int] = set()
    for match in labels:
        cuts.add(match.start(1))
        stop = text.find("。", match.end())
        if stop != -1:
            cuts.add(stop + 1)
    return sorted(cut for cut in cuts if text[:cut].strip() and text[cut:].strip())


def _lists_category(label: str) -> bool:
    """ "增信服务机构包括" introduces a list of one category; "客服电话" does not."""
    column, category = column_of(label)
    return column is Column.NAME and bool(category)


def split_runs(blocks: tuple[Block, ...]) -> list[Block]:
    """A line holding a run of numbered items ("1. 甲公司 2. 乙公司 3. 丙公司") as one line each.

    >>> [b.text for b in split_runs((Line("1.甲公司 2.乙公司 3、丙公司"),))]
    ['1.甲公司', '2.乙公司', '3、丙公司']

    A list set in two columns without rules gives each row of the page as one line, its
    numbering going on from the row above ("3. 甲公司 4. 乙公司"): a run that starts past 1
    is split when every item in it starts with a whole organisation's name.

    >>> [b.text for b in split_runs((Line("3. 甲乙科技有限公司 4. 丙丁担保有限公司"),))]
    ['3. 甲乙科技有限公司', '4. 丙丁担保有限公司']
    >>> [b.text for b in split_runs((Line("3. 合作期限 4. 年"),))]
    ['3. 合作期限 4. 年']

    Numbered down each column ("1. 甲公司 5. 乙公司"), the same when every item is a name:

    >>> [b.text for b in split_runs((Line("1. 甲乙科技有限公司 5. 丙丁担保有限公司"),))]
    ['1. 甲乙科技有限公司', '5. 丙丁担保有限公司']
    """
    result: list[Block] = []
    for block in blocks:
        if not isinstance(block, Line):
            result.append(block)
            continue
        starts = _run_starts(block.text)
        if len(starts) < 2:
            result.append(block)
            continue
        bounds = [*starts, len(block.text)]
        result.extend(
            Line(block.text[a:b].strip(), block.kind, None, f"{block.locator}.{n}")
            for n, (a, b) in enumerate(pairwise(bounds), 1)
        )
    return result


def _run_starts(text: str) -> list[int]:
    """Offsets of "1." "2." "3." … numbered consecutively inside one line: from 1, or from
    any number when each item starts with a whole organisation's name (a row of a list set
    in columns)."""
    leading = len(text) - len(text.lstrip())
    numbers = [m for m in _RUN_NUMBER.finditer(text) if m.start(1) == leading][:1]
    if not numbers:
        return []
    expected = int(numbers[0].group(1)) + 1
    for match in _RUN_NUMBER.finditer(text, numbers[0].end()):
        if int(match.group(1)) == expected:
            numbers.append(match)
            expected += 1
    if len(numbers) < 2:
        numbers = _column_major(text, numbers[0])
    if len(numbers) < 2:
        return []
    starts = [match.start(1) for match in numbers]
    if int(numbers[0].group(1)) == 1 and int(numbers[1].group(1)) == 2:
        return starts
    items = [text[m.end() : end] for m, end in zip(numbers, [*starts[1:], len(text)], strict=True)]
    return starts if all(_starts_with_name(item) for item in items) else []


def _column_major(text: str, first: re.Match[str]) -> list[re.Match[str]]:
    """The numbers of a row of a list set in columns down the page ("1. 甲公司 5. 乙公司"):
    each greater than the one before (a split still needs every item to start with a name)."""
    numbers = [first]
    for match in _RUN_NUMBER.finditer(text, first.end()):
        if int(match.group(1)) > int(numbers[-1].group(1)):
            numbers.append(match)
    return numbers


def _starts_with_name(item: str) -> bool:
    """The first word of an item is a whole organisation's name."""
    words = item.split()
    return bool(words) and looks_like_org(words[0])
