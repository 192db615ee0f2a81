"""Cost of reading statuses given by colour on a page (partners/colours.py, blind round 24).

    .venv/bin/python -m benchmarks.bench_colours

Reads the team corpus's 400-entry HTML table with `partners.extract`, alternating a run with
the colour pass and one without it (`markup.mark_coloured_rows` replaced by a function that
does nothing), and prints the median of each and their ratio (also to results/colours.json).
The machine is shared: medians and ratios, not seconds.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from lxml import html

from archiver.partners import extract, load_aliases, markup
from benchmarks.bench_partners import ROOT, load_corpus

RUNS = 9


def main() -> None:
    aliases = load_aliases((ROOT / "config" / "entities.yaml").read_text())
    cases = {case.id: case for case in load_corpus().page_cases()}
    capture = cases["big-400-table"].capture()
    real = vars(markup)["mark_coloured_rows"]

    def nothing(_root: html.HtmlElement) -> None:
        return None

    times: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(RUNS):
        variants: tuple[tuple[str, Callable[[html.HtmlElement], None]], ...] = (
            ("with", real),
            ("without", nothing),
        )
        for name, function in variants:
            vars(markup)["mark_coloured_rows"] = function
            extract(capture, aliases=aliases)  # warm
            started = time.perf_counter()
            extract(capture, aliases=aliases)
            times[name].append(time.perf_counter() - started)
    vars(markup)["mark_coloured_rows"] = real
    medians = {name: statistics.median(values) for name, values in times.items()}
    result = {
        "page": "big-400-table",
        "runs": RUNS,
        "median_s": {name: round(value, 4) for name, value in medians.items()},
        "ratio": round(medians["with"] / medians["without"], 3),
    }
    print(json.dumps(result, indent=1))
    out = Path(__file__).parent / "results" / "colours.json"
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
