"""What the reader reads: partner rows as published, and the counts a page states. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archiver.dates import DATE
from archiver.models import Source, SourceKind
from archiver.partners.annotations import markers_in, parse_name
from archiver.partners.blocks import Line
from archiver.partners.names import clean_text, match_key

_COUNT = re.compile(
    r"(?:共|合计|总计|共计|共有|计|总数[:：]?)\s*(\d{1,4})\s*家|[（(]\s*(\d{1,4})\s*家\s*[)）]"
    r"|(\d{1,4})\s*家(?:合作|互联网|助贷|服务)*机构"
)
_AS_OF = re.compile(
    rf"(?:截至|截止|截止到|截止至|更新至|数据截至|(?:名单)?(?:更新|最后更新|最近更新)(?:日期|时间))"
    rf"\s*(?:日期)?[:：]?\s*({DATE})"
)

_LENDER = re.compile(r"银行|消费金融|信托|金融租赁|汽车金融|小额贷款")
# "甲农村商业银行股份有限公司　2025年11月": a lender's name and a date on one line is a signature
_SIGNATURE = re.compile(
    rf"^(?![\d（(一二三四五六七八九十])[^\s，,；;。：:]{{2,40}}?(?:{_LENDER.pattern})[^\s，,；;。：:]{{0,12}}\s*{DATE}\s*$"
)


def is_signature(text: str) -> bool:
    """True for a signature line: the lender's name, then the date it signed (never a partner).

    >>> is_signature("江苏江南农村商业银行股份有限公司　2025年11月")
    True
    >>> is_signature("甲乙科技有限公司 2025年11月"), is_signature("江南农商银行")
    (False, False)
    >>> is_signature("3.甲乙银行股份有限公司 2025年11月")  # a numbered item: a partner's row
    False
    """
    return _SIGNATURE.match(clean_text(text)) is not None


@dataclass(frozen=True, slots=True)
class Row:
    """One partner as read, before normalisation: every field as published."""

    name: str
    source: Source
    category_raw: str = ""
    products: tuple[str, ...] = ()
    period: str = ""
    hotline: str = ""
    remark: str = ""
    seq: int | None = None
    scopes: tuple[str, ...] = ()  # the section and the table this row counts towards
    credit_code: str = ""  # 统一社会信用代码 on the row, when the list gives one


@dataclass(frozen=True, slots=True)
class StatedCount:
    """A number of partners the page states (共52家), and what it counts."""

    count: int
    scope: str  # "document", "section 3" or a table
    text: str


@dataclass
class Section:
    """The category heading the reader is under, and what its counts count towards."""

    label: str = ""
    scope: str = "document"


def stated_counts(text: str, scope: str) -> list[StatedCount]:
    """The partner counts a text states ("共52家", "（6家）", "13家合作机构").

    >>> [c.count for c in stated_counts("平台运营机构（6家），增信服务机构共3家", "document")]
    [6, 3]
    """
    found = []
    for match in _COUNT.finditer(text):
        number = next(int(g) for g in match.groups() if g)
        found.append(StatedCount(number, scope, match.group(0)))
    return found


def as_of_date(text: str) -> str:
    """The date a list says it is current to ("截至2025年9月30日", "更新日期：2025-07-02"), or
    "".

    >>> as_of_date("更新日期：2025-07-02"), as_of_date("发布时间：2025-07-02")
    ('2025-07-02', '')
    """
    found = _AS_OF.search(text)
    return found.group(1) if found else ""


def with_stated_notes(
    rows: list[Row], renames: list[tuple[str, str]], statuses: list[tuple[str, str]]
) -> list[Row]:
    """The rows, with what notes elsewhere on the page state about them added to their
    remark where the row does not say it: a rename ("注：甲已更名为乙", on the row of the
    new name) and an ended mark ("注：甲已注销，…")."""
    former = {clean_text(new): old for old, new in renames}
    ended = {match_key(parse_name(name).name): status for name, status in statuses}
    result = []
    for row in rows:
        notes = [row.remark]
        old = former.get(clean_text(row.name))
        if old and old not in row.name and old not in row.remark:
            notes.append(f"原名称：{old}")
        status = ended.get(match_key(parse_name(row.name).name))
        if status and status not in row.name and status not in row.remark:
            notes.append(status)
        remark = "；".join(filter(None, notes))
        result.append(replace(row, remark=remark) if remark != row.remark else row)
    return result


def under_status(row: Row, status: str) -> Row:
    """A row under a status heading ("二、已终止合作的机构") carries the status, also when its
    remark cell says something else (a 终止日期 date); a row with a mark of its own keeps it."""
    if not status or markers_in(f"{row.name}{row.remark}"):
        return row
    return replace(row, remark=f"{status}；{row.remark}" if row.remark else status)


def ends_with_signer(rows: list[Row], index: int) -> bool:
    """True when the last row, read from the line just above a bare date, is the signer of
    the notice (a lender's name, or a plain name after numbered items), not a partner."""
    if index != len(rows) - 1 or index < 0:
        return False
    row, earlier = rows[index], rows[:index]
    bare = row.seq is None and not (row.hotline or row.products or row.period)
    plain = bare and not row.category_raw
    lender = bool(_LENDER.search(row.name))  # (its category may be the section's, above it)
    return (bare and lender) or (plain and bool(earlier and earlier[-1].seq is not None))


_PDF_LINE = re.compile(r"^page (\d+) line (\d+)")


def continues_record(rows: list[Row], index: int, number: int | None, line: Line) -> bool:
    """True when a PDF line without a number comes right after a numbered record's line (the
    next line of the same page): a cell wrapped inside that record (an address's tail
    "安金融中心" above the record's hotline and date), not a record of its own. A table that
    numbers its records numbers every one; a wrapped name is joined before (lines.join_wrapped).
    """
    if number is not None or not 0 <= index == len(rows) - 1 or rows[index].seq is None:
        return False
    source = rows[index].source
    above, here = _PDF_LINE.match(source.locator), _PDF_LINE.match(line.locator)
    if source.kind is not SourceKind.PDF_PAGE or above is None or here is None:
        return False
    return above.group(1) == here.group(1) and int(here.group(2)) == int(above.group(2)) + 1
