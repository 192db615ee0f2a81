"""The search index the index page's search box loads (search.json). Pure.

One row per institution and per partner: kind, display name, link, a line of detail, and a
lower-case haystack of every name, alias, match key and the pinyin (initials and full) of the
names, so "蚂蚁", "myzx" and "mayi" all find 蚂蚁智信. Pinyin is slow to compute (~0.1 ms a
name), so a cache of it travels with the publisher's state.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from archiver.publish import labels, paths
from archiver.publish.model import Catalog, PartnerView

FORMAT = 1
SEPARATOR = "|"


def fold(text: str) -> str:
    """What the search compares: NFKC, lower case, no whitespace.

    >>> fold("蚂蚁智信（杭州） Ant")
    '蚂蚁智信(杭州)ant'
    """
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


class PinyinCache:
    """Pinyin of names, computed once; remembers which names this build used."""

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self._known = dict(known or {})
        self._used: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """Initials and full pinyin of the Chinese in `name`, e.g. "myzx|mayizhixin"."""
        found = self._known.get(name)
        if found is None:
            han = "".join(ch for ch in name if "\u4e00" <= ch <= "\u9fff")
            if han:
                initials = "".join(lazy_pinyin(han, style=Style.FIRST_LETTER))
                found = f"{initials}{SEPARATOR}{''.join(lazy_pinyin(han))}"
            else:
                found = ""
            self._known[name] = found
        self._used[name] = found
        return found

    def used(self) -> dict[str, str]:
        """The names this build looked up (what is worth keeping)."""
        return dict(self._used)


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable thing."""

    kind: str  # "site" or "partner"
    name: str
    path: str  # inside the published prefix
    detail: str
    haystack: str


def entries(
    catalog: Catalog, pinyin: PinyinCache, views: Sequence[PartnerView] | None = None
) -> list[Entry]:
    """Every institution, then every partner ever listed (`views`: catalog.partners())."""
    found = []
    for site_id in catalog.site_ids():
        info = catalog.info(site_id)
        summary = catalog.summaries.get(site_id)
        count = len(summary.partners) if summary else 0
        found.append(
            Entry(
                kind="site",
                name=info.name,
                path=paths.site_page(site_id),
                detail=f"{labels.institution_type(info.type)} · {count} 家合作机构",
                haystack=_haystack([info.name, info.legal_name, site_id], pinyin),
            )
        )
    for view in catalog.partners() if views is None else views:
        status = f"{view.institutions} 家机构列示" if view.institutions else "目前无机构列示"
        categories = "、".join(labels.category(c) for c in view.categories[:2])
        found.append(
            Entry(
                kind="partner",
                name=view.name,
                path=paths.partner_page(view.match_key),
                detail=f"{status} · {categories}" if categories else status,
                haystack=_haystack([*view.names, view.match_key, view.entity], pinyin),
            )
        )
    return found


def document(items: Iterable[Entry]) -> bytes:
    """search.json: compact rows [kind, name, path, detail, haystack]."""
    rows = [[e.kind, e.name, e.path, e.detail, e.haystack] for e in items]
    data = {"format": FORMAT, "items": rows}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _haystack(names: Iterable[str], pinyin: PinyinCache) -> str:
    parts: dict[str, None] = {}
    for name in names:
        if name:
            parts[fold(name)] = None
            spelled = pinyin(name)
            if spelled:
                parts[spelled] = None
    return SEPARATOR.join(parts)
