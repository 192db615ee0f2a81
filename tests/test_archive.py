"""Archive invariants: blobs first, manifest last, create-only, a verifiable hash chain."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from archiver import archive, codec, keys
from archiver.adapters.local_store import LocalStore
from archiver.archive import Blob
from archiver.errors import StoreError, VersionNotFound
from archiver.models import Manifest, StoredVersion
from archiver.ports import ObjectStore
from archiver.verify import verify_site

T0 = datetime(2025, 10, 1, tzinfo=UTC)


class RecordingStore:
    """A real store that remembers the order of writes and can fail on chosen keys."""

    def __init__(self, inner: ObjectStore, *, fail_on: str = "") -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.writes: list[str] = []

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        if self.fail_on and self.fail_on in key:
            raise StoreError(f"simulated crash before writing {key}")
        self.writes.append(key)
        return self.inner.put(key, data, content_type=content_type, create_only=create_only)

    def get(self, key: str) -> bytes:
        return self.inner.get(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def list(self, prefix: str) -> Iterator[str]:
        return self.inner.list(prefix)

    def url(self, key: str) -> str | None:
        return self.inner.url(key)

    def describe(self) -> str:
        return "recording " + self.inner.describe()


def write_version(store: ObjectStore, site: str, text: str, *, at: datetime = T0) -> StoredVersion:
    previous = archive.head(store, site)
    ref, _ = archive.put_blob(store, Blob("text", text.encode(), "text/plain"))
    manifest = Manifest(
        site_id=site,
        seq=previous.manifest.seq + 1 if previous else 1,
        captured_at=at,
        requested_url="https://x.example/",
        final_url="https://x.example/",
        http_status=200,
        browser_version="test",
        content_digest=keys.sha256_hex(text.encode()),
        blobs=(ref,),
        previous=archive.link_to(previous),
    )
    stored = archive.write(store, manifest)
    assert stored is not None
    return stored


def test_blobs_are_written_before_the_manifest(local_store: LocalStore) -> None:
    store = RecordingStore(local_store)
    write_version(store, "a", "v1")
    assert store.writes[0].startswith("blobs/sha256/")
    assert store.writes[1] == "sites/a/versions/00000001.json"
    assert store.writes[2] == "sites/a/latest.json"


def test_a_crash_between_blobs_and_manifest_leaves_no_version(local_store: LocalStore) -> None:
    crashing = RecordingStore(local_store, fail_on="/versions/")
    write_version(local_store, "a", "v1")
    with pytest.raises(StoreError):
        write_version(crashing, "a", "v2")
    assert archive.head(local_store, "a").manifest.seq == 1  # type: ignore[union-attr]
    assert verify_site(local_store, "a").ok
    assert write_version(local_store, "a", "v2").manifest.seq == 2


def test_manifests_are_never_overwritten(memory_store: ObjectStore) -> None:
    first = write_version(memory_store, "a", "v1")
    clash = dataclasses.replace(first.manifest, content_digest="0" * 64)
    assert archive.write(memory_store, clash) is None
    assert archive.read_seq(memory_store, "a", 1).digest == first.digest


def test_head_survives_a_missing_or_stale_pointer(local_store: LocalStore) -> None:
    for n in range(3):
        write_version(local_store, "a", f"v{n}", at=T0 + timedelta(hours=n))
    pointer = local_store.root / "sites/a/latest.json"
    pointer.write_text('{"seq": 1}')
    assert archive.head(local_store, "a").manifest.seq == 3  # type: ignore[union-attr]
    pointer.unlink()
    assert archive.head(local_store, "a").manifest.seq == 3  # type: ignore[union-attr]
    pointer.write_text("garbage")
    assert archive.head(local_store, "a").manifest.seq == 3  # type: ignore[union-attr]
    assert archive.head(local_store, "b") is None


def test_read_seq_of_a_missing_version(memory_store: ObjectStore) -> None:
    with pytest.raises(VersionNotFound, match="site 'a' has no version 4"):
        archive.read_seq(memory_store, "a", 4)


def test_identical_blobs_are_stored_once(memory_store: ObjectStore) -> None:
    _, first = archive.put_blob(memory_store, Blob("dom", b"<html>same</html>", "text/html"))
    _, second = archive.put_blob(memory_store, Blob("dom", b"<html>same</html>", "text/html"))
    assert (first, second) == (17, 0)


def test_manifest_bytes_are_canonical(memory_store: ObjectStore) -> None:
    stored = write_version(memory_store, "a", "v1")
    data = memory_store.get(stored.key)
    assert codec.encode_manifest(codec.decode_manifest(data)) == data
    assert keys.sha256_hex(data) == stored.digest


def test_verify_walks_a_healthy_chain(local_store: LocalStore) -> None:
    for n in range(4):
        write_version(local_store, "a", f"v{n}", at=T0 + timedelta(hours=n))
    report = verify_site(local_store, "a")
    assert report.ok, report.problems
    assert (report.versions, report.blobs) == (4, 4)


def test_verify_detects_an_altered_manifest(local_store: LocalStore) -> None:
    for n in range(3):
        write_version(local_store, "a", f"v{n}", at=T0 + timedelta(hours=n))
    path = local_store.root / "sites/a/versions/00000002.json"
    path.write_bytes(path.read_bytes().replace(b'"http_status":200', b'"http_status":201'))
    problems = verify_site(local_store, "a").problems
    assert len(problems) == 1
    assert problems[0].startswith(
        "sites/a/versions/00000003.json: version 2 was altered after this one was written"
    )


def test_verify_detects_a_removed_version(local_store: LocalStore) -> None:
    for n in range(3):
        write_version(local_store, "a", f"v{n}", at=T0 + timedelta(hours=n))
    (local_store.root / "sites/a/versions/00000002.json").unlink()
    assert verify_site(local_store, "a").problems == [
        "sites/a/versions/00000003.json: links to sites/a/versions/00000002.json, "
        "but the preceding version is sites/a/versions/00000001.json"
    ]


def test_verify_detects_a_corrupted_and_a_missing_blob(local_store: LocalStore) -> None:
    first = write_version(local_store, "a", "v1")
    second = write_version(local_store, "a", "v2", at=T0 + timedelta(hours=1))
    (local_store.root / keys.blob_key(first.manifest.blobs[0].digest)).write_bytes(b"tampered")
    (local_store.root / keys.blob_key(second.manifest.blobs[0].digest)).unlink()
    problems = verify_site(local_store, "a").problems
    assert any("does not match its digest" in p for p in problems)
    assert any("is missing" in p for p in problems)


def test_get_blob_refuses_tampered_bytes(local_store: LocalStore) -> None:
    ref, _ = archive.put_blob(local_store, Blob("text", b"original", "text/plain"))
    (local_store.root / keys.blob_key(ref.digest)).write_bytes(b"changed!")
    with pytest.raises(StoreError, match="does not match its digest"):
        archive.get_blob(local_store, ref)
