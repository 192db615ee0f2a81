"""Grids -> column layouts: header rows found by their words, or columns by their content.
Pure.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field, replace

from archiver.partners.annotations import is_status_word
from archiver.partners.categories import names_category
from archiver.partners.cells import (
    FORMER_NAMES,
    PHONE,
    Column,
    column_of,
    former_names_column,
    is_noise,
    is_period,
    is_strong_name_label,
    names_owner,
)
from archiver.partners.names import clean_text, looks_like_org

HEADER_SCAN_ROWS = 8
_NUMBER_PREFIX = re.compile(
    r"^\s*(?:[（(]\s*\d{1,4}\s*[)）]|\d{1,4}\s*(?:[.．](?!\d)|[、,，:：)）]|\s+(?=\D)))\s*"
)


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column holds what. `presets` gives the category a name column implies."""

    columns: dict[int, Column] = field(default_factory=dict)
    presets: dict[int, str] = field(default_factory=dict)
    width: int = 0
    inferred: bool = False  # True when read from the cells' content, not from a header
    strong: bool = True  # the header says the names are partners (合作机构名称, not 名称)
    labels: tuple[str, ...] = ()  # the header row as written

    @property
    def name_columns(self) -> tuple[int, ...]:
        """Columns holding partner names, left to right."""
        return tuple(sorted(c for c, role in self.columns.items() if role is Column.NAME))

    def column(self, role: Column) -> int | None:
        """The (first) column with this role; of several remark columns (合作状态 | 说明), the
        one that states the status, of several phones (客服电话 | 投诉电话) the service line,
        wherever it stands."""
        found = sorted(c for c, r in self.columns.items() if r is role)
        word = {Column.REMARK: "状态", Column.HOTLINE: "客服"}.get(role)
        if word and len(found) > 1:
            stated = [c for c in found if c < len(self.labels) and word in self.labels[c]]
            found = stated or found
        return found[0] if found else None


def header_layout(row: tuple[str, ...]) -> Layout | None:
    """The layout a header row announces, or None when the row is not a header.

    >>> header_layout(("序号", "合作机构名称", "合作机构类别", "客服电话")).columns[1].value
    'name'
    >>> header_layout(("1", "蚂蚁智信（杭州）信息技术有限公司", "平台运营机构", "95188")) is None
    True
    """
    columns: dict[int, Column] = {}
    presets: dict[int, str] = {}
    labels: dict[int, str] = {}
    filled = 0
    for index, cell in enumerate(row):
        text = clean_text(cell)
        if not text:
            continue
        filled += 1
        if looks_like_org(text) and not names_owner(text):
            return None
        role, preset = column_of(text)
        if former_names_column(text):  # 曾用名: a remark that names the former name
            role, preset = Column.REMARK, FORMER_NAMES
        if role is None:
            continue
        columns[index] = role
        labels[index] = text
        if preset:
            presets[index] = preset
    if Column.NAME not in columns.values() or keyed_by_product([clean_text(c) for c in row]):
        return None
    if filled > 1 and len({clean_text(c) for c in row if c.strip()}) == 1:
        return None  # one text spanning the row: a title or section row, not column labels
    if len(columns) < math.ceil(0.6 * filled):
        return None
    _one_category_column(columns, labels)
    _no_short_form_columns(columns, labels)
    _one_plain_name_column(columns, presets, labels)
    strong = any(
        is_strong_name_label(labels[c]) for c, role in columns.items() if role is Column.NAME
    )
    labels_row = tuple(clean_text(c) for c in row)
    return Layout(
        columns=columns, presets=presets, width=len(row), strong=strong, labels=labels_row
    )


_RATE_LABEL = re.compile(r"利率|费率|年化|息费|综合成本|额度|还款方式")  # a loan's terms
_INSTITUTION_LABEL = re.compile(r"机构|公司|企业|单位|主体")


def keyed_by_product(labels: list[str]) -> bool:
    """Column labels of a table of products: the first (after 序号) labels the product, another
    its rate, and none an institution ("产品名称 产品类型 年化利率区间 合作平台": the 合作平台
    cells are brands such as 支付宝, not partners).

    >>> keyed_by_product(["产品名称", "产品类型", "年化利率区间（单利）", "合作平台"])
    True
    >>> keyed_by_product(["产品名称", "年化利率", "合作机构名称"])
    False
    >>> keyed_by_product(["产品名称", "合作平台", "贷款额度", "期限"])
    True
    """
    labels = [label for label in labels if label]
    if labels and column_of(labels[0])[0] is Column.SEQ:
        labels = labels[1:]
    return (
        bool(labels)
        and column_of(labels[0])[0] is Column.PRODUCT
        and any(_RATE_LABEL.search(c) for c in labels)
        and not any(_INSTITUTION_LABEL.search(c) for c in labels)
    )


def demote_brand_columns(layout: Layout, rows: tuple[tuple[str, ...], ...]) -> Layout:
    """Two name columns, one of brands (支付宝, 分期乐) and one of legal entities: the brand
    column is a product column, the entity is the partner."""
    columns = layout.name_columns
    if len(columns) < 2 or layout.inferred:
        return layout
    share = {c: _org_share(rows, c) for c in columns}
    entity = [c for c in columns if share[c] >= 0.6]
    brands = [c for c in columns if share[c] < 0.3]
    if not entity or not brands or Column.PRODUCT in layout.columns.values():
        return layout
    roles = dict(layout.columns)
    roles[brands[0]] = Column.PRODUCT
    presets = {c: p for c, p in layout.presets.items() if c != brands[0]}
    category = layout.presets.get(brands[0], "")
    for column in entity:
        presets.setdefault(column, category) if category else None
    return replace(layout, columns=roles, presets=presets)


def _org_share(rows: tuple[tuple[str, ...], ...], column: int) -> float:
    cells = [clean_text(r[column]) for r in rows if column < len(r) and r[column].strip()]
    return sum(looks_like_org(c) for c in cells) / len(cells) if cells else 0.0


def merge_header(upper: Layout, lower: Layout) -> Layout:
    """Two header rows (a spanning group label above the column labels) -> one layout.

    A group label (合作机构信息 over 机构名称 | 统一社会信用代码) gives its role only to the
    columns the lower row leaves blank or repeats (a cell merged down): a column the lower
    row labels otherwise (统一社会信用代码) is what its own label says."""
    kept = {
        c: role
        for c, role in upper.columns.items()
        if c >= len(lower.labels) or lower.labels[c] in ("", upper.labels[c])
    }
    columns = {**kept, **lower.columns}
    presets = {c: p for c, p in upper.presets.items() if c not in lower.columns}
    presets.update(lower.presets)
    return Layout(
        columns=columns,
        presets=presets,
        width=max(upper.width, lower.width),
        strong=upper.strong or lower.strong,
        labels=lower.labels,
    )


def _one_category_column(columns: dict[int, Column], labels: dict[int, str]) -> None:
    """产品类型 and 合作机构类型 in one table: the institution's type is the category."""
    found = [c for c, role in columns.items() if role is Column.CATEGORY]
    if len(found) < 2:
        return
    keep = min(found, key=lambda c: (_category_rank(labels[c]), c))
    for index in found:
        if index != keep:
            del columns[index]


def _category_rank(label: str) -> int:
    """How surely a category label types the institution, whatever the columns' order:
    合作机构类型 before 合作类型 before another 类型; a product's type (合作产品类型) last.

    >>> [_category_rank(x) for x in ("合作机构类型", "合作类型", "业务类型", "合作产品类型")]
    [0, 1, 2, 3]
    """
    if re.search(r"产品|业务品种|贷款品种", label):
        return 3
    if re.search(r"机构|公司|主体", label):
        return 0
    return 1 if "合作" in label else 2


# A column of short forms or brands beside the legal names (机构简称 | 机构全称): not the partner.
_SHORT_FORM_LABEL = re.compile(r"简称|简写|俗称|别称|品牌|商标|brand|short", re.IGNORECASE)


def _no_short_form_columns(columns: dict[int, Column], labels: dict[int, str]) -> None:
    """机构简称 beside 机构全称 (or 品牌 beside 机构名称): the partner is the legal entity, so the
    short-form column is no name column; alone, it is still the only name there is."""
    names = [c for c, role in columns.items() if role is Column.NAME]
    short = [c for c in names if _SHORT_FORM_LABEL.search(labels[c])]
    if short and len(short) < len(names):
        for index in short:
            del columns[index]


def _one_plain_name_column(
    columns: dict[int, Column], presets: dict[int, str], labels: dict[int, str]
) -> None:
    """Several unlabelled name columns: keep the Chinese one, then the one that says 名称,
    else the leftmost (foreign banks print an English translation beside the name)."""
    plain = [c for c, role in columns.items() if role is Column.NAME and c not in presets]
    if len(plain) < 2:
        return
    if len({labels[c] for c in plain}) == 1:
        return  # one header cell spanning several columns: merged copies of one name
    english = [c for c in plain if re.search(r"英文|english", labels[c], re.IGNORECASE)]
    chinese = [c for c in plain if re.search(r"中文|chinese", labels[c], re.IGNORECASE)]
    named = [c for c in plain if "名称" in labels[c] and c not in english]
    keep = (chinese or named or [c for c in plain if c not in english] or plain)[0]
    for index in plain:
        if index != keep:
            del columns[index]


def find_header(rows: tuple[tuple[str, ...], ...]) -> tuple[int, Layout] | None:
    """(index of the last header row, layout) among the first rows of a grid."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        layout = header_layout(row)
        if layout is None:
            continue
        if index + 1 < len(rows):
            lower = header_layout(rows[index + 1])
            if lower is not None:
                return index + 1, merge_header(layout, lower)
        return index, layout
    return None


GRID_NAME_SHARE = 0.8  # a second column this full of names is more names, not a detail


def infer_layout(rows: tuple[tuple[str, ...], ...], *, known: set[str]) -> Layout | None:
    """A layout read from the cells themselves, for a table without a header row.

    `known` holds names the alias table knows, which count as names even without a
    company suffix.
    """
    if not rows:
        return None
    width = max(len(row) for row in rows)
    body = [row for row in rows if not _spans(row)]  # (a section's label merged across)
    scores: dict[int, dict[Column, float]] = {}
    for col in range(width):
        cells = [clean_text(row[col]) for row in body if col < len(row) and row[col].strip()]
        if not cells:
            continue
        size = len(cells)
        scores[col] = {
            Column.NAME: sum(name_like(c, known) for c in cells) / size,
            Column.SEQ: sum(bool(re.fullmatch(r"\d{1,4}[.、]?", c)) for c in cells) / size,
            Column.HOTLINE: sum(bool(PHONE.search(c)) for c in cells) / size,
            Column.CATEGORY: sum(names_category(c) and not looks_like_org(c) for c in cells)
            / size,
            Column.PERIOD: sum(is_period(c) for c in cells) / size,
            Column.REMARK: sum(is_status_word(c) for c in cells) / size,  # 合作中 / 已终止
        }
    name_scores = {col: s[Column.NAME] for col, s in scores.items()}
    if not name_scores or max(name_scores.values()) < 0.5:
        return None
    name_col = max(name_scores, key=lambda c: (name_scores[c], -c))
    columns = {name_col: Column.NAME}
    for col, score in name_scores.items():  # names laid out several to a row
        if score >= GRID_NAME_SHARE and max(scores[col].values()) == scores[col][Column.NAME]:
            columns[col] = Column.NAME
    for role in (Column.SEQ, Column.HOTLINE, Column.CATEGORY, Column.PERIOD, Column.REMARK):
        best = max(
            (c for c in scores if c not in columns),
            key=lambda c, r=role: scores[c][r],  # type: ignore[misc]
            default=None,
        )
        if best is not None and scores[best][role] >= 0.6:
            columns[best] = role
    return Layout(columns=columns, width=width, inferred=True)


def _spans(row: tuple[str, ...]) -> bool:
    """A row of one text repeated in every cell (a label merged across the table)."""
    texts = [cell.strip() for cell in row if cell.strip()]
    return len(texts) > 1 and len(set(texts)) == 1


def name_like(text: str, known: set[str]) -> bool:
    """A legal entity's name of a sensible length, or one the alias table knows."""
    return (looks_like_org(text) and len(text) <= 60) or text in known


def single_text(row: tuple[str, ...]) -> str:
    """The text of a row whose filled cells all say the same thing (a spanning row)."""
    values = {clean_text(c) for c in row if c.strip()}
    return values.pop() if len(values) == 1 else ""


def strip_number(text: str) -> tuple[int | None, str]:
    """(item number, rest) of "1. 甲公司" / "（2）乙公司" / "3、丙公司".

    >>> strip_number("（12）深圳市凯旋融资担保有限公司")
    (12, '深圳市凯旋融资担保有限公司')
    >>> strip_number("2025.01.01-2026.12.31")
    (None, '2025.01.01-2026.12.31')
    """
    found = _NUMBER_PREFIX.match(text)
    if not found:
        return None, text
    digits = re.search(r"\d+", found.group(0))
    assert digits is not None
    return int(digits.group(0)), text[found.end() :]


def is_blank_row(row: tuple[str, ...]) -> bool:
    """True for rows with nothing but noise in every cell."""
    return all(not c.strip() or is_noise(c) for c in row)


def repeat_period(header: tuple[str, ...]) -> int:
    """The width of one record when a header repeats its labels side by side to save space
    (序号 机构名称 序号 机构名称: 2), or 0.

    >>> repeat_period(("序号", "机构名称", "序号", "机构名称"))
    2
    >>> repeat_period(("序号", "机构名称"))
    0
    """
    cells = tuple(clean_text(cell) for cell in header)
    width = len(cells)
    for period in range(2, width // 2 + 1):  # one record has a number and a name at least
        if width % period or any(cells[i] != cells[i % period] for i in range(width)):
            continue
        if len(set(cells[:period])) < period:
            return 0
        return period if header_layout(cells[:period]) is not None else 0
    return 0


def unfold_repeated(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A table with several records per row (序号|名称|序号|名称), one record per row: the
    left records first, then the right ones (column by column, as such tables are numbered);
    a row with one text across (a section) stays where it is. Other tables are unchanged.

    >>> rows = (("序号", "名称", "序号", "名称"), ("1", "甲", "3", "丙"), ("2", "乙", "", ""))
    >>> unfold_repeated(rows)
    (('序号', '名称'), ('1', '甲'), ('2', '乙'), ('3', '丙'))

    Numbered along the rows (1 | 2, then 3 | 4), the records are read row by row:

    >>> rows = (("序号", "名称", "序号", "名称"), ("1", "甲", "2", "乙"), ("3", "丙", "", ""))
    >>> unfold_repeated(rows)
    (('序号', '名称'), ('1', '甲'), ('2', '乙'), ('3', '丙'))
    """
    found = next(
        ((i, repeat_period(row)) for i, row in enumerate(rows[:5]) if repeat_period(row)), None
    )
    if found is None:
        return rows
    index, period = found
    copies = len(rows[index]) // period
    result = [row[:period] for row in rows[: index + 1]]
    segment: list[tuple[str, ...]] = []

    def unfold() -> None:
        by_column = [(copy, row) for copy in range(copies) for row in segment]
        by_row = [(copy, row) for row in segment for copy in range(copies)]
        order = (
            by_row
            if _numbered_in(by_row, period) and not _numbered_in(by_column, period)
            else by_column
        )
        for copy, row in order:
            record = tuple(row[copy * period : (copy + 1) * period])
            if any(cell.strip() for cell in record):
                result.append(record + ("",) * (period - len(record)))
        segment.clear()

    for row in rows[index + 1 :]:
        if single_text(row):
            unfold()
            result.append(row[:period])
        else:
            segment.append(row)
    unfold()
    return tuple(result)


def _numbered_in(records: list[tuple[int, tuple[str, ...]]], period: int) -> bool:
    """True when the records' first cells, in this order, count up (1, 2, 3…)."""
    numbers = []
    for copy, row in records:
        first = clean_text(row[copy * period]) if copy * period < len(row) else ""
        if first.isdigit():  # (a repeated header row among them says nothing)
            numbers.append(int(first))
    return len(numbers) > 1 and all(b == a + 1 for a, b in itertools.pairwise(numbers))
