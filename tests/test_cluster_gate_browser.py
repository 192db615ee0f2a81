"""Two `Runner`s in two processes, each with its own Chromium and a `RedisHostGate` on one
redis-server, check two sites on one 127.0.0.1 host: the host never serves two of their
requests at the same time, and each gap is at least the sites' delay."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.testing import LocalSite
from tests.support.hostile import list_page
from tests.support.served import Served
from tests.support.services import RedisServer

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]
DELAY_S = 0.3


def runner_process(
    reap: Reap, redis_server: RedisServer, state: Path, urls: list[str]
) -> subprocess.Popen[str]:
    """A worker with a Runner, Chromium and cluster_gate, configured and waiting for "go"."""
    process = reap(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.gate_worker",
                "check",
                redis_server.url,
                *urls,
                "--state",
                str(state),
                "--delay",
                str(DELAY_S),
                "--rounds",
                "2",
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_two_runners_in_two_processes_never_fetch_one_host_at_once(
    redis_server: RedisServer, local_site: LocalSite, reap: Reap, tmp_path: Path
) -> None:
    seen = Served()
    for path in ("/a.html", "/b.html"):
        local_site.dynamic(path, seen.route(list_page(), hold_s=0.2))
    urls = [local_site.url("/a.html"), local_site.url("/b.html")]
    workers = [runner_process(reap, redis_server, tmp_path / f"w{n}", urls) for n in (1, 2)]
    for process in workers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    lines = []
    for process in workers:
        out, _ = process.communicate(timeout=240)
        assert process.returncode == 0
        lines += out.splitlines()
    assert len(lines) == 8  # 2 workers x 2 rounds x 2 sites
    assert all(line.split()[1] in {"new", "unchanged"} for line in lines), lines
    assert len(seen.requests) >= 8
    assert seen.overlapping() == []
    assert seen.most_at_once == 1
    assert min(seen.gaps()) >= DELAY_S
