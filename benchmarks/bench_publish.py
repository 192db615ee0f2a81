"""Publishing figures: full and incremental publish time and bytes, search latency in Chromium.

    .venv/bin/python -m benchmarks.bench_publish                       # 120 x 50, local store
    .venv/bin/python -m benchmarks.bench_publish --store s3            # against moto's S3 server
    .venv/bin/python -m benchmarks.bench_publish --sites 20 --versions 10 --no-browser

The archive is synthetic but shaped like the real one (DOMAIN.md §5): list sizes from 2 to
83, a heavy head of partners most institutions share, one change per version (a partner
added or dropped, a category changed, or only the as-of date). Screenshots are small solid
PNGs, so archived-file bytes are reported apart from page bytes: add ~300 KB per version for
real full-page screenshots.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from archiver import archive
from archiver.adapters.local_store import LocalStore
from archiver.adapters.memory_store import MemoryStore
from archiver.config import InstitutionType, Site
from archiver.models import Category, Partner
from archiver.ports import ObjectStore
from archiver.publish.publisher import Publisher
from archiver.publish.serve import make_server
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder, png
from tests.support.builders import partner

HEAD = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "重庆度小满小额贷款有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "上海耳序信息技术有限公司",
    "重庆两心金诚科技有限公司",
    "重庆金程信息科技有限公司",
    "上海哈啰普惠科技有限公司",
    "京东科技控股股份有限公司",
    "浙江网商银行股份有限公司",
    "深圳前海微众银行股份有限公司",
    "上海世渺信息技术服务有限公司",
    "优赛恒创科技发展（北京）有限公司",
    "明珠数字科技股份有限公司",
    "维信荟智金融科技（上海）有限公司",
    "北京微财科技有限公司",
    "桔子数字科技有限公司",
    "深圳市凯旋融资担保有限公司",
    "中国平安财产保险股份有限公司",
    "陕西昊悦融资担保有限公司",
)
CITIES = "北京上海深圳杭州重庆成都南京武汉西安天津长沙郑州济南青岛厦门福州合肥南昌昆明贵阳"
WORDS = "信达恒泰融通普惠数科智联汇金鑫源安盈宏远嘉禾瑞丰华创启明星辰云帆"
KINDS = ("信息技术", "网络科技", "融资担保", "数字科技", "小额贷款", "科技服务")
CATEGORIES = (
    (Category.PLATFORM, "平台运营机构"),
    (Category.CREDIT_ENHANCEMENT, "增信服务机构"),
    (Category.CO_FUNDING, "共同出资"),
)
SIZES = (2, 5, 10, 23, 35, 52, 83)
BOILERPLATE = "首页 关于我们 信息披露 消费者权益保护 联系我们 " * 30


def pool(rng: random.Random, size: int) -> list[str]:
    """Partner names: the real heavy head, then invented tail names."""
    names = list(HEAD)
    seen = set(names)
    while len(names) < size:
        name = (
            rng.choice(CITIES[::2])
            + rng.choice(CITIES[1::2])
            + rng.choice(WORDS)
            + rng.choice(WORDS)
            + rng.choice(KINDS)
            + "有限公司"
        )
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def make_partner(rng: random.Random, name: str) -> Partner:
    category, raw = rng.choice(CATEGORIES)
    return partner(name, category=category, category_raw=raw)


def build(store: ObjectStore, sites: int, versions: int, seed: int = 7) -> list[Site]:
    """sites x versions versions of plausible lists."""
    rng = random.Random(seed)
    names = pool(rng, 600)
    builder = ArchiveBuilder(
        store, start=datetime(2024, 7, 1, tzinfo=UTC), step=timedelta(hours=1)
    )
    configured = []
    for number in range(sites):
        site_id = f"inst-{number:03d}"
        configured.append(
            Site(
                id=site_id,
                name=f"测试机构{number:03d}",
                url=f"https://www.example.cn/{site_id}/",
                type=rng.choice(list(InstitutionType)),
            )
        )
        size = rng.choice(SIZES)
        chosen = rng.sample(names[:20], min(size, rng.randint(1, 12)))
        chosen += rng.sample(names[20:], size - len(chosen))
        current = [make_partner(rng, name) for name in chosen]
        for version in range(versions):
            if version:
                current = mutate(rng, current, names)
            builder.version(
                site_id,
                tuple(current),
                title="互联网贷款合作机构名单" if number % 4 else "公告",
                text=None,
                as_of=f"2025年{1 + version % 12}月{1 + version % 28}日",
                screenshot=png(64, 48, (number % 256, version % 256, 90)),
            )
    return configured


def mutate(rng: random.Random, current: list[Partner], names: list[str]) -> list[Partner]:
    """One change: add, drop, re-categorise, or nothing but the as-of date."""
    roll = rng.random()
    listed = {p.name for p in current}
    if roll < 0.35:
        candidates = [n for n in names if n not in listed]
        return [*current, make_partner(rng, rng.choice(candidates))]
    if roll < 0.6 and len(current) > 1:
        drop = rng.randrange(len(current))
        return current[:drop] + current[drop + 1 :]
    if roll < 0.8:
        index = rng.randrange(len(current))
        category, raw = rng.choice(CATEGORIES)
        changed = partner(current[index].raw, category=category, category_raw=raw)
        return [*current[:index], changed, *current[index + 1 :]]
    return current


@contextmanager
def open_store(kind: str) -> Iterator[ObjectStore]:
    if kind == "local":
        root = Path(tempfile.mkdtemp(prefix="bench-publish-"))
        try:
            yield LocalStore(root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    elif kind == "memory":
        yield MemoryStore()
    else:
        import boto3
        from moto.server import ThreadedMotoServer

        from archiver.adapters.s3_store import S3Store

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        creds = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **creds).create_bucket(
            Bucket="bench-archive"
        )
        try:
            yield S3Store(
                bucket="bench-archive",
                prefix="cn/",
                endpoint_url=endpoint,
                access_key_id="bench",
                secret_access_key="bench",  # noqa: S106 - moto's throwaway credentials
            )
        finally:
            server.stop()


def timed(call: Any) -> dict[str, Any]:
    """Run a publish; its report with wall and CPU seconds (the box is shared and noisy)."""
    cpu = time.process_time()
    report = call()
    row = report_row(report)
    row["cpu_seconds"] = round(time.process_time() - cpu, 3)
    return row


def report_row(report: Any) -> dict[str, Any]:
    return {
        "seconds": round(report.duration_s, 3),
        "objects_written": report.written,
        "page_bytes": report.bytes_written,
        "raw_files_copied": report.raw_copied,
        "raw_bytes": report.raw_bytes,
        "rendered": report.rendered,
        "unchanged": report.unchanged,
    }


def publishing(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"sites": args.sites, "versions": args.versions, "store": args.store}
    with open_store(args.store) as store:
        began = time.perf_counter()
        if isinstance(store, LocalStore):
            # the archive is built in memory and laid out as files: the same bytes under the
            # same keys, without a few tens of thousands of fsyncs before the measurement
            staging = MemoryStore()
            sites = build(staging, args.sites, args.versions)
            for key, (data, _) in staging.objects.items():
                path = store.root / key
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        else:
            sites = build(store, args.sites, args.versions)
        results["build_archive_s"] = round(time.perf_counter() - began, 1)
        publisher = Publisher(store, PublishSettings(), sites=sites)
        results["full"] = timed(publisher.publish_all)
        results["full_again"] = timed(publisher.publish_all)
        rng = random.Random(11)
        builder = ArchiveBuilder(store, start=datetime(2026, 1, 1, tzinfo=UTC))
        names = pool(random.Random(7), 600)
        incremental = []
        for _ in range(args.changes):
            site = rng.choice(sites)
            head = archive.head(store, site.id)
            assert head is not None
            current = mutate(rng, list(head.manifest.partners), names)
            if [p.match_key for p in current] == [p.match_key for p in head.manifest.partners]:
                listed = {p.name for p in current}
                extra = next(n for n in names if n not in listed)
                current = [*current, make_partner(rng, extra)]
            builder.version(site.id, tuple(current), screenshot=png(64, 48, (1, 2, 3)))
            incremental.append(timed(lambda site_id=site.id: publisher.publish_site(site_id)))
        results["incremental"] = incremental
        results["incremental_median_s"] = statistics.median(r["seconds"] for r in incremental)
        results["incremental_max_s"] = max(r["seconds"] for r in incremental)
        results["incremental_cpu_median_s"] = statistics.median(
            r["cpu_seconds"] for r in incremental
        )
        results["incremental_objects"] = sorted(r["objects_written"] for r in incremental)
        results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    return results


def search_latency(partners_total: int) -> dict[str, Any]:
    """Per-keystroke search time over an index of `partners_total` partners, in Chromium."""
    from playwright.sync_api import sync_playwright

    from archiver.adapters.browser import find_chromium

    store = MemoryStore()
    builder = ArchiveBuilder(store, start=datetime(2025, 1, 1, tzinfo=UTC))
    per_site = 42
    sites = -(-partners_total // per_site)
    rng = random.Random(3)
    names = pool(rng, partners_total + 50)[20:]
    for site in range(sites):
        chunk = names[site * per_site : (site + 1) * per_site]
        builder.version(f"bank-{site:03d}", tuple(partner(n) for n in chunk))
    began = time.perf_counter()
    Publisher(store, PublishSettings()).publish_all()
    publish_s = time.perf_counter() - began
    index_bytes = len(store.get("public/search.json"))
    queries = ("重庆", "上海金", "深圳信达", "hz", "bjx", "cdhy", "xinda", "融资担保", "恒泰数科")
    in_page: list[float] = []
    round_trip: list[float] = []
    httpd = make_server(store, "public/", port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=find_chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
            page.focus("#search")  # loads search.json
            page.wait_for_load_state("networkidle")
            for query in queries:
                page.fill("#search", "")
                for end in range(1, len(query) + 1):
                    started = time.perf_counter()
                    page.type("#search", query[end - 1])
                    page.wait_for_selector(  # a selector: the page's CSP forbids eval
                        f"html[data-search-query={json.dumps(query[:end], ensure_ascii=False)}]",
                        state="attached",
                    )
                    round_trip.append((time.perf_counter() - started) * 1000)
                    in_page.append(
                        float(page.evaluate("document.documentElement.dataset.searchMs"))
                    )
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    in_page.sort()
    return {
        "partners": len(json.loads(store.get("public/search.json"))["items"]) - sites,
        "search_json_bytes": index_bytes,
        "publish_s": round(publish_s, 1),
        "keystrokes": len(in_page),
        "in_page_ms_median": round(statistics.median(in_page), 2),
        "in_page_ms_p95": round(in_page[int(len(in_page) * 0.95) - 1], 2),
        "in_page_ms_max": round(max(in_page), 2),
        "keystroke_round_trip_ms_median": round(statistics.median(round_trip), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=120)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--store", choices=("local", "s3", "memory"), default="local")
    parser.add_argument("--changes", type=int, default=5, help="incremental publishes to time")
    parser.add_argument("--search-partners", type=int, default=5000)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    results = publishing(args)
    if not args.no_browser:
        results["search"] = search_latency(args.search_partners)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
