"""Walk a site's hash chain and re-hash every blob: is the archive what we wrote?

Each manifest records the key, sequence number and sha256 of the previous manifest's exact
bytes, so editing, removing or reordering any version breaks the chain at that point; each
blob is re-hashed against the digest its manifest recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver import archive, keys
from archiver.errors import KeyNotFound, StoreError
from archiver.models import StoredVersion
from archiver.ports import ObjectStore


@dataclass
class ChainReport:
    """What verifying one site found."""

    site_id: str
    versions: int = 0
    blobs: int = 0
    problems: list[str] = field(default_factory=list)

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
