"""A list's change log, a table of its own under the list ("名单变更记录": 变更日期 | 变更事项 |
涉及机构 | 说明). Pure.

Its rows repeat names the list already shows; what they state is read as notes, never as
partners of the list: a rename row ("甲公司 → 乙公司", 机构更名) gives the new name its former
one, an ended row (终止合作, 退出) gives that partner as ended, and a row that adds a partner
(新增) says nothing the list does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.partners.annotations import is_ended, markers_in
from archiver.partners.names import clean_text, looks_like_org
from archiver.partners.prose import ended_in_prose

_CHANGE_LABEL = re.compile(
    r"^(?:变更|调整|变动|更新|修订|修改)(?:事项|类型|内容|情况|方式|说明|原因|记录)?$"
)
_WHEN_LABEL = re.compile(r"日期|时间")
# "甲公司 → 乙公司", "甲公司更名为乙公司": the old name, then the new one
_TO = re.compile(r"\s*(?:→|->|—>|－>|➝|➔|⇒|=>|变更为|更名为)\s*")


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """What one row of a change log states: a rename (old, new) or an ended partner."""

    name: str
    former: str = ""
    ended: str = ""  # the words that end it ("终止合作")


def change_log(rows: tuple[tuple[str, ...], ...]) -> list[LoggedChange] | None:
    """The renames and ends a change log's rows state, or None when the table is no log.

    >>> rows = (("变更日期", "变更事项", "涉及机构"),
    ...     ("2025-11-20", "终止合作", "北京甲乙科技有限公司"),
    ...     ("2025-08-25", "机构更名", "福州丙融资担保有限公司 → 福州丁融资担保有限公司"),
    ...     ("2025-07-01", "新增", "上海戊己信息科技有限公司"),
    ...     ("2025-06-30", "终止与北京庚辛科技有限公司合作"))
    >>> for change in change_log(rows): print(change)
    LoggedChange(name='北京甲乙科技有限公司', former='', ended='终止合作')
    LoggedChange(name='福州丁融资担保有限公司', former='福州丙融资担保有限公司', ended='')
    LoggedChange(name='北京庚辛科技有限公司', former='', ended='已终止合作')
    >>> change_log((("序号", "机构名称", "合作类型"),)) is None
    True
    """
    labels = [clean_text(cell) for cell in rows[0]] if rows else []
    if not any(_CHANGE_LABEL.match(label) for label in labels) or not any(
        _WHEN_LABEL.search(label) for label in labels
    ):
        return None
    changes = []
    for row in rows[1:]:
        cells = [clean_text(cell) for cell in row if cell.strip()]
        renamed = [
            parts
            for cell in cells
            if len(parts := _TO.split(cell)) == 2 and all(map(looks_like_org, parts))
        ]
        names = [cell for cell in cells if looks_like_org(cell)]
        marks = markers_in(" ".join(cell for cell in cells if not looks_like_org(cell)))
        if renamed:
            changes.append(LoggedChange(renamed[0][1], former=renamed[0][0]))
        elif len(names) == 1 and is_ended(marks):
            action = next(c for c in cells if not looks_like_org(c) and is_ended(markers_in(c)))
            changes.append(LoggedChange(names[0], ended=action))
        else:  # "终止与甲公司合作": the row's change is one sentence
            stated = [found for cell in cells for found in ended_in_prose(cell)]
            changes.extend(LoggedChange(name, ended=words) for name, words in stated)
    return changes
