"""Reading and writing versions in the object store: blobs first, the manifest last.

A manifest is written create-only under its sequence number, after every blob it points at,
so a reader that finds a manifest always finds its blobs, and a crash between the two leaves
only unreferenced blobs (harmless, deduplicated on the next write). The `latest.json` pointer
is a hint that may lag; `head` confirms it by probing the next sequence number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from archiver import codec, keys
from archiver.errors import KeyNotFound, StoreError, VersionNotFound
from archiver.models import BlobRef, ChainLink, Manifest, StoredVersion
from archiver.ports import ObjectStore


@dataclass(frozen=True, slots=True)
class Blob:
    """Bytes to archive under a role, before they have a key."""

    role: str
    data: bytes
    media_type: str
    url: str = ""

    def ref(self) -> BlobRef:
        """The reference a manifest keeps for these bytes."""
        return BlobRef(
            role=self.role,
            digest=keys.sha256_hex(self.data),
            media_type=self.media_type,
            size_bytes=len(self.data),
            url=self.url,
        )


def put_blob(store: ObjectStore, blob: Blob) -> tuple[BlobRef, int]:
    """Store the blob if absent; return its reference and the bytes actually written."""
    ref = blob.ref()
    key = keys.blob_key(ref.digest)
    if store.exists(key):
        return ref, 0
    written = store.put(key, blob.data, content_type=blob.media_type, create_only=True)
    return ref, len(blob.data) if written else 0


def get_blob(store: ObjectStore, ref: BlobRef) -> bytes:
    """The bytes of a blob, checked against its digest."""
    data = store.get(keys.blob_key(ref.digest))
    if keys.sha256_hex(data) != ref.digest:
        raise StoreError(f"blob {ref.digest[:12]} does not match its digest (tampered or corrupt)")
    return data


def text_of(store: ObjectStore, manifest: Manifest) -> str:
    """The canonical disclosure text a version was compared on."""
    ref = manifest.blob("text")
    if ref is None:
        return ""
    return get_blob(store, ref).decode("utf-8")


def link_to(previous: StoredVersion | None) -> ChainLink | None:
    """The chain link a new manifest records for its predecessor."""
    if previous is None:
        return None
    return ChainLink(key=previous.key, digest=previous.digest, seq=previous.manifest.seq)


def write(store: ObjectStore, manifest: Manifest) -> StoredVersion | None:
    """Write the manifest create-only; None if another writer already holds this seq.

    The caller must have stored every blob the manifest references.
    """
    data = codec.encode_manifest(manifest)
    key = keys.version_key(manifest.site_id, manifest.seq)
    if not store.put(key, data, content_type="application/json", create_only=True):
        return None
    stored = StoredVersion(key=key, digest=keys.sha256_hex(data), manifest=manifest)
    _write_pointer(store, stored)
    return stored


def _write_pointer(store: ObjectStore, stored: StoredVersion) -> None:
    pointer = {"key": stored.key, "seq": stored.manifest.seq, "digest": stored.digest}
    store.put(
        keys.latest_key(stored.manifest.site_id),
        codec.canonical_json(pointer),
        content_type="application/json",
    )


def read(store: ObjectStore, key: str) -> StoredVersion:
    """The manifest at `key`, with the digest of its exact bytes."""
    data = store.get(key)
    try:
        manifest = codec.decode_manifest(data)
    except ValueError as exc:
        raise StoreError(f"manifest {key} is not valid: {str(exc).splitlines()[0]}") from exc
    return StoredVersion(key=key, digest=keys.sha256_hex(data), manifest=manifest)


def read_seq(store: ObjectStore, site_id: str, seq: int) -> StoredVersion:
    """Version `seq` of a site; VersionNotFound if there is none."""
    try:
        return read(store, keys.version_key(site_id, seq))
    except KeyNotFound as exc:
        raise VersionNotFound(f"site {site_id!r} has no version {seq}") from exc


def version_keys(store: ObjectStore, site_id: str) -> list[str]:
    """Manifest keys of a site, oldest first."""
    return [k for k in store.list(keys.versions_prefix(site_id)) if keys.parse_version_key(k)]


def history(store: ObjectStore, site_id: str) -> Iterator[StoredVersion]:
    """Every version of a site, oldest first."""
    for key in version_keys(store, site_id):
        yield read(store, key)


def head(store: ObjectStore, site_id: str) -> StoredVersion | None:
    """The newest version of a site, or None before the first one."""
    seq = _pointer_seq(store, site_id)
    if seq is None:
        listed = version_keys(store, site_id)
        if not listed:
            return None
        parsed = keys.parse_version_key(listed[-1])
        assert parsed is not None  # version_keys only returns parseable keys
        seq = parsed[1]
    while store.exists(keys.version_key(site_id, seq + 1)):
        seq += 1
    return read(store, keys.version_key(site_id, seq))


def _pointer_seq(store: ObjectStore, site_id: str) -> int | None:
    try:
        pointer = json.loads(store.get(keys.latest_key(site_id)))
        seq = int(pointer["seq"])
    except (KeyNotFound, ValueError, KeyError, TypeError):
        return None
    if seq < 1 or not store.exists(keys.version_key(site_id, seq)):
        return None
    return seq


def site_ids(store: ObjectStore, *, documents: bool = False) -> list[str]:
    """Sites with at least one version; institutions' document chains only if asked."""
    found = keys.site_ids_in(list(store.list(keys.SITES_PREFIX)))
    return found if documents else [s for s in found if not keys.is_document_chain(s)]
