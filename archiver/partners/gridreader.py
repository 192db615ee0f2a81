"""Tables and grids -> partner rows: the table half of `reader.Reader`. Pure.

A grid (an HTML table, a spreadsheet, a PDF table, lines under a repeated header) is read by
its header or an inferred layout, row by row; a row with one text across the table is a
section heading, a status heading, a total or a note. Lines that are not a table go back to
the line half (`_line`), and what both halves share (sections, statuses, the acceptance of a
name) is the reader's: the hooks below.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from archiver.models import Source
from archiver.partners.blocks import Document, Grid, Line, LineKind
from archiver.partners.cellnames import split_names
from archiver.partners.cells import (
    PARTNER_WORDS,
    PHONE,
    Column,
    credit_code_in,
    is_noise,
    is_sentence,
    phones_in,
)
from archiver.partners.changelog import LoggedChange, change_log
from archiver.partners.disowned import labels_another_role
from archiver.partners.folded import with_category_columns
from archiver.partners.gridrows import (
    cells_of,
    describes_service,
    has_foreign_header,
    is_card_grid,
    is_cut_row,
    is_header_echo,
    is_own_row,
    is_total_row,
    row_number,
    starts_with_name,
)
from archiver.partners.groups import GroupHeading, without_group_column
from archiver.partners.headings import heading_label, status_heading
from archiver.partners.labelledcells import lift_cell_labels
from archiver.partners.lines import split_products
from archiver.partners.names import clean_text
from archiver.partners.prose import ended_in_prose, opens_notes
from archiver.partners.rows import (
    Row,
    Section,
    StatedCount,
    as_of_date,
    stated_counts,
    under_status,
)
from archiver.partners.sideways import transposed
from archiver.partners.superseded import SupersededPart
from archiver.partners.tables import (
    Layout,
    demote_brand_columns,
    find_header,
    header_layout,
    infer_layout,
    is_blank_row,
    keyed_by_product,
    single_text,
    unfold_repeated,
)


def paired(category: str, count: int) -> list[str]:
    """The category of each of `count` names one cell holds: "平台运营机构/增信服务机构" beside
    "甲公司/乙公司" gives each its own; otherwise every name has the cell's category.

    >>> paired("平台运营机构/增信服务机构", 2), paired("平台运营机构", 2)
    (['平台运营机构', '增信服务机构'], ['平台运营机构', '平台运营机构'])
    """
    parts = [part.strip() for part in re.split(r"[/／]", category)]
    if count > 1 and len(parts) == count and all(parts):
        return parts
    return [category] * count


class GridReading(ABC):
    """The table half of the reader; `reader.Reader` holds the state and the line half."""

    known: set[str]
    own_keys: set[str]
    context: bool
    rows: list[Row]
    renames: list[tuple[str, str]]
    counts: list[StatedCount]
    numbering: list[int]
    as_of: str
    _section: Section
    _layout: Layout | None
    _aside: bool
    _disowned: bool
    _grid_category: str
    _status: str
    _status_from: int  # the rows read before the status heading
    _superseded: SupersededPart
    _group: GroupHeading

    @abstractmethod
    def _prepare(self, text: str) -> str: ...

    @abstractmethod
    def _line(self, line: Line, document: Document) -> None: ...

    @abstractmethod
    def _open_section(self, label: str, text: str) -> None: ...

    @abstractmethod
    def _flush_card(self) -> None: ...

    @abstractmethod
    def _acceptable(self, name: str, *, in_list: bool, table: str = "") -> bool: ...

    @abstractmethod
    def _add(self, row: Row) -> None: ...

    def _grid(self, grid: Grid, document: Document) -> None:
        if self._superseded.active:
            return
        if self._disowned:  # the lead above says this table names no partners (disowned.py)
            self._disowned = False
            return
        self._aside = False
        self._grid_category = ""
        prepared = tuple(tuple(self._prepare(c) for c in row) for row in grid.rows)
        rows = unfold_repeated(with_category_columns(prepared))
        rows = lift_cell_labels(rows)  # cards of "label：value" cells read as a grid
        if is_card_grid(rows):
            for index, row in enumerate(rows):
                label, value = row[0], " ".join(c for c in row[1:] if c.strip())
                self._line(
                    Line(f"{label}：{value}", locator=f"{grid.locator} row {index + 1}"), document
                )
            self._flush_card()
            return
        rows = transposed(rows) or rows  # labels down the first column: turned upright
        logged = change_log(rows)
        if logged is not None:  # the list's change log: notes on its names (changelog.py)
            where = Source(kind=document.table_kind, url=document.url, locator=grid.locator)
            self._logged(logged, where)
            return
        header, foreign = find_header(rows), has_foreign_header(rows)
        start = 0
        layout: Layout | None
        if header is not None:
            start, layout = header[0] + 1, demote_brand_columns(header[1], rows[header[0] + 1 :])
            for row in (r for r in rows[: header[0]] if header_layout(r) is None):
                self._spanning(single_text(row) or " ".join(c for c in row if c.strip()), "")
            self._layout = layout
        elif self._layout and self._layout.width == max(map(len, rows), default=0) and not foreign:
            layout = self._layout  # a table continued (never one with a header of its own)
        elif not foreign:
            layout = infer_layout(rows, known=self.known)
        else:
            layout = None
        if layout is None:
            self._grid_lines(rows, grid, document, foreign=foreign)
            return
        layout = without_group_column(layout, rows[start:])  # 京东集团 merged over its entities
        self.context = self.context or (layout.strong and not layout.inferred)
        scope = f"{document.url}#{grid.locator}"
        cut = is_cut_row(rows[start:], layout, document.table_kind)
        for index in range(start, len(rows) - cut):
            self._grid_row(rows[index], layout, document, f"{grid.locator} row {index + 1}", scope)

    def _grid_lines(
        self, rows: tuple[tuple[str, ...], ...], grid: Grid, document: Document, *, foreign: bool
    ) -> None:
        """A table without a layout, read row by row as lines; one whose labels say its
        names hold another role (保管人 | 开户行: disowned.py) or whose header is that of a
        table of products or rates ("产品名称 运营平台 增信方式 年化利率区间") is not read."""
        if foreign and labels_another_role(rows[0]):
            return
        if rows and keyed_by_product([clean_text(cell) for cell in rows[0]]):
            return
        for index, row in enumerate(rows):
            text = " ".join(dict.fromkeys(c.replace("\n", " ") for c in row if c.strip()))
            self._line(Line(text, locator=f"{grid.locator} row {index + 1}"), document)

    def _filled_category(self, value: str, layout: Layout) -> str:
        """A blank category cell under a filled one means "same as above" (no rowspan); a
        合作内容 column under a category heading (a tab) is what the partner does, not its
        category: the heading is."""
        if self._section.label and describes_service(layout):
            return ""
        if value:
            self._grid_category = value
            return value
        return self._grid_category if layout.column(Column.CATEGORY) is not None else ""

    def _spanning(self, text: str, scope: str, *, in_name_column: bool = False) -> bool:
        """A row with one text across the table: a section heading, a total or a note. A lone
        cell in the name column is a partner unless it is plainly not one."""
        cleaned = clean_text(text)
        if not cleaned:
            return True
        self.as_of = self.as_of or as_of_date(cleaned)
        label = heading_label(cleaned)
        if label:
            self._open_section(label, cleaned)
            return True
        status = status_heading(cleaned, LineKind.HEADING)
        if status:
            self._status, self._status_from = status, len(self.rows)
            return True
        prose = is_sentence(cleaned) and not (in_name_column and starts_with_name(text))
        if is_noise(cleaned) or prose or stated_counts(cleaned, ""):
            self.counts.extend(stated_counts(cleaned, scope or "document"))
            if PARTNER_WORDS.search(cleaned):
                self.context = True
            return True
        return False

    def _group_row(self, name: str, source: Source, scope: str) -> bool:
        """A brand merged across a row: held until the rows under it say whether it heads
        its group's entities or is a partner (groups.GroupHeading)."""
        if not self._acceptable(name, in_list=True, table="inferred"):
            return False
        scopes = (self._section.scope, scope)
        row = under_status(Row(name, source, self._section.label, scopes=scopes), self._status)
        return self._group.holds(self.rows, [row], heading=True)

    def _logged(self, changes: list[LoggedChange], source: Source) -> None:
        for change in changes:
            if change.former:
                self.renames.append((change.former, change.name))
            elif self._acceptable(change.name, in_list=True):
                scopes = (self._section.scope,)
                self._add(Row(change.name, source, "", remark=change.ended, scopes=scopes))

    def _ended_in_note(self, text: str, source: Source) -> None:
        """A note across the table that ends a partnership ("注：…2.原合作机构甲公司已于…终止
        合作，不再列示"): that partner, ended, as a note under the table would give it."""
        for name, words in ended_in_prose(text):
            if self._acceptable(name, in_list=True):
                scopes = (self._section.scope,)
                self._add(Row(name, source, "", remark=words, scopes=scopes))

    def _no_partner_row(
        self, row: tuple[str, ...], layout: Layout, source: Source, scope: str
    ) -> bool:
        """A row that is no partner's: blank, a heading or a note across the table, the
        header again, a total, or a group's brand held (`_group_row`)."""
        filled = [c for c in row if c.strip()]
        if not filled:
            return True
        single = single_text(row)
        lone = filled[0] if single or len(filled) == 1 else ""
        in_names = len(filled) == 1 and any(
            c < len(row) and row[c].strip() for c in layout.name_columns
        )
        if lone and opens_notes(lone):
            self._ended_in_note(lone, source)
        if lone and self._spanning(lone, scope, in_name_column=in_names):
            return True
        if is_header_echo(row, layout) or is_blank_row(row):
            return True
        if is_total_row(row):
            self.counts.extend(stated_counts(" ".join(filled), scope))
            return True
        # a brand across the row (colspan) above its entities: groups.py
        return bool(single) and len(filled) > 1 and self._group_row(single, source, scope)

    def _grid_row(
        self, row: tuple[str, ...], layout: Layout, document: Document, locator: str, scope: str
    ) -> None:
        source = Source(kind=document.table_kind, url=document.url, locator=locator)
        if self._no_partner_row(row, layout, source, scope):
            return
        cell = cells_of(row, layout)
        seq = row_number(cell(Column.SEQ))
        hotline, remark = cell(Column.HOTLINE), cell(Column.REMARK)
        remark_column = layout.column(Column.REMARK)
        if remark and remark_column is not None and layout.presets.get(remark_column):
            remark = f"{layout.presets[remark_column]}：{remark}"  # a 曾用名 column
        added = False
        code = credit_code_in(row) if len(layout.name_columns) == 1 else ""
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
            names = split_names(name_cell, known=self.known)
            for name, own_category in zip(names, paired(category, len(names)), strict=True):
                table = "inferred" if layout.inferred else ("header" if layout.strong else "weak")
                if not self._acceptable(name, in_list=True, table=table):
                    continue
                self._add(
                    Row(
                        name=name,
                        source=source,
                        category_raw=own_category,
                        products=split_products(cell(Column.PRODUCT)),
                        period=cell(Column.PERIOD),
                        hotline=hotline,
                        remark=remark,
                        seq=seq,
                        scopes=(self._section.scope, scope),
                        credit_code=code,
                    )
                )
                added = True
        if seq is not None and (added or is_own_row(row, layout, self.own_keys)):
            self.numbering.append(seq)  # the publisher's own row (自营) is numbered too
