"""Cloaked blocks: text a page hides from every reader and nothing on it can show. Pure (lxml).

An SEO or honeypot block (<div style="display:none" aria-hidden="true"> of links for bots)
names companies the institution never showed anyone. Hidden blocks are otherwise read: a tab
pane, a modal dialog or a "查看更多" part is hidden until a click shows it (dom._tabs). So a
block is cloaked only when it is hidden both from sight (the hidden attribute, an inline
display:none or visibility:hidden) and from assistive technology (aria-hidden="true"), no
control or script of the page names it (its id or one of its classes) and no control right
before it ("展开全部") shows it.
"""

from __future__ import annotations

import re

from lxml import html

_TOGGLE_WORDS = re.compile(r"展开|收起|查看|更多|显示|全部")
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
    cloaked = [element for element in root.iter() if _hidden_from_all(element)]
    if not cloaked:
        return
    names = _names_in_use(root)
    for element in cloaked:
        handles = {str(element.get("id", "")).strip(), *str(element.get("class", "")).split()}
        named = any(handle and handle in names for handle in handles)
        if element.getparent() is not None and not named and not _after_a_toggle(element):
            element.drop_tree()


def _after_a_toggle(element: html.HtmlElement) -> bool:
    """Whether a control right before the block shows it ("<a onclick=…>展开全部</a>", a
    script finding its next sibling): a part hidden until clicked, not a cloak."""
    control = element.getprevious()
    if control is None or not isinstance(control.tag, str):
        return False
    text = " ".join(control.text_content().split())
    return control.get("onclick") is not None or (
        len(text) <= 10 and bool(_TOGGLE_WORDS.search(text))
    )


def _hidden_from_all(element: html.HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.get("aria-hidden", "").strip() != "true":
        return False
    return element.get("hidden") is not None or bool(
        _HIDDEN_STYLE.search(str(element.get("style", "")))
    )


def _names_in_use(root: html.HtmlElement) -> str:
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
