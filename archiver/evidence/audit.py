"""Walks the checkpoint chain, every checkpointed chain and every blob, through GETs only.

Used by `archiver verify --public` (a third party with the public key and read access) and,
for its checkpoint part, by the operator's `archiver verify`. Nothing here trusts the
archive: each checkpoint must carry a valid signature of its exact bytes, each link must
reach the sha256 recorded by the newer side, and a chain must still hold every version that
any checkpoint signed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver import codec, keys
from archiver.errors import KeyNotFound
from archiver.evidence import checkpoint as cp
from archiver.evidence import signing, timestamp
from archiver.evidence.sources import Source
from archiver.models import Manifest

log = structlog.get_logger("archiver.evidence")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verified:
    """A checkpoint as found, newest first in a walk."""

    name: str
    checkpoint: cp.Checkpoint
    sha256: str
    stamp_time: str = ""


@dataclass(slots=True)
class CheckpointWalk:
    """The checkpoint chain from latest.json back to the first checkpoint."""

    checkpoints: list[Verified] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stamps: int = 0
    trusted_stamps: int = 0

    @property
    def newest(self) -> Verified | None:
        """The checkpoint latest.json names (when it could be read)."""
        return self.checkpoints[0] if self.checkpoints else None


@dataclass(slots=True)
class PublicReport:
    """What `verify --public` found."""

    source: str
    walk: CheckpointWalk
    chains: int = 0
    versions: int = 0
    uncovered: int = 0  # versions written after the newest checkpoint
    blobs: int = 0
    problems: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing wrong anywhere."""
        return not self.problems and not self.walk.problems


def walk_checkpoints(
    source: Source,
    prefix: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    tsa_root: bytes | None = None,
) -> CheckpointWalk:
    """Read latest.json and follow the checkpoints back, checking bytes, signatures, links."""
    walk = CheckpointWalk()
    try:
        pointer = json.loads(source.get(prefix + cp.LATEST))
        name, seq, digest = str(pointer["name"]), int(pointer["seq"]), str(pointer["sha256"])
    except KeyNotFound:
        walk.problems.append(f"no checkpoint published: {prefix}{cp.LATEST} is missing")
        return walk
    except (ValueError, KeyError, TypeError):
        walk.problems.append(f"{prefix}{cp.LATEST} is not a checkpoint pointer")
        return walk
    recorder = cp.LATEST
    newer: cp.Checkpoint | None = None
    while True:
        where = f"{prefix}{name}"
        try:
            data = source.get(where)
        except KeyNotFound:
            walk.problems.append(f"checkpoint {seq} ({where}), named by {recorder}, is missing")
            break
        found = keys.sha256_hex(data)
        if found != digest:
            walk.problems.append(
                f"checkpoint {seq} ({where}) was altered after {recorder} recorded it "
                f"(sha256 {digest[:12]}, now {found[:12]})"
            )
        try:
            checkpoint = cp.decode(data)
        except ValueError as exc:
            walk.problems.append(f"checkpoint {where} is unreadable: {exc}")
            break
        if checkpoint.seq != seq:
            walk.problems.append(
                f"{where} says checkpoint {checkpoint.seq}, {recorder} says {seq}"
            )
        walk.problems.extend(
            _signature_problems(
                source, prefix, name, data, checkpoint=checkpoint, public_keys=public_keys
            )
        )
        stamp = _stamp(source, prefix, name, data, tsa_root=tsa_root, walk=walk)
        if newer is not None and checkpoint.created_at >= newer.created_at:
            walk.problems.append(
                f"checkpoint {checkpoint.seq} is not older than checkpoint {newer.seq}"
            )
        walk.checkpoints.append(
            Verified(name=name, checkpoint=checkpoint, sha256=found, stamp_time=stamp)
        )
        link = checkpoint.previous
        if link is None:
            if checkpoint.seq != 1:
                walk.problems.append(
                    f"checkpoint {checkpoint.seq} ({where}) links to no predecessor: "
                    "the earlier checkpoints were cut off"
                )
            break
        if link.seq != checkpoint.seq - 1:
            walk.problems.append(
                f"checkpoint {checkpoint.seq} links to checkpoint {link.seq}, "
                f"not {checkpoint.seq - 1}"
            )
        if any(v.name == link.name for v in walk.checkpoints):
            walk.problems.append(f"checkpoint {checkpoint.seq} links back to {link.name}: a loop")
            break
        name, seq, digest = link.name, link.seq, link.sha256
        recorder, newer = f"checkpoint {checkpoint.seq}", checkpoint
    walk.problems.extend(_unlinked(source, prefix, walk))
    return walk


def _signature_problems(
    source: Source,
    prefix: str,
    name: str,
    data: bytes,
    *,
    checkpoint: cp.Checkpoint,
    public_keys: Mapping[str, Ed25519PublicKey],
) -> list[str]:
    key = public_keys.get(checkpoint.key_id)
    if key is None:
        return [
            f"checkpoint {checkpoint.seq} is signed by key {checkpoint.key_id}, not a key given"
        ]
    try:
        signature = source.get(prefix + cp.beside(name, cp.SIGNATURE))
    except KeyNotFound:
        return [f"checkpoint {checkpoint.seq} has no signature ({cp.beside(name, cp.SIGNATURE)})"]
    if not signing.verify(key, data, signature):
        return [f"checkpoint {checkpoint.seq} ({prefix}{name}): the signature does not verify"]
    return []


def _stamp(
    source: Source,
    prefix: str,
    name: str,
    data: bytes,
    *,
    tsa_root: bytes | None,
    walk: CheckpointWalk,
) -> str:
    try:
        reply = source.get(prefix + cp.beside(name, cp.TIMESTAMP))
    except KeyNotFound:
        return ""
    stamp = timestamp.check(reply, data, root_pem=tsa_root)
    walk.stamps += 1
    walk.trusted_stamps += stamp.trusted
    walk.problems.extend(f"{prefix}{cp.beside(name, cp.TIMESTAMP)}: {p}" for p in stamp.problems)
    return stamp.time.isoformat() if stamp.time else ""


def _unlinked(source: Source, prefix: str, walk: CheckpointWalk) -> list[str]:
    """Checkpoint files a listing shows that the chain from latest.json does not reach."""
    listed = source.listing(prefix)
    if listed is None or walk.newest is None:
        return []
    reached = {v.name for v in walk.checkpoints}
    problems = []
    for key in listed:
        name = key[len(prefix) :]
        if not cp.is_name(name) or name in reached:
            continue
        if name > walk.newest.name:
            problems.append(
                f"{prefix}{name} is newer than the checkpoint latest.json names "
                f"({walk.newest.name}): the record was rolled back"
            )
        else:
            problems.append(f"{prefix}{name} is not in the checkpoint chain")
    return problems


# --- chains ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ChainWalk:
    """One chain, walked back from a signed head (and forward past it)."""

    chain: str
    digests: dict[int, str] = field(default_factory=dict)  # seq -> sha256 of the manifest
    manifests: list[Manifest] = field(default_factory=list)
    uncovered: int = 0
    problems: list[str] = field(default_factory=list)


def walk_chain(source: Source, head: cp.Head, signer: str) -> ChainWalk:
    """Follow a chain from the manifest a checkpoint signed down to version 1."""
    walk = ChainWalk(chain=head.chain)
    key, digest, seq, recorder = head.key, head.sha256, head.seq, signer
    while True:
        data = _get(source, key)
        if data is None:
            walk.problems.append(f"{key}: missing ({recorder} recorded version {seq} here)")
            break
        manifest = _manifest(walk, key, data)
        found = keys.sha256_hex(data)
        walk.digests[seq] = found
        if found != digest:
            walk.problems.append(
                f"{key}: version {seq} was altered after {recorder} recorded it "
                f"(sha256 {digest[:12]}, now {found[:12]})"
            )
        if manifest is None:
            break
        walk.manifests.append(manifest)
        if keys.version_key(head.chain, seq) != key or manifest.seq != seq:
            walk.problems.append(f"{key}: holds version {manifest.seq} of {manifest.site_id}")
        link = manifest.previous
        if link is None:
            if seq != 1:
                walk.problems.append(f"{key}: version {seq} links to no predecessor")
            break
        if link.seq != seq - 1:
            walk.problems.append(f"{key}: links to version {link.seq}, not {seq - 1}")
        key, digest, seq, recorder = link.key, link.digest, link.seq, f"version {seq}"
    _beyond(source, head, walk)
    return walk


def _beyond(source: Source, head: cp.Head, walk: ChainWalk) -> None:
    """Versions written after the checkpoint: linked to it, but not yet signed."""
    seq, previous = head.seq + 1, walk.digests.get(head.seq, head.sha256)
    while (data := _get(source, keys.version_key(head.chain, seq))) is not None:
        key = keys.version_key(head.chain, seq)
        manifest = _manifest(walk, key, data)
        if manifest is None:
            break
        link = manifest.previous
        if link is None or link.seq != seq - 1 or link.digest != previous:
            walk.problems.append(f"{key}: does not link to version {seq - 1} as signed")
        walk.manifests.append(manifest)
        walk.digests[seq] = previous = keys.sha256_hex(data)
        walk.uncovered += 1
        seq += 1


def _manifest(walk: ChainWalk, key: str, data: bytes) -> Manifest | None:
    try:
        return codec.decode_manifest(data)
    except ValueError as exc:
        walk.problems.append(f"{key}: not a manifest ({str(exc).splitlines()[0]})")
        return None


def _get(source: Source, key: str) -> bytes | None:
    try:
        return source.get(key)
    except KeyNotFound:
        return None


def blob_problems(source: Source, manifests: list[Manifest], seen: set[str]) -> list[str]:
    """Re-hash every blob the manifests reference (each digest once)."""
    problems = []
    for manifest in manifests:
        for ref in manifest.blobs:
            if ref.digest in seen:
                continue
            seen.add(ref.digest)
            data = _get(source, keys.blob_key(ref.digest))
            where = f"{manifest.site_id} version {manifest.seq}"
            if data is None:
                problems.append(f"{where}: blob {ref.role} {ref.digest[:12]} is missing")
            elif keys.sha256_hex(data) != ref.digest:
                problems.append(
                    f"{where}: blob {ref.role} {ref.digest[:12]} does not match its digest"
                )
    return problems


def signed_heads_problems(
    signed: list[cp.Checkpoint], digests: Mapping[str, Mapping[int, str]]
) -> list[str]:
    """Every version any checkpoint signed must still be in its chain, byte for byte."""
    problems = []
    for checkpoint in signed:
        for head in checkpoint.chains:
            found = digests.get(head.chain)
            if found is None:
                problems.append(
                    f"{head.chain}: checkpoint {checkpoint.seq} signed version {head.seq}, "
                    "but the chain is gone"
                )
            elif head.seq not in found:
                last = max(found, default=0)
                problems.append(
                    f"{head.chain}: checkpoint {checkpoint.seq} signed version {head.seq}, "
                    f"but the chain ends at version {last}"
                )
            elif found[head.seq] != head.sha256:
                problems.append(
                    f"{head.chain}: version {head.seq} is not the one checkpoint "
                    f"{checkpoint.seq} signed (sha256 {head.sha256[:12]}, now "
                    f"{found[head.seq][:12]})"
                )
    return problems


# --- the outside verifier -------------------------------------------------------------------


def verify_public(
    source: Source,
    *,
    prefix: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    tsa_root: bytes | None = None,
    kept: tuple[bytes, ...] = (),
    check_blobs: bool = True,
) -> PublicReport:
    """Verify a published archive with read access and the public key only."""
    began = time.perf_counter()
    walk = walk_checkpoints(source, prefix, public_keys, tsa_root=tsa_root)
    report = PublicReport(source=source.describe(), walk=walk)
    newest = walk.newest
    if newest is not None:
        digests: dict[str, dict[int, str]] = {}
        seen: set[str] = set()
        signer = f"checkpoint {newest.checkpoint.seq}"
        for head in newest.checkpoint.chains:
            chain = walk_chain(source, head, signer)
            digests[head.chain] = chain.digests
            report.chains += 1
            report.versions += len(chain.manifests)
            report.uncovered += chain.uncovered
            report.problems.extend(chain.problems)
            if check_blobs:
                report.problems.extend(blob_problems(source, chain.manifests, seen))
        report.blobs = len(seen)
        signed = [v.checkpoint for v in walk.checkpoints]
        report.problems.extend(signed_heads_problems(signed, digests))
        report.problems.extend(_kept_problems(kept, walk, public_keys, digests))
    report.duration_s = time.perf_counter() - began
    log.info(
        "public_verify_finished",
        source=report.source,
        ok=report.ok,
        checkpoints=len(walk.checkpoints),
        chains=report.chains,
        versions=report.versions,
        blobs=report.blobs,
        problems=len(report.problems) + len(walk.problems),
        duration_s=round(report.duration_s, 3),
    )
    return report


def _kept_problems(
    kept: tuple[bytes, ...],
    walk: CheckpointWalk,
    public_keys: Mapping[str, Ed25519PublicKey],
    digests: Mapping[str, Mapping[int, str]],
) -> list[str]:
    """A checkpoint the verifier kept from earlier must still be in the published chain."""
    problems = []
    by_seq = {v.checkpoint.seq: v for v in walk.checkpoints}
    for data in kept:
        try:
            checkpoint = cp.decode(data)
        except ValueError as exc:
            problems.append(f"the kept checkpoint is unreadable: {exc}")
            continue
        published = by_seq.get(checkpoint.seq)
        if published is None:
            problems.append(
                f"the kept checkpoint {checkpoint.seq} is not in the published chain "
                f"(which ends at {max(by_seq, default=0)}): the record was rolled back"
            )
        elif published.sha256 != keys.sha256_hex(data):
            problems.append(
                f"the kept checkpoint {checkpoint.seq} differs from the published one: "
                "the checkpoints were rewritten"
            )
        problems.extend(signed_heads_problems([checkpoint], digests))
        if checkpoint.key_id not in public_keys:
            problems.append(f"the kept checkpoint {checkpoint.seq} is signed by an unknown key")
    return problems


def key_ring(pems: list[bytes]) -> dict[str, Ed25519PublicKey]:
    """{key id: key} of the public keys a verifier was given."""
    ring = {}
    for pem in pems:
        key = signing.load_public(pem)
        ring[signing.key_id(key)] = key
    return ring
