"""Cluster throughput: checks per minute with 1, 2 and 4 worker processes on this machine.

    .venv/bin/python -m benchmarks.bench_cluster [--sites 24] [--workers 1 2 4]
                                                 [--out benchmarks/results/cluster.json]

A real redis-server, pages on 127.0.0.1 that take about a second to answer (`--delay`), and
for each worker count one `archiver worker --concurrency N` (N prefork processes, one
Chromium each). A first pass archives every site (new versions, screenshots: not timed); the
timed pass is the steady state of a scheduled cluster, every page unchanged. The pass is
driven as `archiver check --queue` drives it (`run_queued_pass`), from enqueue to the last
result. Per worker process: the CPU seconds of its process tree (the worker process and its
Chromium, sampled at every result so short-lived renderers mostly count) and the memory of
that tree at the end of the pass as PSS (shared pages split between the processes sharing
them, so the trees add up to what the machine spends).

The arithmetic at the end: machines like this one needed to check 4,600 institutions every
hour, from the best measured rate. Each is a page check; an institution with discovery loads
more pages per check (see docs/cluster.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from archiver import config as config_module
from archiver.cluster.celery_app import make_celery
from archiver.cluster.queued import run_queued_pass
from archiver.testing import LocalSite
from tests.support.services import RedisServer

PAGE = (
    "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>"
    "<tr><td>1</td><td>{}</td></tr><tr><td>2</td><td>乙数字科技有限公司</td></tr></table>"
)
INSTITUTIONS = 4600


def write_config(
    root: Path, served: Sequence[LocalSite], broker: str, sites: int, delay_s: float
) -> Path:
    lines = [
        f"storage: {{kind: local, path: {root / 'archive'}}}",
        f"state_dir: {root / 'var'}",
        "network: {allow_private: true}",
        f'queue: {{broker: "{broker}"}}',
        "publish: {on_change: false}",
        "defaults: {every: 1h, jitter: 0s, timeout: 30s, attachments: false}",
        "sites:",
    ]
    for i in range(sites):
        site = served[i % len(served)]  # each institution on its own host, as in the world
        site.page(f"/s{i}.html", PAGE.format(f"甲{i}信息科技有限公司"), delay_s=delay_s)
        lines.append(f'  - {{id: s{i}, name: 银行{i}, url: "{site.url(f"/s{i}.html")}"}}')
    path = root / "sites.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TreeSampler:
    """CPU seconds and RSS of each worker process's tree, sampled while a pass runs."""

    def __init__(self, worker: psutil.Process) -> None:
        self.worker = worker
        self.cpu: dict[int, dict[int, float]] = {}  # pool process -> pid -> cpu seconds
        self.pss: dict[int, int] = {}

    def sample(self, *, memory: bool = False) -> None:
        for child in self.worker.children():
            seen = self.cpu.setdefault(child.pid, {})
            pss = 0
            for proc in [child, *child.children(recursive=True)]:
                try:
                    times = proc.cpu_times()
                    seen[proc.pid] = times.user + times.system
                    if memory:
                        pss += proc.memory_full_info().pss
                except psutil.Error:
                    continue
            if memory:
                self.pss[child.pid] = pss

    def baseline(self) -> dict[int, dict[int, float]]:
        self.sample()
        return {pool: dict(pids) for pool, pids in self.cpu.items()}


def one_setting(
    root: Path,
    served: Sequence[LocalSite],
    redis: RedisServer,
    *,
    workers: int,
    sites: int,
    delay_s: float,
) -> dict[str, Any]:
    path = write_config(root, served, redis.url, sites, delay_s)
    settings = config_module.load(path.read_text(encoding="utf-8"), path=str(path))
    celery = make_celery(settings, {})
    log = (root / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archiver",
            "--config",
            str(path),
            "--log-format",
            "json",
            "worker",
            "--concurrency",
            str(workers),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        worker = psutil.Process(process.pid)
        chosen = settings.sites
        first = run_queued_pass(celery, chosen, confirm=False)  # new versions, browsers start
        assert len(first.results) == sites, first
        sampler = TreeSampler(worker)
        before = sampler.baseline()
        started = time.monotonic()
        timed = run_queued_pass(
            celery, chosen, confirm=False, on_result=lambda r: sampler.sample(), poll_s=0.25
        )
        elapsed = time.monotonic() - started
        sampler.sample(memory=True)
        outcomes = sorted({r.outcome.value for r in timed.results})
        cpu = {
            pool: sum(pids.values()) - sum(before.get(pool, {}).values())
            for pool, pids in sampler.cpu.items()
        }
        return {
            "workers": workers,
            "checks": len(timed.results),
            "outcomes": outcomes,
            "seconds": round(elapsed, 2),
            "checks_per_minute": round(len(timed.results) / elapsed * 60, 1),
            "cpu_s_per_check": round(sum(cpu.values()) / len(timed.results), 3),
            "cpu_s_per_worker": sorted(round(v, 1) for v in cpu.values()),
            "pss_mib_per_worker": sorted(round(v / 2**20) for v in sampler.pss.values()),
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=24)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds a page takes")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/cluster.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        # one host per site (127.0.0.2, .3, ...): the cluster's per-host gate spaces the
        # requests to one host, so sites sharing a host would measure the gate, not the workers
        served = [
            stack.enter_context(LocalSite(host=f"127.0.0.{2 + i}")) for i in range(args.sites)
        ]
        for workers in args.workers:
            root = Path(temp) / f"w{workers}"
            root.mkdir()
            with RedisServer.start(root / "redis") as redis:
                row = one_setting(
                    root, served, redis, workers=workers, sites=args.sites, delay_s=args.delay
                )
            rows.append(row)
            print(json.dumps(row), flush=True)
    base = rows[0]["checks_per_minute"]
    for row in rows:
        row["ratio_to_one"] = round(row["checks_per_minute"] / base, 2)
    best = max(rows, key=lambda r: r["checks_per_minute"])
    per_hour = best["checks_per_minute"] * 60
    machines = math.ceil(INSTITUTIONS / per_hour)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, shared (load average before {load_before[0]:.1f}, "
        f"after {os.getloadavg()[0]:.1f})",
        "page_delay_s": args.delay,
        "sites": args.sites,
        "rows": rows,
        "best": {"workers": best["workers"], "checks_per_hour": round(per_hour)},
        "machines_for_4600_hourly": machines,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print()
    print("| worker processes | checks/min | ratio to 1 | CPU s/check | PSS MiB per worker |")
    print("|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row['workers']} | {row['checks_per_minute']} | {row['ratio_to_one']} | "
            f"{row['cpu_s_per_check']} | {', '.join(map(str, row['pss_mib_per_worker']))} |"
        )
    print(
        f"\nbest: {best['workers']} processes, {per_hour:.0f} checks/hour on this machine; "
        f"{INSTITUTIONS} institutions hourly need {machines} such machines ({result['machine']})"
    )


if __name__ == "__main__":
    main()
