"""Writing versions that discovery composes itself: an institution's composite version and
its announcement index. Mirrors `pipeline._archive`: blobs first, the manifest last,
create-only under the next sequence number, and a lost race re-reads the chain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import structlog

from archiver import __version__, archive, codec, keys, partners, textdiff
from archiver.archive import Blob
from archiver.errors import StoreError
from archiver.models import (
    DocumentRef,
    ListStatus,
    Manifest,
    Partner,
    PartnerEvent,
    StoredVersion,
)
from archiver.partners import AliasTable
from archiver.ports import ObjectStore

log = structlog.get_logger("archiver.discovery")
WRITE_ATTEMPTS = 3
PUBLISHED_FIELDS = ("raw", "category_raw", "products", "period", "hotline", "remark")
STABLE_DOC_FIELDS = (
    "url",
    "archive_id",
    "role",
    "state",
    "title",
    "published",
    "categories",
    "listed",
    "current",
    "version_key",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """Everything a composed version holds except what depends on its predecessor."""

    site_id: str
    captured_at: datetime
    text: str
    partners: tuple[Partner, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    blobs: tuple[Blob, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    requested_url: str
    final_url: str
    http_status: int = 200
    browser_version: str = ""
    title: str = ""

    @property
    def digest(self) -> str:
        """sha256 over what was published: text, partner fields, stable document fields."""
        published = [
            {name: codec.to_data(getattr(p, name)) for name in PUBLISHED_FIELDS}
            for p in self.partners
        ]
        documents = [
            {name: codec.to_data(getattr(d, name)) for name in STABLE_DOC_FIELDS}
            for d in self.documents
        ]
        return keys.sha256_hex(
            codec.canonical_json(
                {"text": self.text, "partners": published, "documents": documents}
            )
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """The outcome of a write: the new version (None when unchanged) and its predecessor."""

    version: StoredVersion | None
    previous: StoredVersion | None
    events: tuple[PartnerEvent, ...] = ()
    bytes_written: int = 0


def write(
    store: ObjectStore,
    draft: Draft,
    *,
    aliases: AliasTable,
) -> Written:
    """Write `draft` as the next version of its chain unless the newest one says the same."""
    digest = draft.digest
    previous = archive.head(store, draft.site_id)
    for _ in range(WRITE_ATTEMPTS):
        if previous is not None and previous.manifest.content_digest == digest:
            return Written(version=None, previous=previous)
        began = time.perf_counter()
        previous_text = archive.text_of(store, previous.manifest) if previous else ""
        diff = textdiff.compare(previous_text, draft.text)
        events, departed = _events(previous, draft, aliases)
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
            seq=previous.manifest.seq + 1 if previous else 1,
            captured_at=_captured_at(draft, previous),
            requested_url=draft.requested_url,
            final_url=draft.final_url,
            http_status=draft.http_status,
            browser_version=draft.browser_version,
            title=draft.title,
            content_digest=digest,
            blobs=tuple(refs),
            list_status=draft.list_status,
            list_note=draft.list_note,
            partners=draft.partners,
            events=events,
            departed=departed,
            previous=archive.link_to(previous),
            text_inserted=diff.inserted,
            text_deleted=diff.deleted,
            archiver_version=__version__,
            documents=draft.documents,
        )
        stored = archive.write(store, manifest)
        if stored is None:
            log.warning("version_race_lost", site=draft.site_id, version=manifest.seq)
            previous = archive.head(store, draft.site_id)
            continue
        written += len(codec.encode_manifest(manifest))
        log.info(
            "version_written",
            site=draft.site_id,
            version=manifest.seq,
            key=stored.key,
            blobs=len(refs),
            bytes_written=written,
            events=len(events),
            duration_s=round(time.perf_counter() - began, 3),
        )
        return Written(version=stored, previous=previous, events=events, bytes_written=written)
    raise StoreError(f"could not write a version of {draft.site_id} after {WRITE_ATTEMPTS} races")


def _captured_at(draft: Draft, previous: StoredVersion | None) -> datetime:
    """Never before the predecessor (clocks of two machines may disagree a little)."""
    if previous is not None and draft.captured_at < previous.manifest.captured_at:
        return previous.manifest.captured_at
    return draft.captured_at


def _events(
    previous: StoredVersion | None, draft: Draft, aliases: AliasTable
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """Partner events as the pipeline computes them, on the composed list."""
    if previous is None:
        return (), ()
    unreadable = (ListStatus.UNPARSEABLE,)
    if draft.list_status in unreadable or previous.manifest.list_status in unreadable:
        return (), previous.manifest.departed
    if (
        draft.list_status is ListStatus.ABSENT
        and previous.manifest.list_status is ListStatus.ABSENT
    ):
        return (), previous.manifest.departed
    return partners.compare(previous.manifest, draft.partners, aliases=aliases)
