"""Names struck through (<s>, <del>, text-decoration: line-through): a partnership ended, or
a former name beside the new one. Pure (lxml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import html

from archiver.partners.annotations import read
from archiver.partners.names import looks_like_org

# A name struck through (<s>, <del>, text-decoration: line-through) with no words beside it:
# the page's way of saying the partnership ended.
STRUCK_MARK = "（已终止合作）"
_STRUCK_TAGS = frozenset({"s", "del", "strike"})
_LINE_THROUGH = re.compile(r"text-decoration[^;]*line-through", re.IGNORECASE)


def struck_without_words(element: html.HtmlElement) -> bool:
    """Whether an element strikes through an organisation's name and no words that say
    something (a status, a former name) follow it: a category or product beside it is no
    such words.

    >>> struck_without_words(html.fromstring("<li><s>甲乙科技有限公司</s></li>")[0])
    True
    >>> struck_without_words(html.fromstring("<li><del>甲乙科技有限公司</del>（已暂停）</li>")[0])
    False
    >>> struck_without_words(html.fromstring("<li><s>甲乙科技有限公司</s>（平台运营）</li>")[0])
    True
    """
    if not is_struck(element):
        return False
    tail = (element.tail or "").strip(" \t\n（）()")
    if tail and (looks_like_org(tail) or read(tail).says_anything):
        return False  # the words beside it speak ("（已暂停）"); a category beside it does not
    return looks_like_org(re.sub(r"\s+", "", "".join(element.itertext())))


def struck_rename(element: html.HtmlElement) -> str:
    """ "新名称（原名称：旧名称）" for a struck-through name followed by another name (the old
    name crossed out before the new one), or "".

    >>> struck_rename(html.fromstring("<td><del>甲乙科技有限公司</del> 丙丁科技有限公司</td>")[0])
    '丙丁科技有限公司（原名称：甲乙科技有限公司）'
    """
    if not is_struck(element):
        return ""
    old = re.sub(r"\s+", "", "".join(element.itertext()))
    new = re.sub(r"\s+", "", element.tail or "")
    return f"{new}（原名称：{old}）" if looks_like_org(old) and looks_like_org(new) else ""


def new_name_beside(root: html.HtmlElement) -> None:
    """ "<del>旧名称</del><br>新名称": the new name under the struck one is the text beside it
    (the line break goes), so the struck name reads as its former name (`struck_rename`).

    >>> cell = html.fromstring("<td><del>甲乙科技有限公司</del><br>丙丁科技有限公司</td>")
    >>> new_name_beside(cell)
    >>> struck_rename(cell[0])
    '丙丁科技有限公司（原名称：甲乙科技有限公司）'
    """
    for element in [e for e in root.iter() if isinstance(e.tag, str) and is_struck(e)]:
        following = element.getnext()
        if (element.tail or "").strip() or following is None or following.tag != "br":
            continue
        new = (following.tail or "").strip()
        if looks_like_org(re.sub(r"\s+", "", new)) and following.getnext() is None:
            element.tail = f" {new}"
            element.getparent().remove(following)


def struck_runs(runs: Sequence[tuple[str, bool]]) -> str:
    """The text of a document's runs, some struck through (Word's w:strike, a spreadsheet
    cell's struck font), read as a struck element is: a struck name with no words after it
    gets `STRUCK_MARK`; a struck name followed by another name is the new name's former one.

    >>> struck_runs([("1. ", False), ("甲乙科技有限公司", True)])
    '1. 甲乙科技有限公司（已终止合作）'
    >>> struck_runs([("甲乙科技有限公司", True), (" 丙丁科技有限公司", False)])
    '丙丁科技有限公司（原名称：甲乙科技有限公司）'
    >>> struck_runs([("甲乙科技有限公司", True), ("（暂停合作）", False)])
    '甲乙科技有限公司（暂停合作）'
    """
    merged: list[list[Any]] = []
    for text, struck in runs:
        if merged and merged[-1][1] == struck:
            merged[-1][0] += text
        elif text:
            merged.append([text, struck])
    out: list[str] = []
    index = 0
    while index < len(merged):
        text, struck = merged[index]
        after = merged[index + 1][0] if index + 1 < len(merged) else ""
        old, new = re.sub(r"\s+", "", text), re.sub(r"\s+", "", after)
        index += 1
        if struck and looks_like_org(old) and looks_like_org(new):
            out.append(f"{new}（原名称：{old}）")
            index += 1
            continue
        out.append(text)
        said = after.strip(" \t\n（）()")
        if struck and looks_like_org(old) and not (said and read(said).says_anything):
            out.append(STRUCK_MARK)
    return "".join(out)


def is_struck(element: html.HtmlElement) -> bool:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    return tag in _STRUCK_TAGS or bool(_LINE_THROUGH.search(element.get("style") or ""))
