"""Rebuild the derived index from the bucket: the bucket is the archive (DESIGN invariant 1)."""

from __future__ import annotations

from archiver import archive, readings
from archiver.ports import Index, ObjectStore


def rebuild(index: Index, store: ObjectStore) -> int:
    """Forget the indexed versions and read them again from the store; how many were read.

    Each version is indexed as its reading shows it (`archiver reextract`), and the newest
    believed version of each site gives the current partners.
    """
    index.forget_versions()
    count = 0
    for site_id in archive.site_ids(store, documents=True):
        corrected = readings.corrected_seqs(store, site_id)
        versions = [
            readings.view(store, s) if s.manifest.seq in corrected else s
            for s in archive.history(store, site_id)
        ]
        believed = [v for v in versions if v.manifest.belief.is_believed]
        newest = believed[-1].manifest.seq if believed else None
        for stored in versions:
            index.record_version(stored, current=stored.manifest.seq == newest)
            count += 1
    return count
