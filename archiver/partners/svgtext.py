"""Text drawn in an SVG: a list shown as a picture whose words are still text. Pure (lxml).

An infographic of the partner list (<svg><text x=40 y=90>甲公司</text><text x=520 y=90>平台
运营机构</text>…) is read as the lines it shows: the texts on one baseline (the same y) are one
line, left to right, lines top to bottom. A drawing with no Chinese text (a logo, an icon) is
left as it is (dom skips it).
"""

from __future__ import annotations

import re

from lxml import html

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def svg_as_lines(root: html.HtmlElement) -> None:
    """Replace each SVG that draws Chinese text by a block of the lines it draws.

    >>> page = html.fromstring(
    ...     "<div><svg><text x='40' y='90'>甲科技有限公司</text><text x='520' y='90'>平台运营机构"
    ...     "</text><text x='40' y='140'>乙担保有限公司</text></svg></div>")
    >>> svg_as_lines(page)
    >>> [p.text for p in page.iter("p")]
    ['甲科技有限公司 平台运营机构', '乙担保有限公司']
    """
    for svg in [e for e in root.iter("svg") if e.getparent() is not None]:
        texts = [t for t in svg.iter("text") if _CJK.search(t.text_content() or "")]
        if not texts:
            continue
        rows: dict[float, list[tuple[float, str]]] = {}
        for order, text in enumerate(texts):
            y, x = _coordinate(text, "y", float(order)), _coordinate(text, "x", 0.0)
            rows.setdefault(y, []).append((x, " ".join((text.text_content() or "").split())))
        block = html.Element("div")
        for y in sorted(rows):
            line = html.Element("p")
            line.text = " ".join(words for _, words in sorted(rows[y]) if words)
            block.append(line)
        block.tail = svg.tail
        parent = svg.getparent()
        assert parent is not None
        parent.replace(svg, block)


def _coordinate(text: html.HtmlElement, axis: str, default: float) -> float:
    found = _NUMBER.match(str(text.get(axis, "")).strip())
    return float(found.group(0)) if found else default
