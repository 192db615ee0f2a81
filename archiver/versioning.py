"""Writing the next version of a chain: diff, partner events, blobs first, manifest last.

Shared by the page pipeline and by discovery's composite versions. The manifest is written
create-only under the next sequence number; a writer that loses the race re-reads the head
and either finds the same content (nothing to write) or writes on top of it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import structlog

from archiver import __version__, archive, codec, partners, textdiff
from archiver.archive import Blob
from archiver.errors import StoreError
from archiver.models import (
    DocumentRef,
    ListStatus,
    Manifest,
    Partner,
    PartnerEvent,
    Refusal,
    StoredVersion,
)
from archiver.partners import AliasTable
from archiver.ports import ObjectStore

log = structlog.get_logger("archiver.versioning")
WRITE_ATTEMPTS = 3
BASELINE_LOOKBACK = 50  # versions walked back to find the last readable list


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """Everything a new version holds except what depends on its predecessor."""

    site_id: str
    captured_at: datetime
    requested_url: str
    final_url: str
    http_status: int = 200
    browser_version: str = ""
    title: str = ""
    text: str  # canonical text, stored as the "text" blob and diffed against the previous
    content_digest: str
    partners: tuple[Partner, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    as_of: str = ""
    documents: tuple[DocumentRef, ...] = ()
    blobs: tuple[Blob, ...] = ()  # evidence besides the text and the diff
    refused: tuple[Refusal, ...] = ()  # fetches the URL policy refused
    tls_verified: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """The new version (None when the head already says the same) and its predecessor."""

    version: StoredVersion | None
    previous: StoredVersion | None
    events: tuple[PartnerEvent, ...] = ()
    bytes_written: int = 0


def partner_events(
    baseline: StoredVersion | None,
    list_status: ListStatus,
    current: tuple[Partner, ...],
    aliases: AliasTable,
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """(events, departed keys) against `baseline`, the newest earlier version whose list was
    read (see `read_baseline`). A page whose list we cannot see (absent, or only images) says
    nothing about partners: a list endpoint that fails is not everyone dropped, and when the
    list comes back it is compared with what was last read, not with the gap."""
    if baseline is None:
        return (), ()
    if list_status is not ListStatus.OK:
        return (), baseline.manifest.departed
    return partners.compare(baseline.manifest, current, aliases=aliases)


def read_baseline(store: ObjectStore, previous: StoredVersion | None) -> StoredVersion | None:
    """The newest version up to `previous` whose list was read; `previous` itself when none
    was (a page whose list never showed: its first list is all news)."""
    version = previous
    for _ in range(BASELINE_LOOKBACK):
        if version is None or version.manifest.list_status is ListStatus.OK:
            break
        link = version.manifest.previous
        version = archive.read(store, link.key) if link is not None else None
    if version is None or version.manifest.list_status is not ListStatus.OK:
        return previous
    return version


def write(
    store: ObjectStore,
    draft: Draft,
    *,
    previous: StoredVersion | None,
    aliases: AliasTable,
) -> Written:
    """Write `draft` as the next version of its chain, unless the head already says the same."""
    for _ in range(WRITE_ATTEMPTS):
        if previous is not None and previous.manifest.content_digest == draft.content_digest:
            return Written(version=None, previous=previous)
        began = time.perf_counter()
        previous_text = archive.text_of(store, previous.manifest) if previous else ""
        diff = textdiff.compare(previous_text, draft.text)
        baseline = read_baseline(store, previous)
        events, departed = partner_events(baseline, draft.list_status, draft.partners, aliases)
        seq = previous.manifest.seq + 1 if previous else 1
        log.info(
            "compare_finished",
            site=draft.site_id,
            version=seq,
            events=len(events),
            inserted=diff.inserted,
            deleted=diff.deleted,
            duration_s=round(time.perf_counter() - began, 3),
        )
        began = time.perf_counter()
        blobs = [Blob("text", draft.text.encode(), "text/plain; charset=utf-8"), *draft.blobs]
        if previous_text:
            patch = textdiff.to_patch(previous_text, diff)
            blobs.append(Blob("diff", patch.encode(), "text/x-diff-match-patch; charset=utf-8"))
        refs, written = [], 0
        for blob in blobs:
            ref, size = archive.put_blob(store, blob)
            refs.append(ref)
            written += size
        manifest = Manifest(
            site_id=draft.site_id,
            seq=seq,
            captured_at=_not_before(draft.captured_at, previous),
            requested_url=draft.requested_url,
            final_url=draft.final_url,
            http_status=draft.http_status,
            browser_version=draft.browser_version,
            title=draft.title,
            content_digest=draft.content_digest,
            blobs=tuple(refs),
            list_status=draft.list_status,
            list_note=draft.list_note,
            as_of=draft.as_of,
            partners=draft.partners,
            events=events,
            departed=departed,
            previous=archive.link_to(previous),
            text_inserted=diff.inserted,
            text_deleted=diff.deleted,
            archiver_version=__version__,
            documents=draft.documents,
            refused=draft.refused,
            tls_verified=draft.tls_verified,
        )
        stored = archive.write(store, manifest)
        if stored is None:
            log.warning("version_race_lost", site=draft.site_id, version=seq)
            previous = archive.head(store, draft.site_id)
            continue
        written += len(codec.encode_manifest(manifest))
        log.info(
            "version_written",
            site=draft.site_id,
            version=seq,
            key=stored.key,
            blobs=len(refs),
            bytes_written=written,
            events=len(events),
            duration_s=round(time.perf_counter() - began, 3),
        )
        return Written(version=stored, previous=previous, events=events, bytes_written=written)
    raise StoreError(f"could not write a version of {draft.site_id} after {WRITE_ATTEMPTS} races")


def _not_before(captured_at: datetime, previous: StoredVersion | None) -> datetime:
    """Never before the predecessor: two machines' clocks may disagree a little."""
    if previous is not None and captured_at < previous.manifest.captured_at:
        return previous.manifest.captured_at
    return captured_at
