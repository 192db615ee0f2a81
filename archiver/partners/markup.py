"""A page's markup made to say what it shows, before it is read. Pure (lxml).

Each step rewrites what a reader of the screen sees differently from the tree: blocks hidden
from everyone (cloaked.py), text drawn in SVG (svgtext.py), a struck-through former name with
its new name on the next line (struck.py), and what a web component draws in its shadow root,
kept as a declarative shadow root (``<template shadowrootmode="open">``, as the capture writes
it): shown on the screen, so read in place like any other content. A name cut short on the
screen ("上海携程金融信息…") whose element carries it whole in its tooltip (``title``) is the
whole name: the page shows it on hover. A read-only form field shows its value as text
("<input readonly value='甲公司'>" on a page that displays a record as a form). Rows drawn
in a colour the page's legend gives a status ("灰色底纹为已暂停合作机构") carry it (colours.py).
"""

from __future__ import annotations

import re

from lxml import html

from archiver.partners.cloaked import drop_cloaked
from archiver.partners.colours import mark_coloured_rows
from archiver.partners.struck import new_name_beside
from archiver.partners.svgtext import svg_as_lines


def tidy(root: html.HtmlElement) -> None:
    """Rewrite `root` in place (see the module's docstring)."""
    open_shadow_roots(root)
    drop_cloaked(root)
    svg_as_lines(root)
    new_name_beside(root)
    whole_shortened_names(root)
    shown_field_values(root)
    mark_coloured_rows(root)


def shown_field_values(root: html.HtmlElement) -> None:
    """Replace each read-only (or disabled) text field by a span of its value: the page shows
    the value as text. Hidden fields, buttons and fields a visitor types into are left alone.

    >>> root = html.fromstring("<div><label>机构名称</label><input readonly value='甲有限公司'>"
    ...     "<input type='hidden' value='tok'><input value='请输入'></div>")
    >>> shown_field_values(root); [span.text for span in root.iter("span")]
    ['甲有限公司']
    """
    for field in root.xpath("//input[@value][@readonly or @disabled]"):
        if str(field.get("type", "text")).lower() not in ("text", ""):
            continue
        span = html.Element("span")
        span.text, span.tail = str(field.get("value")), field.tail
        field.getparent().replace(field, span)


def open_shadow_roots(root: html.HtmlElement) -> None:
    """Unwrap each declarative shadow root (``<template shadowrootmode>``, as the capture
    writes a web component's) in place: its content is shown, so it is content."""
    for shadow in root.xpath("//template[@shadowrootmode or @shadowroot]"):
        shadow.drop_tag()


_ELLIPSIS = re.compile(r"\s*(?:…+|\.{3,}|。{3,})\s*$")


def whole_shortened_names(root: html.HtmlElement) -> None:
    """Give an element whose text is cut short with an ellipsis the whole text of its
    ``title``, when the title starts with what is shown.

    >>> root = html.fromstring('<div><a title="上海甲乙信息科技有限公司">上海甲乙信息…</a></div>')
    >>> whole_shortened_names(root); root.text_content()
    '上海甲乙信息科技有限公司'
    >>> root = html.fromstring('<div><a title="查看详情">更多…</a></div>')
    >>> whole_shortened_names(root); root.text_content()
    '更多…'
    """
    for element in root.xpath("//*[@title]"):
        shown = "".join(element.itertext()).strip()
        whole = " ".join(str(element.get("title")).split())
        head = _ELLIPSIS.sub("", shown)
        if head == shown or len(head) < 2 or not whole.startswith(head) or len(whole) <= len(head):
            continue
        for child in list(element):
            element.remove(child)
        element.text = whole
