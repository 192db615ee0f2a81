"""Watermarks and seals laid over a PDF's table: text that is no part of any cell. Pure.

Stamped lists carry a diagonal watermark (仅供官网公示使用 复制无效) in the text layer, and
sometimes a seal whose legend runs round a circle. Read in text order, their characters
land inside the table's rows ("4 深圳市小赢信息技术有限责任公司 效平台运营机构"), and PDFium
can no longer tell the rows apart at all. Such text is told by its geometry, never by its
words: it is drawn at an angle that is not a multiple of 90° (upright and 90°-turned
column headings are kept), or it is light and much larger than the body text (a level,
pale watermark). documents.py scans a page's text objects with PDFium to know whether a
file has any, and reads such a file with pdfplumber, its characters filtered here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from statistics import median
from typing import Any

_SKEW = 3.0  # degrees off the nearest multiple of 90° that make text diagonal
_LARGE = 1.8  # times the body text's size that make pale text a watermark
_PALE = 0.7  # every colour channel at least this light (0 black, 1 white)
_WHITE = 0.97  # ... but not white: white text sits on a dark banner, where it is read


def diagonal(matrix: Sequence[float]) -> bool:
    """Text drawn at a slant: not level, not turned by a right angle.

    >>> diagonal((0.819, 0.574, -0.574, 0.819))  # 35°
    True
    >>> diagonal((1.0, 0.0, 0.0, 1.0)), diagonal((0.0, 1.0, -1.0, 0.0))
    (False, False)
    """
    a, b = matrix[0], matrix[1]
    if a == 0 and b == 0:
        return False
    angle = math.degrees(math.atan2(b, a)) % 90
    return min(angle, 90 - angle) > _SKEW


def pale(colour: Any) -> bool:
    """A fill colour near white, not white itself: grey, RGB (0-1) or CMYK with little ink.
    White text is drawn on a dark band (a printed web page's header), not over the table.

    >>> pale((0.85,)), pale((0.85, 0.85, 0.85)), pale((0.0, 0.0, 0.0, 0.1)), pale((1, 0, 0))
    (True, True, True, False)
    >>> pale((1.0, 1.0, 1.0)), pale((0, 0, 0, 0)), pale(None), pale("P0")
    (False, False, False, False)
    """
    if not isinstance(colour, (tuple, list)) or not colour:
        return False
    if not all(isinstance(channel, (int, float)) for channel in colour):
        return False
    cmyk = len(colour) == 4  # CMYK: ink, so light is little of it
    light = tuple(1 - channel for channel in colour) if cmyk else tuple(colour)
    return all(channel >= _PALE for channel in light) and not all(
        channel >= _WHITE for channel in light
    )


def is_watermark(matrix: Sequence[float], size: float, colour: Any, body: float) -> bool:
    """Diagonal text, or pale text much larger than the body (`body`: its usual size).

    >>> is_watermark((1, 0, 0, 1), 42.0, (0.85,), body=10.0)
    True
    >>> is_watermark((1, 0, 0, 1), 16.0, (0.85,), body=10.0)  # a pale subtitle
    False
    >>> is_watermark((1, 0, 0, 1), 42.0, (0.0,), body=10.0)  # a big black title
    False
    """
    return diagonal(matrix) or (body > 0 and size >= body * _LARGE and pale(colour))


def body_size(sizes: Iterable[float]) -> float:
    """The size most text is drawn at: the median of every character's (or object's)."""
    values = [size for size in sizes if size > 0]
    return median(values) if values else 0.0


def without_watermarks(page: Any) -> Any:
    """A pdfplumber page whose watermark characters are gone (rulings, images, the rest kept).

    A seal's legend runs round a circle, so the characters at its top and bottom stand level:
    they go with the slanted ones when they share their colour (a seal's red) and stand
    inside the area the slanted ones cover, unless that colour is the one most of the page's
    text is in. Text of that colour elsewhere (a red 已终止 in the table) is kept."""
    chars = page.chars
    body = body_size(char["size"] for char in chars)
    colours = Counter(_colour_key(char) for char in chars)
    text_colour = colours.most_common(1)[0][0] if colours else ""
    areas: dict[str, tuple[float, float, float, float]] = {}
    for char in chars:
        key = _colour_key(char)
        if key == text_colour or not diagonal(char["matrix"]):
            continue
        pad = char["size"]
        x0, top, x1, bottom = areas.get(key, (char["x0"], char["top"], char["x1"], char["bottom"]))
        areas[key] = (
            min(x0, char["x0"] - pad),
            min(top, char["top"] - pad),
            max(x1, char["x1"] + pad),
            max(bottom, char["bottom"] + pad),
        )

    def in_stamp(obj: dict[str, Any]) -> bool:
        area = areas.get(_colour_key(obj))
        return area is not None and (
            area[0] <= obj["x0"]
            and obj["x1"] <= area[2]
            and area[1] <= obj["top"]
            and obj["bottom"] <= area[3]
        )

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        colour = obj.get("non_stroking_color")
        return not (is_watermark(obj["matrix"], obj["size"], colour, body) or in_stamp(obj))

    return page.filter(keep)


def _colour_key(char: dict[str, Any]) -> str:
    colour = char.get("non_stroking_color")
    if isinstance(colour, (tuple, list)):
        return ",".join(f"{c:.2f}" if isinstance(c, float) else str(c) for c in colour)
    return str(colour)


def pdfium_has_watermark(page: Any) -> bool:
    """Whether a PDFium page draws any watermark text (its text objects' matrix, size and
    fill colour; PDFium's own colours are 0-255). documents.py asks it of a file's first
    and last pages only: a stamp is put on every page, a seal on the last."""
    import ctypes  # noqa: PLC0415 - only with PDFium

    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]  # noqa: PLC0415

    sized: list[tuple[Any, float]] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
        matrix = tuple(obj.get_matrix().get())
        if diagonal(matrix):
            return True
        size = ctypes.c_float()
        if pdfium_c.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size)):
            scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])) or 1.0
            sized.append((obj, size.value * scale))
    body = body_size(size for _, size in sized)
    for obj, drawn in sized:
        if body <= 0 or drawn < body * _LARGE:
            continue  # the fill colour is asked of large text only (a call per object)
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if pdfium_c.FPDFPageObj_GetFillColor(
            obj.raw, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
        ) and pale(tuple(c.value / 255 for c in (r, g, b))):
            return True
    return False
