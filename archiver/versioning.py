"""Writing the next version of a chain: diff, partner events, blobs first, manifest last.

Shared by the page pipeline and by discovery's composite versions. The manifest is written
create-only under the next sequence number; a writer that loses the race re-reads the head
and either finds the same content (nothing to write) or writes on top of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from archiver import __version__, archive, codec, partners, readings, sequence, textdiff
from archiver.archive import Blob
from archiver.models import (
    Belief,
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
    belief: Belief | None = None  # None: believed when the list was read, else as its status
    belief_note: str = ""
    list_digest: str = ""
    confirms: int | None = None
    confirm_after: datetime | None = None
    rewrite: bool = False  # write even when the head holds the same evidence (a confirmation)

    @property
    def mark(self) -> Belief:
        """The belief mark the version gets."""
        return self.belief if self.belief is not None else Belief.of_list(self.list_status)


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """The new version (None when the head already says the same) and its predecessor."""

    version: StoredVersion | None
    previous: StoredVersion | None
    events: tuple[PartnerEvent, ...] = ()
    bytes_written: int = 0
    baseline: StoredVersion | None = None  # the believed version the events were made against


def partner_events(
    baseline: StoredVersion | None,
    previous: StoredVersion | None,
    belief: Belief,
    current: tuple[Partner, ...],
    aliases: AliasTable,
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """(events, departed keys) of a version against `baseline`, the newest believed version
    before it (`readings.last_believed`). Only a believed list makes events: a page whose list
    we cannot see or do not believe says nothing about partners, and when a believed list
    comes back it is compared with the last one believed, not with the gap. A chain's first
    believed list after versions that showed none (absent) is all news; after one that showed
    a list we could not read or believe (unparseable, garbled, cut off) it is none, as the very
    first version's: those partners may have been there all along."""
    if not belief.is_believed:
        return (), baseline.manifest.departed if baseline else ()
    if baseline is None:
        if previous is None or previous.manifest.list_status is not ListStatus.ABSENT:
            return (), ()
        empty = Manifest(
            site_id="",
            seq=0,
            captured_at=previous.manifest.captured_at,
            requested_url="",
            final_url="",
            http_status=0,
            browser_version="",
            content_digest="",
        )
        return partners.compare(empty, current, aliases=aliases)
    return partners.compare(baseline.manifest, current, aliases=aliases)


def events_between(
    store: ObjectStore,
    before: StoredVersion | None,
    after: StoredVersion,
    aliases: AliasTable,
) -> tuple[PartnerEvent, ...]:
    """The partner events from `before` to `after` as the pipeline makes them, for readers of
    the archive (`archiver diff`): what the alert said when `after` came right after `before`
    (its recorded events), otherwise `partner_events` with the newest believed list up to
    `before` as the baseline. A version whose list is not believed has no events, whatever
    it is compared with, exactly as it had no alert."""
    if before is None:
        return ()
    link = after.manifest.previous
    if link is not None and link.key == before.key:
        return after.manifest.events
    baseline = readings.last_believed(store, before)
    events, _ = partner_events(
        baseline, before, after.manifest.belief, after.manifest.partners, aliases
    )
    return events


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A version ready to be written on top of `previous`: its blobs are already stored."""

    manifest: Manifest
    previous: StoredVersion | None
    baseline: StoredVersion | None
    blobs: int
    bytes_written: int
    began: float


def write(
    store: ObjectStore,
    draft: Draft,
    *,
    previous: StoredVersion | None,
    aliases: AliasTable,
    reread: Callable[[StoredVersion], StoredVersion] | None = None,
) -> Written:
    """Write `draft` as the next version of its chain, unless the head already says the same.

    `reread` gives the baseline's list as today's reader reads it (`reextract.read_now`).
    The first attempt builds on `previous`; one that loses the race for its number re-reads
    the head and builds again (`sequence.append_next`).
    """
    head_now = previous
    attempts = 0

    def head() -> tuple[int, StoredVersion | None]:
        nonlocal head_now, attempts
        if attempts:
            head_now = archive.head(store, draft.site_id)
        attempts += 1
        return (head_now.manifest.seq if head_now else 0), head_now

    def build(seq: int, before: StoredVersion | None) -> _Prepared | None:
        if before is not None and _same(before.manifest, draft):
            return None
        return _prepare(store, draft, seq, before, aliases=aliases, reread=reread)

    def put(prepared: _Prepared) -> Written | None:
        stored = archive.write(store, prepared.manifest)
        if stored is None:
            return None
        manifest = prepared.manifest
        written = prepared.bytes_written + len(codec.encode_manifest(manifest))
        log.info(
            "version_written",
            site=draft.site_id,
            version=manifest.seq,
            key=stored.key,
            blobs=prepared.blobs,
            bytes_written=written,
            events=len(manifest.events),
            belief=manifest.belief.value,
            duration_s=round(time.perf_counter() - prepared.began, 3),
        )
        return Written(
            version=stored,
            previous=prepared.previous,
            events=manifest.events,
            bytes_written=written,
            baseline=prepared.baseline,
        )

    def lost(seq: int) -> None:
        log.warning("version_race_lost", site=draft.site_id, version=seq)

    done = sequence.append_next(
        head,
        build,
        put,
        attempts=WRITE_ATTEMPTS,
        what=f"a version of {draft.site_id}",
        lost=lost,
    )
    return done if done is not None else Written(version=None, previous=head_now)


def _prepare(
    store: ObjectStore,
    draft: Draft,
    seq: int,
    previous: StoredVersion | None,
    *,
    aliases: AliasTable,
    reread: Callable[[StoredVersion], StoredVersion] | None,
) -> _Prepared:
    """Diff and partner events against the chain, blobs stored, the manifest built."""
    began = time.perf_counter()
    previous_text = archive.text_of(store, previous.manifest) if previous else ""
    diff = textdiff.compare(previous_text, draft.text)
    baseline = readings.last_believed(store, previous)
    if baseline is not None and reread is not None:
        baseline = reread(baseline)
    mark = draft.mark
    events, departed = partner_events(baseline, previous, mark, draft.partners, aliases)
    base_seq = baseline.manifest.seq if baseline else None
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
    if previous_text and previous_text != draft.text:
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
        belief=mark,
        belief_note=draft.belief_note,
        reader_version=readings.READER_VERSION,
        list_digest=draft.list_digest,
        baseline=base_seq if mark.is_believed else None,
        last_believed=seq if mark.is_believed else base_seq,
        confirms=draft.confirms,
        confirm_after=draft.confirm_after,
    )
    return _Prepared(
        manifest=manifest,
        previous=previous,
        baseline=baseline,
        blobs=len(refs),
        bytes_written=written,
        began=began,
    )


def _same(head: Manifest, draft: Draft) -> bool:
    """The head already holds this evidence (and nothing asks to record a new belief)."""
    return head.content_digest == draft.content_digest and not draft.rewrite


def _not_before(captured_at: datetime, previous: StoredVersion | None) -> datetime:
    """Never before the predecessor: two machines' clocks may disagree a little."""
    if previous is not None and captured_at < previous.manifest.captured_at:
        return previous.manifest.captured_at
    return captured_at
