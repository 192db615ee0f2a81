"""Figures of issue 14 (the shared index): SQLite against PostgreSQL, per operation.

    .venv/bin/python -m benchmarks.bench_index                 # ~2 min, writes results/index.json
    .venv/bin/python -m benchmarks.bench_index --sites 50 --repeat 100   # a quicker run

Real parts: `SqliteIndex` on a file in a temporary directory (WAL, as the daemon runs it) and
`PostgresIndex` on a real PostgreSQL server started for the run on 127.0.0.1 (TCP, fsync off
as in the tests: the figures are the index's own cost, not the disk's). Both are loaded with
the same archive: `--sites` sites with `--versions` versions of `--partners` partners each,
written through the real archive (a MemoryStore), and `--checks` checks per site.

Measured, each operation `--repeat` times, median and 90th percentile in milliseconds, and
PostgreSQL / SQLite as a ratio:

record_check        one check (the pipeline, once per check)
record_version      one new believed version: its row and the site's current partners
last_checks         the newest check of every site (`archiver status`, the metrics scrape)
failures            consecutive failures of one site (operator notices, status)
partners_all        every current partner (`archiver partners`, publishing)
versions            the indexed versions of one site (history, verify)

and writers at once: `--writers` threads record checks for `--seconds`, each with the
index a process would have (SQLite: the one shared connection; PostgreSQL: its pool), as
checks recorded per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.postgres_index import PostgresIndex
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.models import CheckResult, Outcome, PageStatus, StoredVersion
from archiver.ports import Index
from tests.support.alerts import write_version
from tests.support.builders import partner
from tests.support.services import PostgresServer, postgres_directory

T0 = datetime(2025, 10, 1, tzinfo=UTC)
RESULTS = Path(__file__).parent / "results" / "index.json"


def history(
    sites: int, versions: int, partners: int, *, prefix: str = "bank"
) -> dict[str, list[StoredVersion]]:
    """A synthetic archive: each site's chain of versions, each with its partner list."""
    store = MemoryStore()
    chains: dict[str, list[StoredVersion]] = {}
    for s in range(sites):
        site_id = f"{prefix}-{s:04d}"
        chain: list[StoredVersion] = []
        for v in range(versions):
            names = [f"合作机构{s}号{v}版{n}有限公司" for n in range(partners)]
            chain.append(
                write_version(
                    store,
                    site_id,
                    partners=tuple(partner(name) for name in names),
                    captured_at=T0 + timedelta(days=v),
                    previous=chain[-1] if chain else None,
                    screenshot=None,
                )
            )
        chains[site_id] = chain
    return chains


def a_check(site_id: str, n: int) -> CheckResult:
    failed = n % 7 == 0
    return CheckResult(
        site_id=site_id,
        outcome=Outcome.FAILED if failed else Outcome.UNCHANGED,
        started_at=T0 + timedelta(minutes=n),
        duration_s=1.0,
        status=PageStatus.TIMEOUT if failed else PageStatus.OK,
    )


def load(index: Index, chains: dict[str, list[StoredVersion]], checks: int) -> None:
    for site_id, chain in chains.items():
        for stored in chain:
            index.record_version(stored)
        for n in range(checks):
            index.record_check(a_check(site_id, n))


def timed(call: Callable[[int], object], repeat: int) -> dict[str, float]:
    """Median and 90th percentile of `repeat` calls, in milliseconds."""
    samples = []
    for n in range(repeat):
        began = time.perf_counter()
        call(n)
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 3),
    }


def operations(
    index: Index, chains: dict[str, list[StoredVersion]], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    sites = sorted(chains)
    extra = history(args.repeat, 1, args.partners, prefix="new")  # every version is new
    new_versions = [chain[0] for chain in extra.values()]
    base = args.checks + 1000
    return {
        "record_check": timed(
            lambda n: index.record_check(a_check(sites[n % len(sites)], base + n)), args.repeat
        ),
        "record_version": timed(lambda n: index.record_version(new_versions[n]), args.repeat),
        "last_checks": timed(lambda n: index.last_checks(), args.repeat),
        "failures": timed(
            lambda n: index.consecutive_failures(sites[n % len(sites)]), args.repeat
        ),
        "partners_all": timed(lambda n: list(index.partners()), max(5, args.repeat // 10)),
        "versions": timed(lambda n: index.versions(sites[n % len(sites)]), args.repeat),
    }


def writers_at_once(open_index: Callable[[], Index], args: argparse.Namespace) -> float:
    """Checks recorded per second by `--writers` threads sharing one process's index."""
    index = open_index()
    stop = threading.Event()
    counts = [0] * args.writers
    start = threading.Barrier(args.writers + 1)

    def write(w: int) -> None:
        start.wait()
        n = 0
        while not stop.is_set():
            index.record_check(a_check(f"writer-{w}", 10_000_000 + n))
            n += 1
        counts[w] = n

    threads = [threading.Thread(target=write, args=(w,)) for w in range(args.writers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    index.close()
    return round(sum(counts) / elapsed, 1)


@contextmanager
def postgres() -> Iterator[str]:
    with postgres_directory() as directory, PostgresServer.start(directory / "pg") as server:
        yield server.create_database("bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--partners", type=int, default=30)
    parser.add_argument("--checks", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    chains = history(args.sites, args.versions, args.partners)
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": os.getloadavg()[0],
        "archive": {
            "sites": args.sites,
            "versions": args.versions,
            "partners": args.partners,
            "checks": args.checks,
        },
        "writers": args.writers,
    }
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, postgres() as url:
        openers: dict[str, Callable[[], Index]] = {
            "sqlite": lambda: SqliteIndex(Path(tmp) / "index.sqlite"),
            "postgres": lambda: PostgresIndex(url, pool_size=args.writers),
        }
        for name, open_index in openers.items():
            index = open_index()
            began = time.perf_counter()
            load(index, chains, args.checks)
            loaded_s = time.perf_counter() - began
            figures[name] = {"load_s": round(loaded_s, 2), **operations(index, chains, args)}
            index.close()
            figures[name]["writers_checks_per_s"] = writers_at_once(open_index, args)
    figures["load_after"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(markdown(figures))


def markdown(figures: dict[str, Any]) -> str:
    """The README table of one run."""
    sqlite, pg = figures["sqlite"], figures["postgres"]
    lines = [
        "| operation | SQLite median (p90) | PostgreSQL median (p90) | PostgreSQL / SQLite |",
        "|---|---:|---:|---:|",
    ]
    for op in ("record_check", "record_version", "last_checks", "failures", "partners_all",
               "versions"):  # fmt: skip
        ratio = pg[op]["median_ms"] / sqlite[op]["median_ms"]
        lines.append(
            f"| {op} | {sqlite[op]['median_ms']:.2f} ms ({sqlite[op]['p90_ms']:.2f}) "
            f"| {pg[op]['median_ms']:.2f} ms ({pg[op]['p90_ms']:.2f}) | {ratio:.1f}× |"
        )
    w_sqlite, w_pg = sqlite["writers_checks_per_s"], pg["writers_checks_per_s"]
    lines.append(
        f"| record_check, {figures.get('writers', 4)} threads at once | {w_sqlite:.0f}/s "
        f"| {w_pg:.0f}/s | {w_pg / w_sqlite:.2f}× (throughput) |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
