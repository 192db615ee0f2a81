"""The names in one name cell of a table: several lines, or names separated by 、/ and ；, a
name wrapped inside a narrow cell joined again, an English translation under or after the
Chinese name left out. Pure.
"""

from __future__ import annotations

import re

from archiver.partners.names import (
    LEGAL_TAIL,
    clean_text,
    fold_legal_form,
    is_generic,
    lift_qualifier,
    looks_like_org,
    region_prefix,
    unglued,
)
from archiver.partners.records import published
from archiver.partners.tables import name_like, strip_number

_BRANCH_TAIL = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:分公司|支公司|分行|支行|营业部)")
_LATIN_ONLY = re.compile(r"^[\x20-\x7e（）]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TRAILING = " \t。.;；,，、"
_ABBREVIATED = re.compile(r"\b(?:Ltd|Co|Inc|Corp|Pte|Bhd|Plc|L\.?L\.?C)\.$", re.IGNORECASE)


def _unpunctuated(piece: str) -> str:
    """A line of a name cell without the punctuation around it; the full stop of an English
    legal form ("Co., Ltd.") is the name's own.

    >>> _unpunctuated("甲乙科技有限公司。"), _unpunctuated("Jia Technology Co., Ltd.；")
    ('甲乙科技有限公司', 'Jia Technology Co., Ltd.')
    """
    stripped = piece.strip(_TRAILING)
    kept = piece.strip().rstrip(" \t;；,，、")
    return kept if _ABBREVIATED.search(kept) else stripped


def split_names(cell: str, *, known: set[str]) -> list[str]:
    """The names in one name cell: several lines or 、-separated names, wrapped lines joined.

    >>> split_names("重庆市蚂蚁小微小额贷款有限\\n公司", known=set())
    ['重庆市蚂蚁小微小额贷款有限公司']
    >>> split_names("甲融资担保有限公司\\n（已暂停合作）\\n乙融资担保有限公司", known=set())
    ['甲融资担保有限公司（已暂停合作）', '乙融资担保有限公司']

    An English name after a slash is the same partner's translation:
    >>> split_names("上海甲信息科技有限公司 / Shanghai Jia Co., Ltd.", known=set())
    ['上海甲信息科技有限公司']

    A branch on the next line is the rest of the company's name, wrapped in a narrow cell:
    >>> split_names("子丑财产保险股份有限公司\\n北京分公司", known=set())
    ['子丑财产保险股份有限公司北京分公司']

    A line that starts with a place and names no company yet is the head of a wrapped name:
    >>> split_names("北京京东叁佰陆拾\\n度电子商务有限公司", known=set())
    ['北京京东叁佰陆拾度电子商务有限公司']
    """
    pieces = [_unpunctuated(strip_number(line.strip())[1]) for line in cell.split("\n")]
    pieces = [piece for piece in pieces if piece]
    joined: list[str] = []
    for piece in pieces:
        if joined and _continues(joined[-1], piece, known):
            joined[-1] = published(f"{joined[-1]}\n{piece}")
        else:
            joined.append(piece)
    joined = [
        line
        for index, line in enumerate(joined)
        if not (index and _LATIN_ONLY.match(line) and _CJK.search(joined[index - 1]))
    ]  # an English name under the Chinese one is a translation, not another partner
    names: list[str] = []
    for line in joined:
        parts = [_unpunctuated(p) for p in re.split(r"[、；;/／]|，(?=\S)", line)]
        parts = [p for p in parts if p]
        if any(_CJK.search(p) for p in parts):  # "甲有限公司 / Jia Co., Ltd.": a translation
            parts = [p for p in parts if not _LATIN_ONLY.match(p)]
        whole = parts[0] if len(parts) == 1 else line
        if len(parts) > 1 and all(name_like(clean_text(p), known) for p in parts):
            names.extend(parts)
        else:
            names.extend(unglued(whole, lambda piece: standalone_name(piece, known)))
    return names


def _continues(previous: str, piece: str, known: set[str]) -> bool:
    """True when `piece` is the rest of `previous` (a wrapped line or a bracketed note)."""
    text = clean_text(piece)
    if text.startswith(("（", "）")) or re.match(r"^(?:已|暂停|终止|注销|原名|曾用名)", text):
        return True
    if _BRANCH_TAIL.fullmatch(text) and looks_like_org(clean_text(previous)):
        return True  # "子丑财产保险股份有限公司" / "北京分公司": the branch's name wrapped
    before = clean_text(previous)
    if before.count("（") > before.count("）") or LEGAL_TAIL.fullmatch(text):
        return True  # an open bracket, or only the legal form, went to the next line
    if name_like(before, known) and not before.endswith("有限"):
        return False
    if 0 < region_prefix(before) <= len(before) - 2 and not region_prefix(text):
        return looks_like_org(before + text)  # "北京京东叁佰陆拾" + "度电子商务有限公司"
    if standalone_name(text, known):
        return False
    return looks_like_org(before + text) or len(text) <= 4


def standalone_name(text: str, known: set[str]) -> bool:
    """A complete name on its own, not the generic tail of a wrapped one (信息技术有限公司)."""
    cleaned = clean_text(text)
    if cleaned in known:
        return True
    if not looks_like_org(cleaned):
        return False
    core, _ = lift_qualifier(fold_legal_form(cleaned))
    return len(core) >= 2 and not is_generic(core)
