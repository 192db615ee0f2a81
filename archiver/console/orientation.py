"""The few lines the daemon prints when it starts: what it watches, where the archive and
the pages are, how to look at them, how to stop it."""

from __future__ import annotations

from collections.abc import Sequence

from archiver.app import App
from archiver.config import LocalStorage, Site
from archiver.console import hints
from archiver.console.probe import Finding
from archiver.durations import format_seconds
from archiver.publish import paths
from archiver.publish.wiring import public_url


def lines(app: App, findings: Sequence[Finding], *, sites: Sequence[Site]) -> list[str]:
    """The orientation block."""
    config = app.config_file
    every = sorted({format_seconds(s.interval_s) for s in sites if s.interval_s}) or ["定时"]
    out = [
        f"archiver 守护进程已启动：{len(sites)} 个站点，每 {'/'.join(every[:3])} 检查一次；"
        "首轮检查随即开始，此后每检查完 10 个站点报告一次可达数",
    ]
    out.extend(finding.line() for finding in findings)
    out.append(f"索引：{app.settings.state_dir / 'index.sqlite'}")
    prefix = app.settings.publish.prefix
    base = public_url(app.settings)
    if base:
        out.append(f"发布的页面：{base}{paths.INDEX}")
    elif isinstance(app.settings.storage, LocalStorage):
        where = (app.settings.storage.path / prefix / paths.INDEX).resolve()
        out.append(f"发布的页面：{where}（第一个版本写入后生成）")
    out.append(f"浏览：{hints.command('serve', config=config)}，然后打开 http://127.0.0.1:8000/")
    out.append(f"状态：{hints.command('status', config=config)}；停止：Ctrl-C（或 SIGTERM）")
    return out
