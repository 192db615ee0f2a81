"""Plain-text attachments (.txt) -> blocks. Pure.

A list saved as text ("名单.txt", often GBK with CRLF line ends) is read line by line, as a
document's paragraphs; a file whose lines are split by tabs (a sheet saved as "文本文件（制表符
分隔）") is read as one table.
"""

from __future__ import annotations

from archiver.partners.blocks import Block, Grid, Line
from archiver.partners.budget import Clock, OverBudget
from archiver.partners.budget import rectangular as _rectangular

_TABBED_SHARE = 0.6  # of the non-empty lines: a table saved as tab-separated text


def blocks(text: str, clock: Clock) -> list[Block]:
    """The lines of a text file, or its one table when its lines are tab-separated.

    >>> from archiver.partners.budget import DEFAULT_BUDGET
    >>> _CLOCK = Clock(DEFAULT_BUDGET)
    >>> text = "合作机构名单\\r\\n1、甲科技有限公司\\r\\n\\r\\n2、乙有限公司"
    >>> [b.text for b in blocks(text, _CLOCK)]
    ['合作机构名单', '1、甲科技有限公司', '2、乙有限公司']
    >>> blocks("序号\\t名称\\n1\\t甲科技有限公司\\n2\\t乙有限公司", _CLOCK)[0].rows[1]
    ('1', '甲科技有限公司')
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > clock.budget.max_paragraphs:
        raise OverBudget(f"more than {clock.budget.max_paragraphs:,} lines")
    tabbed = [line for line in lines if "\t" in line]
    if len(lines) >= 2 and len(tabbed) >= _TABBED_SHARE * len(lines):
        rows = [tuple(cell.strip() for cell in line.split("\t")) for line in lines]
        return [Grid(_rectangular(rows), "text table")]
    return [Line(line, locator=f"line {number}") for number, line in enumerate(lines, 1)]
