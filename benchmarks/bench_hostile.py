"""Untrusted pages (issue 10): peak memory over the hostile corpus, bomb timings, policy cost.

    .venv/bin/python -m benchmarks.bench_hostile [--runs 30]

1. One `archiver check` pass over the corpus of `tests.support.hostile` (14 sites, every attack
   next to a normal page), its process tree's peak RSS and PSS sampled every 100 ms.
2. Each bomb on its own, median of 3: the 300 MB streamed attachment and the 400 KB gzip
   bomb through the downloader, the XLSX and DOCX bombs through the document reader.
3. What the URL policy costs per capture: the same page (a script, a style sheet, an image
   and an XHR) captured with the policy (request router + address-guard proxy) and without,
   interleaved, median of `--runs` each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from archiver.adapters import capture as capture_module
from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.download import Downloader
from archiver.adapters.guard import AddressGuard
from archiver.models import HttpResponse
from archiver.partners.documents import read_attachment
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite, Route
from archiver.urlpolicy import Purpose, UrlPolicy
from benchmarks.core_probe import tree_memory
from tests.support.hostile import (
    config_yaml,
    docx_bomb,
    gzip_bomb,
    install,
    list_page,
    streamed,
    xlsx_bomb,
)

RESULTS = Path(__file__).parent / "results"


def corpus_memory() -> dict[str, Any]:
    """Peak memory of `archiver check` over the whole corpus."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalSite() as bank,
        LocalSite(host="127.0.0.2") as internal,
    ):
        root = Path(tmp)
        sites = install(bank, internal, root / "secret.html")
        config = root / "sites.yaml"
        config.write_text(config_yaml(bank, sites, root), encoding="utf-8")
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "archiver", "-c", str(config), "check", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        peak_rss = peak_pss = 0
        while process.poll() is None:
            memory = tree_memory(process.pid)
            peak_rss, peak_pss = max(peak_rss, memory.rss), max(peak_pss, memory.pss)
            time.sleep(0.1)
        out = process.stdout.read() if process.stdout else ""
        results = [json.loads(line) for line in out.splitlines() if line.strip()]
        return {
            "sites": len(results),
            "outcomes": {r["site"]: f"{r['outcome']}/{r['status']}" for r in results},
            "wall_s": round(time.perf_counter() - began, 1),
            "peak_rss_mib": round(peak_rss / 2**20),
            "peak_pss_mib": round(peak_pss / 2**20),
        }


def _median_s(run: Any, times: int = 3) -> float:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append(time.perf_counter() - began)
    return round(statistics.median(spent), 3)


def bombs() -> dict[str, Any]:
    """Time for each bomb file, and what it became."""
    figures: dict[str, Any] = {}
    with LocalSite() as site:
        site.set("/big.pdf", Route(content_type="application/pdf", stream=streamed(300_000_000)))
        bomb = gzip_bomb()
        site.set(
            "/bomb.pdf",
            Route(
                body=bomb, content_type="application/pdf", headers=(("Content-Encoding", "gzip"),)
            ),
        )
        guard = AddressGuard(allow_private=True)

        async def cookies(_: str) -> str:
            return ""

        def fetch(path: str) -> str:
            downloader = Downloader(
                UrlPolicy.for_site(site.base_url),
                user_agent="bench",
                cookies=cookies,
                timeout_s=60,
                max_bytes=50_000_000,
                max_decoded_bytes=200_000_000,
                vet=guard.vet,
            )
            return asyncio.run(downloader.get(site.url(path), Purpose.ATTACHMENT)).over_budget

        figures["attachment_300mb_s"] = _median_s(lambda: fetch("/big.pdf"))
        figures["attachment_300mb"] = fetch("/big.pdf")
        figures["gzip_bomb_bytes"] = len(bomb)
        figures["gzip_bomb_s"] = _median_s(lambda: fetch("/bomb.pdf"))
        figures["gzip_bomb"] = fetch("/bomb.pdf")
    for name, body in (("xlsx_bomb", xlsx_bomb()), ("docx_bomb", docx_bomb())):
        response = HttpResponse(
            url=f"http://x/{name}.{name[:4]}", status=200, media_type="", body=body
        )
        figures[f"{name}_bytes"] = len(body)
        figures[f"{name}_s"] = _median_s(lambda r=response: read_attachment(r))
        figures[name] = read_attachment(response).note
    return figures


class _Unguarded(PlaywrightCapturer):
    """The same capturer without the address-guard proxy (for the comparison only)."""

    def _proxy_settings(self) -> None:  # type: ignore[override]
        return None


def policy_cost(runs: int) -> dict[str, Any]:
    """Per-capture time with and without the URL policy (router + guard), interleaved."""
    with LocalSite() as site:
        site.file("/app.js", b"fetch('/data.json');", "text/javascript")
        site.file("/style.css", b"body{font-size:14px}", "text/css")
        site.file("/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        site.file("/data.json", b'{"ok":true}', "application/json")
        site.page(
            "/list.html",
            list_page(
                '<link rel="stylesheet" href="/style.css"><img src="/logo.png">'
                '<script src="/app.js"></script>'
            ),
        )
        request = CaptureRequest(site_id="b", url=site.url("/list.html"), max_pages=1)
        guarded = PlaywrightCapturer(allow_private=True, concurrency=1)
        bare = _Unguarded(allow_private=True, concurrency=1)
        original_install = capture_module.BrowserSession.install

        async def no_router(self: capture_module.BrowserSession) -> None:
            return None

        timings: dict[str, list[float]] = {"with": [], "without": []}
        try:
            for i in range(runs + 2):
                for label, capturer in (("with", guarded), ("without", bare)):
                    capture_module.BrowserSession.install = (  # type: ignore[method-assign]
                        original_install if label == "with" else no_router
                    )
                    began = time.perf_counter()
                    with capturer.open(request) as session:
                        session.snapshot()
                    if i >= 2:  # the first two warm the browsers up
                        timings[label].append(time.perf_counter() - began)
        finally:
            capture_module.BrowserSession.install = original_install  # type: ignore[method-assign]
            guarded.close()
            bare.close()
    with_ms = statistics.median(timings["with"]) * 1000
    without_ms = statistics.median(timings["without"]) * 1000
    return {
        "runs": runs,
        "with_policy_ms": round(with_ms, 1),
        "without_policy_ms": round(without_ms, 1),
        "cost_ms": round(with_ms - without_ms, 1),
        "ratio": round(with_ms / without_ms, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    figures = {
        "policy": policy_cost(args.runs),
        "bombs": bombs(),
        "corpus": corpus_memory(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hostile.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    threading.excepthook = lambda args: None  # servers' broken pipes when a cap stops a read
    main()
