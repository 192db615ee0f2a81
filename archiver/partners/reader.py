"""Documents -> partner rows: tables, headed lists, numbered lines, label：value cards.
Pure.

One `Reader` reads the pages of one capture in order, so a category heading, a table
layout and the numbering carry over from one pagination page to the next. What it reads
stays as published (`Row`); records.py turns rows into Partner records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from archiver.models import Source
from archiver.partners.annotations import parse_name, stated_rename
from archiver.partners.blocks import Document, Grid, Line, LineKind
from archiver.partners.cells import (
    DATE,
    PARTNER_WORDS,
    PHONE,
    Column,
    column_of,
    is_blank,
    is_noise,
    is_sentence,
    phones_in,
)
from archiver.partners.lines import (
    heading_label,
    item_fields,
    join_wrapped,
    labelled_fields,
    light_clean,
    split_clauses,
    split_products,
    split_runs,
    status_heading,
)
from archiver.partners.names import (
    clean_text,
    looks_like_org,
    match_key,
)
from archiver.partners.prose import prose_lists, stated_status
from archiver.partners.records import published
from archiver.partners.tables import (
    Layout,
    demote_brand_columns,
    find_header,
    header_layout,
    infer_layout,
    is_blank_row,
    is_header_echo,
    repeat_period,
    single_text,
    split_names,
    strip_number,
    unfold_repeated,
)

_CIRCLED = str.maketrans({chr(0x2460 + i): f"{i + 1}、" for i in range(20)})
# "北京小桔科技有限公司注1": a footnote reference glued to a name (a <sup> in the page)
_NAME_FOOTNOTE = re.compile(r"(?<=[司行团心所])\s*(?:注|备注|附注)\s*\d{1,2}(?=\s*(?:$|\n))", re.M)
_COUNT = re.compile(
    r"(?:共|合计|总计|共计|共有|计|总数[:：]?)\s*(\d{1,4})\s*家|[（(]\s*(\d{1,4})\s*家\s*[)）]"
    r"|(\d{1,4})\s*家(?:合作|互联网|助贷|服务)*机构"
)
_ASIDE = re.compile(
    r"^(?:友情链接|相关链接|快速链接|网站导航|网站地图|相关文章|相关阅读|相关新闻|推荐阅读|热门文章"
    r"|相关公告|相关通知|其他公告|更多公告|热点推荐|猜你喜欢"
    r"|最新公告|最新动态|上一篇|下一篇|分享到|扫一扫)"
)
_STOP = re.compile(r"^(?:特此公告|特此通知|特此说明|以上为|以上名单|以上机构)")
_AS_OF = re.compile(rf"(?:截至|截止|截止到|截止至|更新至|数据截至)\s*(?:日期)?[:：]?\s*({DATE})")
_LEADING_LABEL = re.compile(r"^([^：:]{2,12})[:：]")
_CODE = re.compile(r"[0-9A-Z]{15,20}")  # 统一社会信用代码, 机构编码
# A comma or a full stop between CJK words: prose, never inside a name ("Co., Ltd." is).
_PROSE_PUNCTUATION = re.compile(r"[,;:](?![\s\x21-\x7e])|。")
# The words of a list's title or of a category label: never inside a partner's own name
# ("威海银行互联网助贷业务合作机构名单_威海市商业银行股份有限公司" is a print header).
_LIST_WORDS = re.compile(r"名单|运营机构|服务机构|合作机构")
_LENDER = re.compile(r"银行|消费金融|信托|金融租赁|汽车金融|小额贷款")


@dataclass(frozen=True, slots=True)
class Row:
    """One partner as read, before normalisation: every field as published."""

    name: str
    source: Source
    category_raw: str = ""
    products: tuple[str, ...] = ()
    period: str = ""
    hotline: str = ""
    remark: str = ""
    seq: int | None = None
    scopes: tuple[str, ...] = ()  # the section and the table this row counts towards


@dataclass(frozen=True, slots=True)
class StatedCount:
    """A number of partners the page states (共52家), and what it counts."""

    count: int
    scope: str  # "document", "section 3" or a table
    text: str


@dataclass
class _Section:
    label: str = ""
    scope: str = "document"


@dataclass
class Reader:
    """Reads documents in order; collect rows, stated counts and item numbering."""

    known: set[str] = field(default_factory=set)  # names the alias table knows
    own_keys: set[str] = field(default_factory=set)  # the publishing institution's keys
    ignore: tuple[re.Pattern[str], ...] = ()
    context: bool = False  # the material has said it is about partners
    rows: list[Row] = field(default_factory=list)
    counts: list[StatedCount] = field(default_factory=list)
    numbering: list[int] = field(default_factory=list)
    as_of: str = ""
    _section: _Section = field(default_factory=_Section)
    _sections: int = 0
    _layout: Layout | None = None
    _line_layout: Layout | None = None
    _card: list[tuple[Column, str, str]] = field(default_factory=list)
    _card_source: Source | None = None
    _stopped: bool = False
    _aside: bool = False  # inside a "友情链接"-style block: its names are not partners
    _last_line_row: int = -1
    _grid_category: str = ""  # the last category cell of the current table
    _status: str = ""  # a heading such as "已终止合作机构": a remark for the rows under it
    renames: list[tuple[str, str]] = field(default_factory=list)  # "甲已更名为乙" notes
    statuses: list[tuple[str, str]] = field(default_factory=list)  # "注：甲已注销" notes
    _folded: list[tuple[str, ...]] = field(default_factory=list)  # rows of a repeated header

    def read(self, document: Document) -> None:
        """Read one document (a page, a pagination step or an attachment)."""
        self._stopped = False
        self._aside = False
        self._line_layout = None
        blocks = split_runs(split_clauses(document.blocks))
        for block in join_wrapped(tuple(blocks), self.known):
            if isinstance(block, Line) and self._folded_row(block):
                continue
            self._flush_folded(document)
            if isinstance(block, Grid):
                self._flush_card()
                self._grid(block, document)
            else:
                self._line(block, document)
        self._flush_folded(document)
        self._flush_card()

    def _folded_row(self, line: Line) -> bool:
        """A line under a header that repeats its labels ("序号 机构名称 序号 机构名称"): kept
        to be read as one table, its records unfolded column by column."""
        tokens = tuple(light_clean(self._prepare(line.text)).split(" "))
        if not self._folded:
            period = repeat_period(tokens) if len(tokens) > 3 else 0
            if period:
                self._folded.append(tokens)
            return bool(period)
        width, period = len(self._folded[0]), repeat_period(self._folded[0])
        if len(tokens) > width or len(tokens) % period or not re.fullmatch(r"\d{1,4}", tokens[0]):
            return False
        self._folded.append(tokens + ("",) * (width - len(tokens)))
        return True

    def _flush_folded(self, document: Document) -> None:
        if self._folded:
            rows, self._folded = tuple(self._folded), []
            self._grid(Grid(rows, "lines"), document)

    def new_document_context(self) -> None:
        """An attachment starts afresh: no section, no table layout carried over."""
        self._section = _Section()
        self._layout = None

    # --- lines -----------------------------------------------------------------------------

    def _prepare(self, text: str) -> str:
        for pattern in self.ignore:
            text = pattern.sub("", text)
        return _NAME_FOOTNOTE.sub("", text).translate(_CIRCLED)

    def _line(self, line: Line, document: Document) -> None:
        raw = self._prepare(line.text)
        text = clean_text(raw)
        if not text or self._stopped:
            return
        if _STOP.match(text):
            self._flush_card()
            self._stopped = True
            return
        self._note_as_of(text)
        if self._note(raw, text) or self._aside_starts(text):
            return
        if not self._aside and self._prose(text, line, document):
            return
        if PARTNER_WORDS.search(text) and not looks_like_org(text):
            self.context = True
        labelled = labelled_fields(raw)
        heading = "" if _is_record(labelled) else heading_label(text)
        if heading:
            self._flush_card()
            self._aside = False
            self._open_section(heading, text)
            return
        if self._aside:
            return
        status = "" if labelled else status_heading(text, line.kind)
        if status:
            self._flush_card()
            self._status = status
            return
        if labelled:
            self._labelled(labelled, line, document)
            return
        if self._date_line(text):
            return
        tokens = light_clean(raw).split(" ")
        layout = header_layout(tuple(tokens)) if len(tokens) > 1 else None
        if layout is not None:
            self._line_layout = layout
            return
        self._flush_card()
        if is_noise(text) or not self._item(raw, line, document):
            self._count(text, "document")

    def stated_former_names(self) -> list[Row]:
        """The rows, with what notes elsewhere on the page state about them added to their
        remark where the row does not say it: a rename ("注：甲已更名为乙", on the row of the
        new name) and an ended mark ("注：甲已注销，…")."""
        former = {clean_text(new): old for old, new in self.renames}
        ended = {match_key(name): status for name, status in self.statuses}
        rows = []
        for row in self.rows:
            notes = [row.remark]
            old = former.get(clean_text(row.name))
            if old and old not in row.name and old not in row.remark:
                notes.append(f"原名称：{old}")
            status = ended.get(match_key(parse_name(row.name).name))
            if status and status not in row.name and status not in row.remark:
                notes.append(status)
            remark = "；".join(filter(None, notes))
            rows.append(replace(row, remark=remark) if remark != row.remark else row)
        return rows

    def _aside_starts(self, text: str) -> bool:
        """A "友情链接"-style heading: the names under it are not partners."""
        if not _ASIDE.match(text):
            return False
        self._flush_card()
        self._aside = True
        return True

    def _note(self, raw: str, text: str) -> bool:
        """A note that states a rename or an ended mark of a listed partner: kept for
        `stated_former_names`; a numbered list line is an item, never a note."""
        if self._item_line(raw):
            return False
        renamed = stated_rename(text)
        if renamed is not None:
            self.renames.append(renamed)
            return True
        ended = stated_status(text)
        if ended is not None:
            self.statuses.append(ended)
        return ended is not None

    def _prose(self, text: str, line: Line, document: Document) -> bool:
        """Lists written as a sentence ("平台运营机构共6家，包括：甲、乙…；增信服务机构…")."""
        found = prose_lists(text)
        if not found:
            return False
        self._flush_card()
        source = Source(kind=document.line_kind, url=document.url, locator=line.locator)
        for label, lead, names in found:
            self._open_section(label, lead)
            for name in names:
                if self._acceptable(name, in_list=True):
                    row = Row(name, source, category_raw=label, scopes=(self._section.scope,))
                    self._add(row)
        self._last_line_row = len(self.rows) - 1
        return True

    def _item_line(self, raw: str) -> bool:
        """A numbered list line ("3. 甲公司（原乙公司）") is an item, not a note."""
        return strip_number(raw.strip())[0] is not None

    def _open_section(self, label: str, text: str) -> None:
        self._grid_category = ""
        self._status = ""
        self._sections += 1
        self._section = _Section(label=label, scope=f"section {self._sections}")
        self.context = True
        self._count(text, self._section.scope)

    def _count(self, text: str, scope: str) -> None:
        for match in _COUNT.finditer(text):
            number = next(int(g) for g in match.groups() if g)
            self.counts.append(StatedCount(number, scope, match.group(0)))

    def _note_as_of(self, text: str) -> None:
        if not self.as_of:
            found = _AS_OF.search(text)
            if found:
                self.as_of = found.group(1)

    def _date_line(self, text: str) -> bool:
        """A bare date closes a signature block: the line above it was the signer."""
        if not is_noise(text) or not re.search(r"\d{4}\s*[-/.年]", text):
            return False
        index = self._last_line_row
        if index == len(self.rows) - 1 and index >= 0:
            row = self.rows[index]
            earlier = self.rows[:index]
            plain = row.seq is None and not (row.category_raw or row.hotline or row.products)
            lender = bool(_LENDER.search(row.name))
            if plain and (lender or (earlier and earlier[-1].seq is not None)):
                self.rows.pop()
        self._last_line_row = -1
        return True

    def _item(self, raw: str, line: Line, document: Document) -> bool:
        number, body = strip_number(raw.strip())
        if number is None and line.number is not None:
            number = line.number
        fields = item_fields(body, self._line_layout, self.known)
        if fields is None:
            return False
        names = split_names(fields.name, known=self.known) if fields.name else []
        in_list = line.kind is LineKind.ITEM or number is not None
        accepted = [name for name in names if self._acceptable(name, in_list=in_list)]
        if not accepted:
            return False
        kind = document.item_kind if line.kind is LineKind.ITEM else document.line_kind
        source = Source(kind=kind, url=document.url, locator=line.locator)
        for name in accepted:
            self._add(
                Row(
                    name=name,
                    source=source,
                    category_raw=fields.category or self._section.label,
                    products=fields.products,
                    period=fields.period,
                    hotline=fields.hotline,
                    remark=fields.remark,
                    seq=number,
                    scopes=(self._section.scope,),
                )
            )
        self._last_line_row = len(self.rows) - 1
        if number is not None:
            self.numbering.append(number)
        return True

    def _acceptable(self, name: str, *, in_list: bool, table: str = "") -> bool:
        """Whether a candidate is a partner. `table` is "header" for a column a header
        names, "inferred" for a column recognised by its content, "" for running text."""
        text = clean_text(name)
        core = parse_name(text).name  # the name without what is written beside it
        if not text or is_noise(text) or is_sentence(core) or _PROSE_PUNCTUATION.search(core):
            return False
        if _LIST_WORDS.search(core):
            return False
        if match_key(core) in self.own_keys:
            return False
        base = re.sub(r"（[^（）]*）", "", core)
        label = _LEADING_LABEL.match(text)
        if label and column_of(label.group(1))[0] is not Column.NAME:
            return False  # "统一社会信用代码：9133…" under the name
        if _CODE.fullmatch(base):
            return False
        if table == "header":
            return len(base) >= 2 and not re.fullmatch(r"[\d\W_]+", base)
        named = looks_like_org(base) or text in self.known or match_key(text) in self.known
        if table == "weak":
            return self.context and len(base) >= 2
        if named:
            return self.context
        short_brand = 2 <= len(base) <= 20 and not re.search(r"\d{4}|[:：,，。]", base)
        return self.context and in_list and bool(self._section.label) and short_brand

    def _add(self, row: Row) -> None:
        if self._status and not row.remark:
            row = replace(row, remark=self._status)
        self.rows.append(row)

    # --- label：value cards ------------------------------------------------------------------

    def _labelled(
        self, labelled: list[tuple[Column, str, str]], line: Line, document: Document
    ) -> None:
        source = Source(kind=document.line_kind, url=document.url, locator=line.locator)
        presets = [(preset, value) for column, preset, value in labelled if preset]
        if presets and len(labelled) == 1:
            self._flush_card()
            preset, value = presets[0]
            self._open_section(preset, preset)
            if value:
                for name in split_names(value, known=self.known):
                    if self._acceptable(name, in_list=True):
                        row = Row(
                            name=name,
                            source=source,
                            category_raw=preset,
                            scopes=(self._section.scope,),
                        )
                        self._add(row)
            return
        seen = {column for column, _, _ in self._card}
        if any(column in seen for column, _, _ in labelled):
            self._flush_card()
        if not self._card:
            self._card_source = source
        self._card.extend(labelled)

    def _flush_card(self) -> None:
        card, self._card = self._card, []
        if not card or self._card_source is None:
            return
        values: dict[Column, str] = {}
        for column, _, value in card:
            values.setdefault(column, value)
        name_cell = values.get(Column.NAME, "")
        for name in split_names(name_cell, known=self.known) if name_cell else []:
            if not self._acceptable(name, in_list=True, table="header"):
                continue
            self._add(
                Row(
                    name=name,
                    source=self._card_source,
                    category_raw=values.get(Column.CATEGORY, "") or self._section.label,
                    products=split_products(values.get(Column.PRODUCT, "")),
                    period=values.get(Column.PERIOD, ""),
                    hotline=values.get(Column.HOTLINE, ""),
                    remark=values.get(Column.REMARK, ""),
                    seq=_int(values.get(Column.SEQ, "")),
                    scopes=(self._section.scope,),
                )
            )

    # --- tables ------------------------------------------------------------------------------

    def _grid(self, grid: Grid, document: Document) -> None:
        self._aside = False
        self._grid_category = ""
        rows = unfold_repeated(tuple(tuple(self._prepare(c) for c in row) for row in grid.rows))
        if _is_card_grid(rows):
            for index, row in enumerate(rows):
                label, value = row[0], " ".join(c for c in row[1:] if c.strip())
                self._line(
                    Line(f"{label}：{value}", locator=f"{grid.locator} row {index + 1}"), document
                )
            self._flush_card()
            return
        header = find_header(rows)
        start = 0
        layout: Layout | None
        if header is not None:
            start, layout = header[0] + 1, demote_brand_columns(header[1], rows[header[0] + 1 :])
            for row in rows[: header[0]]:
                self._spanning(single_text(row) or " ".join(c for c in row if c.strip()), "")
            self._layout = layout
        elif self._layout is not None and self._layout.width == max(
            (len(r) for r in rows), default=0
        ):
            layout = self._layout
        elif not _has_foreign_header(rows):
            layout = infer_layout(rows, known=self.known)
        else:
            layout = None
        if layout is None:
            for index, row in enumerate(rows):
                text = " ".join(dict.fromkeys(c.replace("\n", " ") for c in row if c.strip()))
                self._line(Line(text, locator=f"{grid.locator} row {index + 1}"), document)
            return
        self.context = self.context or (layout.strong and not layout.inferred)
        scope = f"{document.url}#{grid.locator}"
        for index in range(start, len(rows)):
            self._grid_row(rows[index], layout, document, f"{grid.locator} row {index + 1}", scope)

    def _filled_category(self, value: str, layout: Layout) -> str:
        """A blank category cell under a filled one means "same as above" (no rowspan)."""
        if value:
            self._grid_category = value
            return value
        return self._grid_category if layout.column(Column.CATEGORY) is not None else ""

    def _spanning(self, text: str, scope: str, *, in_name_column: bool = False) -> bool:
        """A row with one text across the table: a section heading, a total or a note.

        A lone cell in the name column is a partner unless it is plainly not one.
        """
        cleaned = clean_text(text)
        if not cleaned:
            return True
        self._note_as_of(cleaned)
        label = heading_label(cleaned)
        if label:
            self._open_section(label, cleaned)
            return True
        status = status_heading(cleaned, LineKind.HEADING)
        if status:
            self._status = status
            return True
        prose = is_sentence(cleaned) and not (in_name_column and _starts_with_name(text))
        if is_noise(cleaned) or prose or _COUNT.search(cleaned):
            self._count(cleaned, scope or "document")
            if PARTNER_WORDS.search(cleaned):
                self.context = True
            return True
        return False

    def _grid_row(
        self, row: tuple[str, ...], layout: Layout, document: Document, locator: str, scope: str
    ) -> None:
        filled = [c for c in row if c.strip()]
        if not filled:
            return
        single = single_text(row)
        lone = filled[0] if single or len(filled) == 1 else ""
        in_names = len(filled) == 1 and any(
            c < len(row) and row[c].strip() for c in layout.name_columns
        )
        if lone and self._spanning(lone, scope, in_name_column=in_names):
            return
        if is_header_echo(row, layout):
            return
        if _is_total_row(row):
            self._count(" ".join(filled), scope)
            return
        if is_blank_row(row):
            return
        cell = _cells(row, layout)
        seq = _int(cell(Column.SEQ))
        source = Source(kind=document.table_kind, url=document.url, locator=locator)
        hotline = cell(Column.HOTLINE)
        remark = cell(Column.REMARK)
        remark_column = layout.column(Column.REMARK)
        if remark and remark_column is not None and layout.presets.get(remark_column):
            remark = f"{layout.presets[remark_column]}：{remark}"  # a 曾用名 column
        added = False
        for column in layout.name_columns:
            if column >= len(row) or not row[column].strip():
                continue
            name_cell = row[column]
            if not hotline and layout.column(Column.HOTLINE) is None and PHONE.search(name_cell):
                hotline = "、".join(phones_in(name_cell))
                name_cell = PHONE.sub("", clean_text(name_cell))
            category = (
                self._filled_category(cell(Column.CATEGORY), layout)
                or layout.presets.get(column, "")
                or self._section.label
            )
            for name in split_names(name_cell, known=self.known):
                table = "header" if layout.strong else "weak"
                table = "inferred" if layout.inferred else table
                if not self._acceptable(name, in_list=True, table=table):
                    continue
                self._add(
                    Row(
                        name=name,
                        source=source,
                        category_raw=category,
                        products=split_products(cell(Column.PRODUCT)),
                        period=cell(Column.PERIOD),
                        hotline=hotline,
                        remark=remark,
                        seq=seq,
                        scopes=(self._section.scope, scope),
                    )
                )
                added = True
        if added and seq is not None:
            self.numbering.append(seq)


def _cells(row: tuple[str, ...], layout: Layout) -> _CellReader:
    return _CellReader(row, layout)


class _CellReader:
    """cell(Column.X) -> that column's text in one row ("" when the table has none)."""

    def __init__(self, row: tuple[str, ...], layout: Layout) -> None:
        self.row = row
        self.layout = layout

    def __call__(self, role: Column) -> str:
        column = self.layout.column(role)
        if column is None or column >= len(self.row):
            return ""
        text = published(self.row[column])  # a wrapped cell joined back, CJK without spaces
        return "" if is_blank(text) else text


def _has_foreign_header(rows: tuple[tuple[str, ...], ...]) -> bool:
    """The first row labels columns, but none of them is a partner name: another table."""
    labels = [clean_text(c) for c in rows[0] if c.strip()] if rows else []
    if len(set(labels)) < 2:
        return False
    short = [
        c
        for c in labels
        if len(c) <= 10 and not looks_like_org(c) and not re.fullmatch(r"[\d.、]+", c)
    ]
    return len(short) == len(labels)


def _starts_with_name(cell: str) -> bool:
    first = next((line for line in cell.split("\n") if line.strip()), "")
    return looks_like_org(strip_number(first.strip())[1])


def _is_record(labelled: list[tuple[Column, str, str]]) -> bool:
    """Label：value fields of a record, not a bare "平台运营机构：" heading."""
    if not labelled:
        return False
    return not (len(labelled) == 1 and labelled[0][1] and not labelled[0][2])


def _int(text: str) -> int | None:
    """A row number: "12", "12.", "（12）", "No.12"; None for anything longer."""
    found = re.fullmatch(r"\D{0,3}?(\d{1,4})\D{0,2}", clean_text(text))
    return int(found.group(1)) if found else None


def _is_total_row(row: tuple[str, ...]) -> bool:
    head = [clean_text(c) for c in row[:3] if c.strip()]
    return any(re.match(r"^(?:合计|小计|总计|共计|总数)", c) for c in head)


def _is_card_grid(rows: tuple[tuple[str, ...], ...]) -> bool:
    """A two-column table of label | value pairs (a vertical record, or several)."""
    if len(rows) < 2 or any(len(r) != 2 for r in rows) or header_layout(rows[0]) is not None:
        return False
    labels = [column_of(r[0]) for r in rows]
    plain = [column for column, preset in labels if column is not None and not preset]
    names = sum(column is Column.NAME for column in plain)
    return names >= 1 and len(plain) >= 0.6 * len(rows)
