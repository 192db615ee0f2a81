"""A new version and its predecessor -> the PartnerAlert record the outbox keeps. Pure.

The record is self-contained: events carry the category and products the partner had (a
dropped partner's come from the previous version), and both versions are referenced by key
and digest, so the message can be composed later without reading the manifests again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from archiver.alerts.messages.records import (
    Destination,
    EventRow,
    ImageChange,
    PartnerAlert,
    VersionRef,
    partner_id,
)
from archiver.config import Site
from archiver.models import Category, ListStatus, Manifest, StoredVersion


def version_ref(stored: StoredVersion) -> VersionRef:
    """The evidence an alert keeps of one version."""
    manifest = stored.manifest
    screenshot = manifest.blob("screenshot")
    return VersionRef(
        seq=manifest.seq,
        key=stored.key,
        digest=stored.digest,
        content_digest=manifest.content_digest,
        captured_at=manifest.captured_at,
        partner_count=len(manifest.partners),
        screenshot_digest=screenshot.digest if screenshot else "",
    )


def event_rows(version: StoredVersion, previous: StoredVersion | None) -> tuple[EventRow, ...]:
    """The version's events, each with the category and products its partner had."""
    known = {p.match_key: p for p in previous.manifest.partners} if previous else {}
    known.update({p.match_key: p for p in version.manifest.partners})
    rows = []
    for event in version.manifest.events:
        partner = known.get(event.match_key)
        category = event.category
        if category is Category.UNSPECIFIED and partner is not None:
            category = partner.category
        rows.append(
            EventRow(
                type=event.type,
                name=event.name,
                category=category,
                category_raw=partner.category_raw if partner else "",
                products=event.products or (partner.products if partner else ()),
                old=event.old,
                new=event.new,
                field=event.field,
                before=event.before,
                after=event.after,
                note=event.note,
            )
        )
    return tuple(rows)


def image_change(version: Manifest, previous: Manifest | None) -> ImageChange | None:
    """The list is published as pictures and they are not the ones the previous version
    kept (other bytes, whatever their names): None when that is not so."""
    if previous is None or version.list_status is not ListStatus.UNPARSEABLE:
        return None
    after = tuple(ref.digest for ref in version.blobs if ref.role == "image")
    before = tuple(ref.digest for ref in previous.blobs if ref.role == "image")
    if not after or sorted(after) == sorted(before):
        return None
    types = {ref.digest: ref.media_type for m in (version, previous) for ref in m.blobs}
    return ImageChange(
        before=before,
        after=after,
        media_types=tuple((d, types[d]) for d in dict.fromkeys((*before, *after))),
    )


def partner_alert(
    site: Site,
    version: StoredVersion,
    previous: StoredVersion | None,
    *,
    channels: Sequence[Destination],
    queued_at: datetime,
    previous_seen_at: datetime | None = None,
) -> PartnerAlert:
    """The outbox record of a version's partner events."""
    manifest = version.manifest
    return PartnerAlert(
        id=partner_id(site.id, manifest.seq, manifest.captured_at),
        site_id=site.id,
        site_name=site.name,
        page_url=manifest.final_url or site.url,
        version=version_ref(version),
        previous=version_ref(previous) if previous else None,
        previous_seen_at=previous_seen_at,
        events=event_rows(version, previous),
        list_note=manifest.list_note,
        images=image_change(manifest, previous.manifest if previous else None),
        channels=tuple(channels),
        queued_at=queued_at,
    )
