"""A partner's listing: every record of one identity in one version (match key, agreeing
region qualifier), folded together, so a partner shown under two categories, in two tables
or twice is one partner. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from archiver.models import Category, Partner
from archiver.partners.annotations import is_ended, parse_name, read
from archiver.partners.categories import category_label, wording_key
from archiver.partners.cells import period_key
from archiver.partners.names import clean_text, in_simplified, match_key, qualifiers_agree

_ITEMS = re.compile(r"[、，,；;/／]")


@dataclass(eq=False)
class Listing:
    """All records of one partner in one version."""

    key: str
    records: list[Partner] = field(default_factory=list)

    @property
    def first(self) -> Partner:
        """The record that speaks for the partner (its first appearance)."""
        return self.records[0]

    @property
    def qualifier(self) -> str:
        """The region qualifier any record gives."""
        return next((r.qualifier for r in self.records if r.qualifier), "")

    @property
    def entity(self) -> str:
        """The alias-file entity any record resolves to."""
        return next((r.entity for r in self.records if r.entity), "")

    @property
    def ended(self) -> bool:
        """True when every record carries a mark that says the partnership ended."""
        return all(is_ended(r.markers) for r in self.records)

    @property
    def status(self) -> str:
        """The published words of the ended mark ("已终止合作"), or the marks' names."""
        for record in self.records:
            said = parse_name(record.raw, record.remark).status
            if said:
                return said
        return ", ".join(dict.fromkeys(m.value for r in self.records for m in r.markers))

    @property
    def credit_code(self) -> str:
        """The unified social credit code a record gives ("" when none does)."""
        return next((r.credit_code for r in self.records if r.credit_code), "")

    @property
    def former_keys(self) -> set[str]:
        """Match keys of every former name a record declares."""
        return {match_key(n) for r in self.records for n in r.former_names}

    @property
    def published_categories(self) -> str:
        """The category labels as published (decoration folded), for records that have one."""
        return self._labels(category_label)

    def _labels(self, fold: Callable[[str], str]) -> str:
        """The records' published category labels, each folded by `fold`, sorted, joined."""
        return "、".join(
            sorted(
                {
                    fold(r.category_raw)
                    for r in self.records
                    if r.category is not Category.UNSPECIFIED and r.category_raw
                }
            )
        )

    def value(self, name: str) -> str:
        """One comparable field as text ("" when not published)."""
        if name == "category":
            found = {
                r.category.value for r in self.records if r.category is not Category.UNSPECIFIED
            }
            return ", ".join(sorted(found))
        if name == "products":  # "还享花、还呗" in one cell is 还呗 and 还享花 in two
            found = {
                clean_text(q) for r in self.records for p in r.products for q in _ITEMS.split(p)
            }
            return "、".join(sorted(found - {""}))
        if name == "period":
            return " / ".join(sorted({r.period for r in self.records if r.period}))
        if name == "remark":  # what a 备注 says besides former names and marks (own events)
            return "；".join(
                sorted({note for r in self.records for note in read(r.remark, remark=True).notes})
            )
        return "、".join(sorted({r.hotline for r in self.records if r.hotline}))

    def comparable(self, name: str) -> str:
        """A field with its formatting folded (dates one way, phones by digits, a product or a
        remark in simplified characters: a page shown in 繁體 changed no word)."""
        text = self.value(name)
        if name == "category":  # a heading reworded in filler words is no change
            return f"{text} | {self._labels(wording_key)}"
        if name == "period":
            return " / ".join(sorted({period_key(r.period) for r in self.records if r.period}))
        if name == "hotline":
            return "|".join(
                sorted(
                    {
                        "".join(c for c in clean_text(r.hotline) if c.isascii() and c.isdigit())
                        for r in self.records
                        if r.hotline
                    }
                )
            )
        return in_simplified(text)


def listings(partners: Iterable[Partner]) -> list[Listing]:
    """Records grouped by identity, in order of first appearance."""
    result: list[Listing] = []
    by_key: dict[str, list[Listing]] = {}
    for partner in partners:
        candidates = by_key.setdefault(partner.match_key, [])
        found = next(
            (item for item in candidates if qualifiers_agree(item.qualifier, partner.qualifier)),
            None,
        )
        if found is None:
            found = Listing(partner.match_key)
            candidates.append(found)
            result.append(found)
        found.records.append(partner)
    return result
