"""Cost of looking for drawn strike lines in PDFs (partners/pdfstrikes.py, blind round 22).

    .venv/bin/python -m benchmarks.bench_pdf_strikes

Reads the team corpus's PDFs (a 31-page ruled list, a Chromium-printed table, an 83-row
table) with `documents.read_attachment`, alternating a run with the strike search and one
without it (`pdfstrikes.struck_names` replaced by a function that finds nothing), and prints
the median of each and their ratio (also to results/pdf_strikes.json). The machine is shared:
medians and ratios, not seconds.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from archiver.models import HttpResponse
from archiver.partners import pdfstrikes
from archiver.partners.documents import read_attachment

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "partners" / "pages"
FILES = ("pdf-30-pages.pdf", "fubang-52-table.printed.pdf", "pdf-table-83.pdf")
RUNS = 9


def _timed(response: HttpResponse) -> float:
    started = time.perf_counter()
    read_attachment(response)
    return time.perf_counter() - started


def main() -> None:
    searching = pdfstrikes.struck_names
    results = {}
    for name in FILES:
        body = (PAGES / name).read_bytes()
        response = HttpResponse(
            url=f"https://example.cn/{name}", status=200, media_type="application/pdf", body=body
        )
        read_attachment(response)  # warm the imports and caches
        with_search, without = [], []
        for _ in range(RUNS):
            pdfstrikes.struck_names = searching
            with_search.append(_timed(response))
            pdfstrikes.struck_names = lambda paths, textpage: []
            without.append(_timed(response))
        pdfstrikes.struck_names = searching
        a, b = statistics.median(without), statistics.median(with_search)
        print(f"{name:32} without {a * 1000:7.0f} ms  with {b * 1000:7.0f} ms  ratio {b / a:.2f}")
        results[name] = {"without_ms": round(a * 1000), "with_ms": round(b * 1000), "ratio": b / a}
    out = Path(__file__).parent / "results" / "pdf_strikes.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
