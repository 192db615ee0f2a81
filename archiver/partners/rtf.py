"""RTF documents -> blocks: paragraphs as lines, ``\\trowd … \\cell … \\row`` tables as grids.
Pure.

Old Word and WPS templates save "rich text" under a .doc name, so an attachment called
名单.doc may be RTF (doctypes.sniff tells by its first bytes, "{\\rtf"). striprtf turns the
markup into text, decoding ``\\uN`` and ``\\'xx`` escapes by the code page the file declares
(``\\ansicpg936`` for GBK), and ends each table cell with "|" and each table row with a
line break; a run of such lines is one table.
"""

from __future__ import annotations

import codecs
import re

from archiver.partners.blocks import Block, Grid, Line
from archiver.partners.budget import Clock, OverBudget, rectangular

_CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_HEADER_BYTES = 4096  # the code page is declared in the header, before any text
_CELL_END = "|"  # striprtf's mark for \cell


def code_page(body: bytes) -> str:
    r"""The Python codec for the code page an RTF file declares; cp1252 (RTF's default)
    when it declares none or one Python does not know.

    >>> code_page(rb"{\rtf1\ansi\ansicpg936\deff0"), code_page(rb"{\rtf1\ansi"), code_page(
    ...     rb"{\rtf1\ansicpg99999")
    ('cp936', 'cp1252', 'cp1252')
    """
    match = _CODE_PAGE.search(body[:_HEADER_BYTES])
    if match is None:
        return "cp1252"
    name = f"cp{int(match.group(1))}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def rtf_blocks(body: bytes, clock: Clock) -> list[Block]:
    r"""The paragraphs and tables of an RTF file, in order.

    >>> from archiver.partners.budget import DEFAULT_BUDGET
    >>> rtf = (rb"{\rtf1\ansi\ansicpg936 \u21517?\u21333?\par"
    ...        rb"\trowd\cellx900\cellx6300\intbl 1\cell \'bc\'d7\'d2\'d2\'d3\'d0\'cf\'de\'b9"
    ...        rb"\'ab\'cb\'be\cell\row}")
    >>> rtf_blocks(rtf, Clock(DEFAULT_BUDGET))
    [Line(text='名单', ...), Grid(rows=(('1', '甲乙有限公司'),), locator='table 1')]
    """
    from striprtf.striprtf import rtf_to_text  # noqa: PLC0415 - only when an RTF arrives

    encoding = code_page(body)
    markup = body.decode(encoding, errors="replace")
    text = str(rtf_to_text(markup, encoding=encoding, errors="replace"))  # type: ignore[no-untyped-call]  # striprtf ships no annotations
    clock.tick()
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    tables = 0
    lines = text.splitlines()
    if len(lines) > clock.budget.max_lines:
        raise OverBudget(f"more than {clock.budget.max_lines:,} lines")
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.endswith(_CELL_END):
            rows.append(tuple(cell.strip() for cell in line[: -len(_CELL_END)].split(_CELL_END)))
            continue
        if rows:
            tables += 1
            blocks.append(Grid(rectangular(rows), f"table {tables}"))
            rows = []
        if line:
            blocks.append(Line(line, locator=f"paragraph {number}"))
    if rows:
        blocks.append(Grid(rectangular(rows), f"table {tables + 1}"))
    return blocks
