"""Ctrl-C and SIGTERM, as a user sends them: the real CLI in a subprocess, slow local pages.

The first signal stops starting checks and exits 130 after the running ones finish (or are
abandoned after the grace period); a second signal exits at once. Nothing starts after the
signal: the index's check log and the JSON lines both say when each check started.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.testing import LocalSite

Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]  # the `reap` fixture

pytestmark = pytest.mark.browser

PAGE = "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table>"


def page(*names: str) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return PAGE.format(rows=rows)


def write_config(tmp_path: Path, site: LocalSite, count: int, *, timeout: str = "45s") -> Path:
    lines = [
        f"storage: {{kind: local, path: {tmp_path / 'archive'}}}",
        f"state_dir: {tmp_path / 'var'}",
        "network: {allow_private: true}",
        "browser: {concurrency: 1}",
        "sites:",
    ]
    for i in range(count):
        site.page(f"/s{i}.html", page(f"甲{i}信息科技有限公司"), delay_s=2)
        lines.append(
            f'  - {{id: s{i}, name: 银行{i}, url: "{site.url(f"/s{i}.html")}", '
            f"every: 1m, jitter: 0s, timeout: {timeout}}}"
        )
    path = tmp_path / "sites.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(reap: Reap, config: Path, *args: str) -> subprocess.Popen[str]:
    return reap(
        subprocess.Popen(
            [sys.executable, "-m", "archiver", "--config", str(config), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a process group of its own, as a terminal gives it
        )
    )


def checks_started(tmp_path: Path) -> list[datetime]:
    with sqlite3.connect(tmp_path / "var" / "index.sqlite") as db:
        rows = db.execute("SELECT started_at FROM checks").fetchall()
    return [datetime.fromisoformat(row[0]) for row in rows]


def test_ctrl_c_stops_a_pass_of_checks(tmp_path: Path, local_site: LocalSite, reap: Reap) -> None:
    config = write_config(tmp_path, local_site, 8)
    process = start(reap, config, "check", "--json")
    assert process.stdout is not None
    first = process.stdout.readline()  # one check has finished
    assert json.loads(first)["outcome"] == "new"
    signalled_at = datetime.now(UTC)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    rest, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    results = [json.loads(line) for line in [first, *rest.splitlines()] if line.strip()]
    assert 1 <= len(results) < 8
    started = [datetime.fromisoformat(r["started_at"]) for r in results]
    assert all(moment <= signalled_at for moment in started), (started, signalled_at)
    assert all(moment <= signalled_at for moment in checks_started(tmp_path))
    assert len(checks_started(tmp_path)) == len(results)
    assert "已中断：检查完成" in stderr
    assert "未开始" in stderr


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path, local_site: LocalSite, reap: Reap) -> None:
    """The page takes longer than the test waits; only the second signal can end it."""
    config = write_config(tmp_path, local_site, 2, timeout="300s")
    local_site.page("/s0.html", page("甲公司"), delay_s=600)
    process = start(
        reap, config, "--log-format", "json", "--log-level", "info", "check", "--grace", "10m"
    )
    assert process.stderr is not None
    for line in process.stderr:  # the browser is up: the capture of the slow page starts
        if '"browser_launched"' in line:
            break
    os.killpg(process.pid, signal.SIGINT)
    for line in process.stderr:  # the first signal was heard
        if "再按一次 Ctrl-C 立即退出" in line:
            break
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "立即退出" in stderr


def test_sigterm_stops_the_daemon_with_130(
    tmp_path: Path, local_site: LocalSite, reap: Reap
) -> None:
    config = write_config(tmp_path, local_site, 6)
    process = start(reap, config, "--log-format", "json", "run")
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if '"check_finished"' in line:
            break
    signalled_at = datetime.now(UTC)
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=120)
    stderr = "".join(lines) + rest
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert all(moment <= signalled_at for moment in checks_started(tmp_path))
    assert "archiver 守护进程已启动：6 个站点" in stderr
    assert "✓ 存档" in stderr
    assert "已停止：本次运行共检查" in stderr
