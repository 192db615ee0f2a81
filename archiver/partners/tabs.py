"""Tab bars over a page's lists, and the pane each tab shows. Pure (lxml only).

A tab bar whose labels name categories ("平台运营机构 | 增信服务机构"), statuses ("现合作机构 |
已终止合作机构") or years ("2026年名单 | 2025年名单") heads its panes: each pane is read under
its tab's label, as under a heading, whichever pane the page happened to show.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import html

from archiver.partners.blocks import LineKind
from archiver.partners.categories import names_category
from archiver.partners.headings import heading_label, status_heading
from archiver.partners.names import looks_like_org
from archiver.partners.superseded import year_tabs

TextOf = Callable[[html.HtmlElement], str]
_MAX_TABS = 8
_TAB_REFERENCES = ("href", "data-tab", "data-target", "data-bs-target", "aria-controls", "data-id")


def _text(element: html.HtmlElement) -> str:
    return str(element.text_content())


def tab_panes(root: html.HtmlElement, text_of: TextOf) -> dict[html.HtmlElement, str]:
    """Tab bars whose tabs name categories ("平台运营机构 | 增信服务机构"), and their panes.

    Each pane maps to its tab's label; each bar maps to "" (its labels are not running text).
    A tab finds its pane by reference (href="#id", data-tab, aria-controls …), else by
    position among the elements that follow the bar (layui, most home-grown tab widgets).

    >>> root = html.fromstring(
    ...     "<div><ul><li>平台运营机构</li><li>增信服务机构</li></ul>"
    ...     "<div><div id=a>甲公司</div><div id=b>乙公司</div></div></div>")
    >>> [(pane.get("id"), label) for pane, label in tab_panes(root, _text).items()]
    [(None, ''), ('a', '平台运营机构'), ('b', '增信服务机构')]
    >>> tab_panes(html.fromstring(
    ...     "<div><div><span>人保财险</span><span>增信服务机构</span></div>"
    ...     "<div><p>机构全称：甲保险有限公司</p><p>客服电话：95518</p></div></div>"), _text)
    {}

    Tabs named by years ("2026年名单 | 2025年名单") are editions of one list: the newest is the
    list in force, the others superseded (superseded.year_tabs).
    >>> root = html.fromstring(
    ...     "<div><ul><li>2026年名单</li><li>2025年名单</li></ul>"
    ...     "<div><div>甲公司</div><div>乙公司</div></div></div>")
    >>> list(tab_panes(root, _text).values())
    ['', '2026年名单（现行）', '2025年名单（往期）']

    A widget that renders only the pane of the tab shown (Vue's v-if, React, a pane fetched on
    the click) has one pane after its bar: the current tab's.
    >>> root = html.fromstring(
    ...     "<div><div><span>现有合作机构</span><span class='tab on'>历史合作机构</span></div>"
    ...     "<div id=p><table><tr><td>甲公司</td></tr></table></div></div>")
    >>> [(pane.get("id"), label) for pane, label in tab_panes(root, _text).items()]
    [(None, ''), ('p', '历史合作机构')]
    """
    found: dict[html.HtmlElement, str] = {}
    for bar in root.iter("ul", "ol", "div"):
        tabs = [child for child in bar if isinstance(child.tag, str)]
        if not 2 <= len(tabs) <= _MAX_TABS or bar in found:
            continue
        labels = [_TAB_COUNT.sub("", " ".join(text_of(tab).split())) for tab in tabs]
        editions = year_tabs(labels)
        if editions is not None:
            labels = editions
        elif not _heads_lists(labels):
            continue
        panes = _referenced_panes(root, tabs) or _following_panes(bar, len(tabs))
        if panes is None:
            panes, labels = _current_pane(bar, tabs, labels)
        if not panes or all(_FIELD_LINE.match(text_of(pane).strip()) for pane in panes):
            continue  # a card's head ("人保财险 | 增信服务机构") over its field lines
        found[bar] = ""
        found.update(zip(panes, labels, strict=True))
    return found


# "机构全称：甲公司", "客服电话：95518": a card's field line, never a tab's pane.
_FIELD_LINE = re.compile(r"^[^\s:：\d]{2,10}[:：]")
# A tab of the partners in force beside an ended one ("现合作机构 | 已终止合作机构").
_CURRENT_TAB = re.compile(
    r"^(?:现|现行|当前|目前|现有|存续|正常|正在|有效)?合作(?:中|的)?(?:机构|单位|合作方)?(?:名单)?$"
    r"|^(?:现|现行|当前|目前|现有|存续|有效)(?:机构|单位|合作方)(?:名单)?$"
)
_TAB_COUNT = re.compile(r"\s*[（(]\s*(?:共\s*)?\d{1,4}\s*(?:家|个|条)?\s*[)）]$")  # "合作中（7）"


def _heads_lists(labels: list[str]) -> bool:
    """Tabs of categories or statuses, at least one naming a category or status outright."""
    return all(0 < len(label) <= 20 and _tab_label(label) for label in labels) and any(
        names_category(label) or _status_tab(label) for label in labels
    )


def _tab_label(label: str) -> bool:
    """A tab that names a category ("平台运营机构") or a status ("现合作机构", "已终止合作机构");
    an item that is an organisation's name ("甲融资担保有限公司") is a list item, never a tab."""
    if looks_like_org(label):
        return False
    return bool(
        names_category(label)
        or _status_tab(label)
        or _CURRENT_TAB.match(label)
        or heading_label(label)  # "其他合作机构"
        or _PRODUCT_TAB.match(label)  # "合作产品": a pane of the products beside the lists
    )


_PRODUCT_TAB = re.compile(r"^(?:合作|助贷|贷款)?产品(?:信息|名单|列表|介绍|公示)?$")


def _status_tab(label: str) -> bool:
    return bool(status_heading(label, LineKind.HEADING))


def _referenced_panes(
    root: html.HtmlElement, tabs: list[html.HtmlElement]
) -> list[html.HtmlElement] | None:
    panes = []
    for tab in tabs:
        pane = None
        for node in (tab, *tab.iterdescendants()):
            for attribute in _TAB_REFERENCES:
                ref = str(node.get(attribute, "")).strip().lstrip("#")
                if ref and re.fullmatch(r"[\w:.-]+", ref):
                    hits = root.xpath("//*[@id=$ref]", ref=ref)
                    pane = hits[0] if hits else None
                if pane is not None:
                    break
            if pane is not None:
                break
        if pane is None:
            return None
        panes.append(pane)
    return panes if len(set(panes)) == len(panes) else None


def _following_panes(bar: html.HtmlElement, count: int) -> list[html.HtmlElement] | None:
    """The panes after a tab bar: its next siblings, or the children of its next sibling."""
    after = [node for node in bar.itersiblings() if isinstance(node.tag, str)]
    inside = [node for node in after[0] if isinstance(node.tag, str)] if after else []
    for panes in (after[:count], inside):
        if len(panes) == count and len({n.tag for n in panes}) == 1 and all(map(_has_text, panes)):
            return panes
    return None


_CURRENT_CLASS = re.compile(
    r"(?:^|[\s_-])(?:active|current|cur|curr|on|selected|select|checked)(?:$|[\s_-])", re.I
)


def _current_pane(
    bar: html.HtmlElement, tabs: list[html.HtmlElement], labels: list[str]
) -> tuple[list[html.HtmlElement], list[str]]:
    """The one pane after a bar whose single current tab (class "on"/"active", aria-selected)
    it shows, with that tab's label; nothing when the bar marks no one tab current."""
    current = [index for index, tab in enumerate(tabs) if _is_current(tab)]
    after = [node for node in bar.itersiblings() if isinstance(node.tag, str)]
    if len(current) != 1 or not after or not _has_text(after[0]):
        return [], []
    if len(after) > 1 and after[1].tag == after[0].tag and _has_text(after[1]):
        return [], []  # panes of their own count: not one pane of the current tab
    return [after[0]], [labels[current[0]]]


def _is_current(tab: html.HtmlElement) -> bool:
    if tab.get("aria-selected") == "true":
        return True
    return any(
        _CURRENT_CLASS.search(str(node.get("class", "")))
        for node in (tab, *tab.iterchildren())
        if isinstance(node.tag, str)
    )


def _has_text(element: html.HtmlElement) -> bool:
    return bool("".join(element.itertext()).strip())
