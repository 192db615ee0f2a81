"""Walk a site's hash chain and re-hash every blob: is the archive what we wrote?

Each manifest records the key, sequence number and sha256 of the previous manifest's exact
bytes, so editing, removing or reordering any version breaks the chain at that point; each
blob is re-hashed against the digest its manifest recorded.

The newest version has no successor to vouch for it, and a whole chain can vanish, so
`verify_archive` also holds each chain against what else remembers it: the `latest.json`
pointer, the index, the configuration, and the signed checkpoints (a chain must still hold
every version a checkpoint signed, byte for byte).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver import archive, keys
from archiver.errors import KeyNotFound, StoreError
from archiver.evidence import audit
from archiver.evidence import checkpoint as cp
from archiver.evidence.sources import StoreSource
from archiver.models import Outcome, StoredVersion
from archiver.ports import Index, ObjectStore


@dataclass
class ChainReport:
    """What verifying one site found."""

    site_id: str
    versions: int = 0
    blobs: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not a broken record
    digests: dict[int, str] = field(default_factory=dict)  # seq -> sha256 of the manifest

    @property
    def ok(self) -> bool:
        """True when the chain and every blob verified."""
        return not self.problems


def verify_site(store: ObjectStore, site_id: str, *, check_blobs: bool = True) -> ChainReport:
    """Verify the chain of one site from its first version to its newest."""
    report = ChainReport(site_id=site_id)
    previous: StoredVersion | None = None
    checked_blobs: set[str] = set()
    for key in archive.version_keys(store, site_id):
        try:
            stored = archive.read(store, key)
        except StoreError as exc:
            report.problems.append(f"{key}: unreadable manifest: {exc}")
            previous = None
            continue
        report.versions += 1
        report.digests[stored.manifest.seq] = stored.digest
        report.problems.extend(_link_problems(stored, previous))
        if check_blobs:
            for ref in stored.manifest.blobs:
                if ref.digest in checked_blobs:
                    continue
                checked_blobs.add(ref.digest)
                report.blobs += 1
                try:
                    data = store.get(keys.blob_key(ref.digest))
                except KeyNotFound:
                    report.problems.append(f"{key}: blob {ref.role} {ref.digest[:12]} is missing")
                    continue
                if keys.sha256_hex(data) != ref.digest:
                    report.problems.append(
                        f"{key}: blob {ref.role} {ref.digest[:12]} does not match its digest"
                    )
        previous = stored
    return report


def _link_problems(stored: StoredVersion, previous: StoredVersion | None) -> list[str]:
    manifest, key = stored.manifest, stored.key
    parsed = keys.parse_version_key(key)
    problems = []
    if parsed is None or parsed[1] != manifest.seq or parsed[0] != manifest.site_id:
        problems.append(f"{key}: manifest says site {manifest.site_id} version {manifest.seq}")
    link = manifest.previous
    if previous is None:
        if link is not None and manifest.seq == 1:
            problems.append(f"{key}: the first version points at a predecessor")
        elif link is not None:
            problems.append(f"{key}: predecessor {link.key} is missing or unreadable")
        elif manifest.seq != 1:
            problems.append(f"{key}: version {manifest.seq} has no predecessor link")
        return problems
    if link is None:
        problems.append(f"{key}: no link to version {previous.manifest.seq}")
    elif link.key != previous.key or link.seq != previous.manifest.seq:
        problems.append(f"{key}: links to {link.key}, but the preceding version is {previous.key}")
    elif link.digest != previous.digest:
        problems.append(
            f"{key}: version {previous.manifest.seq} was altered after this one was written "
            f"(recorded sha256 {link.digest[:12]}, now {previous.digest[:12]})"
        )
    if manifest.captured_at < previous.manifest.captured_at:
        problems.append(f"{key}: captured before its predecessor")
    return problems


@dataclass
class ArchiveReport:
    """What verifying the whole archive found: each chain, and the checkpoints."""

    chains: list[ChainReport] = field(default_factory=list)
    checkpoints: audit.CheckpointWalk | None = None  # None when none were looked for

    @property
    def ok(self) -> bool:
        """True when every chain and the checkpoint chain verified."""
        chains_ok = all(chain.ok for chain in self.chains)
        return chains_ok and (self.checkpoints is None or not self.checkpoints.problems)


def verify_archive(
    store: ObjectStore,
    *,
    configured: Sequence[str] = (),
    only: Sequence[str] = (),
    index: Index | None = None,
    checkpoints_prefix: str | None = None,
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
    check_blobs: bool = True,
) -> ArchiveReport:
    """Verify every chain (or `only` these) and hold each against what remembers it."""
    result = ArchiveReport()
    signed = []
    if checkpoints_prefix is not None and public_keys is not None:
        walk = audit.walk_checkpoints(StoreSource(store), checkpoints_prefix, public_keys)
        if walk.newest is None and _nothing_published(walk):
            walk.problems.clear()  # no checkpoint yet: said per chain, not as a broken chain
        result.checkpoints = walk
        signed = [v.checkpoint for v in walk.checkpoints]
    chains = list(only) or sorted(
        set(archive.site_ids(store, documents=True))
        | set(configured)
        | {head.chain for checkpoint in signed for head in checkpoint.chains}
    )
    for chain in chains:
        report = verify_site(store, chain, check_blobs=check_blobs)
        report.problems.extend(_pointer_problems(store, report))
        if index is not None:
            report.problems.extend(_index_problems(index, report))
        report.problems.extend(
            audit.signed_heads_problems(
                [_only(checkpoint, chain) for checkpoint in signed], {chain: report.digests}
            )
            if report.digests
            else _gone(signed, chain)
        )
        if not report.digests and not report.problems:
            report.notes.append("no versions archived yet")
        result.chains.append(report)
    return result


def _nothing_published(walk: audit.CheckpointWalk) -> bool:
    return len(walk.problems) == 1 and "is missing" in walk.problems[0]


def _only(checkpoint: cp.Checkpoint, chain: str) -> cp.Checkpoint:
    """The checkpoint restricted to one chain (so each problem lands on its chain)."""
    heads = tuple(head for head in checkpoint.chains if head.chain == chain)
    return cp.Checkpoint(
        seq=checkpoint.seq,
        created_at=checkpoint.created_at,
        key_id=checkpoint.key_id,
        previous=checkpoint.previous,
        chains=heads,
    )


def _gone(signed: list[cp.Checkpoint], chain: str) -> list[str]:
    """A chain with no versions at all that a checkpoint signed."""
    for checkpoint in reversed(signed):  # the oldest that knew it
        head = checkpoint.head(chain)
        if head is not None:
            return [
                f"no versions, but checkpoint {checkpoint.seq} signed version {head.seq}: "
                "the chain was deleted"
            ]
    return []


def _pointer_problems(store: ObjectStore, report: ChainReport) -> list[str]:
    """latest.json names the newest version by seq and sha256: it must still be there."""
    try:
        pointer = json.loads(store.get(keys.latest_key(report.site_id)))
        seq, digest = int(pointer["seq"]), str(pointer["digest"])
    except KeyNotFound:
        return []
    except (ValueError, KeyError, TypeError):
        return [f"{keys.latest_key(report.site_id)} is unreadable"]
    found = report.digests.get(seq)
    if found is None:
        last = max(report.digests, default=0)
        return [
            f"latest.json names version {seq}, but the chain ends at version {last}: "
            "versions were removed"
        ]
    if found != digest:
        return [
            f"version {seq} is not the one latest.json recorded (sha256 {digest[:12]}, now "
            f"{found[:12]})"
        ]
    return []


def _index_problems(index: Index, report: ChainReport) -> list[str]:
    """The index remembers each version it saw, with its digest."""
    problems = []
    rows = index.versions(report.site_id)
    for row in rows:
        found = report.digests.get(row.seq)
        if found is None:
            problems.append(
                f"the index holds version {row.seq} (sha256 {row.digest[:12]}), "
                "the archive does not"
            )
        elif found != row.digest:
            problems.append(
                f"version {row.seq} is not the one the index recorded (sha256 "
                f"{row.digest[:12]}, now {found[:12]})"
            )
    if not rows and not report.digests:
        made = [c for c in index.checks(report.site_id, limit=1000) if c.outcome in _WROTE]
        if made:
            problems.append(
                f"no versions, but {len(made)} recorded checks wrote one: the chain was deleted"
            )
    return problems


_WROTE = (Outcome.NEW, Outcome.CHANGED)
