"""Disclosure quality of one institution, from what the archive saw. Pure.

The criteria follow NIFA's review (DOMAIN.md §1): the title should name the list, an update
time should be shown, updates should not overwrite the old list, names should be standard
legal names (no markers such as 已更名, no group or brand names), and each entry should give
its category, product and cooperation period.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from archiver.dates import DATE_OR_MONTH
from archiver.models import Category, ListStatus, Partner

_DATE = DATE_OR_MONTH
_UPDATE = re.compile(
    rf"(?:更新|截至|截止|发布|公告|公示|生效|调整)[^\n\d]{{0,10}}{_DATE}"
    rf"|{_DATE}\s*(?:更新|发布|起|公告)"
)
_ANY_DATE = re.compile(_DATE)
_LIST_TITLE = re.compile(
    r"[^\n。，,;；]{0,30}(?:合作机构|助贷)[^\n。，,;；]{0,12}(?:名单|信息|公示|清单|一览)"
    r"|[^\n。，,;；]{0,30}合作[^\n。，,;；]{0,12}名单"
)
_LEGAL_FORM = re.compile(r"(?:公司|有限合伙\)?|合伙企业|银行|分行|支行|合作社|事务所)$")
TOP_OF_TEXT = 300  # characters of the text where a heading would be


class Grade(StrEnum):
    """How one criterion came out."""

    PASS = "pass"  # noqa: S105 - a grade, not a password
    PARTIAL = "partial"
    FAIL = "fail"
    UNKNOWN = "unknown"  # the archive has not seen enough to say


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the scorecard."""

    key: str
    label: str
    grade: Grade
    detail: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Every criterion, and the score over those that could be judged."""

    criteria: tuple[Criterion, ...]

    @property
    def score(self) -> float:
        """1 per pass, 0.5 per partial."""
        return sum(
            1.0 if c.grade is Grade.PASS else 0.5 if c.grade is Grade.PARTIAL else 0.0
            for c in self.criteria
        )

    @property
    def out_of(self) -> int:
        """How many criteria could be judged."""
        return sum(c.grade is not Grade.UNKNOWN for c in self.criteria)

    @property
    def label(self) -> str:
        """E.g. "4.5/7", or "–" when nothing could be judged."""
        if not self.out_of:
            return "–"
        return f"{self.score:g}/{self.out_of}"


def update_time(text: str) -> str:
    """The phrase that dates the list (an update or as-of date), else any date, else "".

    >>> update_time("合作机构名单（截至2025年9月30日）")
    '截至2025年9月30日'
    >>> update_time("发布日期：2025-09-30")
    '发布日期:2025-09-30'
    >>> update_time("名单 2025.9")
    '2025.9'
    >>> update_time("公告")
    ''
    """
    folded = text.replace("：", ":")
    found = _UPDATE.search(folded) or _ANY_DATE.search(folded)
    return found.group(0).strip() if found else ""


def list_title(title: str, text: str) -> str:
    """The words that name the list, from the page title or the top of the text.

    >>> list_title("公告", "关于互联网贷款合作机构名单的公告\\n1. 蚂蚁")
    '关于互联网贷款合作机构名单'
    >>> list_title("公告", "公告\\n蚂蚁")
    ''
    """
    for where in (title, text[:TOP_OF_TEXT]):
        found = _LIST_TITLE.search(where)
        if found:
            return found.group(0).strip()
    return ""


def is_standard_name(partner: Partner) -> bool:
    """A full legal name with no status marker (not a group, brand or product).

    >>> name = "重庆度小满小额贷款有限公司"
    >>> is_standard_name(Partner(raw=name, name=name, match_key="k"))
    True
    >>> is_standard_name(Partner(raw="蚂蚁系", name="蚂蚁系", match_key="k"))
    False
    """
    return not partner.markers and bool(_LEGAL_FORM.search(partner.name))


def card(
    *,
    versions: int,
    title: str,
    list_title: str,
    update_time: str,
    overwrites: int,
    partners: Sequence[Partner],
    list_status: ListStatus | None,
) -> Scorecard:
    """The scorecard of one institution."""
    readable = list_status is ListStatus.OK and bool(partners)
    return Scorecard(
        criteria=(
            _title(versions, title, list_title),
            _update_time(versions, update_time),
            _history(versions, overwrites),
            _names(readable, partners),
            _share("category", "注明合作机构类别", readable, partners, _has_category),
            _share("product", "注明产品名称", readable, partners, lambda p: bool(p.products)),
            _share("period", "注明合作期间", readable, partners, lambda p: bool(p.period)),
        )
    )


def _title(versions: int, title: str, phrase: str) -> Criterion:
    label = "标题写明名单"
    if not versions:
        return Criterion("title", label, Grade.UNKNOWN, "尚无存档版本")
    if phrase:
        return Criterion("title", label, Grade.PASS, phrase)
    return Criterion("title", label, Grade.FAIL, f"标题为“{title or '（无）'}”，未写明名单")


def _update_time(versions: int, phrase: str) -> Criterion:
    label = "显示更新时间"
    if not versions:
        return Criterion("update_time", label, Grade.UNKNOWN, "尚无存档版本")
    if not phrase:
        return Criterion("update_time", label, Grade.FAIL, "页面未显示日期")
    if _UPDATE.search(phrase):
        return Criterion("update_time", label, Grade.PASS, phrase)
    return Criterion("update_time", label, Grade.PARTIAL, f"有日期 {phrase}，未说明是否为更新时间")


def _history(versions: int, overwrites: int) -> Criterion:
    label = "保留历史（未原地覆盖）"
    if versions < 2:
        return Criterion("history", label, Grade.UNKNOWN, "只见过一个版本")
    if overwrites:
        return Criterion("history", label, Grade.FAIL, f"同一地址上的名单被替换 {overwrites} 次")
    return Criterion("history", label, Grade.PASS, f"{versions} 个版本，未见原地覆盖")


def _names(readable: bool, partners: Sequence[Partner]) -> Criterion:
    label = "名称规范"
    if not readable:
        return Criterion("names", label, Grade.UNKNOWN, "未读到名单")
    odd = [p for p in partners if not is_standard_name(p)]
    detail = f"{len(partners) - len(odd)}/{len(partners)} 为规范全称"
    if odd:
        detail += "；例如 " + "、".join(p.raw for p in odd[:3])
    grade = (
        Grade.PASS if not odd else Grade.PARTIAL if len(odd) * 5 <= len(partners) else Grade.FAIL
    )
    return Criterion("names", label, grade, detail)


def _share(
    key: str,
    label: str,
    readable: bool,
    partners: Sequence[Partner],
    given: Callable[[Partner], bool],
) -> Criterion:
    if not readable:
        return Criterion(key, label, Grade.UNKNOWN, "未读到名单")
    count = sum(1 for p in partners if given(p))
    grade = Grade.PASS if count == len(partners) else Grade.PARTIAL if count else Grade.FAIL
    return Criterion(key, label, grade, f"{count}/{len(partners)}")


def _has_category(partner: Partner) -> bool:
    return partner.category is not Category.UNSPECIFIED
