"""Figures of issue 3 ("partner-list core"): event precision/recall and extraction time.

    .venv/bin/python -m benchmarks.bench_partners            # full run (~1 min)
    .venv/bin/python -m benchmarks.bench_partners --runs 3   # fewer timing runs

Precision and recall are counted over partner events: every labelled pair in
tests/fixtures/partners/pairs/ is extracted version by version and compared as the pipeline
does; an event is a (type, name, field, before, after, old, new) tuple, matched as a
multiset against label.yaml. A pair with no expected and no produced event scores 1.00/1.00.
Targets: 1.00/1.00 on noise-only and layout-only pairs (zero events), >= 0.98 elsewhere.

Extraction is also scored per page format (partners by match key against pages.yaml), and
timed on the 400-entry HTML table, the 31-page PDF and a web page printed to PDF by Chromium
(one cell per line, so read by its ruling lines with pdfplumber): median of several runs, with the
name caches cleared ("cold", a site seen for the first time) and kept ("warm", a site checked
again: its names repeat). The machine is shared, so medians, not means.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from archiver.partners import AliasTable, categories, cells, extract, load_aliases, names

ROOT = Path(__file__).resolve().parents[1]
TARGET_NOISE = 1.0
TARGET_REAL = 0.98


def load_corpus() -> ModuleType:
    """tests/fixtures/partners/corpus.py (tests/ is not a package, so by path)."""
    path = ROOT / "tests" / "fixtures" / "partners" / "corpus.py"
    spec = importlib.util.spec_from_file_location("partners_corpus", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Score:
    """True positives, false positives and false negatives of a group of pairs or pages."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.cases = 0

    def add(self, expected: Iterable[Any], produced: Iterable[Any]) -> None:
        want, got = Counter(expected), Counter(produced)
        self.tp += sum((want & got).values())
        self.fp += sum((got - want).values())
        self.fn += sum((want - got).values())
        self.cases += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score_pairs(corpus: ModuleType, aliases: AliasTable) -> dict[str, dict[str, Score]]:
    """Scores by mutation group, by kind and by format."""
    by: dict[str, dict[str, Score]] = {
        "group": defaultdict(Score),
        "kind": defaultdict(Score),
        "format": defaultdict(Score),
    }
    for case in corpus.pair_cases():
        results = corpus.replay(case.captures(), aliases)
        for expected, (_, events) in zip(case.steps, results[1:], strict=True):
            want = [corpus.event_key(e) for e in expected]
            got = [corpus.event_key(e) for e in events]
            for axis, key in (("group", case.group), ("kind", case.kind), ("format", case.format)):
                by[axis][key].add(want, got)
    return by


def score_pages(corpus: ModuleType, aliases: AliasTable) -> tuple[dict[str, Score], int, int]:
    """Partner precision/recall by page format, and how many statuses were right."""
    from archiver.partners import match_key

    by_format: dict[str, Score] = defaultdict(Score)
    right = total = 0
    for case in corpus.page_cases():
        result = extract(case.capture(), aliases=aliases)
        expect = case.expect
        by_format[case.format].add(
            [match_key(n) for n in expect["names"]], [p.match_key for p in result.partners]
        )
        right += result.list_status.value == expect["status"]
        total += 1
    return by_format, right, total


def clear_caches() -> None:
    """Forget every memoised name transform (a cold start)."""
    for module in (names, cells, categories):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def median_s(run: Callable[[], object], runs: int, *, cold: bool) -> tuple[float, float, float]:
    """(median, min, max) seconds of `run`."""
    times = []
    for _ in range(runs):
        if cold:
            clear_caches()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def timings(
    corpus: ModuleType, aliases: AliasTable, runs: int
) -> list[tuple[str, int, str, tuple[float, float, float]]]:
    cases = {case.id: case for case in corpus.page_cases()}
    rows = []
    figures_for = (
        ("big-400-table", "400-entry HTML table"),
        ("pdf-30-pages", "31-page PDF"),
        ("fubang-52-printed-pdf", "3-page printed PDF"),  # the slower ruled-table path
    )
    for case_id, what in figures_for:
        if case_id not in cases:
            continue
        capture = cases[case_id].capture()
        count = len(extract(capture, aliases=aliases).partners)
        for cold in (True, False):
            extract(capture, aliases=aliases)  # imports, and warm caches for the warm runs
            figures = median_s(lambda c=capture: extract(c, aliases=aliases), runs, cold=cold)
            rows.append((what, count, "cold" if cold else "warm", figures))
    return rows


def table(
    title: str, rows: dict[str, Score], *, target: Callable[[str], float] | None = None
) -> None:
    print(f"\n{title}")
    print(f"  {'':28} {'cases':>5} {'events':>6} {'prec':>5} {'recall':>6} {'fp':>3} {'fn':>3}")
    for key in sorted(rows):
        s = rows[key]
        mark = ""
        if target is not None:
            goal = target(key)
            mark = "  ok" if s.precision >= goal and s.recall >= goal else f"  BELOW {goal:.2f}"
        print(
            f"  {key:28} {s.cases:5d} {s.tp + s.fn:6d} {s.precision:5.2f} {s.recall:6.2f} "
            f"{s.fp:3d} {s.fn:3d}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timing runs per figure")
    args = parser.parse_args()
    corpus = load_corpus()
    aliases = load_aliases((ROOT / "config" / "entities.yaml").read_text())

    pairs = score_pairs(corpus, aliases)
    goal = {"noise": TARGET_NOISE, "layout": TARGET_NOISE}
    table(
        "Partner events by mutation group",
        pairs["group"],
        target=lambda g: goal.get(g, TARGET_REAL),
    )
    kinds = {k: g for case in corpus.pair_cases() for k, g in [(case.kind, case.group)]}
    table(
        "Partner events by mutation kind",
        pairs["kind"],
        target=lambda k: goal.get(kinds[k], TARGET_REAL),
    )
    table("Partner events by format", pairs["format"])

    pages, right, total = score_pages(corpus, aliases)
    table("Partners read, by page format (match keys vs pages.yaml)", pages)
    print(f"\n  list status right on {right}/{total} pages")

    print("\nExtraction time per page (median of runs; min-max)")
    for what, count, state, (median, low, high) in timings(corpus, aliases, args.runs):
        print(
            f"  {what:22} {count:5d} partners  {state}  {median * 1000:7.1f} ms  "
            f"({low * 1000:.0f}-{high * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
