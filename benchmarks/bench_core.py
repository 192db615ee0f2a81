"""Figures of issue 2 ("Archive core"): throughput, memory, storage and diff.

    .venv/bin/python -m benchmarks.bench_core            # full run (~30 min on 2 cores)
    .venv/bin/python -m benchmarks.bench_core --quick    # smoke run (~5 min)
    .venv/bin/python -m benchmarks.bench_core --only diff --only storage

Every figure uses real parts: the Debian Chromium through PlaywrightCapturer, pages served
by archiver.testing.LocalSite on 127.0.0.1, a LocalStore in a temporary directory, the S3
store against a moto server on 127.0.0.1. The machine is shared and noisy, so the archiver
and the bare-browser reference are interleaved block by block (ABBA) and compared as ratios,
with the spread over blocks. See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import __version__, keys, textdiff
from archiver.adapters.browser import PlaywrightCapturer, find_chromium
from archiver.adapters.local_store import LocalStore
from archiver.adapters.s3_store import S3Store
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.app import utc_now
from archiver.config import Site
from archiver.models import CheckResult, Outcome
from archiver.pipeline import Deps, check_site
from archiver.ports import ObjectStore
from archiver.testing import LocalSite
from benchmarks import core_pages
from benchmarks.core_bare import BareBrowser
from benchmarks.core_probe import StageProbe, summarise, tree_memory

FIGURES = ("diff", "storage", "throughput", "memory")  # cheapest first: each is saved as it ends
RESULTS = Path(__file__).resolve().parent / "results" / "core.json"
MIB = 1024 * 1024
UNCHANGED_TARGET = 1.25  # an unchanged check costs at most 1.25x a bare goto + content
SCALING_TARGET = 1.5  # best concurrency at least 1.5x the throughput of one at a time
GROWTH_LIMIT_PCT = 20.0  # RSS after warm-up may not grow more than this
MOTO_KEY = "testing"  # moto accepts any credentials


@dataclass(frozen=True, slots=True)
class Plan:
    """How much of each figure to run."""

    quick: bool
    pages: int  # distinct disclosure pages
    block: int  # pages per ABBA block
    changed_every: int  # changed checks on every n-th page (screenshots make them slow)
    concurrency: tuple[int, ...]
    memory_captures: int
    memory_every: int  # sample the process tree after this many captures
    memory_warmup: int  # captures before the warm-up sample
    memory_restarts: tuple[int, ...]  # restart_after values to compare
    memory_concurrency: int
    storage_sites: int
    diff_repeats: int

    @staticmethod
    def full() -> Plan:
        """The figures quoted in the README (~30 minutes)."""
        return Plan(
            quick=False,
            pages=100,
            block=20,
            changed_every=2,
            concurrency=(1, 2, 4, 8),
            memory_captures=1000,
            memory_every=25,
            memory_warmup=100,
            memory_restarts=(200, 1_000_000),
            memory_concurrency=2,
            storage_sites=10,
            diff_repeats=7,
        )

    @staticmethod
    def smoke() -> Plan:
        """Same code paths, small numbers (~5 minutes): a smoke test, not a figure."""
        return Plan(
            quick=True,
            pages=8,
            block=8,
            changed_every=2,
            concurrency=(1, 2, 4, 8),
            memory_captures=40,
            memory_every=5,
            memory_warmup=10,
            memory_restarts=(15, 1_000_000),
            memory_concurrency=2,
            storage_sites=2,
            diff_repeats=3,
        )


# --- the world a figure runs in -------------------------------------------------------------


class World:
    """Disclosure pages on a LocalSite, the sites that watch them, a store and an index."""

    def __init__(self, pages: int, root: Path, store: ObjectStore | None = None) -> None:
        self.site = LocalSite().start()
        self.generations: dict[int, int] = {}
        self.urls = core_pages.publish(self.site, pages)
        self.sites = [
            Site.model_validate({"id": f"lender-{i:03d}", "name": f"贷款机构{i}", "url": url})
            for i, url in enumerate(self.urls)
        ]
        self.root = root
        self.store: ObjectStore = store or LocalStore(root / "archive")
        self.index = SqliteIndex(root / "index.sqlite")

    def republish(self, indices: list[int] | None = None) -> None:
        """These pages (default: all) gain one partner: their next check is a changed check."""
        for index in range(len(self.urls)) if indices is None else indices:
            self.generations[index] = self.generations.get(index, 0) + 1
            core_pages.publish_one(self.site, index, generation=self.generations[index])

    def deps(self, capturer: PlaywrightCapturer, *, screenshots: bool = True) -> Deps:
        """What check_site needs, with the real clock."""
        return Deps(
            store=self.store,
            capturer=capturer,
            index=self.index,
            now=utc_now,
            screenshots=screenshots,
        )

    def close(self) -> None:
        """Stop serving and close the index."""
        self.site.stop()
        self.index.close()


@contextmanager
def world(pages: int, store: ObjectStore | None = None) -> Iterator[World]:
    """A World in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-core-") as tmp:
        made = World(pages, Path(tmp), store)
        try:
            yield made
        finally:
            made.close()


def check_all(
    executor: ThreadPoolExecutor, deps: Deps, sites: list[Site]
) -> tuple[float, list[CheckResult]]:
    """Seconds to check every site with the executor's workers, and the results."""
    began = time.perf_counter()
    results = list(executor.map(lambda site: check_site(site, deps), sites))
    return time.perf_counter() - began, results


def populate(made: World, *, concurrency: int = 4) -> None:
    """First versions of every site (set-up, not measured; no screenshots, to save time)."""
    capturer = PlaywrightCapturer(allow_private=True, concurrency=concurrency)
    try:
        with ThreadPoolExecutor(concurrency) as executor:
            _, results = check_all(executor, made.deps(capturer, screenshots=False), made.sites)
    finally:
        capturer.close()
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    if failed:
        raise RuntimeError(f"set-up checks failed: {failed[0].error}")


def load_now() -> float:
    """One-minute load average (how noisy the machine was)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def spread(values: list[float], digits: int = 2) -> dict[str, float]:
    """Median, min and max."""
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


# --- 1. throughput --------------------------------------------------------------------------


def bench_throughput(plan: Plan, probe: StageProbe) -> dict[str, Any]:
    """Checks per minute at 1..8 in flight, against bare goto + content, with stage times."""
    rows: list[dict[str, Any]] = []
    with world(plan.pages) as made:
        populate(made)
        for concurrency in plan.concurrency:
            rows.append(_throughput_at(concurrency, made, plan, probe))
            _print_throughput_row(rows[-1])
    figure: dict[str, Any] = {"pages": plan.pages, "block": plan.block, "rows": rows}
    figure["scaling"] = _scaling(rows)
    figure["targets"] = _throughput_targets(rows, figure["scaling"])
    return figure


def _throughput_at(concurrency: int, made: World, plan: Plan, probe: StageProbe) -> dict[str, Any]:
    capturer = PlaywrightCapturer(allow_private=True, concurrency=concurrency)
    bare = BareBrowser(concurrency=concurrency).start()
    row: dict[str, Any] = {"concurrency": concurrency, "load_before": load_now()}
    try:
        with ThreadPoolExecutor(concurrency) as executor:
            deps = made.deps(capturer)
            # warm-up, not timed: both browsers launched, one wave of pages each
            bare.run(made.urls[:concurrency])
            check_all(executor, deps, made.sites[:concurrency])
            row["unchanged"] = _abba(
                made, bare=bare, executor=executor, deps=deps, plan=plan, probe=probe
            )
            row["changed"] = _changed(
                made,
                executor=executor,
                deps=deps,
                plan=plan,
                probe=probe,
                unchanged=row["unchanged"],
            )
        row["browser_restarts"] = capturer.restarts
        row["chromium"] = capturer.browser_version
    finally:
        capturer.close()
        bare.close()
    row["load_after"] = load_now()
    return row


def _abba(
    made: World,
    *,
    bare: BareBrowser,
    executor: ThreadPoolExecutor,
    deps: Deps,
    plan: Plan,
    probe: StageProbe,
) -> dict[str, Any]:
    """Unchanged checks and bare goto + content alternate block by block (AB, BA, ...)."""
    blocks = [
        list(range(start, min(start + plan.block, len(made.urls))))
        for start in range(0, len(made.urls), plan.block)
    ]
    bare_s: list[float] = []
    ours_s: list[float] = []
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    for step in bare.steps.values():
        step.clear()
    probe.clear()
    with probe.installed():
        for number, block in enumerate(blocks):
            urls = [made.urls[i] for i in block]
            sites = [made.sites[i] for i in block]
            order = ("bare", "ours") if number % 2 == 0 else ("ours", "bare")
            for who in order:
                if who == "bare":
                    bare_s.append(bare.run(urls))
                else:
                    elapsed, results = check_all(executor, deps, sites)
                    ours_s.append(elapsed)
                    outcomes.update(r.outcome.value for r in results)
                    errors.extend(r.error for r in results if r.error)
    suspects = probe.count("capture_suspect")
    stages = summarise(probe.take())
    pages = len(made.urls)
    _warn_unexpected("unchanged", outcomes, Outcome.UNCHANGED, suspects)
    ratios = [o / b for o, b in zip(ours_s, bare_s, strict=True)]
    block_rate = [len(b) / s * 60 for b, s in zip(blocks, ours_s, strict=True)]
    return {
        "pages": pages,
        "outcomes": dict(outcomes),
        "suspect_recaptures": suspects,
        "errors": errors[:5],
        "bare_s": round(sum(bare_s), 2),
        "ours_s": round(sum(ours_s), 2),
        "bare_per_min": round(pages / sum(bare_s) * 60, 1),
        "ours_per_min": round(pages / sum(ours_s) * 60, 1),
        "ours_per_min_blocks": spread(block_rate, 1),
        "ratio": round(sum(ours_s) / sum(bare_s), 2),
        "ratio_blocks": spread(ratios),
        "bare_steps": summarise({k: list(v) for k, v in bare.steps.items()}),
        "stages": stages,
        "stages_not_timed": probe.missing,
    }


def _changed(
    made: World,
    *,
    executor: ThreadPoolExecutor,
    deps: Deps,
    plan: Plan,
    probe: StageProbe,
    unchanged: dict[str, Any],
) -> dict[str, Any]:
    """Changed checks (screenshot, diff, blobs) on every n-th page, in blocks.

    Compared with the bare rate measured next to the unchanged checks: a changed check is
    several times a bare page, so a second bare pass would add time, not precision.
    """
    chosen = list(range(0, len(made.urls), plan.changed_every))
    made.republish(chosen)  # only these: every other page stays as the store holds it
    blocks = [chosen[i : i + plan.block] for i in range(0, len(chosen), plan.block)]
    ours_s: list[float] = []
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    probe.clear()
    with probe.installed():
        for block in blocks:
            elapsed, results = check_all(executor, deps, [made.sites[i] for i in block])
            ours_s.append(elapsed)
            outcomes.update(r.outcome.value for r in results)
            errors.extend(r.error for r in results if r.error)
    suspects = probe.count("capture_suspect")
    stages = summarise(probe.take())
    _warn_unexpected("changed", outcomes, Outcome.CHANGED, suspects)
    bare_per_page = unchanged["bare_s"] / unchanged["pages"]
    ours_per_page = sum(ours_s) / len(chosen)
    block_rate = [len(b) / s * 60 for b, s in zip(blocks, ours_s, strict=True)]
    return {
        "pages": len(chosen),
        "outcomes": dict(outcomes),
        "suspect_recaptures": suspects,
        "errors": errors[:5],
        "ours_s": round(sum(ours_s), 2),
        "bare_per_min": unchanged["bare_per_min"],
        "ours_per_min": round(len(chosen) / sum(ours_s) * 60, 1),
        "ours_per_min_blocks": spread(block_rate, 1),
        "ratio": round(ours_per_page / bare_per_page, 2),
        "stages": stages,
    }


def _warn_unexpected(phase: str, outcomes: Counter[str], expect: Outcome, suspects: int) -> None:
    """Say so loudly when a phase measured something other than what it is named after."""
    other = {k: v for k, v in outcomes.items() if k != expect.value}
    if other or suspects:
        print(
            f"  WARNING: the {phase} phase also saw {other} and {suspects} suspect re-captures;"
            " its figures mix kinds of check",
            flush=True,
        )


def _scaling(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    one = next((r for r in rows if r["concurrency"] == 1), None)
    for phase, who in (("unchanged", "ours"), ("changed", "ours"), ("unchanged", "bare")):
        best = max(rows, key=lambda r: r[phase][f"{who}_per_min"])
        factor = best[phase][f"{who}_per_min"] / one[phase][f"{who}_per_min"] if one else 0
        out[f"{phase}_{who}"] = {
            "best_concurrency": best["concurrency"],
            "best_per_min": best[phase][f"{who}_per_min"],
            "vs_one_at_a_time": round(factor, 2),
        }
    return out


def _throughput_targets(
    rows: list[dict[str, Any]], scaling: dict[str, Any]
) -> list[dict[str, Any]]:
    targets = []
    for row in rows:
        ratio = row["unchanged"]["ratio"]
        targets.append(
            {
                "target": f"unchanged check <= {UNCHANGED_TARGET}x bare at {row['concurrency']} "
                "in flight",
                "value": ratio,
                "met": ratio <= UNCHANGED_TARGET,
            }
        )
    for phase in ("unchanged", "changed"):
        factor = scaling[f"{phase}_ours"]["vs_one_at_a_time"]
        targets.append(
            {
                "target": f"{phase} checks: best concurrency >= {SCALING_TARGET}x one at a time",
                "value": factor,
                "met": factor >= SCALING_TARGET,
            }
        )
    return targets


def _print_throughput_row(row: dict[str, Any]) -> None:
    for phase in ("unchanged", "changed"):
        p = row[phase]
        rb = p.get("ratio_blocks")
        blocks = f" (blocks {rb['median']:.2f} [{rb['min']:.2f}-{rb['max']:.2f}])" if rb else ""
        ob = p["ours_per_min_blocks"]
        print(
            f"  {row['concurrency']:>2} in flight  {phase:<9}  bare {p['bare_per_min']:6.1f}/min"
            f"  ours {p['ours_per_min']:6.1f}/min [{ob['min']:.0f}-{ob['max']:.0f}]"
            f"  ratio {p['ratio']:.2f}{blocks}  {p['outcomes']}"
            f"  load {row['load_before']:.1f}->{row['load_after']:.1f}",
            flush=True,
        )
        stages = p["stages"]
        order = [
            "new_context",
            "goto",
            "main_response_body",
            "settle_networkidle",
            "render_region_and_content",
            "attachment_links",
            "list_images",
            "snapshot",
            "extract",
            "archive_head",
            "screenshot",
            "compare",
            "write_blobs_and_manifest",
            "close_context",
            "check_total",
        ]
        parts = [f"{k} {stages[k]['mean_s']:.3f}" for k in order if k in stages]
        print(f"{'':22}stage means (s): {', '.join(parts)}", flush=True)
    steps = row["unchanged"]["bare_steps"]
    bare = ", ".join(f"{k} {v['mean_s']:.3f}" for k, v in steps.items())
    print(f"{'':22}bare means (s): {bare}", flush=True)


# --- 2. memory ------------------------------------------------------------------------------


class PeakSampler:
    """Samples the process tree every `interval_s` in the background; keeps the peak."""

    def __init__(self, interval_s: float = 1.0) -> None:
        self.interval_s = interval_s
        self.peak_rss = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            memory = tree_memory()
            self.peak_rss = max(self.peak_rss, memory.rss)
            self.peak_pss = max(self.peak_pss, memory.pss)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def bench_memory(plan: Plan, probe: StageProbe) -> dict[str, Any]:
    """RSS/PSS of the process tree over many captures, with and without recycling."""
    runs = []
    probe.enabled = False  # keep nothing per check: the probe must not grow the heap
    try:
        for restart_after in plan.memory_restarts:
            runs.append(_memory_run(plan, restart_after))
            _print_memory_run(runs[-1])
    finally:
        probe.enabled = True
    return {"runs": runs, "targets": _memory_targets(runs)}


def _memory_run(plan: Plan, restart_after: int) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    with world(plan.pages) as made:
        capturer = PlaywrightCapturer(
            allow_private=True, concurrency=plan.memory_concurrency, restart_after=restart_after
        )
        deps = made.deps(capturer, screenshots=False)
        began = time.perf_counter()
        outcomes: Counter[str] = Counter()
        try:
            with ThreadPoolExecutor(plan.memory_concurrency) as executor, PeakSampler() as peak:
                done = 0
                while done < plan.memory_captures:
                    chunk = [
                        made.sites[(done + k) % len(made.sites)]
                        for k in range(min(plan.memory_every, plan.memory_captures - done))
                    ]
                    _, results = check_all(executor, deps, chunk)
                    outcomes.update(r.outcome.value for r in results)
                    done += len(chunk)
                    made.site.user_agents.clear()  # the test server's log, not the archiver's
                    memory = tree_memory()
                    samples.append(
                        {
                            "captures": done,
                            "rss_mib": round(memory.rss / MIB, 1),
                            "pss_mib": round(memory.pss / MIB, 1),
                            "processes": memory.processes,
                            "rss_by_kind_mib": {
                                k: round(v / MIB, 1) for k, v in sorted(memory.by_kind.items())
                            },
                        }
                    )
            restarts = capturer.restarts
        finally:
            capturer.close()
        elapsed = time.perf_counter() - began
    warm = next(s for s in samples if s["captures"] >= plan.memory_warmup)
    after = [s for s in samples if s["captures"] >= warm["captures"]]
    final = samples[-1]
    xs = [s["captures"] for s in after]
    trend = {
        f"trend_{kind}_mib_per_100": round(
            statistics.linear_regression(xs, [s[f"{kind}_mib"] for s in after]).slope * 100, 1
        )
        if len(after) > 1
        else 0.0
        for kind in ("rss", "pss")
    }
    return {
        "restart_after": restart_after,
        "captures": plan.memory_captures,
        "concurrency": plan.memory_concurrency,
        "browser_restarts": restarts,
        "outcomes": dict(outcomes),
        "elapsed_s": round(elapsed, 1),
        "checks_per_min": round(plan.memory_captures / elapsed * 60, 1),
        "warmup_at": warm["captures"],
        "warmup_rss_mib": warm["rss_mib"],
        "final_rss_mib": final["rss_mib"],
        "peak_rss_mib_sampled": max(s["rss_mib"] for s in samples),
        "peak_rss_mib_background": round(peak.peak_rss / MIB, 1),
        "max_after_warmup_rss_mib": max(s["rss_mib"] for s in after),
        "growth_pct": round((final["rss_mib"] / warm["rss_mib"] - 1) * 100, 1),
        "max_growth_pct": round((max(s["rss_mib"] for s in after) / warm["rss_mib"] - 1) * 100, 1),
        "warmup_pss_mib": warm["pss_mib"],
        "final_pss_mib": final["pss_mib"],
        "peak_pss_mib_background": round(peak.peak_pss / MIB, 1),
        "pss_growth_pct": round((final["pss_mib"] / warm["pss_mib"] - 1) * 100, 1),
        "final_by_kind_mib": final["rss_by_kind_mib"],
        "warmup_by_kind_mib": warm["rss_by_kind_mib"],
        **trend,
        "samples": samples,
    }


def _memory_targets(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "target": f"RSS flat after warm-up (<= {GROWTH_LIMIT_PCT:.0f}% growth), "
            f"restart_after={run['restart_after']}",
            "value": run["growth_pct"],
            "max_growth_pct": run["max_growth_pct"],
            "met": run["growth_pct"] <= GROWTH_LIMIT_PCT
            and run["max_growth_pct"] <= GROWTH_LIMIT_PCT,
        }
        for run in runs
    ]


def _print_memory_run(run: dict[str, Any]) -> None:
    print(
        f"  restart_after={run['restart_after']:<8} captures={run['captures']} "
        f"restarts={run['browser_restarts']}  RSS warm-up {run['warmup_rss_mib']:.0f} MiB"
        f" (@{run['warmup_at']}) final {run['final_rss_mib']:.0f} peak "
        f"{run['peak_rss_mib_background']:.0f} growth {run['growth_pct']:+.1f}% "
        f"(max {run['max_growth_pct']:+.1f}%)  PSS {run['warmup_pss_mib']:.0f}->"
        f"{run['final_pss_mib']:.0f} MiB  {run['checks_per_min']:.0f} checks/min",
        flush=True,
    )


# --- 3. storage -----------------------------------------------------------------------------


def bench_storage(plan: Plan, probe: StageProbe) -> dict[str, Any]:
    """Bytes written per first, unchanged and changed check, on LocalStore and on S3 (moto)."""
    figure: dict[str, Any] = {"sites": plan.storage_sites}
    with world(plan.storage_sites) as made:
        assert isinstance(made.store, LocalStore)
        local = made.store
        figure["local"] = _storage_steps(made, probe, lambda: _walk(local.root))
    figure["s3"] = _storage_s3(plan, probe)
    figure["screenshot_formats"] = _screenshot_formats(plan)
    figure["targets"] = [
        {
            "target": f"unchanged check writes 0 blob bytes ({where})",
            "value": figure[where]["unchanged"]["bytes_per_check"],
            "met": figure[where]["unchanged"]["bytes_per_check"] == 0,
        }
        for where in ("local", "s3")
    ]
    for where in ("local", "s3"):
        _print_storage(where, figure[where])
    shots = figure["screenshot_formats"]
    print(
        f"  screenshot what-if over {shots['pages']} pages: PNG {shots['png_mean_kib']:.0f} KiB"
        f" {shots['png_mean_s']:.2f}s; JPEG q80 {shots['jpeg_q80_vs_png_same_pages']:.2f}x PNG"
        f" {shots['jpeg_q80_mean_s']:.2f}s; WebP q80"
        f" {shots.get('webp_q80_vs_png_same_pages', 0):.2f}x PNG on the pages it could encode,"
        f" empty on {shots['webp_q80_failed_pages']} taller than 16,383 px"
        f" (heights: mean {shots['mean_height_px']:.0f}px, max {shots['max_height_px']:.0f}px)",
        flush=True,
    )
    return figure


def _screenshot_formats(plan: Plan) -> dict[str, Any]:
    """What the screenshot would weigh and cost as JPEG or WebP q80 instead of PNG (what-if)."""
    with LocalSite() as site:
        urls = core_pages.publish(site, plan.storage_sites)
        bare = BareBrowser(concurrency=1).start()
        try:
            shots = [bare.screenshot_formats(url) for url in urls]
        finally:
            bare.close()
    return summarise_shots(shots)


def summarise_shots(shots: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    """Mean size and time per format, over the pages each format could encode.

    Chromium returns an empty WebP for pages taller than 16,383 px (WebP's limit), so WebP is
    averaged over the pages it encoded, compared with PNG on those same pages, and its
    failures are counted.
    """
    out: dict[str, Any] = {"pages": len(shots)}
    for kind in ("png", "jpeg_q80", "webp_q80"):
        done = [s for s in shots if s.get(kind, {}).get("bytes", 0) > 0]
        out[f"{kind}_failed_pages"] = len(shots) - len(done)
        if not done:
            continue
        out[f"{kind}_mean_kib"] = round(statistics.fmean(s[kind]["bytes"] for s in done) / 1024)
        out[f"{kind}_mean_s"] = round(statistics.fmean(s[kind]["seconds"] for s in done), 3)
        out[f"{kind}_vs_png_same_pages"] = round(
            sum(s[kind]["bytes"] for s in done) / sum(s["png"]["bytes"] for s in done), 2
        )
    out["mean_height_px"] = round(statistics.fmean(s["png"]["page_height_px"] for s in shots))
    out["max_height_px"] = round(max(s["png"]["page_height_px"] for s in shots))
    out["per_page"] = shots
    return out


def _storage_s3(plan: Plan, probe: StageProbe) -> dict[str, Any]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        store = S3Store(
            bucket=f"archive-{uuid.uuid4().hex[:12]}",
            prefix="cn/",
            endpoint_url=f"http://{host}:{port}",
            access_key_id=MOTO_KEY,
            secret_access_key=MOTO_KEY,
        )
        store.client.create_bucket(Bucket=store.bucket)
        calls: Counter[str] = Counter()

        def count(event_name: str, **_: Any) -> None:
            calls[event_name.rsplit(".", 1)[-1]] += 1

        store.client.meta.events.register("before-call.s3", count)
        with world(plan.storage_sites, store=store) as made:
            return _storage_steps(made, probe, lambda: _listing(store), calls)
    finally:
        server.stop()


def _walk(root: Path) -> dict[str, tuple[int, int]]:
    """key -> (size, inode) of every file under the store root (temp files excluded)."""
    found: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".tmp"]
        for name in filenames:
            path = Path(dirpath) / name
            stat = path.stat()
            found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_ino)
    return found


def _listing(store: S3Store) -> dict[str, tuple[int, str]]:
    """key -> (size, ETag) of every object under the store's prefix."""
    found: dict[str, tuple[int, str]] = {}
    paginator = store.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=store.bucket, Prefix=store.prefix):
        for item in page.get("Contents", []):
            key = item["Key"][len(store.prefix) :]
            found[key] = (int(item["Size"]), str(item["ETag"]))
    return found


def _storage_steps(
    made: World,
    probe: StageProbe,
    inventory: Callable[[], dict[str, tuple[int, Any]]],
    calls: Counter[str] | None = None,
) -> dict[str, Any]:
    capturer = PlaywrightCapturer(allow_private=True, concurrency=2)
    steps: dict[str, Any] = {}
    try:
        with ThreadPoolExecutor(2) as executor:
            deps = made.deps(capturer)
            for step in ("first", "unchanged", "changed"):
                if step == "changed":
                    made.republish()
                before = inventory()
                if calls is not None:
                    calls.clear()
                probe.clear()
                elapsed, results = check_all(executor, deps, made.sites)
                requests = Counter(calls) if calls is not None else None
                after = inventory()
                steps[step] = _written(before, after, results, requests)
                steps[step]["suspect_recaptures"] = probe.count("capture_suspect")
                steps[step]["elapsed_s"] = round(elapsed, 2)
    finally:
        capturer.close()
    return steps


def _written(
    before: dict[str, tuple[int, Any]],
    after: dict[str, tuple[int, Any]],
    results: list[CheckResult],
    calls: Counter[str] | None,
) -> dict[str, Any]:
    """What a step of checks added or replaced in the store, by blob role."""
    roles: dict[str, str] = {}
    referenced: Counter[str] = Counter()
    for result in results:
        if result.version is None:
            continue
        for ref in result.version.manifest.blobs:
            roles[keys.blob_key(ref.digest)] = ref.role
            if result.outcome is not Outcome.UNCHANGED:
                referenced[ref.role] += ref.size_bytes
    by_role: Counter[str] = Counter()
    objects: Counter[str] = Counter()
    for key, (size, tag) in after.items():
        if before.get(key, (None, None))[1] == tag:
            continue
        if key in roles:
            role = roles[key]
        elif keys.parse_version_key(key):
            role = "manifest"
        elif key.endswith("/latest.json"):
            role = "latest_pointer"
        else:
            role = "other"
        by_role[role] += size
        objects[role] += 1
    checks = len(results)
    total = sum(by_role.values())
    out: dict[str, Any] = {
        "checks": checks,
        "outcomes": dict(Counter(r.outcome.value for r in results)),
        "bytes_per_check": round(total / checks),
        "objects_per_check": round(sum(objects.values()) / checks, 2),
        "by_role_bytes_per_check": {k: round(v / checks) for k, v in by_role.most_common()},
        "objects_by_role_per_check": {k: round(v / checks, 2) for k, v in objects.most_common()},
        "referenced_by_role_bytes_per_check": {
            k: round(v / checks) for k, v in referenced.most_common()
        },
        "pipeline_bytes_written_per_check": round(sum(r.bytes_written for r in results) / checks),
    }
    if calls is not None:
        out["s3_requests_per_check"] = {k: round(v / checks, 2) for k, v in calls.most_common()}
    return out


def _print_storage(where: str, steps: dict[str, Any]) -> None:
    for step in ("first", "unchanged", "changed"):
        s = steps[step]
        roles = ", ".join(f"{k} {v / 1024:.1f}K" for k, v in s["by_role_bytes_per_check"].items())
        requests = s.get("s3_requests_per_check")
        extra = f"  requests {requests}" if requests else ""
        print(
            f"  {where:<5} {step:<9} {s['bytes_per_check'] / 1024:8.1f} KiB/check "
            f"{s['objects_per_check']:5.2f} objects/check  [{roles or 'nothing'}]{extra}",
            flush=True,
        )


# --- 4. diff --------------------------------------------------------------------------------


def _text_of_bytes(size_bytes: int, seed: int) -> str:
    """A Chinese disclosure-like text of at most `size_bytes` UTF-8 bytes (whole lines)."""
    text = core_pages.chinese_text(size_bytes // 2, seed=seed)
    data = text.encode()[:size_bytes]
    return data.decode(errors="ignore").rsplit("\n", 1)[0]


def _small_change(text: str) -> str:
    """A few partner-level edits in the middle: one renamed, one added, one dropped."""
    lines = text.split("\n")
    middle = len(lines) // 2
    lines[middle] = lines[middle][:4] + "奇富科技股份有限公司（原上海三六零融资担保有限公司）"
    lines.insert(middle + 100, "9999 北京度小满科技有限公司 平台运营机构 有钱花、满易贷 95055")
    del lines[middle + 300]
    return "\n".join(lines)


def bench_diff(plan: Plan, probe: StageProbe) -> dict[str, Any]:
    """textdiff.compare on 2 MB texts with a small change and on unrelated 500 KB texts."""
    del probe
    big = _text_of_bytes(2_000_000, seed=11)
    cases = {
        "2MB_small_change": (big, _small_change(big)),
        "500KB_unrelated": (_text_of_bytes(500_000, seed=21), _text_of_bytes(500_000, seed=22)),
    }
    limit = textdiff.DEFAULT_TIMEOUT_S
    out: dict[str, Any] = {"limit_s": limit, "cases": {}}
    for name, (before, after) in cases.items():
        times = []
        diff = textdiff.compare(before, after)  # warm-up
        for _ in range(plan.diff_repeats):
            began = time.perf_counter()
            diff = textdiff.compare(before, after)
            times.append(time.perf_counter() - began)
        case = {
            "bytes": [len(before.encode()), len(after.encode())],
            "chars": [len(before), len(after)],
            "repeats": plan.diff_repeats,
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
            "min_s": round(min(times), 3),
            "within_limit": max(times) <= limit,
            "inserted": diff.inserted,
            "deleted": diff.deleted,
            "ops": len(diff.ops),
            "phases_s": _diff_phases(before, after, limit),
        }
        out["cases"][name] = case
        print(
            f"  {name:<18} median {case['median_s']:.3f}s max {case['max_s']:.3f}s "
            f"(limit {limit:.1f}s, {'holds' if case['within_limit'] else 'EXCEEDED'})  "
            f"+{diff.inserted}/-{diff.deleted} chars, {len(diff.ops)} ops  "
            f"phases {case['phases_s']}",
            flush=True,
        )
    out["targets"] = [
        {
            "target": f"textdiff.compare within its {limit:.1f}s limit ({name})",
            "value": case["max_s"],
            "met": case["within_limit"],
        }
        for name, case in out["cases"].items()
    ]
    return out


def _diff_phases(before: str, after: str, limit: float) -> dict[str, float]:
    """Where compare() spends its time: a step-by-step replica of textdiff's line mode."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = limit
    marks = [time.perf_counter()]
    chars_before, chars_after, lines = dmp.diff_linesToChars(before, after)
    marks.append(time.perf_counter())
    diffs = dmp.diff_main(chars_before, chars_after, checklines=False)
    dmp.diff_charsToLines(diffs, lines)
    marks.append(time.perf_counter())
    refined: list[tuple[int, str]] = []
    deleted, inserted = "", ""
    for op, text in [*diffs, (0, "")]:
        if op == -1:
            deleted += text
        elif op == 1:
            inserted += text
        else:
            if deleted and inserted:
                refined.extend(dmp.diff_main(deleted, inserted, checklines=False))
            else:
                refined.extend([(-1, deleted)] if deleted else [])
                refined.extend([(1, inserted)] if inserted else [])
            deleted, inserted = "", ""
            if text:
                refined.append((0, text))
    marks.append(time.perf_counter())
    dmp.diff_cleanupSemantic(refined)
    marks.append(time.perf_counter())
    names = ("lines_to_chars", "line_diff", "refine_blocks", "cleanup_semantic")
    return {n: round(b - a, 3) for n, a, b in zip(names, marks, marks[1:], strict=False)}


# --- report ---------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    """What this machine is (the figures only make sense with it)."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().split() if Path("/proc/meminfo").exists() else []
    executable = find_chromium()
    chromium = ""
    if executable:
        done = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
        chromium = done.stdout.strip()
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = len(_git("status", "--porcelain", "--", "archiver").splitlines())
    return {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": model,
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1) if len(meminfo) > 1 else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "chromium": chromium,
        "chromium_path": executable,
        "playwright": importlib.metadata.version("playwright"),
        "archiver": __version__,
        "git_commit": commit,
        "archiver_files_modified_uncommitted": dirty,
    }


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent,
    )
    return done.stdout.strip()


def write_results(path: Path, results: dict[str, Any]) -> None:
    """Write JSON atomically (a .tmp file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def markdown(results: dict[str, Any]) -> str:
    """The figures as Markdown tables, for the README's performance section."""
    figures = results.get("figures", {})
    machine = results.get("machine", {})
    lines = [
        f"Machine: {machine.get('cpu_count')} CPUs ({machine.get('cpu_model')}), "
        f"{machine.get('memory_gib')} GiB, {machine.get('chromium', '').split(' built')[0]}, "
        f"Python {machine.get('python')}, Playwright {machine.get('playwright')}"
        " (each figure names the commit it ran at).",
        "",
    ]
    lines += _markdown_throughput(figures.get("throughput"))
    lines += _markdown_memory(figures.get("memory"))
    lines += _markdown_storage(figures.get("storage"))
    lines += _markdown_diff(figures.get("diff"))
    return "\n".join(lines)


def _load(figure: dict[str, Any]) -> str:
    when = figure.get("date", "")[:16].replace("T", " ")
    mode = "quick (not a figure)" if figure.get("quick") else "full"
    return (
        f"_{mode} run {when} UTC at commit {figure.get('git_commit', '?')},"
        f" {figure.get('elapsed_s', 0):.0f} s, load average "
        f"{figure.get('load_before', 0):.1f} → {figure.get('load_after', 0):.1f} on 2 cores._"
    )


def _markdown_throughput(figure: dict[str, Any] | None) -> list[str]:
    if not figure:
        return []
    lines = [
        f"**Throughput** ({figure['pages']} pages of 20–400 rows; checks/min, higher is better;"
        " ratio = archiver time ÷ bare goto+content time, median and range over ABBA blocks)",
        "",
        "| in flight | bare goto+content | unchanged check | ratio | changed check | ratio |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for row in figure["rows"]:
        u, c = row["unchanged"], row["changed"]
        rb = u["ratio_blocks"]
        lines.append(
            f"| {row['concurrency']} | {u['bare_per_min']:.0f}/min | {u['ours_per_min']:.0f}/min"
            f" | **{u['ratio']:.2f}×** ({rb['median']:.2f}, {rb['min']:.2f}–{rb['max']:.2f})"
            f" | {c['ours_per_min']:.0f}/min | {c['ratio']:.1f}× |"
        )
    sc = figure["scaling"]
    lines += [
        "",
        "Scaling, best concurrency vs one at a time: unchanged "
        f"{sc['unchanged_ours']['vs_one_at_a_time']:.2f}× (at "
        f"{sc['unchanged_ours']['best_concurrency']}), changed "
        f"{sc['changed_ours']['vs_one_at_a_time']:.2f}× (at "
        f"{sc['changed_ours']['best_concurrency']}); the bare browser itself "
        f"{sc['unchanged_bare']['vs_one_at_a_time']:.2f}× (at "
        f"{sc['unchanged_bare']['best_concurrency']}).",
        "",
        _load(figure),
        "",
    ]
    one = next((r for r in figure["rows"] if r["concurrency"] == 1), None)
    if one:
        lines += _markdown_stages(one)
    return lines


STAGE_ROWS = (
    ("new_context", "new context"),
    ("goto", "goto (load)"),
    ("main_response_body", "main response headers + body"),
    ("settle_networkidle", "settle (network + DOM quiet)"),
    ("render_region_and_content", "render: region script + content()"),
    ("attachment_links", "attachment links"),
    ("list_images", "list images"),
    ("snapshot", "= snapshot (incl. new page)"),
    ("extract", "extract (partner reader, noise, digest)"),
    ("archive_head", "archive.head"),
    ("screenshot", "screenshot (full-page PNG)"),
    ("compare", "compare (text diff + partner events)"),
    ("write_blobs_and_manifest", "write blobs + manifest"),
    ("close_context", "close context"),
    ("check_total", "**check total** (check_finished; excludes close context)"),
)


def _markdown_stages(row: dict[str, Any]) -> list[str]:
    bare = row["unchanged"]["bare_steps"]
    bare_total = sum(v["mean_s"] for v in bare.values())
    lines = [
        "Per-stage wall time at 1 in flight (mean seconds per check):",
        "",
        "| stage | unchanged | changed |",
        "|---|---:|---:|",
    ]
    for key, label in STAGE_ROWS:
        u = row["unchanged"]["stages"].get(key, {}).get("mean_s")
        c = row["changed"]["stages"].get(key, {}).get("mean_s")
        if u is None and c is None:
            continue
        us = f"{u:.3f}" if u is not None else "–"
        cs = f"{c:.3f}" if c is not None else "–"
        lines.append(f"| {label} | {us} | {cs} |")
    steps = ", ".join(f"{k} {v['mean_s']:.3f}" for k, v in bare.items())
    lines += ["", f"Bare reference at 1 in flight: {steps} = {bare_total:.3f} s per page.", ""]
    return lines


def _markdown_memory(figure: dict[str, Any] | None) -> list[str]:
    if not figure:
        return []
    lines = [
        "**Memory** of the whole process tree (Python + node driver + Chromium), MiB",
        "",
        "| restart_after | checks | restarts | RSS warm-up | RSS final | RSS peak | growth |"
        " PSS warm-up → final | trend after warm-up (MiB/100 checks, RSS / PSS) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in figure["runs"]:
        lines.append(
            f"| {run['restart_after']} | {run['captures']} | {run['browser_restarts']} |"
            f" {run['warmup_rss_mib']:.0f} | {run['final_rss_mib']:.0f} |"
            f" {run['peak_rss_mib_background']:.0f} | {run['growth_pct']:+.1f}%"
            f" (max {run['max_growth_pct']:+.1f}%) |"
            f" {run['warmup_pss_mib']:.0f} → {run['final_pss_mib']:.0f} |"
            f" {run.get('trend_rss_mib_per_100', '–')} / {run.get('trend_pss_mib_per_100', '–')} |"
        )
    return [*lines, "", _load(figure), ""]


def _markdown_storage(figure: dict[str, Any] | None) -> list[str]:
    if not figure:
        return []
    lines = [
        f"**Storage** per check ({figure['sites']} sites), bytes added or replaced in the store",
        "",
        "| store | check | KiB/check | objects/check | by role (KiB) | S3 requests/check |",
        "|---|---|---:|---:|---|---|",
    ]
    for where in ("local", "s3"):
        for step in ("first", "unchanged", "changed"):
            s = figure[where][step]
            roles = ", ".join(
                f"{k} {v / 1024:.1f}" for k, v in s["by_role_bytes_per_check"].items()
            )
            requests = s.get("s3_requests_per_check")
            calls = ", ".join(f"{k} {v:g}" for k, v in requests.items()) if requests else "–"
            lines.append(
                f"| {where} | {step} | {s['bytes_per_check'] / 1024:.1f} |"
                f" {s['objects_per_check']:g} | {roles or '–'} | {calls} |"
            )
    shots = figure.get("screenshot_formats")
    if shots:
        lines += [
            "",
            f"Screenshot what-if, full page at 1366 px wide ({shots['pages']} pages, height mean"
            f" {shots['mean_height_px']} px, max {shots['max_height_px']} px): PNG (kept today)"
            f" {shots['png_mean_kib']} KiB in {shots['png_mean_s']:.2f} s; JPEG q80"
            f" {shots['jpeg_q80_vs_png_same_pages']:.2f}× the PNG bytes in"
            f" {shots['jpeg_q80_mean_s']:.2f} s; WebP q80"
            f" {shots.get('webp_q80_vs_png_same_pages', 0):.2f}× the PNG bytes on the"
            f" {shots['pages'] - shots['webp_q80_failed_pages']} pages it could encode, and"
            f" empty on the {shots['webp_q80_failed_pages']} taller than 16,383 px.",
        ]
    return [*lines, "", _load(figure), ""]


def _markdown_diff(figure: dict[str, Any] | None) -> list[str]:
    if not figure:
        return []
    lines = [
        f"**Diff** (`textdiff.compare`, limit {figure['limit_s']:.1f} s)",
        "",
        "| case | median | max | within limit | where the time goes |",
        "|---|---:|---:|---|---|",
    ]
    for name, case in figure["cases"].items():
        phases = ", ".join(f"{k} {v:.3f}" for k, v in case["phases_s"].items())
        lines.append(
            f"| {name} | {case['median_s']:.3f} s | {case['max_s']:.3f} s |"
            f" {'yes' if case['within_limit'] else '**no**'} | {phases} |"
        )
    return [*lines, "", _load(figure), ""]


RUNNERS: dict[str, Callable[[Plan, StageProbe], dict[str, Any]]] = {
    "throughput": bench_throughput,
    "memory": bench_memory,
    "storage": bench_storage,
    "diff": bench_diff,
}


def main(argv: list[str] | None = None) -> int:
    """Run the selected figures, print them and write benchmarks/results/core.json."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_core", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, ~5 minutes")
    parser.add_argument(
        "--only", action="append", choices=FIGURES, help="run only this figure (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument(
        "--markdown", action="store_true", help="only print the README tables of --out"
    )
    parser.add_argument(
        "--memory-restart",
        type=int,
        action="append",
        metavar="N",
        help="restart_after values for the memory figure (default: 200 and 1000000)",
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0
    plan = Plan.smoke() if args.quick else Plan.full()
    if args.memory_restart:
        plan = replace(plan, memory_restarts=tuple(args.memory_restart))
    selected = [name for name in FIGURES if not args.only or name in args.only]
    probe = StageProbe()
    probe.configure_logging()
    results: dict[str, Any] = {}
    if args.only and args.out.exists():
        results = json.loads(args.out.read_text(encoding="utf-8"))  # keep the other figures
    results.setdefault("figures", {})
    results.update(
        {
            "benchmark": "core",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(["python -m benchmarks.bench_core", *(argv or sys.argv[1:])]),
            "machine": machine_facts(),
            "plan": asdict(plan),
        }
    )
    print(f"machine: {json.dumps(results['machine'], ensure_ascii=False)}")
    started = time.perf_counter()
    for name in selected:
        print(f"\n== {name} ({'quick' if plan.quick else 'full'}) load {load_now():.1f}")
        began = time.perf_counter()
        load_before = load_now()
        figure = RUNNERS[name](plan, probe)
        figure.update(
            {
                "quick": plan.quick,
                "command": results["command"],
                "git_commit": results["machine"]["git_commit"],
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "elapsed_s": round(time.perf_counter() - began, 1),
                "load_before": load_before,
                "load_after": load_now(),
            }
        )
        results["figures"][name] = figure
        write_results(args.out, results)
        print(f"   ({figure['elapsed_s']:.0f}s)")
    print(f"\n== targets ({time.perf_counter() - started:.0f}s in all)")
    for name in FIGURES:
        for target in results["figures"].get(name, {}).get("targets", []):
            mark = "met   " if target["met"] else "MISSED"
            print(f"  {mark} {target['target']}: {target['value']}")
    print("\n== README table\n")
    print(markdown(results))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
