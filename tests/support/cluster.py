"""A cluster on one machine for tests: a configuration with `queue:`, workers, schedulers
and `check --queue` as real processes started with the CLI, their JSON logs in files.

    cluster = Cluster(tmp_path, site, redis_server.url, reap)
    cluster.add_site("bank-a", "/a.html", page("甲科技有限公司"))
    worker = cluster.start("worker", "--concurrency", "1")
    cluster.wait_for(lambda: cluster.versions("bank-a") == 1)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archiver.testing import LocalSite

Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]
PAGE = "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table>"


def page(*names: str) -> str:
    """A partner-list page naming these partners."""
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return PAGE.format(rows=rows)


class Cluster:
    """Configuration, processes and what they left behind, in one temporary directory."""

    def __init__(self, root: Path, site: LocalSite, broker: str, reap: Reap) -> None:
        self.root = root
        self.site = site
        self.broker = broker
        self.reap = reap
        self.config = root / "sites.yaml"
        self.sites: list[str] = []
        self.logs: dict[int, Path] = {}
        self._count = 0

    def add_site(self, site_id: str, path: str, body: str, *, delay_s: float = 0.0) -> None:
        """Serve `body` at `path` and watch it as a site."""
        self.site.page(path, body, delay_s=delay_s)
        self.sites.append(f'  - {{id: {site_id}, name: {site_id}, url: "{self.site.url(path)}"}}')
        self.write_config()

    def write_config(self) -> None:
        self.config.write_text(
            "\n".join(
                [
                    f"storage: {{kind: local, path: {self.root / 'archive'}}}",
                    f"state_dir: {self.root / 'var'}",
                    "network: {allow_private: true}",
                    f'queue: {{broker: "{self.broker}"}}',
                    "publish: {on_change: false}",
                    # a send claimed by a killed worker is presumed crashed after 1m
                    "alerts: {email: {to: [compliance@example.org]}, retry: {lease: 1m}}",
                    "defaults: {every: 1m, jitter: 0s, timeout: 20s, attachments: false, "
                    "confirm_delay: 5s}",
                    "sites:",
                    *self.sites,
                ]
            )
            + "\n",
            encoding="utf-8",
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        """`archiver --config … --log-format json ARGS` in its own process group; its output
        goes to a log file (`log_of`)."""
        self._count += 1
        log = self.root / f"{self._count:02d}-{args[0]}.log"
        with log.open("w", encoding="utf-8") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "archiver",
                    "--config",
                    str(self.config),
                    "--log-format",
                    "json",
                    *args,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        self.logs[process.pid] = log
        return self.reap(process)

    def run(self, *args: str, timeout_s: float = 240) -> subprocess.CompletedProcess[str]:
        """`archiver --config … ARGS` to its end (stdout and stderr kept apart)."""
        return subprocess.run(
            [sys.executable, "-m", "archiver", "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def log_of(self, process: subprocess.Popen[str]) -> str:
        return self.logs[process.pid].read_text(encoding="utf-8", errors="replace")

    def events(self, process: subprocess.Popen[str], name: str) -> list[dict[str, Any]]:
        """The structlog events called `name` the process has logged so far."""
        found = []
        for line in self.log_of(process).splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("event") == name:
                    found.append(record)
        return found

    def versions(self, site_id: str) -> list[str]:
        """The manifests written for a site."""
        directory = self.root / "archive" / "sites" / site_id / "versions"
        return sorted(p.name for p in directory.glob("*.json")) if directory.exists() else []

    def mails(self) -> list[Path]:
        """The alert mails written (the .eml spool: no SMTP is configured)."""
        return sorted((self.root / "var" / "outbox").glob("*.eml"))

    @staticmethod
    def pool_children(process: subprocess.Popen[str]) -> list[int]:
        """The worker's prefork processes (the children of its main process)."""
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    @staticmethod
    def stop(process: subprocess.Popen[str], timeout_s: float = 60) -> int:
        """SIGTERM to the process group, as a supervisor stops it; its exit code."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        return process.wait(timeout=timeout_s)


def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    """Poll until `condition()` is true; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
