"""Versions in the store -> a WACZ file: the `archiver export` command's work.

Each version contributes its `warc` blob, the records written at capture time, followed by
resource records of its rendered DOM and screenshot made from those blobs; a version
archived before WARC recording gets one rebuilt from its stored blobs and marked so
(`warc.reconstruct`). Every blob read is checked against its digest first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

import structlog

from archiver import archive
from archiver.evidence import wacz, warc
from archiver.models import BlobRef, StoredVersion
from archiver.ports import ObjectStore

log = structlog.get_logger("archiver.evidence")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exported:
    """One version as it went into the package."""

    seq: int
    warc_bytes: int
    blob_bytes: int  # the version's evidence blobs (what the WARC holds), for comparison
    reconstructed: bool
    duration_s: float


@dataclass(slots=True, kw_only=True)
class ExportReport:
    """What `export` wrote."""

    site_id: str
    versions: list[Exported] = field(default_factory=list)
    resources: list[wacz.Resource] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def reconstructed(self) -> int:
        """How many versions had no WARC recorded at capture time."""
        return sum(v.reconstructed for v in self.versions)


EVIDENCE_ROLES = frozenset({"response", "json", "attachment", "image", "dom", "screenshot"})


def warc_of(store: ObjectStore, stored: StoredVersion) -> tuple[bytes, bool]:
    """(the version's WARC, whether it had to be reconstructed from its blobs)."""
    ref = stored.manifest.blob(warc.ROLE)

    def read(blob: BlobRef) -> bytes:
        return archive.get_blob(store, blob)

    if ref is None:
        return warc.reconstruct(stored.manifest, read), True
    recorded = read(ref)
    added = warc.rendered(stored.manifest, read, skip=warc.target_uris(recorded))
    return recorded + added, False


def page_of(stored: StoredVersion) -> wacz.Page:
    """The replay entry of a version: its final URL at its capture time."""
    m = stored.manifest
    return wacz.Page(
        id=f"{m.site_id}-v{m.seq}", url=m.final_url, captured_at=m.captured_at, title=m.title
    )


def warc_name(stored: StoredVersion) -> str:
    """archive/<site>-v<seq>.warc.gz inside the package."""
    return f"{stored.manifest.site_id}-v{stored.manifest.seq:08d}.warc.gz"


def export(
    store: ObjectStore,
    versions: Sequence[StoredVersion],
    out: IO[bytes],
    *,
    title: str,
    now: Callable[[], datetime],
) -> ExportReport:
    """Pack the versions (of one site, oldest first) into a WACZ written to `out`."""
    if not versions:
        raise ValueError("nothing to export: no versions given")
    site_id = versions[0].manifest.site_id
    report = ExportReport(site_id=site_id)
    began = time.perf_counter()
    seqs = ", ".join(str(v.manifest.seq) for v in versions)
    writer = wacz.WaczWriter(
        out,
        title=title,
        created_at=now(),
        description=f"{site_id}: archived versions {seqs}, exported by disclosure-archiver",
    )
    for stored in versions:
        started = time.perf_counter()
        data, rebuilt = warc_of(store, stored)
        writer.add(warc_name(stored), data, (page_of(stored),))
        item = Exported(
            seq=stored.manifest.seq,
            warc_bytes=len(data),
            blob_bytes=evidence_bytes(stored.manifest.blobs),
            reconstructed=rebuilt,
            duration_s=time.perf_counter() - started,
        )
        report.versions.append(item)
        log.info(
            "version_exported",
            site=site_id,
            version=item.seq,
            warc_bytes=item.warc_bytes,
            reconstructed=rebuilt,
            duration_s=round(item.duration_s, 3),
        )
    report.resources = writer.close()
    report.duration_s = time.perf_counter() - began
    log.info(
        "export_finished",
        site=site_id,
        versions=len(versions),
        reconstructed=report.reconstructed,
        duration_s=round(report.duration_s, 3),
    )
    return report


def evidence_bytes(refs: Sequence[BlobRef]) -> int:
    """Size of the blobs a WARC carries (responses, JSON, attachments, images, DOM, screenshot)."""
    return sum(ref.size_bytes for ref in refs if ref.role in EVIDENCE_ROLES)
