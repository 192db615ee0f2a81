"""Re-read preserved evidence with today's reader: a reader fix repairs the past.

    report = reextract_site(store, site, aliases=..., now=..., dry_run=False)

For each version of a chain, oldest first: rebuild the capture from its blobs (`evidence`),
read it with the current reader (`extract.disclosure`), judge it (`belief.judge`, with what
the archive knows of confirmations), and make its events against the newest version believed
*in the new reading*. Where the result differs from what the manifest (or an earlier
reading) says, a reading is written beside the chain (`archiver.readings`). Nothing in the
chain is touched: no blob, no manifest, no link. No alert is sent: the outbox only ever
hears of versions as they are captured.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

import structlog

from archiver import archive, belief, completeness, doctypes, extract, readings, versioning
from archiver.config import Site
from archiver.errors import ArchiverError
from archiver.models import (
    Belief,
    Capture,
    HttpResponse,
    ListStatus,
    Manifest,
    PartnerEvent,
    Reading,
    RenderedPage,
    StoredVersion,
)
from archiver.partners import AliasTable
from archiver.ports import ObjectStore

log = structlog.get_logger("archiver.reextract")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """How one version's interpretation moves."""

    seq: int
    changed: tuple[str, ...]
    before: str  # "believed, 12 partners, 2 events"
    after: str
    events_before: tuple[PartnerEvent, ...] = ()
    events_after: tuple[PartnerEvent, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteReport:
    """What re-reading one chain found (and wrote, unless it was a dry run)."""

    site_id: str
    versions: int = 0
    changes: tuple[Change, ...] = ()
    written: int = 0
    skipped: tuple[str, ...] = ()  # versions whose evidence could not be read back
    duration_s: float = 0.0
    reader_version: str = readings.READER_VERSION
    corrected: tuple[int, ...] = field(default=())


def evidence(store: ObjectStore, manifest: Manifest) -> Capture:
    """The capture a version preserved, rebuilt from its blobs."""

    def blob(role: str) -> Iterator[tuple[str, str, bytes]]:
        for ref in manifest.blobs:
            if ref.role == role:
                yield ref.url, ref.media_type, archive.get_blob(store, ref)

    doms = list(blob("dom"))
    texts = [data.decode("utf-8", "replace") for _, _, data in blob("visible_text")]
    pages = tuple(
        RenderedPage(
            url=url,
            html=data.decode("utf-8", "replace"),
            text=texts[index] if index < len(texts) else "",
            title=manifest.title if index == 0 else "",
        )
        for index, (url, _, data) in enumerate(doms)
    )
    main = next(
        (
            HttpResponse(url=u, status=manifest.http_status, media_type=m, body=d)
            for u, m, d in blob("response")
        ),
        None,
    )
    if main is not None:
        for _, _, data in blob("response_headers"):
            served = json.loads(data)
            headers = tuple((str(h[0]), str(h[1])) for h in served.get("headers", []))
            main = replace(main, headers=headers)
    attachments = tuple(
        HttpResponse(url=u, status=200, media_type=m, body=d) for u, m, d in blob("attachment")
    )
    if main is not None and not pages and main.media_type in doctypes.MEDIA_TYPES:
        attachments = (main, *attachments)
    return Capture(
        site_id=manifest.site_id,
        requested_url=manifest.requested_url,
        final_url=manifest.final_url,
        status=manifest.http_status,
        fetched_at=manifest.captured_at,
        browser_version=manifest.browser_version,
        pages=pages,
        main_response=main,
        json_bodies=tuple(
            HttpResponse(url=u, status=200, media_type=m, body=d) for u, m, d in blob("json")
        ),
        attachments=attachments,
        images=tuple(
            HttpResponse(url=u, status=200, media_type=m, body=d) for u, m, d in blob("image")
        ),
    )


def read_now(
    store: ObjectStore, site: Site, stored: StoredVersion, *, aliases: AliasTable
) -> StoredVersion:
    """The version's partner list as today's reader reads its evidence (the version itself
    when it was read by today's reader, or when its evidence cannot be read back).

    Events compare like with like: after a reader upgrade, the baseline is re-read before
    the first new version is compared with it, so a reader fix never shows as partners
    added or dropped.
    """
    manifest = stored.manifest
    if readings.READER_VERSION in (manifest.reader_version, stored.corrected_by):
        return stored
    if manifest.documents:  # composite versions are read by discovery
        return stored
    try:
        capture = evidence(store, manifest)
    except (ArchiverError, ValueError, OSError):
        return stored
    content = extract.disclosure(
        capture,
        aliases=aliases,
        ignore=site.ignore,
        own_names=tuple(name for name in (site.legal_name, site.name) if name),
        selector=site.selector,
        excludes=site.exclude,
    )
    if content.list_status is not ListStatus.OK:
        return stored  # what was believed then stays the baseline
    log.info(
        "baseline_reread",
        site=site.id,
        version=manifest.seq,
        read_by=manifest.reader_version or "schema 1",
        partners_before=len(manifest.partners),
        partners_now=len(content.partners),
    )
    return replace(stored, manifest=replace(manifest, partners=content.partners))


def reextract_site(
    store: ObjectStore,
    site: Site,
    *,
    aliases: AliasTable,
    now: Callable[[], datetime],
    dry_run: bool = False,
) -> SiteReport:
    """Re-read every version of a site; write the readings that differ (unless `dry_run`)."""
    began = time.perf_counter()
    baseline: tuple[Reading, Manifest] | None = None
    changes: list[Change] = []
    skipped: list[str] = []
    corrected: list[int] = []
    written = count = 0
    previous: Manifest | None = None
    for stored in archive.history(store, site.id):
        count += 1
        manifest = stored.manifest
        if manifest.documents:  # an institution's composite version: read by discovery
            previous = manifest
            continue
        try:
            capture = evidence(store, manifest)
        except (ArchiverError, ValueError, OSError) as exc:  # a missing or altered blob
            skipped.append(f"v{manifest.seq}: {str(exc).splitlines()[0] if str(exc) else exc}")
            previous = manifest
            continue
        reading = _read(site, stored, capture, baseline, previous, aliases=aliases, now=now())
        if reading.belief.is_believed:
            baseline = (reading, manifest)
        existing = readings.load(store, site.id, manifest.seq)
        change = _change(manifest, existing, reading)
        if reading.changed:
            corrected.append(manifest.seq)
        if change is not None:
            changes.append(change)
            if not dry_run:
                readings.save(store, reading)
                written += 1
        previous = manifest
    report = SiteReport(
        site_id=site.id,
        versions=count,
        changes=tuple(changes),
        written=written,
        skipped=tuple(skipped),
        duration_s=time.perf_counter() - began,
        corrected=tuple(corrected),
    )
    if not dry_run:
        readings.save_summary(
            store,
            site.id,
            {
                "site_id": site.id,
                "reader_version": readings.READER_VERSION,
                "read_at": now().isoformat(),
                "versions": count,
                "corrected": list(corrected),
            },
        )
    log.info(
        "reextract_finished",
        site=site.id,
        versions=count,
        changed=len(changes),
        written=written,
        dry_run=dry_run,
        duration_s=round(report.duration_s, 3),
    )
    return report


def _read(
    site: Site,
    stored: StoredVersion,
    capture: Capture,
    baseline: tuple[Reading, Manifest] | None,
    previous: Manifest | None,
    *,
    aliases: AliasTable,
    now: datetime,
) -> Reading:
    manifest = stored.manifest
    content = extract.disclosure(
        capture,
        aliases=aliases,
        ignore=site.ignore,
        own_names=tuple(name for name in (site.legal_name, site.name) if name),
        selector=site.selector,
        excludes=site.exclude,
    )
    judgement = belief.judge(
        content,
        cut_off=completeness.cut_off(capture),
        head=None,
        baseline=baseline[0].partners if baseline else None,
        now=manifest.captured_at,
        confirm_delay_s=0,
    )
    mark, note = judgement.belief, judgement.note
    if mark is Belief.UNCONFIRMED:
        # A past capture cannot be captured again: what the archive knows decides. A version
        # believed when it was captured (confirmed then, or not suspect) stays believed; an
        # unconfirmed or disagreed one keeps its mark.
        if manifest.belief.is_believed:
            mark, note = Belief.BELIEVED, f"believed when captured: {note}"
        elif readings.is_suspect(manifest.belief):
            mark, note = manifest.belief, manifest.belief_note or note
    # The pipeline's one rule (versioning.partner_events), on the baseline as re-read.
    base = None
    if baseline is not None:
        read_as = replace(
            baseline[1], partners=baseline[0].partners, departed=baseline[0].departed
        )
        base = StoredVersion(key="", digest="", manifest=read_as)
    prior = None if previous is None else StoredVersion(key="", digest="", manifest=previous)
    events, departed = versioning.partner_events(base, prior, mark, content.partners, aliases)
    base_seq = baseline[0].seq if baseline else None
    reading = Reading(
        site_id=manifest.site_id,
        seq=manifest.seq,
        manifest_key=stored.key,
        manifest_digest=stored.digest,
        reader_version=readings.READER_VERSION,
        read_at=now,
        belief=mark,
        belief_note=note,
        list_status=content.list_status,
        list_note=content.list_note,
        partners=content.partners,
        events=events,
        departed=departed,
        baseline=base_seq if mark.is_believed else None,
        last_believed=manifest.seq if mark.is_believed else base_seq,
    )
    return replace(reading, changed=_differences(manifest, reading))


def _differences(manifest: Manifest, reading: Reading) -> tuple[str, ...]:
    """What the reading says otherwise than the manifest did."""
    found = []
    if reading.belief is not manifest.belief:
        found.append("belief")
    if reading.list_status is not manifest.list_status:
        found.append("list_status")
    if reading.partners != manifest.partners:
        found.append("partners")
    if reading.events != manifest.events:
        found.append("events")
    if manifest.schema_version >= 2 and reading.last_believed != manifest.last_believed:
        found.append("last_believed")
    return tuple(found)


def _summary(belief_mark: Belief, partner_count: int, events: int) -> str:
    return f"{belief_mark.value}, {partner_count} partners, {events} events"


def _change(manifest: Manifest, existing: Reading | None, reading: Reading) -> Change | None:
    """The move from the current interpretation (an earlier reading, else the manifest)."""
    if existing is not None and existing.manifest_digest == reading.manifest_digest:
        same = (
            existing.belief is reading.belief
            and existing.partners == reading.partners
            and existing.events == reading.events
            and existing.changed == reading.changed
            and existing.last_believed == reading.last_believed
        )
        if same:
            return None
        before = _summary(existing.belief, len(existing.partners), len(existing.events))
        events_before = existing.events
    elif not reading.changed:
        return None
    else:
        before = _summary(manifest.belief, len(manifest.partners), len(manifest.events))
        events_before = manifest.events
    changed = reading.changed or ("restored",)
    return Change(
        seq=reading.seq,
        changed=changed,
        before=before,
        after=_summary(reading.belief, len(reading.partners), len(reading.events)),
        events_before=events_before,
        events_after=reading.events,
    )
