"""Find partners by any name they go by: published, former, entity, alias, brand, pinyin.
Pure.

    search = PartnerSearch(aliases)
    search.matches("蚂蚁", partner)          # every Ant entity (the group alias says 蚂蚁)
    search.matches("360", partner)           # 上海淇毓… (the alias file knows 360数科)
    search.matches("myzx", partner)          # pinyin initials of 蚂蚁智信
    search.rank("蚂蚁", partners)            # best matches first

The same matcher serves `archiver partners --search` (index rows: `matches_fields`) and
the published site (`terms` precomputes what a partner can be found by).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from archiver.models import Partner
from archiver.partners.aliases import AliasTable
from archiver.partners.names import clean_text, match_key

_ASCII_QUERY = re.compile(r"^[a-z]{2,}$")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Query:
    """A search query in the forms it is compared in."""

    text: str  # cleaned, lower-case
    key: str  # folded like a match key (brackets, spaces, legal form gone)
    letters: str  # lower-case latin letters when the query is pinyin-like, else ""

    @classmethod
    def parse(cls, text: str) -> Query:
        """A query from what the user typed.

        >>> Query.parse(" 蚂蚁智信(杭州) ").key
        '蚂蚁智信'
        """
        cleaned = clean_text(text).lower()
        compact = cleaned.replace(" ", "")
        letters = compact if _ASCII_QUERY.match(compact) else ""
        return cls(text=compact, key=match_key(cleaned) if cleaned else "", letters=letters)


@dataclass(frozen=True, slots=True)
class Hit:
    """A partner that matched, and how well (lower is better)."""

    partner: Partner
    rank: int


class PartnerSearch:
    """Matches queries against partners, using the alias table's names as well."""

    def __init__(self, aliases: AliasTable) -> None:
        self.aliases = aliases

    def terms(
        self,
        *,
        name: str,
        raw: str = "",
        key: str = "",
        entity: str = "",
        former_names: Iterable[str] = (),
    ) -> tuple[str, ...]:
        """Every text a partner can be found by, most specific first."""
        found = [name, raw, key, *former_names]
        resolved = entity or self.aliases.entity_of(name)
        if resolved:
            found.append(resolved)
            found.extend(self.aliases.names_of(resolved))
            group = self.aliases.group_of(resolved)
            if group and group != resolved:
                found.append(group)
                found.extend(self.aliases.names_of(group))
        return tuple(dict.fromkeys(t for t in found if t))

    def terms_of(self, partner: Partner) -> tuple[str, ...]:
        """`terms` for a Partner record."""
        return self.terms(
            name=partner.name,
            raw=partner.raw,
            key=partner.match_key,
            entity=partner.entity,
            former_names=partner.former_names,
        )

    def matches(self, query: str | Query, partner: Partner) -> bool:
        """True when the query finds this partner."""
        return score(_query(query), self.terms_of(partner)) is not None

    def matches_fields(
        self,
        query: str | Query,
        *,
        name: str,
        raw: str = "",
        key: str = "",
        entity: str = "",
        former_names: Iterable[str] = (),
    ) -> bool:
        """True when the query finds a partner given as plain fields (an index row)."""
        terms = self.terms(name=name, raw=raw, key=key, entity=entity, former_names=former_names)
        return score(_query(query), terms) is not None

    def rank(self, query: str | Query, partners: Sequence[Partner]) -> list[Hit]:
        """Matching partners, best first (then in list order)."""
        parsed = _query(query)
        hits = []
        for partner in partners:
            found = score(parsed, self.terms_of(partner))
            if found is not None:
                hits.append(Hit(partner, found))
        return sorted(hits, key=lambda hit: hit.rank)


def score(query: Query, terms: Sequence[str]) -> int | None:
    """How well a query matches a partner's terms: 0 exact name … 5 pinyin; None: no match.

    >>> score(Query.parse("分期乐"), ("深圳市分期乐网络科技有限公司",))
    2
    >>> score(Query.parse("fql"), ("深圳市分期乐网络科技有限公司",))
    5
    >>> score(Query.parse("mayi"), ("深圳市分期乐网络科技有限公司",)) is None
    True
    """
    if not query.text:
        return None
    for index, term in enumerate(terms):
        cleaned = clean_text(term).lower().replace(" ", "")
        primary = index == 0
        if cleaned == query.text or (query.key and match_key(term) == query.key):
            return 0 if primary else 3
        if cleaned.startswith(query.text):
            return 1 if primary else 3
        if query.text in cleaned or (query.key and query.key in match_key(term)):
            return 2 if primary else 4
    if query.letters:
        for term in terms:
            if _HAS_CJK.search(term) and query.letters in _pinyin_forms(clean_text(term)):
                return 5
    return None


@lru_cache(maxsize=8192)
def _pinyin_forms(text: str) -> str:
    """Initials and full pinyin of a name, "|"-joined (so a query cannot span both)."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - loads its dictionaries lazily

    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    full = "".join(lazy_pinyin(text, errors="ignore")).lower()
    return f"{initials}|{full}"


def _query(query: str | Query) -> Query:
    return query if isinstance(query, Query) else Query.parse(query)
