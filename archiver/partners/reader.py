"""Documents -> partner rows: tables, headed lists, numbered lines, label：value cards. Pure.

One `Reader` reads the pages of one capture in order, so a category heading, a table
layout and the numbering carry over from one pagination page to the next. What it reads
stays as published (`Row`); records.py turns rows into Partner records. The table half
(grids read by their header or an inferred layout) is gridreader.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.models import Source
from archiver.partners.annotations import stated_renames
from archiver.partners.blocks import Document, Grid, Line, LineKind
from archiver.partners.candidates import (
    ASIDE_HEADING,
    LIST_END,
    Setting,
    is_label_words,
    is_partner_name,
)
from archiver.partners.cardfields import TrailingFields
from archiver.partners.cellnames import split_names
from archiver.partners.cells import (
    PARTNER_WORDS,
    Column,
    credit_code_in,
    is_attribute_line,
    is_noise,
)
from archiver.partners.disowned import disowns_what_follows, without_other_roles
from archiver.partners.folded import take_folded
from archiver.partners.footnotes import FootnoteMarks
from archiver.partners.fullnames import (
    labelled_legal_name,
    labels_full_name,
    with_brand_folded,
)
from archiver.partners.gridreader import GridReading
from archiver.partners.gridrows import is_record, labels_another_table, row_number
from archiver.partners.groups import GroupHeading
from archiver.partners.headings import (
    closes_section,
    heading_label,
    is_subsection,
    status_after,
    titles_partner_section,
)
from archiver.partners.lines import (
    ItemFields,
    item_fields,
    join_wrapped,
    labelled_fields,
    light_clean,
    split_products,
    without_footnotes,
)
from archiver.partners.linesplit import split_clauses, split_runs
from archiver.partners.names import clean_text, looks_like_org
from archiver.partners.prose import (
    ended_in_prose,
    group_list,
    listed_exits,
    opens_notes,
    prose_lists,
    stated_status,
)
from archiver.partners.rows import (
    Row,
    Section,
    StatedCount,
    as_of_date,
    continues_record,
    ends_with_signer,
    is_signature,
    stated_counts,
    under_status,
    with_stated_notes,
)
from archiver.partners.superseded import SupersededPart
from archiver.partners.tables import Layout, header_layout, strip_number

# A line that captions an attachment ("附件2：已终止合作机构名单"): what it says is that file's.
_ATTACHMENT_CAPTION = re.compile(r"^\s*附件\s*[\d一二三四五六七八九十]*\s*[:：]")


@dataclass
class Reader(GridReading):
    """Reads documents in order; collect rows, stated counts and item numbering."""

    known: set[str] = field(default_factory=set)  # names the alias table knows
    own_keys: set[str] = field(default_factory=set)  # the publishing institution's keys
    ignore: tuple[re.Pattern[str], ...] = ()
    context: bool = False  # the material has said it is about partners
    rows: list[Row] = field(default_factory=list)
    counts: list[StatedCount] = field(default_factory=list)
    numbering: list[int] = field(default_factory=list)
    as_of: str = ""
    _section: Section = field(default_factory=Section)
    _sections: int = 0
    _layout: Layout | None = None
    _line_layout: Layout | None = None
    _card: list[tuple[Column, str, str]] = field(default_factory=list)
    _card_source: Source | None = None
    _card_code: str = ""  # a labelled card's "统一社会信用代码：…"
    _codes_lead: bool = False  # a code came before any card: whose is whose is not sure
    _stopped: bool = False
    _aside: bool = False  # inside a "友情链接"-style block: its names are not partners
    _disowned: bool = False  # the text above says the next table names no partners
    _last_line_row: int = -1
    _brand_row: int = -1  # a card's brand, when "机构全称" follows it (fullnames.py)
    _grid_category: str = ""  # the last category cell of the current table
    _status: str = ""  # a heading such as "已终止合作机构": a remark for the rows under it
    _status_text: str = ""  # the line that gave the status
    _status_from: int = 0  # the rows read before the status heading
    renames: list[tuple[str, str]] = field(default_factory=list)  # "甲已更名为乙" notes
    statuses: list[tuple[str, str]] = field(default_factory=list)  # "注：甲已注销" notes
    _folded: list[tuple[str, ...]] = field(default_factory=list)  # rows of a repeated header
    _trailing: TrailingFields = field(default_factory=TrailingFields)
    _marks: FootnoteMarks = field(default_factory=FootnoteMarks)  # "标*者暂停合作"
    _superseded: SupersededPart = field(default_factory=SupersededPart)  # "历史版本" and after
    _group: GroupHeading = field(default_factory=GroupHeading)  # "京东集团" above its entities
    _in_notes: bool = False  # after "注：", numbered lines are the note's items, not records

    def read(self, document: Document) -> None:
        """Read one document (a page, a pagination step or an attachment)."""
        self._stopped = self._aside = self._disowned = False
        self._line_layout = None
        self._superseded = SupersededPart()
        self._in_notes = False
        blocks = split_runs(split_clauses(document.blocks))
        for block in join_wrapped(tuple(blocks), self.known):
            if isinstance(block, Line) and self._folded_row(block, document):
                continue
            self._flush_folded(document)
            if isinstance(block, Grid):
                self._in_notes = False
                self._flush_card()
                self._grid(block, document)
            else:
                self._line(block, document)
        self._flush_folded(document)
        self._flush_card()
        self._group.release(self.rows)
        self._trailing.apply(self.rows)

    def _folded_row(self, line: Line, document: Document) -> bool:
        """A line under a header that repeats its labels ("序号 机构名称 序号 机构名称"): kept
        to be read as one table, its records unfolded column by column."""
        taken = take_folded(self._folded, self._prepare(line.text))
        if taken == "section":  # the rows so far, the heading, then the same header goes on
            header = self._folded[0]
            self._flush_folded(document)
            self._line(line, document)
            self._folded.append(header)
        return bool(taken)

    def _flush_folded(self, document: Document) -> None:
        if self._folded:
            rows, self._folded = tuple(self._folded), []
            self._grid(Grid(rows, "lines"), document)

    def new_document_context(self) -> None:
        """An attachment starts afresh: no section or table layout carried over. A status the
        page gave (its heading "关于终止…合作的公告" over a PDF of names) holds, unless the line
        that gave it captions another attachment ("附件2：已终止合作机构名单" heads no rows of
        附件1)."""
        self._section = Section()
        self._layout = None
        if _ATTACHMENT_CAPTION.match(self._status_text):
            self._status = ""

    # --- lines -----------------------------------------------------------------------------

    def _prepare(self, text: str) -> str:
        for pattern in self.ignore:
            text = pattern.sub("", text)
        self._marks.see(text)
        return without_footnotes(without_other_roles(text))

    def _line(self, line: Line, document: Document) -> None:
        raw = self._prepare(line.text)
        text = clean_text(raw)
        raw, text = self._legal_name_line(raw, text)
        if not text or self._stopped or self._superseded.skips(text, line.kind):
            return  # (a superseded list: superseded.py)
        if LIST_END.match(text):
            self._flush_card()
            self._stopped = True
            return
        self.as_of = self.as_of or as_of_date(text)
        numbered = strip_number(raw.strip())[0] is not None
        self._in_notes = opens_notes(text) or (self._in_notes and numbered)
        if (
            self._note(raw, text)
            or self._aside_starts(text, raw, heading=line.kind is LineKind.HEADING)
            or self._attribute(text)
            or self._full_name_label(text)
        ):
            return  # ("统一社会信用代码：…" among a card's fields: the card goes on)
        if not self._aside and self._prose(text, line, document):
            return
        if PARTNER_WORDS.search(text) and not looks_like_org(text):
            self.context = True
        labelled = labelled_fields(raw)
        heading = "" if is_record(labelled) else heading_label(raw)
        if heading:
            self._flush_card()
            self._aside = False
            self._open_section(heading, text)
            return
        if not labelled and (self._status_line(text, line.kind) or self._section_ends(text)):
            self._aside = False  # "三、已终止合作机构" after a table of products: a list again
            return
        if self._aside:
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
            self.counts.extend(stated_counts(text, "document"))

    def _attribute(self, text: str) -> bool:
        """A line of what a card says about a company ("统一社会信用代码：…", "注册地址：…"):
        its credit code says who the card's partner is, whatever it is named."""
        if not is_attribute_line(text):
            return False
        code = credit_code_in([text])
        if not code or self._aside or self._codes_lead:
            return True
        if self._card and not self._card_code:
            self._card_code = code
        elif self._card or self._last_line_row < 0:
            self._codes_lead = True  # codes before names, or the publisher's own: none kept
            self._card_code = ""
        else:
            self._trailing.note_code(self._last_line_row, code)
        return True

    def _full_name_label(self, text: str) -> bool:
        """A card's "机构全称" under its brand: the legal name next folds the brand in
        (fullnames.py)."""
        if not labels_full_name(text):
            return False
        self._brand_above()
        return True

    def _legal_name_line(self, raw: str, text: str) -> tuple[str, str]:
        """ "运营主体：甲公司" under a card's brand: the legal name, folding the brand in."""
        legal = labelled_legal_name(text)
        if not legal:
            return raw, text
        self._brand_above()
        return legal, legal

    def _brand_above(self) -> None:
        last = self._last_line_row
        self._brand_row = last if last == len(self.rows) - 1 else -1

    def _status_line(self, text: str, kind: LineKind) -> bool:
        status, opened = status_after(self._status, text, kind)  # "三、已终止…" / "四、…"
        if status != self._status or opened:
            self._flush_card()  # a card read so far has the status before this line
        if status != self._status or opened:
            self._status_text, self._status_from = text, len(self.rows)
        self._status = status
        return opened

    def _section_ends(self, text: str) -> bool:
        """ "三、合作产品信息" after "二、增信服务机构": what follows has no category."""
        if not self._section.label or not closes_section(text):
            return False
        self._flush_card()
        self._section = Section(scope=self._section.scope)
        self._grid_category = ""
        return True

    def stated_former_names(self) -> list[Row]:
        """The rows, with what notes elsewhere state about them added (rows.with_stated_notes)."""
        names = [row.name for row in self.rows]
        signs = self._marks.statuses(names)
        renames = [*self.renames, *self._marks.renames(names)]
        return with_stated_notes(self.rows, renames, [*self.statuses, *signs])

    def _aside_starts(self, text: str, raw: str, *, heading: bool) -> bool:
        """A "友情链接"-style heading, or the labels of a table of products or rates ("序号
        合作产品名称 合作渠道 年化利率区间"), or a lead that disowns what follows ("以下机构与我行
        不存在合作关系："): the names under it are not partners. A numbered section of partners
        ("五、互联网助贷业务合作机构" after a report's 股东 table) ends what was set aside."""
        if titles_partner_section(text):
            self._aside = self._disowned = False
            return False
        self._disowned = self._disowned or disowns_what_follows(text, heading=heading)
        if not (
            ASIDE_HEADING.match(text)
            or labels_another_table(light_clean(raw).split(" "))
            or self._disowned
        ):
            return False
        self._flush_card()
        self._aside = True
        return True

    def _note(self, raw: str, text: str) -> bool:
        """A note that states a rename or an ended mark of a listed partner: kept for
        `stated_former_names`; a numbered list line is an item, never a note."""
        if strip_number(raw.strip())[0] is not None:
            return False  # a numbered list line ("3. 甲公司（原乙公司）") is an item, not a note
        if renamed := stated_renames(text):
            self.renames.extend(renamed)
            return True
        ended = stated_status(text)
        if ended is not None:
            self.statuses.append(ended)
        return ended is not None

    def _prose(self, text: str, line: Line, document: Document) -> bool:
        """Lists written as a sentence ("平台运营机构共6家，包括：甲、乙…；增信服务机构…")."""
        # "增信方式：保证保险" names a way of serving (a card's field), not a list of partners
        found = [f for f in prose_lists(text) if not all(map(is_label_words, f[2]))]
        sentence = self._in_notes or (
            line.kind is not LineKind.ITEM and strip_number(text)[0] is None
        )
        ended = ended_in_prose(text) if sentence and (found or self.context) else ()
        exits = listed_exits(text)  # "退出合作机构：甲（平台运营机构），…"
        grouped = () if found or exits else group_list(text)  # "蚂蚁集团旗下：甲、乙" (groups.py)
        if not found and not ended and not exits and not grouped:
            return False
        self._flush_card()
        source = Source(kind=document.line_kind, url=document.url, locator=line.locator)
        for label, lead, names in found:
            self._open_section(label, lead)
            for name in names:
                if self._acceptable(name, in_list=True):
                    row = Row(name, source, category_raw=label, scopes=(self._section.scope,))
                    self._add(row)
        listed = [(name, kind or self._section.label, words) for name, kind, words in exits]
        listed += [(name, self._section.label, "") for name in grouped]
        for name, category, words in [(name, "", words) for name, words in ended] + listed:
            if self._acceptable(name, in_list=True):
                row = Row(name, source, category, remark=words, scopes=(self._section.scope,))
                self._add(row)
        self._last_line_row = len(self.rows) - 1
        return True

    def _open_section(self, label: str, text: str) -> None:
        self._group.release(self.rows)
        self._grid_category = ""
        if not (len(self.rows) == self._status_from or is_subsection(text)):
            self._status = ""  # (a category right under "已终止合作机构" is a part of it)
        self._disowned = False
        self._sections += 1
        self._section = Section(label=label, scope=f"section {self._sections}")
        self.context = True
        self.counts.extend(stated_counts(text, self._section.scope))

    def _date_line(self, text: str) -> bool:
        """A bare date closes a signature block: the line above it was the signer (a
        lender's name with its date on one line is the whole signature)."""
        if is_signature(text):
            self._last_line_row = -1
            return True
        if not is_noise(text) or not re.search(r"\d{4}\s*[-/.年]", text):
            return False
        if ends_with_signer(self.rows, self._last_line_row):
            self.rows.pop()
        self._last_line_row = -1
        return True

    def _item(self, raw: str, line: Line, document: Document) -> bool:
        number, body = strip_number(raw.strip())
        number = line.number if number is None else number
        fields = item_fields(body, self._line_layout, self.known)
        if fields is None or continues_record(self.rows, self._last_line_row, number, line):
            self._last_line_row = -1  # a signer above a date is only the line right above it
            return False
        names = split_names(fields.name, known=self.known) if fields.name else []
        in_list = line.kind is LineKind.ITEM or number is not None
        accepted = [name for name in names if self._acceptable(name, in_list=in_list)]
        if self._in_notes:  # a note's numbered clause names a company, or nothing
            accepted = [n for n in accepted if looks_like_org(n) and not n.startswith("原")]
        if not accepted:
            self._last_line_row = -1  # (the publisher's own name, a signer not read as a row)
            return False
        kind = document.item_kind if line.kind is LineKind.ITEM else document.line_kind
        source = Source(kind=kind, url=document.url, locator=line.locator)
        code = credit_code_in([raw]) if len(accepted) == 1 else ""
        rows = [
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
                credit_code=code,
            )
            for name in accepted
        ]
        statused = [under_status(row, self._status) for row in rows]
        bare = number is None and fields == ItemFields(name=fields.name)  # a brand alone
        heading = line.kind is LineKind.HEADING
        if self._group.holds(self.rows, statused, heading=heading, bare=bare):
            self._last_line_row = -1  # a brand heading: a group's or a partner's (groups.py)
            return True
        for row in rows:
            self._add(row)
        if self._brand_row >= 0 and self._brand_row == len(self.rows) - 2:
            self.rows[:] = with_brand_folded(self.rows, self._brand_row)
        self._brand_row = -1
        self._last_line_row = len(self.rows) - 1
        if number is not None:
            self.numbering.append(number)
        return True

    def _acceptable(self, name: str, *, in_list: bool, table: str = "") -> bool:
        """Whether a candidate is a partner (candidates.is_partner_name)."""
        where = Setting(self.own_keys, self.known, self.context, bool(self._section.label))
        return is_partner_name(name, where, in_list=in_list, table=table)

    def _add(self, row: Row) -> None:
        self._group.before(self.rows, row)
        self.rows.append(under_status(row, self._status))

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
        if self._group.held is not None:  # a brand with fields of its own is a partner
            self._group.release(self.rows)
            self._last_line_row = len(self.rows) - 1
        if not self._card and self._trailing.note(self._last_line_row, labelled):
            return  # a card's field line under its name (cardfields)
        seen = {column for column, _, _ in self._card}
        if any(column in seen for column, _, _ in labelled):
            self._flush_card()
        if not self._card:
            self._card_source = source
        self._card.extend(labelled)

    def _flush_card(self) -> None:
        card, self._card = self._card, []
        code, self._card_code = self._card_code, ""
        if not card or self._card_source is None:
            return
        values: dict[Column, str] = {}
        for column, _, value in card:
            values.setdefault(column, value)
        name_cell = values.get(Column.NAME, "")
        names = split_names(name_cell, known=self.known) if name_cell else []
        code = code if len(names) == 1 else ""
        for name in names:
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
                    seq=row_number(values.get(Column.SEQ, "")),
                    scopes=(self._section.scope,),
                    credit_code=code,
                )
            )
