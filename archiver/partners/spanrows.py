"""A <div>/<li> whose children are cells: "<li><span>甲公司</span><span>借呗</span></li>". Pure.

Sites build table rows from spans; a list's children are all names instead. `row_cells` tells
the two apart, so that a row's cells are read as separate columns (a name, then its product or
its way of serving) and never glued into one name.
"""

from __future__ import annotations

import re

from lxml import html

from archiver.partners.candidates import is_label_words
from archiver.partners.categories import names_category
from archiver.partners.cells import Column, column_of
from archiver.partners.names import looks_like_org

_LABELLED = re.compile(r"^[^：:\s]{1,6}[：:]")  # "备注：…", "客服电话：…"
_FIELD_ROLES = (Column.PRODUCT, Column.PERIOD, Column.HOTLINE, Column.CATEGORY, Column.REMARK)
# A card's title: the name in a heading of its own, its fields beside it
_TITLE_TAGS = frozenset(["h3", "h4", "h5", "h6"])
_CELL_TAGS = frozenset(["div", "span", "a", "em", "i", "b", "strong", "font", "label", "small"])
_ROW_BREAKERS = frozenset(
    ["p", "div", "li", "ul", "ol", "table", "br", "h1", "h2", "h3", "h4", "h5", "h6"]
)
# A cell that is a number, a phone, a column label or a category word marks a table row.
_COLUMN_LIKE = re.compile(
    r"^\d{1,4}[.、]?$|^[\d\-\s]{5,}$|序号|名称|类别|类型|电话|产品|期限|期间|备注"
    r"|机构$|营销|获客|担保|增信|出资|催收"
)


_RUN_ON = ("、", "，", ",", "；", ";", "。")  # a piece of running text ends so, never a cell


def row_cells(element: html.HtmlElement) -> list[str] | None:
    """The cell texts of a div/span "table row", or None when the element is not one.

    A row's children are short and different in kind (number, name, category, phone);
    a list's children are all names, so a list is never joined into one line. An item's
    paragraphs are its fields (a logo wall: the logo, the name, the category under it).

    >>> item = "<li><div><img></div><p>甲乙科技有限公司</p><p>平台运营机构</p></li>"
    >>> row_cells(html.fromstring(item))
    ['甲乙科技有限公司', '平台运营机构']

    A card titled by its name, the category under it; a status under its label:

    >>> row_cells(html.fromstring("<div><h5>甲乙融资担保有限公司</h5><em>增信服务机构</em></div>"))
    ['甲乙融资担保有限公司', '增信服务机构']
    >>> row_cells(html.fromstring("<div><label>合作状态</label><span>暂停合作</span></div>"))
    ['合作状态：暂停合作']
    """
    if (element.text or "").strip() or _office_runs(element):
        return None
    children = [c for c in element if isinstance(c.tag, str) and c.tag != "img"]  # logos
    allowed = _CELL_TAGS | {"p"} if element.tag == "li" else _CELL_TAGS  # an item's fields
    if children and children[0].tag in _TITLE_TAGS:  # <h5>甲公司</h5><em>增信服务机构</em>
        allowed = allowed | {children[0].tag}
    if not 2 <= len(children) <= 10 or any(c.tag not in allowed for c in children):
        return None
    if any((c.tail or "").strip() for c in children):
        return None
    if any(d.tag in _ROW_BREAKERS for c in children for d in c.iterdescendants()):
        return None
    if any(sum(1 for g in c if (g.text_content() or "").strip()) > 1 for c in children):
        return None  # a child with cells of its own is a row: this element is the table
    texts = [re.sub(r"\s+", " ", c.text_content()).strip() for c in children]
    if any(len(t) > 60 for t in texts) or sum(bool(t) for t in texts) < 2:
        return None
    if any(t.endswith(_RUN_ON) for t in texts[:-1]):
        return None  # <span>甲公司、</span><span>乙公司。</span>: one sentence in pieces (WPS)
    if (
        sum(looks_like_org(t) and not _LABELLED.match(t) and not is_label_words(t) for t in texts)
        > 1
    ):
        return None  # (备注：融资担保 or 信用保证保险 is a field, not a second name)
    if len(texts) == 2 and all(texts) and _field_label(texts[0]):
        # <label>合作产品</label><span>借呗</span>, or <span>合作产品：</span><em>借呗</em>
        return [f"{texts[0].rstrip(':： ')}：{texts[1]}"]
    typed = sum(bool(_COLUMN_LIKE.search(t)) or _category_tag(t) for t in texts)
    named = looks_like_org(texts[0]) and len(texts) <= 4  # <span>甲公司</span><span>借呗</span>
    return [t for t in texts if t] if typed or named else None


def _office_runs(element: html.HtmlElement) -> bool:
    """A Word or WPS paragraph (<p class=MsoNormal>): its spans are runs of one text, split
    wherever the editor changed a font or checked spelling ("福州三六" "零融资担保有限公司"),
    never cells.

    >>> _office_runs(html.fromstring("<p class=MsoListParagraph><span>甲</span></p>"))
    True
    >>> _office_runs(html.fromstring("<p class=row><span>甲</span></p>"))
    False
    """
    style = element.get("style") or ""
    return element.tag == "p" and (
        (element.get("class") or "").startswith("Mso") or "mso-" in style
    )


_NAMES_WHOM = re.compile(r"(?:名称|全称|机构|公司|合作方|伙伴|单位|平台|主体|企业|方)$")


def _field_label(text: str) -> bool:
    """A card's field label in its own element (合作产品, 客服电话, 机构名称), not a name or
    a number."""
    role, implied = column_of(text)
    named = role is Column.NAME and not implied  # 机构名称 (not 增信服务机构: a category)
    named = named and _NAMES_WHOM.search(text) is not None  # (not a menu's "公司存款")
    return len(text) <= 8 and (role in _FIELD_ROLES or named) and not looks_like_org(text)


def _category_tag(text: str) -> bool:
    """A short category word set apart (an H5 card's "平台运营" badge before the name)."""
    return len(text) <= 12 and names_category(text) and not looks_like_org(text)
