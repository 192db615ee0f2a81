"""How fast Ctrl-C stops `archiver check` and `archiver run`, and how much the daemon says.

    .venv/bin/python -m benchmarks.bench_interrupt [--runs 5] [--out results/interrupt.json]

For each run: 12 local sites whose pages answer after 2 s, one capture at a time. `check` gets
SIGINT once its first result is out; we measure the time from the signal to the exit, the
checks that started after the signal (must be 0) and the exit code. Then the same with a page
that never answers and two SIGINTs: the time from the second signal to the exit. Finally a
daemon over the same 12 sites for one round: the lines it writes to stderr at the default
level (orientation plus log), against the same with `--log-level debug`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archiver.testing import LocalSite

PAGE = (
    "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>"
    "<tr><td>1</td><td>{}</td></tr></table>"
)
SITES = 12


def config(root: Path, site: LocalSite, *, delay_s: float, timeout: str = "45s") -> Path:
    lines = [
        f"storage: {{kind: local, path: {root / 'archive'}}}",
        f"state_dir: {root / 'var'}",
        "browser: {concurrency: 1}",
        "sites:",
    ]
    for i in range(SITES):
        site.page(f"/s{i}.html", PAGE.format(f"甲{i}信息科技有限公司"), delay_s=delay_s)
        lines.append(
            f'  - {{id: s{i}, name: 银行{i}, url: "{site.url(f"/s{i}.html")}", '
            f"every: 1h, jitter: 0s, timeout: {timeout}}}"
        )
    path = root / "sites.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def archiver(path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", "--config", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def first_signal() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, LocalSite() as site:
        root = Path(tmp)
        path = config(root, site, delay_s=2)
        process = archiver(path, "check", "--json")
        assert process.stdout is not None
        process.stdout.readline()
        signalled = datetime.now(UTC)
        began = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=120)
        took = time.monotonic() - began
        with sqlite3.connect(root / "var" / "index.sqlite") as db:
            started = [
                datetime.fromisoformat(r[0]) for r in db.execute("SELECT started_at FROM checks")
            ]
        return {
            "exit_s": took,
            "exit_code": process.returncode,
            "checks": len(started),
            "started_after_signal": sum(moment > signalled for moment in started),
        }


def second_signal() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, LocalSite() as site:
        path = config(Path(tmp), site, delay_s=600, timeout="300s")
        process = archiver(
            path, "--log-level", "info", "--log-format", "json", "check", "--grace", "10m"
        )
        assert process.stderr is not None
        for line in process.stderr:
            if '"browser_launched"' in line:
                break
        time.sleep(1)
        os.killpg(process.pid, signal.SIGINT)
        for line in process.stderr:
            if "立即退出" in line:
                break
        began = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=60)
        return {"exit_s": time.monotonic() - began, "exit_code": process.returncode}


def daemon_lines(*extra: str) -> int:
    with tempfile.TemporaryDirectory() as tmp, LocalSite() as site:
        path = config(Path(tmp), site, delay_s=0)
        process = archiver(path, "--log-format", "json", *extra, "run")
        assert process.stderr is not None
        lines = 0
        for line in process.stderr:
            lines += 1
            if "首轮检查完成" in line:
                break
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=120)
        return lines + len(rest.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default="benchmarks/results/interrupt.json")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    firsts = [first_signal() for _ in range(args.runs)]
    seconds = [second_signal() for _ in range(args.runs)]
    quiet, loud = daemon_lines(), daemon_lines("--log-level", "debug")
    result = {
        "date": datetime.now(UTC).isoformat(),
        "load_average": [load_before, os.getloadavg()[0]],
        "first_signal_exit_s_median": statistics.median(r["exit_s"] for r in firsts),
        "first_signal_exit_s_max": max(r["exit_s"] for r in firsts),
        "first_signal_exit_codes": sorted({r["exit_code"] for r in firsts}),
        "checks_started_after_signal": sum(r["started_after_signal"] for r in firsts),
        "checks_per_interrupted_pass": [r["checks"] for r in firsts],
        "second_signal_exit_s_median": statistics.median(r["exit_s"] for r in seconds),
        "second_signal_exit_s_max": max(r["exit_s"] for r in seconds),
        "second_signal_exit_codes": sorted({r["exit_code"] for r in seconds}),
        "daemon_stderr_lines_one_round": {"info": quiet, "debug": loud},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
