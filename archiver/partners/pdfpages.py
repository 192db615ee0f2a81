"""What a PDF page's text and ruled tables look like as blocks. Pure.

PDFium gives a page's text lines with column gaps as spaces; pdfplumber gives ruled tables
cell by cell. These helpers turn either into the reader's blocks (`Line`, `Grid`), join names
wrapped inside narrow cells again, and tell when PDFium's one-cell-per-line text needs the
ruling lines instead (documents.py decides which engine reads a file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from archiver.partners.blocks import Block, Grid, Line
from archiver.partners.brackets import join_open_brackets
from archiver.partners.categories import names_category
from archiver.partners.cells import PHONE
from archiver.partners.names import looks_like_org

_EDGE = 0.85  # a line this close to the page's longest line of text reaches the right edge
_MIN_PROSE = 24  # characters: narrower pages hold lists, not running text
_ENDS_SENTENCE = re.compile(r"[。；;：:！!？?]$")
_STARTS_ITEM = re.compile(
    r"(?:\d{1,3}\s*[.、．)）]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十\d]+)"
)
WRAPPED_HEAD = re.compile(r"(?:有限|有限责任|股份有限|股份|有|责任)$")
WRAPPED_TAIL = re.compile(r"(?:份有限|有限|限|责任|任)?公司(?:\s|$)|司(?:\s|$)")


def cell_per_line(blocks: list[Block]) -> bool:
    """PDFium gave a table one cell per line (row numbers alone on their lines), or names cut
    inside narrow cells (lines that start with the rest of a legal form: "限公司 平台运营机构"):
    a printed web page with narrow columns. Such a table needs its ruling lines to be read."""
    texts = [b.text.strip() for b in blocks if isinstance(b, Line)]
    alone = sum(1 for t in texts if re.fullmatch(r"\d{1,4}", t))
    leading = sum(1 for t in texts if re.match(r"\d{1,4}\s+\S", t))
    wrapped = sum(1 for t in texts if WRAPPED_TAIL.match(t))
    cut = sum(  # a row number alone, then a name cut inside its cell ("3" / "甲科技有限")
        1
        for t, after in pairwise(texts)
        if re.fullmatch(r"\d{1,4}", t) and WRAPPED_HEAD.search(after)
    )
    split = sum(  # a word cut at a narrow cell's edge: "平台运营机" / "构", "…有限公" / "司"
        1 for t, after in pairwise(texts) if t.endswith(("机", "公")) and _CUT_REST.match(after)
    )
    headed = sum(  # a numbered row's name cut in its cell: "4 中国人民财产保险股份" / "有限公司…"
        1
        for t, after in pairwise(texts)
        if (head := _NUMBERED_HEAD.fullmatch(t))
        and after
        and not looks_like_org(head.group(1))
        and looks_like_org(head.group(1) + after.split()[0])
    )
    straddled = sum(  # a last cell wrapped on its own: "3 乙… 原名：甲有" / "限公司"
        1
        for t, after in pairwise(texts)
        if re.match(r"\d{1,4}\s+\S+\s+\S", t)
        and WRAPPED_HEAD.search(t)
        and WRAPPED_TAIL.fullmatch(after)
    )
    return (
        (alone >= 5 and alone > leading)
        or wrapped >= 5
        or headed >= 2
        or (cut >= 1 and wrapped >= 1)
        or split >= 2
        or straddled >= 1
    )


_CUT_REST = re.compile(r"^[构司](?:\s|$)")
_NUMBERED_HEAD = re.compile(r"\d{1,4}\s+(\S{2,})")


def ruled_page(page: Any, number: int) -> list[Block]:
    """A page's ruled tables as grids, and the text around them as lines, top to bottom."""
    placed: list[tuple[float, Block]] = []
    boxes: list[tuple[float, float, float, float]] = []
    if page.rects or page.lines:
        for index, table in enumerate(page.find_tables(), 1):
            rows = fill_merged(table.extract())
            rows = tuple(tuple(unwrap_cell(cell) for cell in row) for row in rows)
            if rows:
                boxes.append(table.bbox)
                placed.append((table.bbox[1], Grid(rows, f"page {number} table {index}")))
    for index, line in enumerate(page.extract_text_lines(return_chars=False), 1):
        middle = (line["top"] + line["bottom"]) / 2
        if any(top <= middle <= bottom for _, top, _, bottom in boxes):
            continue
        placed.append((line["top"], Line(line["text"], locator=f"page {number} line {index}")))
    placed.sort(key=lambda pair: pair[0])
    return [block for _, block in placed]


def unwrap_cell(text: str) -> str:
    r"""A name wrapped inside a narrow cell, joined again ("广东中盈盛达融资\n担保投资股份有限\n
    公司"); lines split apart only where both sides are whole names ("甲公司\n乙公司").
    A cell whose joined lines are not all names (products, periods) is kept as it is.

    >>> unwrap_cell("北京极融网络科技\n有限公司")
    '北京极融网络科技有限公司'
    >>> unwrap_cell("甲乙科技有限公司\n丙丁担保有限公司")
    '甲乙科技有限公司\n丙丁担保有限公司'
    >>> unwrap_cell("借呗\n花呗")
    '借呗\n花呗'
    >>> unwrap_cell("平台运营机\n构"), unwrap_cell("400692808\n0")
    ('平台运营机构', '4006928080')

    A line that leaves a bracket open is continued by the next, whatever the words: a note
    wrapped inside its brackets is one note ("甲公司（原乙公司，已更\n名）").

    >>> unwrap_cell("上海信也科技有限公司（原上海拍拍贷金融信息服务有限公司，已更\n名）")
    '上海信也科技有限公司（原上海拍拍贷金融信息服务有限公司，已更名）'
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return text
    joined = "".join(lines)
    category = names_category(joined) and not all(map(looks_like_org, lines))
    if PHONE.fullmatch(joined) or (category and len(lines[-1]) <= 2):
        return joined  # "平台运营机\n构", "400692808\n0": one value cut at the cell's edge
    lines = join_open_brackets(lines)
    if len(lines) < 2:
        return lines[0]
    names = [lines[0]]
    for line in lines[1:]:
        if looks_like_org(names[-1]) and looks_like_org(line):
            names.append(line)
        else:
            names[-1] += line
    return "\n".join(names) if all(looks_like_org(name) for name in names) else text


def fill_merged(rows: list[list[str | None]]) -> tuple[tuple[str, ...], ...]:
    """pdfplumber leaves None where a merged cell spans: copy the text from above (or left)."""
    grid: list[list[str]] = []
    for r, row in enumerate(rows):
        out: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                out.append(cell)
            elif r > 0 and c < len(grid[r - 1]):
                out.append(grid[r - 1][c])
            else:
                out.append(out[-1] if out else "")
        grid.append(out)
    return tuple(tuple(row) for row in grid if any(cell.strip() for cell in row))


CharBox = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


def mend_breaks(text: str, box: Callable[[int], CharBox]) -> str:
    """PDFium's page text without the line breaks it puts inside one printed line (a row whose
    glyphs come from two font subsets: "34 太原" / "鼎盛融资担保有限公司 …"). A break is kept
    unless the characters on either side of it sit on one baseline, the second to the right
    of the first; it becomes nothing when they touch, a space when a column gap parts them.
    `box(i)` is the box of character i of `text` (PDFium's index: one per character).

    >>> boxes = {0: (0, 0, 9, 9), 1: (9, 0, 18, 9), 4: (18, 0, 27, 9), 5: (40, 0, 49, 9)}
    >>> mend_breaks("太原\\r\\n鼎 盛", lambda i: boxes.get(i, (0, 0, 0, 0)))
    '太原鼎 盛'
    >>> boxes[4] = (0, -20, 9, -11)  # the next line
    >>> mend_breaks("太原\\r\\n鼎 盛", lambda i: boxes.get(i, (0, 0, 0, 0)))
    '太原\\r\\n鼎 盛'
    """
    pieces: list[str] = []
    start = 0
    for found in re.finditer(r"\r\n|\n", text):
        before, after = found.start() - 1, found.end()
        pieces.append(text[start : found.start()])
        start = found.end()
        joint = found.group(0)
        if before >= 0 and after < len(text) and not text[before].isspace():
            left, right = box(before), box(after)
            height = max(left[3] - left[1], right[3] - right[1])
            middle = abs((left[1] + left[3]) / 2 - (right[1] + right[3]) / 2)
            gap = right[0] - left[2]
            if height > 0 and middle < height / 3 and -height / 3 < gap:
                joint = "" if gap < height / 2 else " "
        pieces.append(joint)
    pieces.append(text[start:])
    return "".join(pieces)


def break_lines(text: str, box: Callable[[int], CharBox]) -> str:
    """PDFium's page text with a line break wherever a printed line ends without one: on a
    page turned by /Rotate, PDFium runs every row of a table into one line ("序号 名称 类别 1
    甲公司 平台运营机构 2 …"). A break goes where the next character sits a line lower and back
    at the left; the spaces before it go. `box(i)` as in `mend_breaks`.

    >>> boxes = {0: (0, 20, 9, 29), 1: (9, 20, 18, 29), 3: (0, 0, 9, 9), 4: (9, 0, 18, 9)}
    >>> break_lines("甲乙 丙丁", lambda i: boxes.get(i, (18, 20, 18, 20)))
    '甲乙\\r\\n丙丁'
    >>> boxes[3], boxes[4] = (30, 20, 39, 29), (39, 20, 48, 29)  # one line, a gap between
    >>> break_lines("甲乙 丙丁", lambda i: boxes.get(i, (18, 20, 18, 20)))
    '甲乙 丙丁'
    """
    pieces: list[str] = []
    last = -1  # the last character that is not a space
    for index, char in enumerate(text):
        if char in "\r\n":
            last = -1
        elif not char.isspace():
            if last >= 0 and _next_line(box(last), box(index)):
                while pieces and pieces[-1].isspace():
                    pieces.pop()
                pieces.append("\r\n")
            last = index
        pieces.append(char)
    return "".join(pieces)


def _next_line(before: CharBox, after: CharBox) -> bool:
    """`after` starts a lower line: below `before` by more than half its height, and back to
    the left of where `before` began."""
    height = max(before[3] - before[1], after[3] - after[1])
    middle = (before[1] + before[3]) / 2 - (after[1] + after[3]) / 2
    return height > 0 and middle > height / 2 and after[0] < before[0]


def page_lines(text: str, number: int) -> list[Block]:
    """A page's text lines, letter-spaced words closed up and a sentence wrapped at the
    page's edge joined again."""
    lines = [unspaced(line.strip()) for line in text.splitlines() if line.strip()]
    lines = join_prose_wraps(lines)
    return [
        Line(line, locator=f"page {number} line {index}") for index, line in enumerate(lines, 1)
    ]


_SPACED_CHAR = r"[\u4e00-\u9fff（）()：，。、；]"
_LETTER_SPACED = re.compile(rf"(?<![^\s]){_SPACED_CHAR}(?: {_SPACED_CHAR}){{2,}}(?![^\s])")


def unspaced(line: str) -> str:
    """A run of three or more single characters set apart by spaces (a letter-spaced header
    "合 作 机 构 名 称", a name "北 京 京 东 …") closed up; other gaps stay column gaps.

    >>> unspaced("序号 合 作 机 构 名 称 类 别"), unspaced("1 甲乙科技有限公司 平台运营机构")
    ('序号 合作机构名称类别', '1 甲乙科技有限公司 平台运营机构')
    >>> unspaced("注 ： 上 述 机 构 排 名")
    '注：上述机构排名'
    """
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)


def join_prose_wraps(lines: list[str]) -> list[str]:
    """Join a line of running text that reaches the page's right edge without ending its
    sentence to the line after it ("…阳光财产保险股份有" / "限公司和…"), unless that line
    starts a numbered item or section. Table rows (column gaps) and short lines stay.

    >>> joined = join_prose_wraps(["增信服务机构为甲乙财产保险股份有限公司、丙丁财产保险股份有",
    ...     "限公司和戊己融资担保有限公司。", "1.庚辛科技有限公司"])
    >>> [len(line) for line in joined], joined[0][-20:]
    ([44, 10], '保险股份有限公司和戊己融资担保有限公司。')
    >>> join_prose_wraps(["分别为：甲乙信息技术有限公司、丙丁科", "技有限公司。"])  # a column
    ['分别为：甲乙信息技术有限公司、丙丁科技有限公司。']
    >>> join_prose_wraps(["甲乙信息技术有限公司", "丙丁科技有限公司"])  # one name a line
    ['甲乙信息技术有限公司', '丙丁科技有限公司']
    >>> join_prose_wraps(["增信服务机构共2家，分别为：", "甲保险有限公司、乙担保有限公司。"])
    ['增信服务机构共2家，分别为：甲保险有限公司、乙担保有限公司。']
    >>> join_prose_wraps(["3. 增信服务机构为：福州甲乙融", "资担保有限公司、丙丁融资担保有",
    ...     "限公司。", "4. 上述机构"])  # an item wrapped past a column's foot (two columns)
    ['3. 增信服务机构为：福州甲乙融资担保有限公司、丙丁融资担保有限公司。', '4. 上述机构']
    >>> join_prose_wraps(["温州银行合作机构名单", "三、其他合作机构——贷后催收服务机构（2家）",
    ...     "1 甲资产管理有限公司 2 乙数据处理有限公司"])[1:]  # a heading, then a row
    ['三、其他合作机构——贷后催收服务机构（2家）', '1 甲资产管理有限公司 2 乙数据处理有限公司']
    """
    prose = sorted(len(line) for line in lines if " " not in line)
    # the page's width in characters: its longer lines, not its longest (a line of digits
    # and Latin letters runs longer in characters than a line of Chinese across one width)
    edge = prose[(len(prose) * 4) // 5] * _EDGE if prose else 0.0
    joined: list[str] = []
    carry = listing = False
    wide = edge >= _MIN_PROSE
    for line in lines:
        # in a narrow column only running text goes on (a row of a table has column gaps)
        goes_on = (carry and (wide or " " not in line)) or (
            listing and " " not in line and "、" in line  # "分别为：" / "甲、乙"
        )
        if goes_on and not _STARTS_ITEM.match(line):
            joined[-1] += line
        else:
            joined.append(line)
        last = joined[-1]
        # a narrow column of running text (a two-column notice) wraps too: its lines carry
        # the sentence's commas (not a section number's "三、"), which a column of one name
        # per line never has
        body = _SECTION_START.sub("", line, count=1).lstrip()  # ("3. 本行…": its number's gap)
        # (a numbered clause's lead "3. 本行合作的…为：甲" runs on as a sentence does)
        clause = _CLAUSE_MARK.search(body) or (body != line and re.search(r"[：:](?=.)", body))
        running = wide or (edge >= _MIN_COLUMN and clause)
        wraps = bool(running) and " " not in body and len(line) >= edge
        carry = wraps and not _ENDS_SENTENCE.search(last)
        listing = wraps and last.endswith(("：", ":"))  # a lead, its names on the next line
    return joined


_MIN_COLUMN = 12  # characters: a column of a two-column page
_SECTION_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d{1,3})[、.．]")
_CLAUSE_MARK = re.compile(r"[、，,]|。(?=.)")  # a comma, or a full stop inside the line
