"""Manifests -> what the published pages show: per-site records folded version by version. Pure.

A `SiteRecord` is built by folding a site's versions in order (`extend`), so a full publish
folds the whole history and an incremental publish folds only the new versions onto the
record it kept. Its `SiteSummary` (head, partners now, every partner ever listed with the
spans it was listed for) is all the cross-site pages need; the `timeline` (one line per
version) is only needed for the site's own page and feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from archiver.config import Site
from archiver.models import Belief, EventType, ListStatus, Partner, PartnerEvent, StoredVersion
from archiver.publish import scorecard

RECENT_VERSIONS = 20  # per site, for the global feed


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteInfo:
    """What the configuration says about an institution (or just its id, if unconfigured)."""

    id: str
    name: str
    type: str = "other"
    url: str = ""
    legal_name: str = ""
    code: str = ""

    @classmethod
    def of(cls, site: Site) -> SiteInfo:
        """From a configured site."""
        return cls(
            id=site.id,
            name=site.name,
            type=site.type.value,
            url=site.url,
            legal_name=site.legal_name,
            code=site.code,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionSummary:
    """One line of a site's timeline."""

    seq: int
    key: str
    digest: str  # sha256 of the manifest's bytes
    captured_at: datetime
    title: str
    final_url: str
    content_digest: str
    list_status: ListStatus
    partner_count: int
    events: tuple[PartnerEvent, ...] = ()
    text_inserted: int = 0
    text_deleted: int = 0
    chain_ok: bool = True  # the manifest's link matches the version before it
    overwritten: bool = False  # same URL as before, different list: the old one is gone
    belief: Belief = Belief.BELIEVED  # preserved evidence when not believed
    belief_note: str = ""
    corrected_by: str = ""  # a re-reading by this reader replaced the manifest's list


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A stretch of versions during which a site listed a partner."""

    start_seq: int
    start_at: datetime
    end_seq: int | None = None  # the first version without the partner
    end_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventAt:
    """A partner event, with the version it happened in."""

    seq: int
    captured_at: datetime
    event: PartnerEvent


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """Everything one site ever published about one partner (by match key)."""

    match_key: str
    partner: Partner  # as last published
    spans: tuple[Span, ...] = ()
    events: tuple[EventAt, ...] = ()

    @property
    def is_current(self) -> bool:
        """Listed in the newest readable version."""
        return bool(self.spans) and self.spans[-1].end_seq is None


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSummary:
    """A site as the cross-site pages need it."""

    site_id: str
    versions: int = 0
    head: VersionSummary | None = None
    partners: tuple[Partner, ...] = ()  # the newest readable list, in published order
    partners_seq: int = 0  # the version that list was read from
    listings: tuple[Listing, ...] = ()  # sorted by match key
    recent: tuple[VersionSummary, ...] = ()  # newest last
    overwrites: int = 0
    update_time: str = ""  # an update/as-of date seen in the newest text
    list_title: str = ""  # the words naming the list in the newest title or heading

    def listing(self, match_key: str) -> Listing | None:
        """The listing of a partner, if this site ever listed it."""
        for item in self.listings:
            if item.match_key == match_key:
                return item
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteRecord:
    """A site's summary plus its full timeline."""

    summary: SiteSummary
    timeline: tuple[VersionSummary, ...] = ()

    @property
    def last_seq(self) -> int:
        """The newest version folded in (0 before any)."""
        return self.timeline[-1].seq if self.timeline else 0


def empty(site_id: str) -> SiteRecord:
    """A site before its first version."""
    return SiteRecord(summary=SiteSummary(site_id=site_id))


def extend(record: SiteRecord, stored: StoredVersion, text: str) -> SiteRecord:
    """Fold the next version (and its canonical text) into a site's record."""
    m = stored.manifest
    if m.seq != record.last_seq + 1:
        raise ValueError(f"{m.site_id}: version {m.seq} does not follow {record.last_seq}")
    prev = record.timeline[-1] if record.timeline else None
    chain_ok = (
        m.previous is None
        if prev is None
        else m.previous is not None
        and m.previous.digest == prev.digest
        and m.previous.seq == prev.seq
    )
    readable = m.belief.is_believed  # only a believed list says who is listed
    overwritten = (
        prev is not None
        and m.final_url == prev.final_url
        and prev.list_status is ListStatus.OK
        and m.list_status is ListStatus.OK
        and prev.belief.is_believed
        and readable
        and m.content_digest != prev.content_digest
    )
    line = VersionSummary(
        seq=m.seq,
        key=stored.key,
        digest=stored.digest,
        captured_at=m.captured_at,
        title=m.title,
        final_url=m.final_url,
        content_digest=m.content_digest,
        list_status=m.list_status,
        partner_count=len(m.partners),
        events=m.events,
        text_inserted=m.text_inserted,
        text_deleted=m.text_deleted,
        chain_ok=chain_ok,
        overwritten=overwritten,
        belief=m.belief,
        belief_note=m.belief_note,
        corrected_by=stored.corrected_by,
    )
    old = record.summary
    listings = (
        _fold_listings(old.listings, m.partners, line) if readable else _events_only(old, line)
    )
    summary = replace(
        old,
        versions=m.seq,
        head=line,
        partners=m.partners if readable else old.partners,
        partners_seq=m.seq if readable else old.partners_seq,
        listings=listings,
        recent=(*old.recent, line)[-RECENT_VERSIONS:],
        overwrites=old.overwrites + overwritten,
        update_time=scorecard.update_time(text),
        list_title=scorecard.list_title(m.title, text),
    )
    return SiteRecord(summary=summary, timeline=(*record.timeline, line))


def _fold_listings(
    listings: tuple[Listing, ...], partners: tuple[Partner, ...], line: VersionSummary
) -> tuple[Listing, ...]:
    by_key = {item.match_key: item for item in listings}
    now: dict[str, Partner] = {}
    for partner in partners:
        now.setdefault(partner.match_key, partner)
    for key, partner in now.items():
        item = by_key.get(key)
        if item is None:
            by_key[key] = Listing(
                match_key=key,
                partner=partner,
                spans=(Span(start_seq=line.seq, start_at=line.captured_at),),
            )
        elif item.is_current:
            by_key[key] = replace(item, partner=partner)
        else:
            span = Span(start_seq=line.seq, start_at=line.captured_at)
            by_key[key] = replace(item, partner=partner, spans=(*item.spans, span))
    for key, item in list(by_key.items()):
        if item.is_current and key not in now:
            closed = replace(item.spans[-1], end_seq=line.seq, end_at=line.captured_at)
            by_key[key] = replace(item, spans=(*item.spans[:-1], closed))
    return _with_events(by_key, line)


def _events_only(summary: SiteSummary, line: VersionSummary) -> tuple[Listing, ...]:
    """An unreadable list says nothing about who is listed; keep the spans as they were."""
    return _with_events({item.match_key: item for item in summary.listings}, line)


def _with_events(by_key: dict[str, Listing], line: VersionSummary) -> tuple[Listing, ...]:
    for event in line.events:
        item = by_key.get(event.match_key)
        if item is None:  # an event about a partner no readable list showed us
            placeholder = Partner(raw=event.name, name=event.name, match_key=event.match_key)
            item = Listing(match_key=event.match_key, partner=placeholder)
        stamped = EventAt(seq=line.seq, captured_at=line.captured_at, event=event)
        by_key[event.match_key] = replace(item, events=(*item.events, stamped))
    return tuple(by_key[key] for key in sorted(by_key))


# --- across sites ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerRow:
    """One site's listing of one partner, as the partner page shows it."""

    site_id: str
    listing: Listing
    rows: tuple[Partner, ...]  # current rows in that site's list (a partner may appear twice)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerView:
    """One partner across every institution."""

    match_key: str
    name: str
    current: tuple[PartnerRow, ...] = ()
    past: tuple[PartnerRow, ...] = ()
    names: tuple[str, ...] = ()  # every name and raw spelling seen, most used first
    entity: str = ""
    categories: tuple[str, ...] = ()  # categories it is listed under now, most used first

    @property
    def institutions(self) -> int:
        """How many institutions list it now."""
        return len(self.current)

    @property
    def mentions(self) -> int:
        """How many rows name it across the current lists."""
        return sum(len(row.rows) for row in self.current)

    def events(self) -> list[tuple[str, EventAt]]:
        """Every event about it, newest first, with the site it happened on."""
        items = [
            (row.site_id, event)
            for row in (*self.current, *self.past)
            for event in row.listing.events
        ]
        return sorted(items, key=lambda item: (item[1].captured_at, item[0]), reverse=True)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every site's summary, and the configuration's word on each."""

    summaries: Mapping[str, SiteSummary]
    infos: Mapping[str, SiteInfo] = field(default_factory=dict)

    def info(self, site_id: str) -> SiteInfo:
        """Configured details, or a bare entry for a site no longer configured."""
        return self.infos.get(site_id) or SiteInfo(id=site_id, name=site_id)

    def site_ids(self) -> list[str]:
        """Configured sites and archived sites, sorted by id."""
        return sorted(set(self.summaries) | set(self.infos))

    def partner(self, match_key: str) -> PartnerView:
        """One partner across every site."""
        return _view(match_key, self._rows(match_key, self.summaries.values()))

    def partners(self) -> list[PartnerView]:
        """Every partner ever listed, most institutions first."""
        rows: dict[str, list[PartnerRow]] = {}
        for summary in self.summaries.values():
            current = _rows_by_key(summary.partners)
            for listing in summary.listings:
                rows.setdefault(listing.match_key, []).append(
                    PartnerRow(
                        site_id=summary.site_id,
                        listing=listing,
                        rows=current.get(listing.match_key, ()) if listing.is_current else (),
                    )
                )
        views = [_view(key, found) for key, found in rows.items()]
        return sorted(views, key=lambda v: (-v.institutions, -v.mentions, v.name, v.match_key))

    def _rows(self, match_key: str, summaries: Iterable[SiteSummary]) -> list[PartnerRow]:
        found = []
        for summary in summaries:
            listing = summary.listing(match_key)
            if listing is not None:
                rows = tuple(p for p in summary.partners if p.match_key == match_key)
                found.append(
                    PartnerRow(
                        site_id=summary.site_id,
                        listing=listing,
                        rows=rows if listing.is_current else (),
                    )
                )
        return found


def _rows_by_key(partners: tuple[Partner, ...]) -> dict[str, tuple[Partner, ...]]:
    grouped: dict[str, list[Partner]] = {}
    for partner in partners:
        grouped.setdefault(partner.match_key, []).append(partner)
    return {key: tuple(rows) for key, rows in grouped.items()}


def _view(match_key: str, rows: list[PartnerRow]) -> PartnerView:
    """Fold one partner's rows; plain dict counting, as this runs for every partner."""
    rows = sorted(rows, key=lambda row: row.site_id)
    current = tuple(row for row in rows if row.listing.is_current)
    past = tuple(row for row in rows if not row.listing.is_current)
    names: dict[str, int] = {}
    categories: dict[str, int] = {}
    for row in current:
        for p in row.rows:
            names[p.name] = names.get(p.name, 0) + 1
            categories[p.category.value] = categories.get(p.category.value, 0) + 1
    entity = ""
    for row in rows:
        partner = row.listing.partner
        entity = entity or partner.entity
        spellings = [partner.name, *partner.former_names]
        spellings.extend(p.raw for p in row.rows if p.raw != p.name)
        spellings.extend(
            stamped.event.old
            for stamped in row.listing.events
            if stamped.event.type is EventType.RENAMED
        )
        for name in spellings:
            names[name] = names.get(name, 0) + 1
    ordered = tuple(sorted((name for name in names if name), key=lambda n: -names[n]))
    return PartnerView(
        match_key=match_key,
        name=ordered[0] if ordered else match_key,
        current=current,
        past=past,
        names=ordered,
        entity=entity,
        categories=tuple(sorted(categories, key=lambda c: -categories[c])),
    )


def quality(summary: SiteSummary) -> scorecard.Scorecard:
    """The disclosure-quality scorecard of a site, from its summary."""
    head = summary.head
    return scorecard.card(
        versions=summary.versions,
        title=head.title if head else "",
        list_title=summary.list_title,
        update_time=summary.update_time,
        overwrites=summary.overwrites,
        partners=summary.partners,
        list_status=head.list_status if head else None,
    )


def changed_partners(old: SiteSummary | None, new: SiteSummary) -> set[str]:
    """Match keys whose pages change when a site's summary goes from `old` to `new`."""
    before = {item.match_key: item for item in old.listings} if old else {}
    after = {item.match_key: item for item in new.listings}
    keys = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    rows_before = _rows_by_key(old.partners) if old else {}
    rows_after = _rows_by_key(new.partners)
    keys |= {
        key
        for key in rows_before.keys() | rows_after.keys()
        if rows_before.get(key) != rows_after.get(key)
    }
    return keys
