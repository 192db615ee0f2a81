"""An institution's documents: the registry kept in its composite versions. Pure.

    merge(previous registry, crawl) -> registry     what this check knows about each document
    derive(registry, document versions) -> list     the current list: newest per category
    document_events(before, after) -> events        new announcement, removed, withdrawn, …

An announcement is "removed" only when the crawl read every index page and the announcement
should still be in the window it covered (newer than the oldest date seen, or the index did
not grow); one that merely scrolled off the last page read stays listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from archiver.discovery.crawl import CrawlResult
from archiver.discovery.urls import INDEX_SLUG, archive_id, doc_slug
from archiver.models import Category, DocumentRef, Manifest, Partner

ANY = "*"  # the key of a list that does not say which category it covers


class DocumentEventType(StrEnum):
    """Changes in what an institution publishes, above the level of partners."""

    NEW_ANNOUNCEMENT = "new_announcement"
    ANNOUNCEMENT_REMOVED = "announcement_removed"
    WITHDRAWN = "withdrawn"  # a tracked document answers 404/410; its last version is kept
    RESTORED = "restored"  # a withdrawn document is back
    LIST_FOUND = "list_found"  # a document was recognised as a partner list


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentEvent:
    """One document-level change between two composite versions."""

    type: DocumentEventType
    url: str
    title: str = ""
    archive_id: str = ""
    version_key: str = ""  # the document's last archived version (for withdrawn ones)


def index_ref(site_id: str, entry_url: str) -> DocumentRef:
    """The registry entry of the institution's announcement index."""
    return DocumentRef(
        url=entry_url,
        archive_id=archive_id(site_id, INDEX_SLUG),
        role="index",
        title="公告列表 (announcement index)",
        listed=True,
    )


def merge(
    previous: Iterable[DocumentRef], crawl: CrawlResult, *, site_id: str, now: datetime
) -> tuple[DocumentRef, ...]:
    """The registry after this crawl: the index entry, then every document."""
    before = {ref.url: ref for ref in previous if ref.role != "index"}
    seen = {found.url: found for found in crawl.found}
    listed_now = [f for f in crawl.found if f.listed]
    oldest = min((f.published for f in listed_now if f.published), default="")
    listed_before = sum(1 for ref in before.values() if ref.listed)
    merged: dict[str, DocumentRef] = {}
    for url, ref in before.items():
        if url in seen:
            continue
        still = ref.listed and _still_listed(ref, crawl, oldest, len(listed_now), listed_before)
        merged[url] = replace(ref, listed=still)
    for url, found in seen.items():
        old = before.get(url)
        role = found.role if found.classified else (old.role if old else "pending")
        merged[url] = DocumentRef(
            url=url,
            archive_id=archive_id(site_id, doc_slug(url)) if role == "list" else "",
            role=role,
            state=old.state if old else "live",
            title=found.title or (old.title if old else ""),
            published=found.published or (old.published if old else ""),
            categories=found.categories if found.classified else (old.categories if old else ()),
            listed=found.listed or (old.listed if old and not crawl.complete else False),
            seq=old.seq if old else 0,
            version_key=old.version_key if old else "",
            version_digest=old.version_digest if old else "",
            partners=old.partners if old else 0,
            first_seen_at=old.first_seen_at if old and old.first_seen_at else now,
            classified_at=now if found.classified else (old.classified_at if old else None),
            withdrawn_at=old.withdrawn_at if old else None,
        )
    return (index_ref(site_id, crawl.entry_url), *merged.values())


def _still_listed(
    ref: DocumentRef, crawl: CrawlResult, oldest: str, listed_now: int, listed_before: int
) -> bool:
    if not crawl.complete:
        return True
    if ref.published and oldest:
        return ref.published < oldest  # scrolled off the pages read; not a removal
    return listed_now > listed_before  # the index grew, so it may have been pushed off


def sort_key(ref: DocumentRef) -> tuple[str, str, str]:
    """Newest first when sorted in reverse: publication date, then first sighting, then URL."""
    seen = ref.first_seen_at.isoformat() if ref.first_seen_at else ""
    return (ref.published or seen[:10], seen, ref.url)


@dataclass(frozen=True, slots=True, kw_only=True)
class Derived:
    """The institution's current list, and where it comes from."""

    partners: tuple[Partner, ...]
    current: frozenset[str]  # URLs of the documents it draws on
    note: str = ""


def derive(registry: Iterable[DocumentRef], versions: Mapping[str, Manifest]) -> Derived:
    """Newest list per category over live documents; withdrawn ones only as a fallback.

    `versions` maps a document URL to its newest archived manifest. A partner whose category
    a newer list covers is left out; a list that names no categories covers every category; a
    list whose title says it is a later batch (第二批) covers none: the lists before it stand.
    A category whose every list was withdrawn keeps its last archived list (noted), so a
    withdrawal alone never reads as every partner being dropped.
    """
    lists = [r for r in registry if r.role == "list" and r.url in versions]
    live = sorted((r for r in lists if r.state == "live"), key=sort_key, reverse=True)
    gone = sorted((r for r in lists if r.state == "withdrawn"), key=sort_key, reverse=True)
    covered: set[str] = set()
    partners: dict[str, Partner] = {}
    current: set[str] = set()
    _take(live, versions, covered, partners, current)
    note = ""
    before = set(current)
    _take(gone, versions, covered, partners, current, fallback=True)
    if current - before:
        note = "withdrawn list kept until a newer one replaces it: " + ", ".join(
            sorted(current - before)
        )
    return Derived(partners=tuple(partners.values()), current=frozenset(current), note=note)


def _take(
    docs: list[DocumentRef],
    versions: Mapping[str, Manifest],
    covered: set[str],
    partners: dict[str, Partner],
    current: set[str],
    *,
    fallback: bool = False,
) -> None:
    for ref in docs:
        if ANY in covered:
            return
        manifest = versions[ref.url]
        if adds_only(ref.title):  # a 第二批 list adds to the lists before it, replaces none
            taken = [p for p in manifest.partners if _partner_key(p, ref) not in covered]
            if taken:
                current.add(ref.url)
            for partner in taken:
                partners.setdefault(partner.match_key, partner)
            continue
        keys = _doc_keys(ref, manifest)
        fresh = keys - covered
        if not fresh:
            continue
        taken = [p for p in manifest.partners if _partner_key(p, ref) not in covered]
        if fallback and not taken and manifest.partners:
            continue
        current.add(ref.url)
        for partner in taken:
            partners.setdefault(partner.match_key, partner)
        covered |= keys


# "（第二批）", "第3批": a later batch. "关于新增…合作机构的公告" is not one: outsiders'
# sequences (blind rounds 6, 16, 17) publish the whole updated list under that title.
_ADDITIONS = re.compile(r"第\s*(?:[二三四五六七八九十]+|[2-9]|\d{2,})\s*批")
_WHOLE_LIST = re.compile(r"更新|调整|变更|最新|全部|完整|汇总|全量")


def adds_only(title: str) -> bool:
    """Whether an announcement's title says its list is a later batch that adds partners to
    the lists before it (第二批) rather than restating the whole list (更新, 汇总).

    >>> adds_only("互联网助贷业务合作机构名单公示（第二批）"), adds_only("合作机构名单第3批")
    (True, True)
    >>> adds_only("关于新增互联网助贷业务合作机构的公告"), adds_only("合作机构名单（第一批）")
    (False, False)
    >>> adds_only("合作机构名单（截至第二批汇总）"), adds_only("合作机构名单第1批")
    (False, False)
    """
    return _ADDITIONS.search(title) is not None and _WHOLE_LIST.search(title) is None


def _doc_keys(ref: DocumentRef, manifest: Manifest) -> set[str]:
    keys = {p.category.value for p in manifest.partners if _specific(p.category)}
    keys |= set(ref.categories)
    return keys or {ANY}


def _partner_key(partner: Partner, ref: DocumentRef) -> str:
    if _specific(partner.category):
        return partner.category.value
    return ref.categories[0] if len(ref.categories) == 1 else ANY


def _specific(category: Category) -> bool:
    return category not in (Category.UNSPECIFIED, Category.OTHER)


def document_events(
    before: Iterable[DocumentRef], after: Iterable[DocumentRef]
) -> tuple[DocumentEvent, ...]:
    """Document-level events between two registries (none against an empty one)."""
    old = {ref.url: ref for ref in before if ref.role != "index"}
    if not old:
        return ()
    events: list[DocumentEvent] = []
    for ref in after:
        if ref.role == "index":
            continue
        prev = old.get(ref.url)

        def event(kind: DocumentEventType, ref: DocumentRef = ref) -> DocumentEvent:
            return DocumentEvent(
                type=kind,
                url=ref.url,
                title=ref.title,
                archive_id=ref.archive_id,
                version_key=ref.version_key,
            )

        if prev is None:
            if ref.listed:
                events.append(event(DocumentEventType.NEW_ANNOUNCEMENT))
            if ref.role == "list":
                events.append(event(DocumentEventType.LIST_FOUND))
            continue
        if prev.listed and not ref.listed and ref.state == "live":
            events.append(event(DocumentEventType.ANNOUNCEMENT_REMOVED))
        if prev.state == "live" and ref.state == "withdrawn":
            events.append(event(DocumentEventType.WITHDRAWN))
        if prev.state == "withdrawn" and ref.state == "live":
            events.append(event(DocumentEventType.RESTORED))
        if ref.role == "list" and prev.role != "list":
            events.append(event(DocumentEventType.LIST_FOUND))
    return tuple(events)


def registry_order(refs: Iterable[DocumentRef]) -> tuple[DocumentRef, ...]:
    """A stable order for manifests: the index, then lists newest first, then the rest."""
    rank = {"index": 0, "list": 1, "other": 2, "pending": 3}
    ordered = sorted(refs, key=lambda r: r.url)
    ordered.sort(key=sort_key, reverse=True)
    ordered.sort(key=lambda r: rank[r.role])
    return tuple(ordered)


def from_manifest(manifest: Manifest | None) -> dict[str, DocumentRef]:
    """The documents a composite version recorded, by URL (the index entry left out)."""
    if manifest is None:
        return {}
    return {ref.url: ref for ref in manifest.documents if ref.role != "index"}
