"""Brackets left open where a PDF or a narrow cell wrapped a line. Pure.

A note in brackets is one statement ("甲公司（原乙公司，已更名）"); when the page wraps it in the
middle, the line that closes the bracket finishes the note, whatever its words.
"""

from __future__ import annotations

import re

_OPENERS, _CLOSERS = "（(", "）)"
_CLOSER = re.compile(r"[）)]")
_OPENER = re.compile(r"[（(]")


def open_brackets(text: str) -> int:
    """How many brackets (full- or half-width) the text leaves open.

    >>> open_brackets("甲公司（原乙公司，已更"), open_brackets("甲（乙）丙"), open_brackets("丙）")
    (1, 0, -1)
    """
    return sum(map(text.count, _OPENERS)) - sum(map(text.count, _CLOSERS))


def closes_open_bracket(above: str, fragment: str) -> bool:
    """True when `above` ends inside a bracket that `fragment` closes before opening another.

    >>> closes_open_bracket("4 甲公司（原乙公司，已更", "名） 平台运营机构")
    True
    >>> closes_open_bracket("甲公司（原乙公司）", "名）"), closes_open_bracket("甲（注", "2 乙")
    (False, False)
    """
    closer, opener = _CLOSER.search(fragment), _OPENER.search(fragment)
    if open_brackets(above) <= 0 or closer is None:
        return False
    return opener is None or closer.start() < opener.start()


def join_open_brackets(lines: list[str]) -> list[str]:
    """Lines joined while a bracket is still open.

    >>> join_open_brackets(["甲公司（原乙公司，已更", "名）", "丙公司"])
    ['甲公司（原乙公司，已更名）', '丙公司']
    """
    joined: list[str] = []
    for line in lines:
        if joined and open_brackets(joined[-1]) > 0:
            joined[-1] += line
        else:
            joined.append(line)
    return joined
