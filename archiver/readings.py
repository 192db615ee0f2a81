"""Re-readings of preserved versions: derived records beside the chain, never in it.

    sites/<site-id>/readings/<seq:08d>.json   the newest reading of version <seq>, when it
                                              differs from what the manifest recorded
    sites/<site-id>/readings/summary.json     the last `archiver reextract` of the site

A reading names the reader version that made it and the manifest (key and sha256) whose
evidence it read. Everything that shows or builds on a version's partner list (the pipeline's
baseline, the index, `history`, `show`, the published pages) sees the manifest through its
reading: `view` swaps in the reading's partners, events and belief, keeps the manifest's key
and digest, and says who corrected it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver import __version__, archive, codec, dates, keys
from archiver.errors import KeyNotFound, StoreError
from archiver.models import Belief, Reading, StoredVersion
from archiver.ports import ObjectStore

BASELINE_LOOKBACK = 200  # versions walked back in chains written before belief marks
# The modules whose code decides what a capture says: a change to any of them is a new reader.
READER_SOURCES = (
    "partners",
    "region.py",
    "extract.py",
    "noise.py",
    "classify.py",
    "completeness.py",
    "belief.py",
)


def _reader_version() -> str:
    """The package version plus a digest of the reader's source: a reader fix names itself
    even when nobody remembers to bump a number."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in READER_SOURCES:
        path = root / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            if source.exists():
                digest.update(source.name.encode())
                digest.update(source.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


READER_VERSION = _reader_version()


def reading_key(site_id: str, seq: int) -> str:
    """Where the reading of one version lives.

    >>> reading_key("zhaolian-cfc", 3)
    'sites/zhaolian-cfc/readings/00000003.json'
    """
    return f"{keys.SITES_PREFIX}{site_id}/readings/{seq:08d}.json"


def summary_key(site_id: str) -> str:
    """Where the summary of a site's last re-extraction lives."""
    return f"{keys.SITES_PREFIX}{site_id}/readings/summary.json"


def load(store: ObjectStore, site_id: str, seq: int) -> Reading | None:
    """The reading of a version, or None when the manifest's own interpretation stands."""
    try:
        data = store.get(reading_key(site_id, seq))
    except KeyNotFound:
        return None
    try:
        return codec.from_data(Reading, json.loads(data))
    except ValueError as exc:
        raise StoreError(f"reading {reading_key(site_id, seq)} is not valid: {exc}") from exc


def save(store: ObjectStore, reading: Reading) -> None:
    """Write (or replace: readings are derived) the reading of a version."""
    store.put(
        reading_key(reading.site_id, reading.seq),
        codec.canonical_json(codec.to_data(reading)),
        content_type="application/json",
    )


def save_summary(store: ObjectStore, site_id: str, summary: dict[str, Any]) -> None:
    """Record what the last re-extraction of a site did."""
    store.put(summary_key(site_id), codec.canonical_json(summary), content_type="application/json")


def corrected_seqs(store: ObjectStore, site_id: str) -> frozenset[int]:
    """Versions whose reading replaces the manifest's interpretation (one GET)."""
    try:
        data = json.loads(store.get(summary_key(site_id)))
    except (KeyNotFound, ValueError):
        return frozenset()
    return frozenset(int(seq) for seq in data.get("corrected", ()))


def apply(stored: StoredVersion, reading: Reading | None) -> StoredVersion:
    """The version as its reading interprets it (the manifest itself without one)."""
    if reading is None or not reading.changed or reading.manifest_digest != stored.digest:
        return stored
    manifest = replace(
        stored.manifest,
        belief=reading.belief,
        belief_note=reading.belief_note,
        list_status=reading.list_status,
        list_note=reading.list_note,
        partners=reading.partners,
        events=reading.events,
        departed=reading.departed,
        baseline=reading.baseline,
        last_believed=reading.last_believed,
        reader_version=reading.reader_version,
    )
    return replace(stored, manifest=manifest, corrected_by=reading.reader_version)


def view(store: ObjectStore, stored: StoredVersion) -> StoredVersion:
    """The version through its reading, if it has one (one GET)."""
    return apply(stored, load(store, stored.manifest.site_id, stored.manifest.seq))


def read_seq(store: ObjectStore, site_id: str, seq: int) -> StoredVersion:
    """Version `seq` as currently interpreted."""
    return view(store, archive.read_seq(store, site_id, seq))


def last_believed(store: ObjectStore, previous: StoredVersion | None) -> StoredVersion | None:
    """The newest believed version up to `previous` (as currently interpreted), or None."""
    if previous is None:
        return None
    current = view(store, previous)
    manifest = current.manifest
    if manifest.belief.is_believed:
        return current
    if manifest.schema_version >= 2 and manifest.last_believed is not None:
        return read_seq(store, manifest.site_id, manifest.last_believed)
    if manifest.schema_version >= 2 and current.corrected_by == "":
        return None  # written with belief marks: no believed version before it
    for _ in range(BASELINE_LOOKBACK):  # schema 1, or a re-read that left no pointer
        link = current.manifest.previous
        if link is None:
            return None
        current = view(store, archive.read(store, link.key))
        if current.manifest.belief.is_believed:
            return current
    return None


EDITION_LOOKBACK = 50  # versions walked back for the edition a stale copy repeats


def same_edition_before(
    store: ObjectStore, baseline: StoredVersion, list_digest: str, as_of: str
) -> int | None:
    """The seq of a believed version before `baseline` whose list and stated date a capture
    repeats exactly (a stale copy of that edition, served again by a CDN node), or None."""
    wanted = dates.parse(as_of)
    current = baseline
    for _ in range(EDITION_LOOKBACK):
        link = current.manifest.previous
        if link is None or not wanted:
            return None
        current = view(store, archive.read(store, link.key))
        manifest = current.manifest
        if (
            manifest.belief.is_believed
            and manifest.list_digest == list_digest
            and dates.parse(manifest.as_of) == wanted
        ):
            return manifest.seq
    return None


def is_suspect(belief: Belief) -> bool:
    """A mark that a later capture with the same list turns into belief."""
    return belief in (Belief.UNCONFIRMED, Belief.DISAGREED)


def owes_confirmation(stored: StoredVersion | None) -> datetime | None:
    """When a re-check of the site is due (its head is unconfirmed), else None."""
    if stored is None or stored.manifest.belief is not Belief.UNCONFIRMED:
        return None
    return stored.manifest.confirm_after or stored.manifest.captured_at
