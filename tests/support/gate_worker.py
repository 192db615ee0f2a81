"""A worker process for the cluster-gate tests: its own RedisHostGate on a shared Redis.

    python -m tests.support.gate_worker fetch REDIS_URL --delay 0.3 URL [URL ...]
    python -m tests.support.gate_worker hold REDIS_URL --ttl 0.6 --hold 2 URL
    python -m tests.support.gate_worker check REDIS_URL --state DIR --delay 0.3 URL [URL ...]

Each prints "ready" once its gate is configured and waits for a line on stdin before it
starts, so the test can start several workers and let them go at the same moment.

- fetch: every URL in turn, through `GatedCapturer` over a plain HTTP capturer (no browser),
  each URL configured with `--delay` as its site's own politeness.
- hold: take the URL's slot, print "holding", keep it for `--hold` seconds (or for ever,
  until killed), then print "released <monotonic seconds>" just before giving it back.
- check: a `Runner` with a real Chromium and `cluster_gate` checks a site per URL, `--rounds`
  times; prints one "<site> <outcome> <status>" line per check.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import redis
import structlog

from archiver.cluster.gate import cluster_gate
from archiver.cluster.redis_gate import RedisHostGate
from archiver.discovery.politeness import GatedCapturer
from archiver.discovery.settings import DiscoverySettings
from archiver.models import Capture, HttpResponse, Politeness
from archiver.ports import CaptureRequest


class HttpSession:
    """One plain GET, as a capture session."""

    def __init__(self, request: CaptureRequest) -> None:
        self.request = request

    def snapshot(self) -> Capture:
        status, headers, body = _get(self.request.url)
        return Capture(
            site_id=self.request.site_id,
            requested_url=self.request.url,
            final_url=self.request.url,
            status=status,
            fetched_at=datetime.now(UTC),
            browser_version="urllib",
            main_response=HttpResponse(
                url=self.request.url,
                status=status,
                media_type="text/html",
                headers=tuple((k.lower(), v) for k, v in headers.items()),
                body=body,
            ),
        )

    def screenshot(self) -> bytes | None:
        return None

    def complete(self, capture: Capture) -> Capture:
        return capture


class HttpCapturer:
    """A `ports.Capturer` that fetches with urllib: the gate, not the browser, is under test."""

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[HttpSession]:
        yield HttpSession(request)

    def close(self) -> None:
        """Nothing to release."""


def _get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _ready() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def fetch(client: redis.Redis, args: argparse.Namespace) -> None:
    gate = RedisHostGate(client, default=Politeness(delay_s=0.0, block_after=5))
    for url in args.urls:
        gate.configure(url, Politeness(delay_s=args.delay, block_after=5))
    capturer = GatedCapturer(HttpCapturer(), gate)
    _ready()
    for _ in range(args.rounds):
        for url in args.urls:
            with capturer.open(CaptureRequest(site_id="s", url=url)) as session:
                capture = session.snapshot()
            print(f"fetched {url} {capture.status}", flush=True)


def hold(client: redis.Redis, args: argparse.Namespace) -> None:
    gate = RedisHostGate(client, lock_ttl_s=args.ttl)
    _ready()
    with gate.slot(args.urls[0]):
        print("holding", flush=True)
        if args.hold < 0:
            while True:
                time.sleep(3600)
        time.sleep(args.hold)
        print(f"released {time.monotonic()}", flush=True)


def check(client: redis.Redis, args: argparse.Namespace) -> None:
    from archiver.adapters.browser import PlaywrightCapturer
    from archiver.adapters.local_store import LocalStore
    from archiver.adapters.sqlite_index import SqliteIndex
    from archiver.config import Site
    from archiver.pipeline import Deps
    from archiver.runner import Runner

    state = Path(args.state)
    browser = PlaywrightCapturer(allow_private=True, concurrency=2)
    deps = Deps(
        store=LocalStore(state / "archive"),
        capturer=browser,
        index=SqliteIndex(state / "index.sqlite"),
        now=lambda: datetime.now(UTC),
        screenshots=False,
    )
    sites = [Site(id=f"site-{n}", name=f"机构{n}", url=url) for n, url in enumerate(args.urls, 1)]
    settings = DiscoverySettings.model_validate({"delay": args.delay})
    runner = Runner(deps, sites=sites, gate=cluster_gate(client, settings, sites, deps))
    _ready()
    try:
        for _ in range(args.rounds):
            for site in sites:
                result = runner.check(site)
                print(f"{site.id} {result.outcome.value} {result.status}", flush=True)
    finally:
        browser.close()
        deps.index.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["fetch", "hold", "check"])
    parser.add_argument("redis_url")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--ttl", type=float, default=30.0)
    parser.add_argument("--hold", type=float, default=-1)
    parser.add_argument("--state", default="")
    args = parser.parse_args()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))  # stdout: ours
    client = redis.Redis.from_url(args.redis_url)
    {"fetch": fetch, "hold": hold, "check": check}[args.mode](client, args)


if __name__ == "__main__":
    main()
