"""A card's brand above the legal name it labels "机构全称": one partner, not two. Pure.

An H5 page shows each partner as a card: a category tag and a short brand (京东金融, 众安保险),
then "机构全称" over the legal name. The brand says nothing the legal name does not; read as
a row of its own it would be a second partner, dropped the day the card shows another brand.
Only the card's own statement counts: the brand row is folded into the legal name's row when
a "全称" label stands between them. A brand without such a label is left as it was read.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archiver.partners.names import LEGAL_TAIL, clean_text
from archiver.partners.rows import Row

# "机构全称", "公司全称：", "企业全称" alone on a line: the next line is the legal name.
_FULL_NAME_LABEL = re.compile(
    r"(?:合作)?(?:机构|公司|企业|单位|主体)?(?:全称|法定名称|工商登记名称|注册名称)[:：]?"
)


def labels_full_name(text: str) -> bool:
    """A line that is only the label of a legal name ("机构全称").

    >>> labels_full_name("机构全称"), labels_full_name("公司全称：")
    (True, True)
    >>> labels_full_name("全称说明如下")
    False
    """
    return _FULL_NAME_LABEL.fullmatch(clean_text(text)) is not None


# "运营主体：甲公司" on a brand's card: the company behind the brand, its legal name
_ENTITY_LINE = re.compile(
    r"(?:运营|经营|签约|合作|服务|法人|责任)?主体(?:名称|全称)?[:：]\s*(?P<name>\S.*)"
    r"|(?:运营|经营|主办)(?:公司|单位|方)[:：]\s*(?P<other>\S.*)"
)


def labelled_legal_name(text: str) -> str:
    """The legal name a card's "运营主体：" line gives (the company behind the brand above it),
    or "".

    >>> labelled_legal_name("运营主体：北京瓴岳信息技术有限公司")
    '北京瓴岳信息技术有限公司'
    >>> labelled_legal_name("运营主体：洋钱罐"), labelled_legal_name("主体责任：见合同")
    ('', '')
    """
    found = _ENTITY_LINE.fullmatch(clean_text(text))
    name = (found.group("name") or found.group("other") or "") if found else ""
    return name if LEGAL_TAIL.search(name) else ""


def with_brand_folded(rows: list[Row], brand_at: int) -> list[Row]:
    """`rows` with the brand at `brand_at` folded into the legal name right after it: the
    legal name keeps the card's category (the tag beside the brand). Unchanged when the
    row there has a legal form itself, or no row follows it.

    >>> from archiver.models import Source, SourceKind
    >>> s = Source(kind=SourceKind.PARAGRAPH, url="u", locator="l")
    >>> brand = Row(name="京东金融", source=s, category_raw="平台运营机构")
    >>> legal = Row(name="北京京东叁佰陆拾度电子商务有限公司", source=s, category_raw="其他")
    >>> [(r.name, r.category_raw) for r in with_brand_folded([brand, legal], 0)]
    [('北京京东叁佰陆拾度电子商务有限公司', '平台运营机构')]
    >>> len(with_brand_folded([legal, legal], 0))
    2
    """
    if not 0 <= brand_at < len(rows) - 1:
        return rows
    brand, legal = rows[brand_at], rows[brand_at + 1]
    if LEGAL_TAIL.search(clean_text(brand.name)) or not LEGAL_TAIL.search(legal.name):
        return rows
    category = brand.category_raw or legal.category_raw
    merged = replace(legal, category_raw=category, seq=legal.seq if legal.seq else brand.seq)
    return [*rows[:brand_at], merged, *rows[brand_at + 2 :]]
