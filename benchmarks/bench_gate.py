"""What the per-host gate costs per capture: the local `HostGate` against `RedisHostGate`.

    .venv/bin/python -m benchmarks.bench_gate [--slots 3000] [--out benchmarks/results/gate.json]

For each gate, `--slots` times: take and give back one host's slot (delay 0, so nothing
waits), then `record` a 200, as `GatedCapturer` does once per capture. Each step is timed on
its own; the figures are the median and the 90th percentile of those timings, after a
warm-up. The Redis is a real redis-server on 127.0.0.1 started for the run (same machine: no
network between them; on a LAN add one round trip per Redis step, three per capture).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import redis

from archiver.cluster.redis_gate import RedisHostGate
from archiver.discovery.politeness import HostGate
from archiver.models import Politeness
from archiver.ports import Gate
from tests.support.services import RedisServer

URL = "http://www.bank.example.cn/list.html"
WARM_UP = 200


def timings(gate: Gate, slots: int) -> dict[str, list[float]]:
    """Seconds per slot (take and give back) and per record, one timing per capture."""
    found: dict[str, list[float]] = {"slot": [], "record": [], "capture": []}
    for n in range(WARM_UP + slots):
        started = time.perf_counter()
        with gate.slot(URL):
            held = time.perf_counter()
        released = time.perf_counter()
        gate.record(URL, 200)
        recorded = time.perf_counter()
        if n >= WARM_UP:
            found["slot"].append((held - started) + (released - held))
            found["record"].append(recorded - released)
            found["capture"].append(recorded - started)
    return found


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_us": round(statistics.median(ordered) * 1e6, 1),
        "p90_us": round(ordered[int(len(ordered) * 0.9)] * 1e6, 1),
    }


def run(slots: int) -> dict[str, object]:
    load_before = os.getloadavg()[0]
    gates: dict[str, Callable[[], dict[str, list[float]]]] = {}
    now = lambda: datetime.now(UTC)  # noqa: E731 - the real clock, as in production
    gates["HostGate"] = lambda: timings(HostGate(delay_s=0.0, now=now, sleep=time.sleep), slots)
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, RedisServer.start(Path(tmp)) as server:
        client = redis.Redis.from_url(server.url)
        gates["RedisHostGate"] = lambda: timings(
            RedisHostGate(client, default=Politeness(delay_s=0.0)), slots
        )
        for name, measure in gates.items():
            results[name] = {step: summary(values) for step, values in measure().items()}
        redis_version = str(client.info("server")["redis_version"])
        client.close()
    local = results["HostGate"]["capture"]["median_us"]
    cluster = results["RedisHostGate"]["capture"]["median_us"]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "slots": slots,
        "redis": redis_version,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "gates": results,
        "redis_minus_local_per_capture_us": round(cluster - local, 1),
        "ratio_redis_to_local": round(cluster / local, 1) if local else None,
    }


def table(found: dict[str, object]) -> str:
    gates = found["gates"]
    assert isinstance(gates, dict)
    lines = [
        "| gate | slot median (p90) | record median (p90) | per capture median (p90) |",
        "|---|---|---|---|",
    ]
    for name, steps in gates.items():
        cells = [f"{steps[s]['median_us']:.0f} µs ({steps[s]['p90_us']:.0f})" for s in steps]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        f"\nRedisHostGate adds {found['redis_minus_local_per_capture_us']:.0f} µs per capture "
        f"(median of {found['slots']} captures, load average {found['load_average']})."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/gate.json"))
    args = parser.parse_args()
    found = run(args.slots)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    print(table(found))


if __name__ == "__main__":
    main()
