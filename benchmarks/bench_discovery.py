"""Discovery over the local world: precision/recall, pages and time per institution.

    .venv/bin/python benchmarks/bench_discovery.py [--delay 0]

First run = discovery from scratch; second run = steady state (nothing changed). Time is
wall-clock on this machine with real Chromium; the politeness delay is slept on a fake
clock (pass --real-delay to sleep it for real), so times show the work, not the waiting.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.discovery.institution import run_institution
from archiver.discovery.settings import DiscoverySettings
from archiver.pipeline import Deps

ROOT = Path(__file__).resolve().parent.parent


def load_world():  # type: ignore[no-untyped-def]
    path = ROOT / "tests" / "fixtures" / "world" / "world.py"
    spec = importlib.util.spec_from_file_location("discovery_world", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["discovery_world"] = module
    spec.loader.exec_module(module)
    return module


class Clock:
    """Fake time: sleeps advance it instantly."""

    def __init__(self, real: bool) -> None:
        self.t = datetime(2025, 10, 1, tzinfo=UTC)
        self.real = real

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        if self.real:
            time.sleep(seconds)
        self.t += timedelta(seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--real-delay", action="store_true")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    world = load_world()
    clock = Clock(args.real_delay)
    capturer = PlaywrightCapturer(allow_private=True, concurrency=1)
    deps = Deps(
        store=MemoryStore(),
        capturer=capturer,
        index=SqliteIndex(":memory:"),
        now=clock.now,
        sleep=clock.sleep,
        screenshots=False,
    )
    settings = DiscoverySettings(delay=args.delay)
    found: set[str] = set()
    truth: set[str] = set()
    rows = []
    with world.World() as built:
        for institution in built.institutions.values():
            site = institution.site()
            began = time.perf_counter()
            first = run_institution(site, deps, settings=settings)
            t1 = time.perf_counter() - began
            clock.t += timedelta(hours=6)
            began = time.perf_counter()
            second = run_institution(site, deps, settings=settings)
            t2 = time.perf_counter() - began
            version = first.result.version
            lists = (
                {d.url for d in version.manifest.documents if d.role == "list"}
                if version
                else set()
            )
            found |= lists
            truth |= institution.truth()
            rows.append(
                (
                    institution.id,
                    first.pages,
                    t1,
                    second.pages,
                    t2,
                    second.result.outcome.value,
                    len(lists),
                    len(institution.truth()),
                )
            )
    capturer.close()
    print(
        f"{'institution':<14}{'disc pages':>11}{'disc s':>8}{'steady pages':>13}{'steady s':>9}"
        f"{'steady':>11}{'lists':>7}{'truth':>7}"
    )
    for r in rows:
        print(
            f"{r[0]:<14}{r[1]:>11}{r[2]:>8.1f}{r[3]:>13}{r[4]:>9.1f}{r[5]:>11}{r[6]:>7}{r[7]:>7}"
        )
    hits = found & truth
    precision = len(hits) / len(found) if found else 1.0
    recall = len(hits) / len(truth) if truth else 1.0
    print(
        f"precision {precision:.3f}  recall {recall:.3f}  ({len(hits)}/{len(found)} found, "
        f"{len(truth)} true)"
    )


if __name__ == "__main__":
    main()
