"""Preservation on a noisy world: versions written on noise-only checks, bytes per check, pass
time with confirmations, reextract time per 1,000 versions.

    python benchmarks/bench_preserve.py                         # this tree
    PYTHONPATH=/path/to/older/tree python benchmarks/bench_preserve.py --label before

A simulated world of N institutions on 127.0.0.1 whose pages all carry a clock, a view
counter, a rotating banner (text and image) and a rotating related-news block that changes on
every request. Pass 1 archives everything; in each later pass about 20% of the sites really
change (a partner added or dropped) and 10% collapse to one partner (a suspect list that must
be confirmed); the rest see only noise. Run as a script (not `-m`) so that PYTHONPATH decides
which `archiver` is measured: the same world runs against an older tree for "before".
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import struct
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.pipeline import Deps
from archiver.testing import LocalSite, Route

NAMES = [
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "重庆两心金诚科技有限公司",
    "度小满科技（北京）有限公司",
    "上海耳序信息技术有限公司",
    "深圳市凯旋融资担保有限公司",
    "中国平安财产保险股份有限公司",
    "陕西昊悦融资担保有限公司",
    "和君纵达数据科技股份有限公司",
    "上海世渺信息技术服务有限公司",
    "北京微财科技有限公司",
]
NEWS = [
    "关于开展反诈宣传活动的通知",
    "我行荣获2025年度普惠金融奖",
    "关于调整营业时间的公告",
    "关于信用卡积分规则调整的通知",
    "关于举办理财知识讲座的公告",
    "关于个人养老金业务上线的公告",
]


def png(shade: int) -> bytes:
    width, height = 400, 120
    raw = b"".join(b"\x00" + bytes([shade, 80, 160]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


class World:
    """N institutions; every request sees new noise."""

    def __init__(self, size: int, seed: int = 16) -> None:
        self.random = random.Random(seed)
        self.lists = [self.random.sample(NAMES, self.random.randint(5, 9)) for _ in range(size)]
        self.hits = [0] * size
        self.site = LocalSite()
        for i in range(size):
            self.site.dynamic(f"/s{i}.html", lambda path, i=i: self._page(i))
        for shade in range(4):
            self.site.file(f"/banner{shade}.png", png(shade * 60), "image/png")

    def _page(self, i: int) -> Route:
        self.hits[i] += 1
        n = self.hits[i] + i
        rows = "".join(
            f"<tr><td>{k}</td><td>{name}</td></tr>" for k, name in enumerate(self.lists[i], 1)
        )
        news = "".join(f"<li><a href='/n/{k}'>{NEWS[(n + k) % 6]}</a></li>" for k in range(4))
        html = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>公告</title></head><body>"
            f"<header class='site-header'><h1>测试银行{i}</h1><div class='top'>今天是2025年11月"
            f"{n % 28 + 1}日 星期{'一二三四五六日'[n % 7]} {n % 24:02d}:{n % 60:02d}:{n % 59:02d}"
            "</div></header><nav><a href='/'>首页</a><a href='/a'>关于我们</a></nav>"
            f"<div class='banner'><img src='/banner{n % 4}.png'><p>活动{n % 4}：理财节</p></div>"
            f"<div id='main'><h2>互联网助贷业务合作机构名单</h2><table><tr><th>序号</th><th>"
            f"合作机构名称</th></tr>{rows}</table><p>特此公告。</p></div>"
            f"<div class='side'><h3>相关新闻</h3><ul>{news}</ul></div>"
            f"<footer>©2025 测试银行 版权所有 访问量：{1000 + 7 * n}</footer></body></html>"
        )
        return Route(body=html.encode())

    def mutate(
        self, fraction_change: float, fraction_collapse: float
    ) -> tuple[set[int], set[int]]:
        """Change some lists for real, collapse others; the rest see only noise."""
        order = list(range(len(self.lists)))
        self.random.shuffle(order)
        changes = int(len(order) * fraction_change)
        collapses = int(len(order) * fraction_collapse)
        changed = set(order[:changes])
        collapsed = set(order[changes : changes + collapses])
        for i in changed:
            spare = [n for n in NAMES if n not in self.lists[i]]
            if spare and (len(self.lists[i]) < 6 or self.random.random() < 0.5):
                self.lists[i].append(self.random.choice(spare))
            else:
                self.lists[i].pop(self.random.randrange(len(self.lists[i])))
        for i in collapsed:
            self.lists[i] = self.lists[i][:1]
        return changed, collapsed


def run_pass(sites: list[Site], deps: Deps, workers: int) -> list[Any]:
    """One pass as `archiver check` runs it, with the tree's own way of confirming.

    All institutions of the simulated world share one host (127.0.0.1), so the per-host
    politeness delay is set to 0 in both trees: real institutions are on different hosts.
    """
    from archiver.discovery.politeness import HostGate
    from archiver.runner import Runner

    gate = HostGate(delay_s=0.0, now=deps.now, sleep=time.sleep)
    runner = Runner(deps, gate=gate)
    if hasattr(runner, "run_pass"):
        return list(runner.run_pass(sites, workers=workers).results)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # before: confirmations sleep a slot
        return list(pool.map(runner.check, sites))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=120)
    parser.add_argument("--passes", type=int, default=4)
    parser.add_argument("--confirm-delay", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--reextract", type=int, default=0, help="only time reextract over N synthetic versions"
    )
    args = parser.parse_args()
    from archiver import logs

    logs.configure(level="warning", fmt="json")
    if args.reextract:
        print(json.dumps(_reextract_synthetic(args.reextract), indent=2))
        return
    world = World(args.sites)
    world.site.start()
    capturer = PlaywrightCapturer(concurrency=args.workers, restart_after=400, allow_private=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp) / "archive")
        deps = Deps(
            store=store,
            capturer=capturer,
            index=SqliteIndex(Path(tmp) / "index.sqlite"),
            now=_utc_now,
            sleep=time.sleep,
        )
        sites = [
            Site(
                id=f"inst-{i:03d}",
                name=f"测试银行{i}",
                url=world.site.url(f"/s{i}.html"),
                confirm_delay=args.confirm_delay,
            )
            for i in range(args.sites)
        ]
        for number in range(args.passes):
            changed: set[int] = set()
            collapsed: set[int] = set()
            if number:
                changed, collapsed = world.mutate(0.2, 0.1)
            began = time.perf_counter()
            results = run_pass(sites, deps, args.workers)
            elapsed = time.perf_counter() - began
            rows.append(_pass_row(number, results, changed, collapsed, elapsed))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
        reextract = _reextract(store, sites)
    capturer.close()
    world.site.stop()
    summary = _summary(args, rows, reextract)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _utc_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _pass_row(
    number: int, results: list[Any], changed: set[int], collapsed: set[int], elapsed: float
) -> dict[str, Any]:
    real = {f"inst-{i:03d}" for i in changed | collapsed}
    written = [r for r in results if r.outcome.value in ("new", "changed")]
    noise_written = [r for r in written if r.site_id not in real] if number else []
    unchanged = [r for r in results if r.outcome.value == "unchanged"]
    return {
        "pass": number,
        "checks": len(results),
        "real_changes": len(real),
        "versions_written": len(written),
        "versions_on_noise_only_sites": len(noise_written),
        "failed": sum(r.outcome.value == "failed" for r in results),
        "bytes_unchanged_check_median": statistics.median(
            [r.bytes_written for r in unchanged] or [0]
        ),
        "bytes_changed_check_median": statistics.median([r.bytes_written for r in written] or [0]),
        "bytes_written": sum(r.bytes_written for r in results),
        "pass_s": round(elapsed, 1),
    }


def _reextract_synthetic(count: int) -> dict[str, Any]:
    """`reextract` over `count` versions of 10 sites whose pages carry furniture, noise and a
    40-row list (written without a browser, as the pipeline writes them)."""
    from datetime import UTC, datetime, timedelta

    from archiver import archive, versioning
    from archiver.archive import Blob
    from archiver.models import Capture, RenderedPage
    from archiver.partners import AliasTable
    from archiver.reextract import reextract_site

    world = World(10)
    names = [f"测试{chr(0x4E00 + k)}{chr(0x4E80 + k)}科技有限公司" for k in range(60)]
    at = datetime(2025, 10, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp) / "archive")
        sites = [
            Site(id=f"s{i}", name=f"银行{i}", url=f"https://b{i}.cn/l.html") for i in range(10)
        ]
        from archiver.extract import disclosure

        for n in range(count):
            i = n % 10
            world.lists[i] = world.random.sample(names, 40)
            html = world._page(i).body.decode()
            page = RenderedPage(url=sites[i].url, html=html, text="", title="公告")
            capture = Capture(
                site_id=sites[i].id,
                requested_url=sites[i].url,
                final_url=sites[i].url,
                status=200,
                fetched_at=at,
                browser_version="bench",
                pages=(page,),
            )
            content = disclosure(capture, aliases=AliasTable())
            draft = versioning.Draft(
                site_id=sites[i].id,
                captured_at=at + timedelta(minutes=n),
                requested_url=sites[i].url,
                final_url=sites[i].url,
                text=content.text,
                content_digest=content.digest,
                partners=content.partners,
                list_status=content.list_status,
                blobs=(Blob("dom", html.encode(), "text/html; charset=utf-8", sites[i].url),),
            )
            head = archive.head(store, sites[i].id)
            versioning.write(store, draft, previous=head, aliases=AliasTable())
        began = time.perf_counter()
        versions = skipped = 0
        for site in sites:
            report = reextract_site(store, site, aliases=AliasTable(), now=_utc_now)
            versions += report.versions
            skipped += len(report.skipped)
        elapsed = time.perf_counter() - began
    return {
        "versions": versions,
        "skipped": skipped,
        "rows_per_version": 40,
        "seconds": round(elapsed, 2),
        "seconds_per_1000_versions": round(elapsed / max(versions, 1) * 1000, 1),
    }


def _reextract(store: LocalStore, sites: list[Site]) -> dict[str, Any]:
    try:
        from archiver.partners import AliasTable
        from archiver.reextract import reextract_site
    except ImportError:
        return {}
    began = time.perf_counter()
    versions = skipped = 0
    for site in sites:
        report = reextract_site(store, site, aliases=AliasTable(), now=_utc_now, dry_run=True)
        versions += report.versions
        skipped += len(report.skipped)
    elapsed = time.perf_counter() - began
    return {
        "versions": versions,
        "skipped": skipped,
        "seconds": round(elapsed, 2),
        "seconds_per_1000_versions": round(elapsed / max(versions, 1) * 1000, 1),
    }


def _summary(args: Any, rows: list[dict[str, Any]], reextract: dict[str, Any]) -> dict[str, Any]:
    later = rows[1:]
    return {
        "label": args.label,
        "sites": args.sites,
        "passes": args.passes,
        "confirm_delay_s": args.confirm_delay,
        "workers": args.workers,
        "versions_on_noise_only_sites": sum(r["versions_on_noise_only_sites"] for r in later),
        "noise_only_checks": sum(r["checks"] - r["real_changes"] for r in later),
        "real_changes": sum(r["real_changes"] for r in later),
        "bytes_per_unchanged_check": statistics.median(
            [r["bytes_unchanged_check_median"] for r in later] or [0]
        ),
        "bytes_per_changed_check": statistics.median(
            [r["bytes_changed_check_median"] for r in later] or [0]
        ),
        "bytes_written_after_first_pass": sum(r["bytes_written"] for r in later),
        "pass_s_median": statistics.median([r["pass_s"] for r in later] or [0]),
        "reextract": reextract,
        "passes_detail": rows,
    }


if __name__ == "__main__":
    main()
