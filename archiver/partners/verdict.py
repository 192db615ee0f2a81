"""Judgements over what was read: a termination notice, an announcement index, a list that
is visibly cut short. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archiver.dates import YEAR_MONTH
from archiver.partners.names import LEGAL_FORMS, clean_text, match_key
from archiver.partners.rows import Row, StatedCount

_ALL = r"(?:全部|所有|一切|任何|各类|各|上述全部)"
# Said of the whole business, never of one named company ("终止与上海X公司的合作" is not it).
_TERMINATION = re.compile(
    rf"终止(?:与|了)?{_ALL}?(?:合作机构|机构|合作方)?(?:的|之间的)?(?:互联网)?(?:助贷|贷款)?(?:业务)?合作"
    rf"|(?:已|均已|现已|全部)(?:终止|停止|暂停|结束)(?:与)?{_ALL}(?:合作机构|机构|合作方)?"
    r".{0,8}?(?:合作|助贷|业务)"
    r"|(?:已|现已|全面)?(?:终止|停止|暂停|退出)(?:开展)?(?:互联网)?助贷业务"
    rf"|不再(?:与{_ALL}|开展|新增).{{0,16}}?(?:助贷|合作|互联网贷款)"
    r"|暂无(?:互联网)?(?:助贷)?(?:业务)?(?:合作机构|合作方|合作)"
    r"|(?:合作机构|名单)(?:为空|[:：]\s*无$|已清空)"
    r"|(?:目前|当前|现)(?:我行|本行|我司|本公司|我公司)?(?:未|没有|暂未|无)(?:与任何机构)?(?:开展|合作)"
    r"|(?:未|没有|暂未|尚未)开展(?:互联网)?助贷业务"
    rf"|(?:未|没有|暂未|尚未)与{_ALL}.{{0,24}}?(?:开展|建立).{{0,8}}?合作"
)
_INDEX_ENTRY = re.compile(r"(?:关于|公告|通知|公示|声明|披露|报告)")
_DATE_IN_LINE = re.compile(rf"{YEAR_MONTH}|\d{{1,2}}[-/]\d{{1,2}}")


def is_termination_notice(lines: Iterable[str]) -> bool:
    """True when the text says cooperation ended, or that there are no partners now.

    >>> is_termination_notice(["自2025年10月1日起，我行已终止与全部合作机构的助贷业务合作。"])
    True
    >>> is_termination_notice(["关于调整互联网助贷业务合作机构名单的公告"])
    False
    >>> is_termination_notice(["截至2025年9月30日，本行未开展互联网助贷业务。"])
    True
    >>> is_termination_notice(["3. 北京甲乙科技有限公司（已终止合作），平台运营机构"])
    False
    """
    texts = [clean_text(line) for line in lines]
    if looks_like_index(texts):
        return False
    return any(_says_all_ended(text) for text in texts)


def _says_all_ended(text: str) -> bool:
    """A bare "终止合作" beside a company's name is that company's mark, not the business's."""
    for found in _TERMINATION.finditer(text):
        bare = re.fullmatch(r"终止了?合作", found.group(0)) is not None
        if not (bare and LEGAL_FORMS.search(text)):
            return True
    return False


def looks_like_index(lines: list[str]) -> bool:
    """An announcement list: many dated titles, one per line."""
    dated_titles = sum(
        1 for line in lines if _DATE_IN_LINE.search(line) and _INDEX_ENTRY.search(line)
    )
    return dated_titles >= 3


def truncation(rows: list[Row], counts: list[StatedCount], numbering: list[int]) -> str:
    """Why the list looks cut short ("" when it does not).

    >>> truncation([], [], [1, 2, 3, 7, 8])
    'numbering jumps from 3 to 7'
    """
    for stated in counts:
        read = _distinct(
            row for row in rows if stated.scope == "document" or stated.scope in row.scopes
        )
        if stated.count > 0 and read < stated.count:
            return f"the page states {stated.text.strip()} but {read} partners were read"
    return _numbering_gap(numbering)


def _distinct(rows: Iterable[Row]) -> int:
    return len({match_key(row.name) for row in rows})


def _numbering_gap(numbering: list[int]) -> str:
    previous: int | None = None
    for number in numbering:
        if previous is None:
            if number > 1:
                return f"numbering starts at {number}"
        elif number > previous + 1:
            return f"numbering jumps from {previous} to {number}"
        if previous is None or number == 1 or number > previous:
            previous = number
    return ""
