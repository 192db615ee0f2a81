"""Cloaked blocks: text a page hides from every reader and nothing on it can show. Pure (lxml).

An SEO or honeypot block (<div style="display:none" aria-hidden="true"> of links for bots)
names companies the institution never showed anyone. Hidden blocks are otherwise read: a tab
pane, a modal dialog or a "查看更多" part is hidden until a click shows it (dom._tabs). So a
block is cloaked only when it is hidden both from sight (the hidden attribute, an inline
display:none or visibility:hidden) and from assistive technology (aria-hidden="true"), or
is a hidden copy of a table the page shows (the same header row: last edition's list kept in
the markup) or a hidden block that calls itself the old list ("旧版名单：", class="old-version"),
and no control or script of the page names it (its id or one of its classes) and no control
right before it ("展开全部") shows it.
"""

from __future__ import annotations

import re

from lxml import html

from archiver.partners.names import looks_like_org

_TOGGLE_WORDS = re.compile(r"展开|收起|查看|更多|显示|全部")
# a block's opening words that call what follows a superseded list ("旧版名单：", "往期名单")
_OLD_EDITION = re.compile(r"^(?:旧版|旧|原|往期|历史|停用|已停用|作废|已废止)的?(?:合作机构)?名单")
# an id or class that calls the block an old edition ("old-version", "list_bak", "prev2024")
_OLD_HANDLE = re.compile(
    r"^(?:.*[-_])?(?:old|older|legacy|obsolete|deprecated|expired|stale|outdated|backup|bak"
    r"|prev|previous)(?:$|[-_\d])",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)


def drop_cloaked(root: html.HtmlElement) -> None:
    """Remove every cloaked block of `root` (its tail text stays).

    >>> page = html.fromstring(
    ...     "<div><p>甲科技有限公司</p>"
    ...     "<div style='display:none' aria-hidden='true'><a href='/t/1'>乙有限公司</a></div>"
    ...     "<div id='m' style='display:none' aria-hidden='true'>丙有限公司</div>"
    ...     "<button data-target='#m'>查看名单</button></div>")
    >>> drop_cloaked(page)
    >>> [p.text_content() for p in page]
    ['甲科技有限公司', '丙有限公司', '查看名单']
    >>> page = html.fromstring("<div><a href='javascript:;'>展开全部</a>"
    ...     "<div style='display:none' aria-hidden='true'>丁有限公司</div></div>")
    >>> drop_cloaked(page)
    >>> page.text_content()
    '展开全部丁有限公司'
    """
    shown = _shown_tables(root)
    cloaked = [
        element
        for element in root.iter()
        if _hidden_from_all(element) or _hidden_old_copy(element, shown)
    ]
    if not cloaked:
        return
    names = names_in_use(root)
    for element in cloaked:
        if element.getparent() is not None and not shown_by_a_click(element, names):
            element.drop_tree()


def shown_by_a_click(element: html.HtmlElement, names: str) -> bool:
    """Whether a control can show the hidden `element`: a control or script of the page names
    it (its id or one of its classes, within `names`, see `names_in_use`), or a control right
    before it, or right after the table it is part of, shows it ("展开全部", "查看更多")."""
    handles = {str(element.get("id", "")).strip(), *str(element.get("class", "")).split()}
    named = any(
        handle and re.search(rf"(?<![\w-]){re.escape(handle)}(?![\w-])", names)
        for handle in handles
    )
    if named or _after_a_toggle(element):
        return True
    table = next((above for above in element.iterancestors("table")), None)
    return table is not None and _is_toggle(table.getnext())


def _after_a_toggle(element: html.HtmlElement) -> bool:
    """Whether a control right before the block shows it ("<a onclick=…>展开全部</a>", a
    script finding its next sibling): a part hidden until clicked, not a cloak."""
    return _is_toggle(element.getprevious())


def _is_toggle(control: html.HtmlElement | None) -> bool:
    if control is None or not isinstance(control.tag, str):
        return False
    text = " ".join(control.text_content().split())
    return control.get("onclick") is not None or (
        len(text) <= 10 and bool(_TOGGLE_WORDS.search(text))
    )


def _hidden_old_copy(element: html.HtmlElement, shown: tuple[set[str], set[str]]) -> bool:
    """A hidden block (display:none, the hidden attribute) holding a table headed as a shown
    table is, most of whose rows name what the shown tables name: the list's old edition kept
    in the markup, cloaked unless something shows it. (A tab pane of another category has the
    same header but other names.)

    >>> head = "<tr><th>序号</th><th>机构名称</th></tr>"
    >>> page = html.fromstring(f"<div><table>{head}<tr><td>1</td><td>甲乙科技有限公司</td></tr>"
    ...     f"</table><div style='display:none'><table>{head}<tr><td>1</td><td>甲乙科技有限公司"
    ...     "</td></tr><tr><td>2</td><td>丙丁科技有限公司</td></tr></table></div></div>")
    >>> drop_cloaked(page); "丙丁" in page.text_content()
    False

    So is a hidden block that opens by calling itself the old list:

    >>> page = html.fromstring("<div><p>甲乙科技有限公司</p><div style='display:none'>"
    ...     "<p>旧版名单：丙丁科技有限公司</p></div></div>")
    >>> drop_cloaked(page); page.text_content()
    '甲乙科技有限公司'

    And one whose markup calls it an old edition:

    >>> page = html.fromstring("<div><p>甲乙科技有限公司</p><div class='old-version' "
    ...     "style='display:none'><p>丙丁科技有限公司</p></div></div>")
    >>> drop_cloaked(page); page.text_content()
    '甲乙科技有限公司'
    """
    if not isinstance(element.tag, str) or not _hidden(element):
        return False
    if _OLD_EDITION.match(" ".join(element.text_content().split())):
        return True  # it says so itself: "旧版名单：甲、乙"
    handles = (str(element.get("id", "")), *str(element.get("class", "")).split())
    if any(_OLD_HANDLE.match(handle) for handle in handles):
        return True  # or its markup does: <div class="old-version" style="display:none">
    headers, cells = shown
    for table in element.iter("table"):
        rows = [_texts(tr) for tr in table.iter("tr")][1:]
        repeated = sum(bool(row & cells) for row in rows)
        if _header(table) in headers and rows and repeated * 2 >= len(rows):
            return True
    return False


def _shown_tables(root: html.HtmlElement) -> tuple[set[str], set[str]]:
    """The first-row texts and the cell texts of the tables no hidden block holds."""
    tables = [
        table
        for table in root.iter("table")
        if not any(_hidden(above) for above in table.iterancestors())
    ]
    cells = {text for table in tables for tr in table.iter("tr") for text in _texts(tr)}
    return {_header(table) for table in tables} - {""}, cells


def _texts(tr: html.HtmlElement) -> set[str]:
    """A row's cell texts that name an organisation (not numbers, not categories)."""
    texts = {"".join(cell.text_content().split()) for cell in tr if isinstance(cell.tag, str)}
    return {text for text in texts if looks_like_org(text)}


def _header(table: html.HtmlElement) -> str:
    row = next(table.iter("tr"), None)
    return "".join(row.text_content().split()) if row is not None else ""


def _hidden(element: html.HtmlElement) -> bool:
    return element.get("hidden") is not None or bool(
        _HIDDEN_STYLE.search(str(element.get("style", "")))
    )


def _hidden_from_all(element: html.HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.get("aria-hidden", "").strip() != "true":
        return False
    return _hidden(element)


def names_in_use(root: html.HtmlElement) -> str:
    """Every attribute value but ids and classes, and every script: where a control names what
    it shows."""
    parts: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script":
            parts.append(element.text or "")
        parts.extend(
            str(value) for key, value in element.attrib.items() if key not in ("id", "class")
        )
    return "\n".join(parts)
