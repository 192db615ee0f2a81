"""One line of disclosure text -> its parts: heading, status heading, label：value fields,
or a partner item (name, category, period, phone, products). Pure.

PDF text and HTML paragraphs keep their column gaps as spaces, so a line is split into
tokens first; a token that is a whole legal name is the name, unless spaces broke a name
into pieces (then the pieces are joined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archiver.dates import DATE
from archiver.partners.annotations import markers_in
from archiver.partners.blocks import Block, Line
from archiver.partners.brackets import closes_open_bracket
from archiver.partners.categories import names_category
from archiver.partners.cellnames import standalone_name
from archiver.partners.cells import (
    CREDIT_CODE,
    FORMER_NAMES,
    PHONE,
    Column,
    column_of,
    former_names_column,
    is_noise,
    is_period,
    phones_in,
)
from archiver.partners.headings import heading_label
from archiver.partners.names import (
    LEGAL_TAIL,
    clean_text,
    fold_legal_form,
    is_region,
    lift_qualifier,
    looks_like_org,
)
from archiver.partners.tables import Layout, strip_number
from archiver.partners.tokens import field_tokens, unglue_labels

_LABEL = re.compile(r"(?:^|(?<=[\s,，;；。]))([^\s:：,，;；。（）()]{2,14})\s*[:：]")
# A comma between CJK words parts the fields of a line that starts with a whole name; it is
# never inside a name ("Co., Ltd." is followed by a space).
_DASHES = re.compile(r"\s*(?:——|—|–|－|--+|\s-\s|\|)\s*")
_TRAILING_BRACKET = re.compile(r"（([^（）]{2,15})）$")
# A bracket after the name with its category, then its date under a label of a few words.
_DESCRIBED = re.compile(
    r"（([^（）,，]{2,15})[,，]\s*[\u4e00-\u9fff]{0,8}[:：]?\s*"
    r"(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*(?:至|-|—|~)\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)?)）$"
)
_PRODUCT_BRACKET = re.compile(r"（(?:合作)?产品(?:名称)?[:：]([^（）]+)）")
_PERIOD_SPAN = re.compile(
    rf"(?:合作)?(?:期限|期间)?[:：]?\s*{DATE}\s*(?:起|(?:至|到|-|—|–|~|－|～)\s*(?:{DATE}|今|长期))"
)


_SPACED_BRACKETS = re.compile(r"（ ?([^（）\s]{1,12}) ?）")


def light_clean(text: str) -> str:
    """NFKC and one bracket width, but spaces kept (they separate columns in PDF text); spaces
    just inside a short bracket pair go, they separate nothing ("甲( 杭州 )公司").

    >>> light_clean("蚂蚁智信( 杭州 )信息技术有限公司 平台运营机构")
    '蚂蚁智信（杭州）信息技术有限公司 平台运营机构'
    """
    cleaned = " ".join(clean_text(part) for part in text.split())
    return _SPACED_BRACKETS.sub(r"（\1）", cleaned)


_CIRCLED = str.maketrans({chr(0x2460 + i): f"{i + 1}、" for i in range(20)})
# "北京小桔科技有限公司注1": a footnote reference glued to a name (a <sup> in the page)
_NAME_FOOTNOTE = re.compile(
    r"(?<=[司行团心所])\s*(?:(?:注|备注|附注)\s*\d{1,2}(?=\s*(?:$|\n))|[*＊※★☆△▲#＃]+(?=\s|$)"
    r"|[\u2460-\u2473\u2776-\u277f¹²³\u2074-\u2079]+)",  # "甲公司①", "甲公司¹": a reference
    re.M,
)


def without_footnotes(text: str) -> str:
    """A line with footnote marks glued to names removed and circled numbers written out.

    >>> without_footnotes("①北京小桔科技有限公司注1"), without_footnotes("2 甲乙有限公司* 平台")
    ('1、北京小桔科技有限公司', '2 甲乙有限公司 平台')
    >>> without_footnotes("甲乙科技有限公司②")
    '甲乙科技有限公司'

    """
    return _NAME_FOOTNOTE.sub("", text).translate(_CIRCLED)


def join_wrapped(blocks: tuple[Block, ...], known: set[str]) -> list[Block]:
    """Lines that only finish the name above them (a PDF wrapped a long name) joined to it.

    >>> lines = (Line("1 蚂蚁智信（杭州）信息技术 95188"), Line("有限公司"), Line("2 乙公司"))
    >>> [line.text for line in join_wrapped(lines, set())]
    ['1 蚂蚁智信（杭州）信息技术有限公司 95188', '2 乙公司']
    """
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Line) and _PAGE_COUNTER.match(block.text):
            continue  # "第 1 页 共 2 页" between a row and the rest of it on the next page
        previous = result[-1] if result else None
        if isinstance(block, Line) and isinstance(previous, Line):
            joined = _rejoin_cells(previous.text, block.text) or _rejoin(
                previous.text, block.text, known
            )
            if joined is not None:
                result[-1] = Line(joined, previous.kind, previous.number, previous.locator)
                continue
        result.append(block)
    return result


_PAGE_COUNTER = re.compile(
    r"^\s*(?:第\s*\d{1,4}\s*页\s*[,，/／]?\s*(?:共\s*\d{1,4}\s*页)?|[-—]\s*\d{1,4}\s*[-—]"
    r"|\d{1,3}\s*/\s*\d{1,3}|page\s*\d{1,4}\s*(?:of|/)\s*\d{1,4})\s*$",
    re.IGNORECASE,
)


def _rejoin_cells(above: str, below: str) -> str | None:
    """A row whose every cell wrapped (or went on past a page break) and the line that ends
    each: "20 增信服务 众安在线财产保险股 个人贷款保" + "机构 份有限公司 证保险".

    >>> _rejoin_cells("20 增信服务 众安在线财产保险股 个人贷款保", "机构 份有限公司 证保险")
    '20 增信服务机构 众安在线财产保险股份有限公司 个人贷款保证保险'
    >>> _rejoin_cells("3 甲科技有限公司 平台运营机构", "乙科技有限公司 平台运营机构") is None
    True
    """
    ends = light_clean(below).split(" ")
    if len(ends) < 2 or strip_number(below.strip())[0] is not None:
        return None
    if any(len(end) > 14 or (len(end) >= 6 and standalone_name(end, set())) for end in ends):
        return None  # a row of its own ("乙科技有限公司 平台运营机构"), not the rest of one
    tokens = light_clean(above).split(" ")
    number = tokens[:1] if re.fullmatch(r"\d{1,3}[.、．]?", tokens[0]) else []
    cells = tokens[len(number) :]
    if len(cells) != len(ends):
        return None
    pairs = list(zip(cells, ends, strict=True))
    if not any(not looks_like_org(cell) and looks_like_org(cell + end) for cell, end in pairs):
        return None  # no cell held the start of a name the line below finishes
    return " ".join([*number, *(cell + end for cell, end in pairs)])


# A numbered item of labelled fields ("1. 甲有限公司；合作机构类别：平台运营机构；合作期间：
# 2025年") that a PDF wrapped: the next line goes on with its fields ("10月1日至2026年9月
# 30日；客服电话：…。"), never with a new item.
_FIELDED_ITEM = re.compile(r"^\s*\(?\d{1,3}[)）.．、]\s*\S.*[；;][\u4e00-\u9fa5]{2,8}[:：]")
_FIELD = re.compile(r"^[\u4e00-\u9fa5]{2,8}[:：]|[；;][\u4e00-\u9fa5]{2,8}[:：]")


def _rejoin(above: str, fragment: str, known: set[str]) -> str | None:
    """`above` with `fragment` put back after the unfinished name in it, or None.

    >>> item = "6. 甲科技有限公司；合作机构类别：平台运营机构；合作期间：2025年"
    >>> _rejoin(item, "10月1日至2026年9月30日；客服电话：95000。", set())[len(item) :]
    '10月1日至2026年9月30日；客服电话：95000。'
    """
    if _continues_fields(above, fragment) or closes_open_bracket(above, fragment):
        return above.rstrip() + fragment.strip()
    piece = clean_text(fragment)
    if not piece or len(piece) > 14 or strip_number(piece)[0] is not None or PHONE.search(piece):
        return None
    if heading_label(piece) or standalone_name(piece, known) or re.search(r"[:：。]", piece):
        return None
    legal_tail = LEGAL_TAIL.fullmatch(piece) is not None
    tokens = light_clean(above).split(" ")
    for index, token in enumerate(tokens):
        if len(token) < 4 or token in known or is_noise(token):
            continue
        finished = looks_like_org(token)
        if (not finished and looks_like_org(token + piece)) or (finished and legal_tail):
            tokens[index] = token + piece
            return " ".join(tokens)
    return None


def _continues_fields(above: str, fragment: str) -> bool:
    """True when `fragment` carries on the labelled fields of the numbered item above it."""
    head, tail = clean_text(above), clean_text(fragment)
    if not _FIELDED_ITEM.match(head) or head.endswith(("。", ".")) or not tail:
        return False
    if strip_number(tail)[0] is not None or heading_label(tail):
        return False
    return bool(_FIELD.search(tail))


def labelled_fields(text: str) -> list[tuple[Column, str, str]]:
    """("机构名称：甲公司 客服电话：95188") -> [(NAME, "", "甲公司"), (HOTLINE, "", "95188")].

    Empty when the line is not made of known labels.

    >>> labelled_fields("原名称：乙科技有限公司")
    [(<Column.REMARK: 'remark'>, '', '原名称：乙科技有限公司')]
    """
    light = light_clean(strip_number(text.strip())[1])
    matches = list(_LABEL.finditer(light))
    if not matches or matches[0].start() != 0:
        return []
    fields: list[tuple[Column, str, str]] = []
    for index, match in enumerate(matches):
        column, preset = column_of(match.group(1))
        if column is None:
            return []
        end = matches[index + 1].start() if index + 1 < len(matches) else len(light)
        value = light[match.end() : end].strip(" ;；,，。、")
        if former_names_column(match.group(1)):  # "原名称：乙公司" is a note, never the name
            column, value = Column.REMARK, f"{FORMER_NAMES}：{value}"
        fields.append((column, preset, value))
        if column is Column.NAME and markers_in(match.group(1)):
            fields.append((Column.REMARK, "", match.group(1)))  # "终止合作机构：甲公司"
    return fields


@dataclass(frozen=True, slots=True)
class ItemFields:
    """What one list line holds besides its number."""

    name: str
    category: str = ""
    products: tuple[str, ...] = ()
    period: str = ""
    hotline: str = ""
    remark: str = ""


def item_fields(body: str, layout: Layout | None, known: set[str]) -> ItemFields | None:
    """Split a list line into name, category, period, phone and the rest.

    >>> item_fields("和君纵达数据科技股份有限公司 400-820-1234", None, set())
    ItemFields(name='和君纵达数据科技股份有限公司', category='', products=(), period='', \
hotline='400-820-1234', remark='')
    >>> item_fields("甲乙科技有限公司（助贷服务机构）合作业务：丙信托计划", None, set())
    ItemFields(name='甲乙科技有限公司', category='助贷服务机构', products=(), period='', \
hotline='', remark='合作业务:丙信托计划')

    A credit code in its own column is never a product, a period or a hotline:

    >>> item_fields("甲乙融资担保有限公司 有钱花 91500000MA60GLY97H", None, set()).remark
    '有钱花'

    A PDF row whose name wrapped onto the lines above and below keeps its code where the name
    was (the wrapped name is joined to it later), so no product is taken for the name:

    >>> item_fields("91330106MA2B0HXK5R 平台运营机构 借呗 2025-01-01 95188", None, set()).name
    '91330106MA2B0HXK5R借呗2025-01-01'

    A row's number after its category (机构类别 | 序号 | 机构名称) is no product:

    >>> item_fields("平台运营机构 3 甲乙科技有限公司 95055", None, set()).products
    ()
    >>> item_fields("甲乙科技有限公司 （统一社会信用代码：91310115MA1K3J3P4M）", None, set()).name
    '甲乙科技有限公司'
    """
    light, labelled = _labelled_tail(unglue_labels(light_clean(_CHINESE_NUMBER.sub("", body))))
    light = _without_credit_code(light)
    if not light:
        return None
    hotline = "、".join(phones_in(light))
    light = PHONE.sub(" ", light)
    light = re.sub(r"(?:客服|服务|联系|投诉)?(?:电话|热线)\s*[:：]?", " ", light)
    period = ""
    span = _PERIOD_SPAN.search(light)
    if span:
        period = span.group(0).strip()
        light = (light[: span.start()] + " " + light[span.end() :]).strip()
    light = _DASHES.sub(" ", light)
    tokens = [t.strip(" -—|/，,；;。") for t in field_tokens(light)]
    tokens = [t for t in tokens if t]
    if len(tokens) > 1 and all(_complete_name(t, known) for t in tokens):
        tokens = ["、".join(tokens)]  # several names on one line, separated by spaces
    category = ""
    free: list[str] = []
    has_category = layout is not None and Column.CATEGORY in layout.columns.values()
    for index, token in enumerate(tokens):
        tagged = index == 0 and len(tokens) > 1 and _tags_name(tokens[1], known)
        if not category and _is_category_token(token, has_category=has_category or tagged):
            category = token
        elif is_period(token) and not period:
            period = token
        else:
            free.append(token)
    has_products = layout is not None and Column.PRODUCT in layout.columns.values()
    products_first = has_products and _product_before_name(layout)
    name, before, after = _name_tokens(free, known, products_first=products_first)
    if not name:
        return None
    products: tuple[str, ...] = ()
    remark = ""
    before = [t for t in before if not re.fullmatch(r"\d{1,3}[.、]?", t)]  # the row's number
    extra = [t for t in (*before, *after) if not markers_in(t)]
    marker_tokens = [t for t in after if markers_in(t)]
    if extra and (has_products or before):
        products = tuple(extra)
    elif extra:
        remark = " ".join(extra)
    if marker_tokens:
        name = name + "（" + "，".join(marker_tokens) + "）"
    name, bracket_products = products_in_brackets(name)
    products = (*products, *bracket_products)
    if not category:
        name, category, period = _bracketed_category(name, period)
    fields = ItemFields(name, category, products, period, hotline, remark)
    return _with_labelled(fields, labelled)


# "二、甲公司（平台运营机构）": a list item numbered in Chinese numerals, as 1、 numbers one
_CHINESE_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、\s*(?=\S)")


def _without_credit_code(light: str) -> str:
    """The line without its credit code (who the partner is, never a field of it), when the
    line names the partner too; a line whose name wrapped away keeps the code in its place."""
    without = _LABELLED_CODE.sub(" ", light)  # "（统一社会信用代码：9131…）": all of it
    without = CREDIT_CODE.sub(" ", without).strip()
    return without if any(looks_like_org(token) for token in without.split()) else light


_LABELLED_CODE = re.compile(
    r"\s*[（(]\s*(?:统一社会信用代码|社会信用代码|信用代码|机构代码|代码)?\s*[:：]?\s*"
    rf"(?:{CREDIT_CODE.pattern})\s*[)）]"
)


def _bracketed_category(name: str, period: str) -> tuple[str, str, str]:
    """(name, category, period) of a name with its category in a bracket after it, alone
    ("甲公司（平台运营机构）") or before its date ("（平台运营机构，合作起始日2024-03-01）").

    >>> _bracketed_category("甲乙科技有限公司（平台运营机构，合作起始日2024-03-01）", "")
    ('甲乙科技有限公司', '平台运营机构', '2024-03-01')
    """
    cleaned = clean_text(name)
    bracketed = _TRAILING_BRACKET.search(cleaned)
    if bracketed and _is_category_token(bracketed.group(1), has_category=True):
        return cleaned[: bracketed.start()], bracketed.group(1), period
    described = _DESCRIBED.search(cleaned)
    if described and _is_category_token(described[1], has_category=True):
        return cleaned[: described.start()], described[1], period or described[2]
    return name, "", period


def _labelled_tail(light: str) -> tuple[str, list[tuple[Column, str, str]]]:
    """Split "甲公司（平台运营机构），产品：借呗，客服电话：95188" after the name.

    >>> _labelled_tail("甲公司,产品:借呗、花呗")
    ('甲公司', [(<Column.PRODUCT: 'product'>, '', '借呗、花呗')])
    """
    for match in _LABEL.finditer(light):
        if match.start() == 0:
            continue
        column, _ = column_of(match.group(1))
        if column in (None, Column.NAME, Column.SEQ):
            continue
        fields = labelled_fields(light[match.start() :])
        if fields:
            return light[: match.start()].rstrip(" ,，;；"), fields
    return light, []


def _with_labelled(item: ItemFields, labelled: list[tuple[Column, str, str]]) -> ItemFields:
    """Fields a line gave as "label：value" after the name fill what the rest left empty."""
    for column, _, value in labelled:
        if column is Column.PRODUCT:
            item = replace(item, products=(*item.products, *split_products(value)))
        elif column is Column.CATEGORY and not item.category:
            item = replace(item, category=value)
        elif column is Column.HOTLINE and not item.hotline:
            item = replace(item, hotline="、".join(phones_in(value)) or value)
        elif column is Column.PERIOD and not item.period:
            item = replace(item, period=value)
        elif column is Column.REMARK:
            item = replace(item, remark=" ".join(filter(None, (item.remark, value))))
    return item


def _name_tokens(
    free: list[str], known: set[str], *, products_first: bool
) -> tuple[str, list[str], list[str]]:
    """(name, tokens before it, tokens after it) among the unclassified tokens of a line.

    Spaces inside a name are common noise ("上海 淇毓信息科技 有限公司"), so tokens before a
    complete name are part of it, unless a header said a product column comes first.
    """
    if not free:
        return "", [], []
    start = next((i for i, t in enumerate(free) if _complete_name(t, known)), None)
    if start is None:
        name = ""
        for index, token in enumerate(free, 1):
            name += token
            if looks_like_org(name):
                tail, end = _absorb_tail(free, index)
                return name + tail, [], free[end:]
        name = ""
        for index, token in enumerate(free, 1):
            name += token
            if clean_text(name) in known:
                return name, [], free[index:]
        return "".join(free), [], []
    before = free[:start]
    name = free[start]
    if products_first or _whole_name(name):
        while before and is_region(clean_text(before[-1])):
            name = before.pop() + name
    else:  # "上海淇毓信 息科技有限公司": the token is only the end of a name
        name, before = "".join(before) + name, []
    tail, end = _absorb_tail(free, start + 1)
    return name + tail, before, free[end:]


def _whole_name(token: str) -> bool:
    """A legal name long enough to stand alone: what precedes it is another column."""
    core, _ = lift_qualifier(fold_legal_form(clean_text(token)))
    return len(core) >= 4 and len(token) >= 6


def _is_category_token(token: str, *, has_category: bool) -> bool:
    """A category label standing as its own column in a line (not a piece of a name)."""
    if len(token) > 15 or looks_like_org(token) or not names_category(token):
        return False
    return has_category or bool(re.search(r"(?:机构|类|服务|业务|合作|方)$", token))


def _tags_name(token: str, known: set[str]) -> bool:
    """The token after a leading category word is a whole legal name: the word is a tag
    ("平台运营 上海数禾信息科技有限公司", an H5 card's badge), not the start of the name."""
    return _complete_name(token, known) and _whole_name(token)


def _product_before_name(layout: Layout | None) -> bool:
    if layout is None:
        return False
    product, name = layout.column(Column.PRODUCT), layout.column(Column.NAME)
    return product is not None and name is not None and product < name


def _complete_name(token: str, known: set[str]) -> bool:
    """A token that is a whole legal name by itself (ends in a legal form, says whose)."""
    text = clean_text(token)
    if not re.search(r"(?:公司|银行|事务所|合伙）?|集团|中心)$", text):
        return False
    return standalone_name(text, known)


def _absorb_tail(free: list[str], end: int) -> tuple[str, int]:
    """Legal-form and bracket fragments that belong to the name just read."""
    tail = ""
    while end < len(free) and (LEGAL_TAIL.fullmatch(free[end]) or free[end].startswith("（")):
        tail += free[end]
        end += 1
    return tail, end


def products_in_brackets(name: str) -> tuple[str, tuple[str, ...]]:
    """ "甲公司（合作产品：借呗、花呗）" -> ("甲公司", ("借呗", "花呗")).

    >>> products_in_brackets("甲公司（产品名称：分期乐）")
    ('甲公司', ('分期乐',))
    """
    found = _PRODUCT_BRACKET.search(clean_text(name))
    if not found:
        return name, ()
    cleaned = clean_text(name)
    return cleaned[: found.start()] + cleaned[found.end() :], split_products(found.group(1))


def split_products(text: str) -> tuple[str, ...]:
    """Product names in one cell.

    >>> split_products("借呗、花呗；网商贷")
    ('借呗', '花呗', '网商贷')
    """
    parts = (clean_text(p) for p in re.split(r"[、，,；;\n/]", text))
    return tuple(dict.fromkeys(p for p in parts if p and not is_noise(p)))
