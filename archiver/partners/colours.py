"""Statuses a page gives by colour: a legend says what a colour means ("灰色底纹为已暂停合作机构",
"灰色字体所示机构为已终止合作机构") and the rows drawn in that colour carry the status, their
text unchanged. Pure (lxml for pages; a PDF's coloured names come in from `documents`).

On a page the legend is a swatch (an element whose inline style gives a colour, followed by
the words) or the colour's name; a row (or list item) whose own inline style, or its cells',
draws that colour is marked as a bracketed status after its name ("甲公司（已暂停合作）"), the
way the page would have written it. Only a minority of a table's rows can be so marked: a
colour every other row has is striping, not a status.
"""

from __future__ import annotations

import re

from lxml import html

from archiver.models import Marker
from archiver.partners.annotations import markers_in
from archiver.partners.names import looks_like_org

_PHRASE = {  # the words a marked row gets, read back by the annotation grammar
    Marker.TERMINATED: "已终止合作",
    Marker.SUSPENDED: "已暂停合作",
    Marker.DEREGISTERED: "已注销",
}
_STYLE_COLOUR = re.compile(r"(background(?:-color)?|(?<![-\w])color)\s*:\s*([^;]+)", re.I)
# "灰色底纹为…", "灰色字体所示机构为…", "标灰的机构…": a colour, what it colours, what it means
_COLOUR_WORD = re.compile(
    r"标(灰|红|蓝|绿|黄)|(灰|红|蓝|绿|黄|橙|紫)色(底纹|背景|底色|填充|字体|文字|字|标注|标记|显示|标识)?"
)
_CLAUSE_END = re.compile(r"[；;。\n]")
_LEGEND_CHARS = 40


def legend(text: str) -> tuple[str, str, str] | None:
    """(colour family, what it colours: "text" / "background" / "", status words) when a
    clause of `text` says a colour marks ended or suspended partners.

    >>> legend("图例：灰色字体所示机构为已终止合作机构，仅存量业务结清前保留展示。")
    ('grey', 'text', '已终止合作')
    >>> legend("红色底纹为本期新增合作机构"), legend("灰色为暂停"), legend("红岭公司已终止合作")
    (None, ('grey', '', '已暂停合作'), None)
    """
    for clause in _CLAUSE_END.split(text):
        found = _COLOUR_WORD.search(clause)
        if found is None or len(clause) > 2 * _LEGEND_CHARS:
            continue
        markers = markers_in(clause[found.end() :])
        if not markers or markers[0] not in _PHRASE:
            continue
        part = found.group(3) or ""
        kind = "text" if part in ("字体", "文字", "字") else "background" if "底" in part else ""
        kind = "background" if part in ("背景", "填充") else kind
        colour = found.group(1) or found.group(2)
        return _FAMILY_OF_WORD[colour], kind, _PHRASE[markers[0]]
    return None


_FAMILY_OF_WORD = {
    "灰": "grey", "红": "red", "蓝": "blue", "绿": "green", "黄": "yellow", "橙": "red",
    "紫": "blue",
}  # fmt: skip


def family(value: str) -> str:
    """The colour family of a CSS colour value ("#d9d9d9", "rgb(136,136,136)", "gray"), or
    "" for black, white and what cannot be told.

    >>> [family(v) for v in ("#d9d9d9", "#888", "rgb(200, 30, 30)", "#fff", "black", "grey")]
    ['grey', 'grey', 'red', '', '', 'grey']
    """
    value = value.strip().lower().replace(" ", "").removesuffix("!important")
    named = {"gray": "grey", "grey": "grey", "silver": "grey", "darkgray": "grey",
             "lightgray": "grey", "red": "red", "blue": "blue", "green": "green",
             "yellow": "yellow"}  # fmt: skip
    if value in named:
        return named[value]
    rgb = _rgb(value)
    if rgb is None:
        return ""
    return rgb_family(*rgb)


def rgb_family(red: float, green: float, blue: float) -> str:
    """The family of a colour given as three 0-255 components (a PDF's fill colour too)."""
    high, low = max(red, green, blue), min(red, green, blue)
    if high - low < 28:
        return "grey" if 64 <= (high + low) / 2 <= 235 else ""
    if red == high and red - max(green, blue) > 60:
        return "red" if green < 150 else "yellow"
    if blue == high and blue - red > 40:
        return "blue"
    if green == high and green - red > 40:
        return "green"
    return ""


def _rgb(value: str) -> tuple[int, int, int] | None:
    hexa = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value)
    if hexa:
        digits = hexa.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    found = re.fullmatch(r"rgba?\((\d{1,3}),(\d{1,3}),(\d{1,3})(?:,[\d.]+)?\)", value)
    if found:
        return int(found.group(1)), int(found.group(2)), int(found.group(3))
    return None


def mark_coloured_rows(root: html.HtmlElement) -> None:
    """Give each row drawn in a colour the page's legend explains the legend's status, as a
    bracket after its name (see the module's docstring).

    >>> root = html.fromstring(
    ...     "<div><p>图例：<span style='background:#d9d9d9'></span>灰色底纹为已暂停合作机构；</p>"
    ...     "<table><tr><td>1</td><td>甲科技有限公司</td></tr><tr style='background:#d9d9d9'>"
    ...     "<td>2</td><td>乙科技有限公司</td></tr><tr><td>3</td><td>丙科技有限公司</td></tr>"
    ...     "</table></div>")
    >>> mark_coloured_rows(root)
    >>> [td.text_content() for td in root.iter("td") if "公司" in td.text_content()]
    ['甲科技有限公司', '乙科技有限公司（已暂停合作）', '丙科技有限公司']
    """
    legends = _legends(root)
    if not legends:
        return
    for table in root.iter("table", "ul", "ol", "tbody"):
        rows = [child for child in table if isinstance(child.tag, str)]
        marked = [(row, _status_of(row, legends)) for row in rows]
        marked = [(row, status) for row, status in marked if status]
        if not marked or 2 * len(marked) > len(rows):
            continue  # (striping, or a table drawn all in one colour)
        for row, status in marked:
            _append_to_name(row, status)


def _legends(root: html.HtmlElement) -> dict[str, tuple[str, str]]:
    """Colour (a CSS value, or "family:grey/text") -> (status words, what it colours)."""
    found: dict[str, tuple[str, str]] = {}
    text = " ".join(root.text_content().split())
    if not _COLOUR_WORD.search(text) or not markers_in(text):
        return found
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("tr", "td", "li", "table"):
            continue
        colours = _colours(element)
        if not colours:
            continue
        own = element.text_content().strip()
        words = _CLAUSE_END.split((own + (element.tail or ""))[:_LEGEND_CHARS])[0]
        markers = markers_in(words)
        swatch = not own or legend(words) is not None  # (a box of colour, or its name)
        if swatch and markers and markers[0] in _PHRASE:
            for _, value in colours:
                found[value] = (_PHRASE[markers[0]], "")
    for clause in _CLAUSE_END.split(text):
        said = legend(clause)
        if said is not None:
            colour, kind, status = said
            found.setdefault(f"family:{colour}/{kind}", (status, kind))
    return found


def _colours(element: html.HtmlElement) -> list[tuple[str, str]]:
    """(what, value) of the colours an element's inline style draws: what is "text" or
    "background"."""
    style = str(element.get("style", ""))
    return [
        ("text" if what.lower() == "color" else "background", value.strip().lower())
        for what, value in _STYLE_COLOUR.findall(style)
        if value.strip().lower() not in ("", "inherit", "transparent", "none", "initial")
    ]


def _status_of(row: html.HtmlElement, legends: dict[str, tuple[str, str]]) -> str:
    cells = [row, *(cell for cell in row if isinstance(cell.tag, str))]
    colours = [colour for cell in cells for colour in _colours(cell)]
    for _, value in colours:
        if value in legends:
            return legends[value][0]
    for what, value in colours:
        for kind in (what, ""):
            said = legends.get(f"family:{family(value)}/{kind}")
            if family(value) and said:
                return said[0]
    return ""


def _append_to_name(row: html.HtmlElement, status: str) -> None:
    """Write the status in brackets after the row's name (its first cell that names an
    organisation, or the item's own text)."""
    cells = [cell for cell in row if isinstance(cell.tag, str)] if row.tag == "tr" else [row]
    for cell in cells:
        if looks_like_org(" ".join(cell.text_content().split())):
            mark = html.Element("span")
            mark.text = f"（{status}）"
            cell.append(mark)
            return


def pdf_colour_note(lines: list[str], chars: list[dict[str, object]]) -> list[str]:
    """The notes a PDF page's colour legend gives ("注：甲已终止合作（灰色字体）。"): the names
    whose characters (pdfplumber's, with their fill colour) are drawn in the colour a line of
    the document's text (`lines`) says marks ended or suspended partners."""
    said = next((found for line in lines if (found := legend(line)) is not None), None)
    if said is None or said[1] == "background":
        return []
    colour, _, status = said
    runs: dict[tuple[str, int, bool], str] = {}  # (page, line, coloured) -> its characters
    for char in chars:
        top = round(float(str(char.get("top", 0))))
        key = (str(char.get("page_number", "")), top, _pdf_family(char) == colour)
        runs[key] = runs.get(key, "") + str(char.get("text", ""))
    notes = []
    for (_, _, coloured), text in runs.items():
        name = _LEADING_NUMBER.sub("", re.sub(r"\s+", "", text))
        for piece in re.split(r"(?<=公司)|(?<=银行)", name):  # (its category's cell after it)
            if coloured and looks_like_org(piece) and legend(piece) is None:
                notes.append(f"注：{piece}{status}（{_WORD_OF_FAMILY[colour]}标注）。")
    return list(dict.fromkeys(notes))


_LEADING_NUMBER = re.compile(r"^\d{1,4}")
_WORD_OF_FAMILY = {
    "grey": "灰色", "red": "红色", "blue": "蓝色", "green": "绿色", "yellow": "黄色",
}  # fmt: skip


def _pdf_family(char: dict[str, object]) -> str:
    colour = char.get("non_stroking_color")
    if not isinstance(colour, tuple | list) or not colour:
        return ""
    parts = [float(part) for part in colour if isinstance(part, int | float)]
    if len(parts) == 1:
        parts = parts * 3
    elif len(parts) == 4:  # CMYK
        cyan, magenta, yellow, black = parts
        parts = [(1 - cyan) * (1 - black), (1 - magenta) * (1 - black), (1 - yellow) * (1 - black)]
    if len(parts) != 3:
        return ""
    red, green, blue = (255 * part for part in parts)
    return rgb_family(red, green, blue)
