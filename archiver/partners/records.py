"""Rows as read -> Partner records, and duplicate rows folded into one. Pure.

`partner_of` is also how an archived partner is re-read with today's normaliser (from its
published fields), so improving the normaliser never invents events on old versions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archiver.models import Category, Marker, Partner, Source, SourceKind
from archiver.partners.aliases import AliasTable
from archiver.partners.annotations import parse_name
from archiver.partners.categories import category_of, is_detail_label, wording_key
from archiver.partners.names import LEGAL_FORMS, clean_text, qualifiers_agree

_SPACES = re.compile(r"\s+")


def published(text: str) -> str:
    """A cell as published: whitespace collapsed, wrapped lines joined, nothing else.

    >>> published("重庆市蚂蚁小微小额贷款有限\\n公司 ")
    '重庆市蚂蚁小微小额贷款有限公司'
    """
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = ""
    for line in (line for line in lines if line):
        ascii_edge = bool(re.search(r"[A-Za-z0-9]$", joined)) and bool(
            re.match(r"[A-Za-z0-9]", line)
        )
        joined = f"{joined} {line}" if ascii_edge else joined + line
    return joined


def _worded(text: str) -> str:
    """A field that says something: a separator left over from a line ("·", "/") is none.

    >>> _worded("·"), _worded(" — "), _worded("已更名")
    ('', '', '已更名')
    """
    return text if re.search(r"\w", text) else ""


def partner_of(
    raw: str,
    *,
    aliases: AliasTable,
    category_raw: str = "",
    products: tuple[str, ...] = (),
    period: str = "",
    hotline: str = "",
    remark: str = "",
    credit_code: str = "",
    source: Source | None = None,
) -> Partner:
    """One Partner from its published fields; every derived field computed here."""
    parts = parse_name(raw, remark)
    category_text = published(category_raw)
    return Partner(
        raw=published(raw),
        name=parts.name,
        match_key=parts.match_key,
        qualifier=parts.qualifier,
        entity=aliases.entity_of(parts.name),
        category=category_of(category_text),
        category_raw=category_text,
        products=tuple(published(p) for p in products if p.strip()),
        period=published(period),
        hotline=published(hotline),
        remark=_worded(published(remark)),
        markers=parts.markers,
        former_names=parts.former_names,
        credit_code=credit_code,
        source=source,
    )


def reread(partner: Partner, aliases: AliasTable) -> Partner:
    """An archived partner with its derived fields recomputed by today's rules."""
    return partner_of(
        partner.raw,
        aliases=aliases,
        category_raw=partner.category_raw,
        products=partner.products,
        period=partner.period,
        hotline=partner.hotline,
        remark=partner.remark,
        credit_code=partner.credit_code,
        source=partner.source,
    )


def merge_duplicates(partners: list[Partner]) -> tuple[Partner, ...]:
    """One record per partner and category: duplicate rows folded, fields combined.

    A partner listed under two categories (平台 and 共同出资) keeps one record for each.
    """
    merged: list[Partner] = []
    by_key: dict[str, list[int]] = {}
    for partner in partners:
        target = next(
            (i for i in by_key.get(partner.match_key, []) if _same_listing(merged[i], partner)),
            None,
        )
        if target is None:
            by_key.setdefault(partner.match_key, []).append(len(merged))
            merged.append(partner)
        else:
            merged[target] = _combine(merged[target], partner)
    return tuple(merged)


def fold_short_names(partners: tuple[Partner, ...]) -> tuple[Partner, ...]:
    """A short name (度小满, 携程金融) is the partner whose legal name on the same page holds it
    (度小满科技（北京）有限公司), or whose entity the alias table gives it: a product table or a
    card's brand line refers to a listed partner, it is no partner of its own. Its products
    join that partner's; held by two legal names (分期乐: 网络科技 and 融资担保) it names
    neither for sure and is left out. A short name with a mark of its own, or a row of the
    same table as the legal name, stays as read.

    >>> from archiver.partners.aliases import AliasTable
    >>> names = ("度小满科技（北京）有限公司", "度小满")
    >>> read = [partner_of(n, aliases=AliasTable()) for n in names]
    >>> read[1] = replace(read[1], products=("有钱花",))
    >>> [(p.name, p.products) for p in fold_short_names(tuple(read))]
    [('度小满科技（北京）有限公司', ('有钱花',))]
    >>> len(fold_short_names((read[1],)))
    1
    """
    legal = [i for i, p in enumerate(partners) if LEGAL_FORMS.search(clean_text(p.name))]
    folded = list(partners)
    short = []
    for i, partner in enumerate(partners):
        if i in legal or partner.markers or len(partner.match_key) < 2:
            continue
        holders = [
            j
            for j in legal
            if (
                partner.match_key in partners[j].match_key
                or (partner.entity and partner.entity == partners[j].entity)
            )
            and not _same_table(partner, partners[j])
        ]
        if not holders:
            continue
        short.append(i)
        if len(holders) == 1:
            kept = folded[holders[0]]
            products = tuple(dict.fromkeys((*kept.products, *partner.products)))
            folded[holders[0]] = replace(kept, products=products)
    return tuple(p for i, p in enumerate(folded) if i not in short)


def _same_table(one: Partner, other: Partner) -> bool:
    """Whether two partners are rows of one table: a list that gives a brand a row of its own
    beside legal names lists it, whatever it is."""
    tables = [
        p.source.locator.split(" row ")[0]
        for p in (one, other)
        if p.source is not None and p.source.kind is SourceKind.TABLE_ROW
    ]
    return len(tables) == 2 and tables[0] == tables[1]


def _same_listing(kept: Partner, new: Partner) -> bool:
    if not qualifiers_agree(kept.qualifier, new.qualifier):
        return False
    unspecified = Category.UNSPECIFIED
    if unspecified in (kept.category, new.category):
        return True
    # one kind under two headings of its own (平台运营机构, 联合营销（获客）合作机构): two listings
    # (one label inside the other, 运营机构 in a column and 平台运营机构 above it, is one)
    labels = [p.category_raw for p in (kept, new) if p.category_raw]
    if len(labels) == 2 and not any(map(is_detail_label, labels)):
        one, other = wording_key(labels[0]), wording_key(labels[1])
        if one not in other and other not in one:
            return False
    return kept.category is new.category


def _combine(kept: Partner, new: Partner) -> Partner:
    use_new_category = kept.category is Category.UNSPECIFIED
    return replace(
        kept,
        category=new.category if use_new_category else kept.category,
        category_raw=new.category_raw if use_new_category else kept.category_raw,
        qualifier=kept.qualifier or new.qualifier,
        products=tuple(dict.fromkeys((*kept.products, *new.products))),
        period=_either(kept.period, new.period),
        hotline=_either(kept.hotline, new.hotline),
        remark=_either(kept.remark, new.remark),
        markers=tuple(m for m in Marker if m in kept.markers or m in new.markers),
        former_names=tuple(dict.fromkeys((*kept.former_names, *new.former_names))),
        entity=kept.entity or new.entity,
        credit_code=kept.credit_code or new.credit_code,
    )


def _either(kept: str, new: str) -> str:
    """A field two rows of one partner give: both values when they differ, in one order
    whatever the rows' order (a table re-sorted by product is no change of hotline).

    >>> _either("95010", "10100360"), _either("10100360", "95010"), _either("", "95010")
    ('10100360；95010', '10100360；95010', '95010')
    """
    if not kept or not new or kept == new:
        return kept or new
    return "；".join(sorted({*kept.split("；"), *new.split("；")}))
