"""`archiver status` and the daemon's Prometheus endpoint, against a real archive."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.testing import LocalSite
from tests.support.alerts import free_port

Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]  # the `reap` fixture

PAGE = (
    "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>"
    "<tr><td>1</td><td>蚂蚁智信（杭州）信息技术有限公司</td></tr></table>"
)


def config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
network: {{allow_private: true}}
sites:
  - {{id: bank, name: 银行, url: "{url}", every: 1h, jitter: 0s}}
  - {{id: down, name: 坏银行, url: "{url.replace("/list.html", "/500")}", every: 1h, jitter: 0s}}
""",
        encoding="utf-8",
    )
    return path


def archiver(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_status_before_any_check(tmp_path: Path) -> None:
    path = config(tmp_path, "http://127.0.0.1:9/list.html")
    result = archiver(path, "status", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sites"] == {"ok": 0, "failing": 0, "unknown": 2}
    assert data["alerts"]["owed"] == 0
    assert [finding["ok"] for finding in data["store"]] == [True]
    assert data["mail"]["ok"]
    human = archiver(path, "status")
    assert "站点：2 个启用，尚未检查 2" in human.stdout
    assert "✓ 存档" in human.stdout


@pytest.mark.browser
def test_status_and_metrics_after_checks(
    tmp_path: Path, local_site: LocalSite, reap: Reap
) -> None:
    local_site.page("/list.html", PAGE)
    local_site.page("/500", "<h1>error</h1>", status=500)
    path = config(tmp_path, local_site.url("/list.html"))
    port = free_port()
    process = reap(subprocess.Popen(
        [sys.executable, "-m", "archiver", "--config", str(path), "--log-format", "json",
         "run", "--metrics", f"127.0.0.1:{port}"],
        stderr=subprocess.PIPE,
        text=True,
    ))  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if "首轮检查完成" in line:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as answer:
            metrics = answer.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=120)
    assert process.returncode == 130, rest
    assert 'archiver_sites{health="ok"} 1.0' in metrics
    assert 'archiver_sites{health="failing"} 1.0' in metrics
    assert 'archiver_checks_total{outcome="new"} 1.0' in metrics
    assert "archiver_store_up 1.0" in metrics
    assert "archiver_mail_up 1.0" in metrics
    status = archiver(path, "status")
    assert status.returncode == 0, status.stderr
    assert "站点：2 个启用，正常 1，检查失败 1" in status.stdout
    assert "down：连续 1 次" in status.stdout
    assert "HTTP 错误（HTTP 500）" in status.stdout
