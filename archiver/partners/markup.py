"""A page's markup made to say what it shows, before it is read. Pure (lxml).

Each step rewrites what a reader of the screen sees differently from the tree: blocks hidden
from everyone (cloaked.py), text drawn in SVG (svgtext.py), a struck-through former name with
its new name on the next line (struck.py), and what a web component draws in its shadow root,
kept as a declarative shadow root (``<template shadowrootmode="open">``, as the capture writes
it): shown on the screen, so read in place like any other content.
"""

from __future__ import annotations

from lxml import html

from archiver.partners.cloaked import drop_cloaked
from archiver.partners.struck import new_name_beside
from archiver.partners.svgtext import svg_as_lines


def tidy(root: html.HtmlElement) -> None:
    """Rewrite `root` in place (see the module's docstring)."""
    open_shadow_roots(root)
    drop_cloaked(root)
    svg_as_lines(root)
    new_name_beside(root)


def open_shadow_roots(root: html.HtmlElement) -> None:
    """Unwrap each declarative shadow root (``<template shadowrootmode>``, as the capture
    writes a web component's) in place: its content is shown, so it is content."""
    for shadow in root.xpath("//template[@shadowrootmode or @shadowroot]"):
        shadow.drop_tag()
