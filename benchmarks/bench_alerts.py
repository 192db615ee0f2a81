"""Figures of issue 4 ("Alert emails"): change-to-inbox latency, and alerts caused by noise.

    .venv/bin/python -m benchmarks.bench_alerts                  # both figures (~2 min)
    .venv/bin/python -m benchmarks.bench_alerts --only latency --rounds 10 --interval 5
    .venv/bin/python -m benchmarks.bench_alerts --only noise --json /tmp/noise.json

Real parts throughout: pages served by archiver.testing.LocalSite on 127.0.0.1, the Debian
Chromium through PlaywrightCapturer, archiver.pipeline.check_site, a LocalStore and the
SQLite index in a temporary directory, the Alerter as the pipeline's observer, and aiosmtpd
(tests.support.alerts.SmtpSink) as the mail server.

latency  the real scheduler (archiver.schedule.Daemon) checks one site every --interval
         seconds; each round changes the partner list at a random moment and times the
         mail's arrival. The wait for the next tick is uniform in [0, interval], so the
         figure is reported whole and split into "waiting for the check" and "check + send".
noise    --steps checks of one site whose page changes only in noise (counters, dates) or
         layout (row order, numbering, bracket width, spacing, table vs list, wrappers,
         grouping by category); the partners stay the same. Counts mails and alerts (must
         be 0) and, for information, versions written.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import localtime, logs
from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.alerts.alerter import Alerter
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.models import CheckResult, Outcome
from archiver.pipeline import Deps, check_site
from archiver.schedule import Daemon
from archiver.testing import LocalSite
from tests.support.alerts import SmtpSink, make_alerter

PARTNERS = [
    ("蚂蚁智信（杭州）信息技术有限公司", "平台运营机构", "借呗"),
    ("深圳市分期乐网络科技有限公司", "平台运营机构", "分期乐"),
    ("上海淇毓信息科技有限公司", "平台运营机构", "360借条"),
    ("重庆两心金诚科技有限公司", "平台运营机构", "美团借钱"),
    ("度小满科技（北京）有限公司", "平台运营机构", "有钱花"),
    ("深圳市凯旋融资担保有限公司", "增信服务机构", ""),
    ("中国平安财产保险股份有限公司", "增信服务机构", ""),
    ("黑龙江三农信融资担保有限公司", "增信服务机构", ""),
]
EXTRA = ("上海哈啰普惠科技有限公司", "平台运营机构", "哈啰借钱")


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- pages -----------------------------------------------------------------------------------


def shell(body: str, *, views: int = 1, day: int = 1, banner: str = "") -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>公告</title></head><body>'
        f'<div class="top">今天是2025年10月{day}日 浏览量：{views}</div>{banner}'
        f'<div id="content"><h1>互联网助贷业务合作机构名单</h1>{body}</div></body></html>'
    )


def table(rows: list[tuple[str, str, str]], *, start: int = 1, fmt: str = "{}") -> str:
    cells = "".join(
        f"<tr><td>{fmt.format(i)}</td><td>{n}</td><td>{c}</td><td>{p}</td></tr>"
        for i, (n, c, p) in enumerate(rows, start)
    )
    head = "<tr><th>序号</th><th>合作机构名称</th><th>合作机构类别</th><th>合作产品</th></tr>"
    return f"<table>{head}{cells}</table>"


def half_width(name: str) -> str:
    return name.replace("（", "(").replace("）", ")")


def spaced(name: str) -> str:
    return name.replace("（", " （").replace("）", "） ")


def by_category(rows: list[tuple[str, str, str]]) -> str:
    parts = []
    for category in ("平台运营机构", "增信服务机构"):
        group = [r for r in rows if r[1] == category]
        parts.append(f"<h3>{category}</h3>{table(group)}")
    return "".join(parts)


def as_list(rows: list[tuple[str, str, str]]) -> str:
    """One line per partner with category and product inline (a common CMS form)."""
    items = "".join(f"<li>{n}（{c}）{'，产品：' + p if p else ''}</li>" for n, c, p in rows)
    return f"<ol>{items}</ol>"


def headed_lists(rows: list[tuple[str, str, str]]) -> str:
    """A heading per category, then a plain list of names."""
    parts = []
    for category in ("平台运营机构", "增信服务机构"):
        names = "".join(f"<li>{n}</li>" for n, c, _ in rows if c == category)
        parts.append(f"<p><strong>{category}</strong></p><ul>{names}</ul>")
    return "".join(parts)


NOISE_STEPS: list[tuple[str, Callable[[random.Random, int], str]]] = [
    ("counter and date", lambda r, i: shell(table(PARTNERS), views=100 + i, day=1 + i % 28)),
    ("rows reordered", lambda r, i: shell(table(r.sample(PARTNERS, len(PARTNERS))))),
    ("numbering 01, 02", lambda r, i: shell(table(PARTNERS, fmt="{:02d}"))),
    ("numbering from 0", lambda r, i: shell(table(PARTNERS, start=0))),
    (
        "half-width brackets",
        lambda r, i: shell(table([(half_width(n), c, p) for n, c, p in PARTNERS])),
    ),
    ("spaces in names", lambda r, i: shell(table([(spaced(n), c, p) for n, c, p in PARTNERS]))),
    (
        "wrapped in extra divs",
        lambda r, i: shell(f'<div class="w"><div>{table(PARTNERS)}</div></div>'),
    ),
    ("banner added", lambda r, i: shell(table(PARTNERS), banner='<div class="ad">新品上线</div>')),
    ("grouped by category", lambda r, i: shell(by_category(PARTNERS))),
    ("headed lists, no table", lambda r, i: shell(headed_lists(PARTNERS))),
    ("inline list, no table", lambda r, i: shell(as_list(PARTNERS))),
]


# --- figure (a): latency ---------------------------------------------------------------------


@dataclass
class Round:
    changed_at: float
    check_started: float = 0.0
    mailed: float = 0.0

    @property
    def total_s(self) -> float:
        return self.mailed - self.changed_at

    @property
    def waiting_s(self) -> float:
        return self.check_started - self.changed_at


@dataclass
class Checks:
    started: list[tuple[float, float, Outcome]] = field(default_factory=list)
    begun: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def latency(rounds: int, interval_s: float, workdir: Path) -> dict[str, Any]:
    """Figure (a): from changing the page to the mail in the SMTP server, with the daemon."""
    rng = random.Random(4)
    with LocalSite() as web, SmtpSink() as sink:
        web.page("/list.html", shell(table(PARTNERS)))
        site = Site(id="bench-bank", name="测试银行", url=web.url("/list.html"), confirm_delay=2.0)
        # The configuration refuses intervals under a minute (to spare real sites); a
        # benchmark against 127.0.0.1 may go faster, so the limit is bypassed on a copy.
        fast = site.model_copy(update={"every": interval_s, "jitter": 0.0})
        alerter, deps, index = build(workdir, sink, fast)
        checks = Checks()

        def run_site(chosen: Site) -> CheckResult:
            began = time.monotonic()
            with checks.lock:  # before the check: its mail goes out before it returns
                checks.begun.append(began)
            result = check_site(chosen, deps)
            with checks.lock:
                checks.started.append((began, time.monotonic(), result.outcome))
            return result

        daemon = Daemon(
            [fast],
            run_site,
            last_checks={},
            now=utc_now,
            workers=2,
            housekeeping=[("alerts", alerter.deliver_pending, interval_s)],
            zone=localtime.zone(),
        )
        daemon.start()
        results: list[Round] = []
        try:
            wait_until(lambda: any(o is Outcome.NEW for _, _, o in checks.started), 120)
            for number in range(rounds):
                time.sleep(rng.uniform(0, interval_s))  # change at a random phase of the tick
                rows = [*PARTNERS, EXTRA] if number % 2 == 0 else PARTNERS
                current = Round(changed_at=time.monotonic())
                web.page("/list.html", shell(table(rows)))
                sink.wait_for(number + 1, timeout_s=interval_s + 120)
                current.mailed = time.monotonic()
                with checks.lock:
                    current.check_started = min(
                        (b for b in checks.begun if b >= current.changed_at),
                        default=current.mailed,
                    )
                results.append(current)
                print(
                    f"  round {number + 1}: {current.total_s:.2f} s "
                    f"(waiting {current.waiting_s:.2f} s for the check)"
                )
        finally:
            daemon.stop()
            daemon.shutdown()
            deps.capturer.close()
            index.close()
        totals = [r.total_s for r in results]
        work = [r.total_s - r.waiting_s for r in results]
        return {
            "interval_s": interval_s,
            "rounds": len(results),
            "mails": len(sink.messages),
            "total_s": summary(totals),
            "check_and_send_s": summary(work),
            "waiting_s": summary([r.waiting_s for r in results]),
        }


# --- figure (b): noise -----------------------------------------------------------------------


def noise(steps: int, workdir: Path) -> dict[str, Any]:
    """Figure (b): mails and alerts caused by noise-only and layout-only changes (want 0)."""
    rng = random.Random(7)
    rows = []
    with LocalSite() as web, SmtpSink() as sink:
        web.page("/list.html", shell(table(PARTNERS)))
        site = Site(id="noise-bank", name="测试银行", url=web.url("/list.html"), confirm_delay=2.0)
        alerter, deps, index = build(workdir, sink, site)
        try:
            first = check_site(site, deps)
            baseline = len(first.version.manifest.partners) if first.version else 0
            for step in range(steps):
                name, make = NOISE_STEPS[step % len(NOISE_STEPS)]
                web.page("/list.html", make(rng, step))
                result = check_site(site, deps)
                manifest = result.version.manifest if result.version else None
                rows.append(
                    {
                        "step": step + 1,
                        "change": name,
                        "outcome": result.outcome.value,
                        "partners": len(manifest.partners) if manifest else None,
                        "events": [f"{e.type.value}:{e.name}" for e in result.events],
                        "names": [p.name for p in manifest.partners] if manifest else [],
                    }
                )
                print(
                    f"  step {step + 1:2d} {name:24s} {result.outcome.value:9s} "
                    f"events={len(result.events)}"
                )
            alerter.flush_digest(force=True)
            alerter.deliver_pending(force=True)
        finally:
            deps.capturer.close()
            index.close()
        partner_alerts = [
            k for k in deps.store.list("outbox/") if "/partner/" in k and k.endswith("/alert.json")
        ]
        return {
            "steps": steps,
            "baseline_partners": baseline,
            "mails": len(sink.messages),
            "partner_alerts": len(partner_alerts),
            "versions_written": sum(1 for r in rows if r["outcome"] == "changed"),
            "steps_detail": rows,
        }


# --- shared ----------------------------------------------------------------------------------


def build(workdir: Path, sink: SmtpSink, site: Site) -> tuple[Alerter, Deps, SqliteIndex]:
    root = Path(tempfile.mkdtemp(dir=workdir))
    store = LocalStore(root / "archive")
    index = SqliteIndex(root / "index.sqlite")
    settings = AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": sink.port, "starttls": False},
                "from": "archiver@example.org",
                "to": ["compliance@example.org"],
            }
        }
    )
    alerter = make_alerter(settings, store, root / "var", {}, utc_now, sites=[site], history=index)
    deps = Deps(
        store=store,
        capturer=PlaywrightCapturer(allow_private=True, concurrency=2),
        index=index,
        now=utc_now,
        observers=(alerter,),
    )
    return alerter, deps, index


def wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not make the first version in time")
        time.sleep(0.05)


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "min": round(ordered[0], 3),
        "median": round(statistics.median(ordered), 3),
        "max": round(ordered[-1], 3),
    }


def main() -> None:
    logs.configure(level="warning", fmt="console")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["latency", "noise"])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    chosen = args.only or ["latency", "noise"]
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp:
        if "latency" in chosen:
            print(f"(a) page change -> mail, daemon every {args.interval:g} s")
            report["latency"] = latency(args.rounds, args.interval, Path(tmp))
            print(json.dumps(report["latency"], indent=2))
        if "noise" in chosen:
            print(f"(b) {args.steps} noise-only / layout-only changes")
            report["noise"] = noise(args.steps, Path(tmp))
            shown = {k: v for k, v in report["noise"].items() if k != "steps_detail"}
            print(json.dumps(shown, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
