"""Evidence figures: WACZ size against a version's blobs, export time per version, verify time
per 1,000 versions (the operator's verify and the public verify of a directory).

    python -m benchmarks.bench_evidence [--versions 1000] [--sites 10]

Versions are written through `versioning.write` with realistic evidence blobs (a 54 KiB
disclosure page as DOM and response, its JSON, a 300 KiB PNG-like screenshot, the WARC of
the responses), so sizes and hashing costs are those of a real version; no browser is involved.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver import keys, versioning
from archiver.adapters.local_store import LocalStore
from archiver.evidence import audit, export, signing, warc
from archiver.evidence.notary import Notary
from archiver.evidence.sources import StoreSource
from archiver.models import Capture, HttpResponse, RenderedPage
from archiver.partners import AliasTable
from archiver.pipeline import evidence
from archiver.verify import verify_archive

T0 = datetime(2025, 10, 1, tzinfo=UTC)
PREFIX = "public/checkpoints/"


def page(site: str, n: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>合作机构{site}{i}号科技有限公司</td><td>平台运营</td></tr>"
        for i in range(400)
    )
    return f"<html><body><h1>名单 第{n}版</h1><table>{rows}</table></body></html>"


def capture(site: str, n: int, at: datetime) -> Capture:
    html = page(site, n)
    url = f"https://{site}.example/list"
    return Capture(
        site_id=site,
        requested_url=url,
        final_url=url,
        status=200,
        fetched_at=at,
        browser_version="Chromium 156",
        pages=(RenderedPage(url=url, html=html, text=html[:2000]),),
        main_response=HttpResponse(
            url=url,
            status=200,
            media_type="text/html",
            headers=(("content-type", "text/html; charset=utf-8"),),
            body=html.encode(),
        ),
        json_bodies=(
            HttpResponse(
                url=url + ".json",
                status=200,
                media_type="application/json",
                body=json.dumps({"n": n, "rows": list(range(2000))}).encode(),
            ),
        ),
    )


def build(store: LocalStore, sites: int, versions: int) -> None:
    per_site = versions // sites
    at = T0
    for s in range(sites):
        site = f"bank-{s:03d}"
        previous = None
        for n in range(1, per_site + 1):
            at += timedelta(minutes=1)
            seen = capture(site, n, at)
            shot = os.urandom(300_000)  # screenshots barely compress, like random bytes
            draft = versioning.Draft(
                site_id=site,
                captured_at=at,
                requested_url=seen.requested_url,
                final_url=seen.final_url,
                text=f"{site} 第{n}版",
                content_digest=keys.sha256_hex(f"{site}{n}".encode()),
                blobs=tuple(evidence(seen, shot)),
            )
            previous = versioning.write(
                store, draft, previous=previous, aliases=AliasTable()
            ).version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp) / "archive")
        began = time.perf_counter()
        build(store, args.sites, args.versions)
        print(f"built {args.versions} versions in {time.perf_counter() - began:.1f} s")
        key = signing.load_private(signing.generate())
        Notary(store, key, prefix=PREFIX, now=lambda: datetime.now(UTC)).sign()

        from archiver import archive

        versions = list(archive.history(store, "bank-000"))
        sizes, times, ratios = [], [], []
        for stored in versions[:20]:
            out = io.BytesIO()
            start = time.perf_counter()
            export.export(store, [stored], out, title="bench", now=lambda: T0)
            times.append(time.perf_counter() - start)
            blobs = export.evidence_bytes(stored.manifest.blobs)
            sizes.append(len(out.getvalue()))
            ratios.append(len(out.getvalue()) / blobs)
        whole = io.BytesIO()
        start = time.perf_counter()
        export.export(store, versions, whole, title="bench", now=lambda: T0)
        whole_s = time.perf_counter() - start
        rebuilt = []
        for stored in versions[:20]:
            start = time.perf_counter()
            warc.reconstruct(stored.manifest, lambda r: archive.get_blob(store, r))
            rebuilt.append(time.perf_counter() - start)

        start = time.perf_counter()
        report = verify_archive(
            store,
            checkpoints_prefix=PREFIX,
            public_keys=audit.key_ring([signing.public_pem(key)]),
        )
        operator_s = time.perf_counter() - start
        assert report.ok, [c.problems for c in report.chains]
        start = time.perf_counter()
        public = audit.verify_public(
            StoreSource(store),
            prefix=PREFIX,
            public_keys=audit.key_ring([signing.public_pem(key)]),
        )
        public_s = time.perf_counter() - start
        assert public.ok, public.problems
        per_1000 = 1000 / args.versions
        result = {
            "versions": args.versions,
            "wacz_bytes_median": statistics.median(sizes),
            "blob_bytes_median": statistics.median(
                export.evidence_bytes(v.manifest.blobs) for v in versions[:20]
            ),
            "stored_bytes_per_version_median": statistics.median(
                sum(ref.size_bytes for ref in v.manifest.blobs) for v in versions[:20]
            ),
            "wacz_to_blobs_ratio_median": round(statistics.median(ratios), 3),
            "export_s_per_version_median": round(statistics.median(times), 4),
            "export_whole_site_s": round(whole_s, 3),
            "export_whole_site_versions": len(versions),
            "reconstruct_s_per_version_median": round(statistics.median(rebuilt), 4),
            "operator_verify_s_per_1000": round(operator_s * per_1000, 2),
            "public_verify_s_per_1000": round(public_s * per_1000, 2),
            "blobs_checked": public.blobs,
        }
        print(json.dumps(result, indent=2))
        out_path = Path(__file__).parent / "results" / "evidence.json"
        out_path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
