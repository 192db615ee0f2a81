"""Superseded lists: the earlier versions a page keeps beside its current list. Pure.

A page may carry, below or above the list in force, the lists it replaced: in a collapsed
<details> ("历史版本：2025年第二季度（已失效）"), in a block headed "往期名单", or under a heading
"已废止". Only the current list names the partners; a superseded one is neither current nor
ended (a partner it alone names was dropped when the list changed, and said so then), so its
rows are not read at all. A heading that says a list is in force ("现行名单", "最新版本") ends
a superseded part. Ended partners of the current list ("已终止合作机构") are a status of the
list in force, never a superseded list (headings.status_heading).
"""

from __future__ import annotations

import re

from lxml import html

from archiver.partners.blocks import LineKind
from archiver.partners.names import clean_text, looks_like_org

# Words that say a list or a file is no longer in force: one vocabulary for the parts of a page
# (here) and for attachments (superseded_files). A bare verb is no mark ("关于废止…的通知" is a
# notice); a state (已废止) or a bracketed mark ("（作废）") is.
NO_LONGER_IN_FORCE = re.compile(
    r"历史(?:版本|名单|公示|公告|记录|信息)|往期|以往(?:名单|版本|公示)|过往(?:名单|版本)"
    r"|旧版|原版本|上一?期名单|已(?:失效|废止|作废|过期|被替代|被取代|替换|停止(?:使用|执行))"
    r"|已被[^，,。；;]{1,16}?(?:替代|取代|替换)"  # "（已被2025年11月版替代）"
    r"|(?:停止|不再)(?:使用|执行|有效|生效)|[（(【\[]\s*(?:废止|作废|失效|过期)\s*[）)】\]]"
)
_IN_FORCE = re.compile(r"现行|最新|当前|本期|现有|目前|正在|有效名单|生效名单")
_NOTE = re.compile(r"^(?:注|备注|说明)|[，,。；;]")  # a note or a sentence is no heading
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")  # "（已废止，仅供查阅）": a mark, not a sentence
_ITEM = re.compile(r"^\d{1,3}(?:\s*[.、．)）]|\s)|^[（(]\d{1,3}[)）]")  # a numbered list item
_PIECES = re.compile(r"[\s:：（）()]")
_LISTED = re.compile(r"名单|版本|公示|公告|清单|目录|[年季月]")  # what a superseded heading names
_HEADING_TAGS = frozenset(["h2", "h3", "h4", "h5", "h6", "summary", "legend"])
_MAX_HEADING = 40


def says_superseded(text: str) -> bool:
    """A heading that says what follows is a list no longer in force.

    >>> says_superseded("历史版本：2025年第二季度（已失效）"), says_superseded("往期名单")
    (True, True)
    >>> says_superseded("2025年第三季度（现行）"), says_superseded("已终止合作机构")
    (False, False)
    >>> says_superseded("合作机构名单（作废）"), says_superseded("关于废止部分业务规则的通知")
    (True, False)
    >>> says_superseded("生效日期：2025年6月30日（已被2025年11月版替代）")
    True
    >>> says_superseded("3 甲乙科技有限公司 已失效"), says_superseded("甲乙科技有限公司 已作废")
    (False, False)
    """
    cleaned = clean_text(text)
    if not cleaned or len(cleaned) > _MAX_HEADING or _ITEM.match(text.strip()):
        return False
    if any(looks_like_org(piece) for piece in _PIECES.split(text) if piece):
        return False  # a partner's row with its status ("甲有限公司 已失效"), no heading
    return bool(NO_LONGER_IN_FORCE.search(cleaned)) and not _IN_FORCE.search(cleaned)


def says_in_force(text: str) -> bool:
    """A heading that says what follows is the list in force ("现行名单", "本期（最新）").

    >>> says_in_force("2025年第三季度（现行）"), says_in_force("深圳市分期乐网络科技有限公司")
    (True, False)
    """
    cleaned = clean_text(text)
    if not cleaned or len(cleaned) > _MAX_HEADING or looks_like_org(cleaned):
        return False
    return bool(_IN_FORCE.search(cleaned)) and not NO_LONGER_IN_FORCE.search(cleaned)


def is_superseded_block(element: html.HtmlElement, tag: str) -> bool:
    """A block whose own heading, its first child, says it holds a superseded list: a
    <details> with its <summary>, a <fieldset> with its <legend>, a <div> or <section>
    opened by an <h2>…<h6>."""
    if tag not in ("details", "fieldset", "div", "section"):
        return False
    first = next((child for child in element if isinstance(child.tag, str)), None)
    if first is None or str(first.tag).lower() not in _HEADING_TAGS:
        return False
    if (element.text or "").strip():
        return False  # text before the heading: the heading is not the block's own
    return says_superseded(first.text_content())


class SupersededPart:
    """Whether the reader stands in a superseded part of a document, headed by a line."""

    def __init__(self) -> None:
        self.active = False

    def skips(self, text: str, kind: LineKind) -> bool:
        """Whether a line is skipped: a superseded heading and what follows it, until a
        heading says the list in force. A line that is no heading by its markup must name
        what it heads (名单, 版本, a date): "状态：已失效" is a field, not a heading.

        >>> part = SupersededPart()
        >>> part.skips("状态：已失效", LineKind.TEXT), part.skips("往期名单", LineKind.TEXT)
        (False, True)
        >>> part.skips("甲乙科技有限公司", LineKind.TEXT), part.skips("现行名单", LineKind.TEXT)
        (True, False)
        >>> part.skips("附录：2024年版合作机构名单（已废止，仅供查阅）", LineKind.TEXT)
        True
        """
        unbracketed = _BRACKETED.sub("", text)
        heading = kind is LineKind.HEADING or (
            len(text) <= _MAX_HEADING
            and not _NOTE.search(unbracketed)
            and bool(_LISTED.search(text))
        )
        if heading and says_superseded(text):
            self.active = True
        elif heading and self.active and says_in_force(text):
            self.active = False
        return self.active


# A tab labelled by a year alone ("2025年名单", "2026年度", "2025版"): one edition of the list.
_YEAR_TAB = re.compile(r"^((?:19|20)\d{2})\s*(?:年度?|版)?\s*(?:合作机构)?\s*(?:名单|版本|公示)?$")


def year_tabs(labels: list[str]) -> list[str] | None:
    """Labels for tabs named by distinct years, or None when they are not: the newest year's
    tab is the list in force, every other one a superseded edition.

    >>> year_tabs(["2025年名单", "2026年名单"])
    ['2025年名单（往期）', '2026年名单（现行）']
    >>> year_tabs(["平台运营机构", "2025年名单"]) is None
    True
    """
    years = [_YEAR_TAB.match(clean_text(label)) for label in labels]
    found = [int(match.group(1)) for match in years if match]
    if len(found) != len(labels) or len(set(found)) != len(found):
        return None
    newest = max(found)
    return [
        f"{label}（现行）" if year == newest else f"{label}（往期）"
        for label, year in zip(labels, found, strict=True)
    ]
