"""OFD attachments (GB/T 33190, the Chinese fixed-layout format official documents are saved
in): each page's text as lines, read as a text PDF's are. Pure (bytes in, blocks out).

An OFD file is a ZIP: ``OFD.xml`` names the document root (``DocRoot``), whose
``Document.xml`` lists the pages (``Page BaseLoc``), each a ``Content.xml`` of layers of
``TextObject``s: a ``Boundary`` ("x y width height", millimetres from the top left) and
``TextCode``s placed at ``X``/``Y`` inside it (``DeltaX`` spacing the glyphs). The text
pieces are put in reading order by position (top to bottom, then left to right), pieces on
one baseline joined into one line, a wide gap kept as a column gap, so a table drawn as text
reads as the rows of a text PDF ("1  甲公司  平台运营机构").
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from archiver.partners import pdfpages
from archiver.partners.blocks import Block
from archiver.partners.budget import Clock, OverBudget, check_zip

_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")
_DEFAULT_SIZE = 3.5  # millimetres: a 10-point glyph, when a TextObject gives no Size
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class _Piece:
    """One TextCode's text at its place on the page."""

    x: float
    y: float
    size: float
    text: str

    @property
    def right(self) -> float:
        return self.x + self.size * len(self.text)


def blocks(body: bytes, clock: Clock) -> list[Block]:
    """The text lines of every page of an OFD file, in order."""
    check_zip(body, clock.budget)
    found: list[Block] = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        pages = _page_paths(archive)
        if len(pages) > clock.budget.max_pages:
            raise OverBudget(f"{len(pages)} pages, over {clock.budget.max_pages}")
        for number, path in enumerate(pages, 1):
            clock.tick()
            pieces = _pieces(_xml(archive, path))
            found.extend(pdfpages.page_lines("\n".join(_lines(pieces)), number))
            if len(found) > clock.budget.max_lines:
                raise OverBudget(f"more than {clock.budget.max_lines:,} lines")
    return found


def _xml(archive: zipfile.ZipFile, path: str) -> etree._Element:
    return etree.fromstring(archive.read(path.lstrip("/")), _SAFE)


def _local(element: etree._Element) -> str:
    """An element's name without its namespace; "" for a comment or a processing instruction."""
    tag: object = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _page_paths(archive: zipfile.ZipFile) -> list[str]:
    """The Content.xml of every page, in the order the document lists them."""
    roots = [e.text or "" for e in _xml(archive, "OFD.xml").iter() if _local(e) == "DocRoot"]
    if not roots or not roots[0].strip():
        raise ValueError("OFD.xml names no DocRoot")
    document = roots[0].strip().lstrip("/")
    base = posixpath.dirname(document)
    paths = []
    for element in _xml(archive, document).iter():
        location = element.get("BaseLoc", "").strip() if _local(element) == "Page" else ""
        if location:
            joined = location if location.startswith("/") else posixpath.join(base, location)
            paths.append(posixpath.normpath(joined).lstrip("/"))
    return paths


def _pieces(page: etree._Element) -> list[_Piece]:
    """Every TextCode of a page, placed: its TextObject's boundary plus its own X/Y."""
    found = []
    for text_object in page.iter():
        if _local(text_object) != "TextObject":
            continue
        left, top = _numbers(text_object.get("Boundary", ""), 2)
        size = _numbers(text_object.get("Size", ""), 1)[0] or _DEFAULT_SIZE
        for code in text_object:
            if _local(code) != "TextCode" or not (code.text or "").strip():
                continue
            x, y = _numbers(f"{code.get('X', '0')} {code.get('Y', '0')}", 2)
            found.append(_Piece(left + x, top + y, size, code.text or ""))
    return found


def _numbers(text: str, count: int) -> list[float]:
    values = [float(n) for n in _NUMBERS.findall(text)[:count]]
    return values + [0.0] * (count - len(values))


def _lines(pieces: list[_Piece]) -> list[str]:
    """Pieces on one baseline (within half a glyph) as one line, left to right; a gap wider
    than a glyph between two pieces is a column gap (two spaces).

    >>> _lines([_Piece(60, 20, 4, "平台运营机构"), _Piece(10, 20.5, 4, "甲科技有限公司"),
    ...         _Piece(10, 10, 4, "名单")])
    ['名单', '甲科技有限公司  平台运营机构']
    """
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.y, p.x)):
        if rows and abs(rows[-1][0].y - piece.y) <= piece.size / 2:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda p: p.x)
        text = row[0].text
        for before, piece in itertools.pairwise(row):
            text += ("  " if piece.x - before.right > piece.size else "") + piece.text
        lines.append(text)
    return lines
