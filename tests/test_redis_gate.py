"""Politeness across processes: `RedisHostGate` on a real redis-server.

The worker processes are real (`tests/support/gate_worker.py`), each with its own gate; the
served host records what it saw (`tests/support/served.py`). Assertions are about order and
gaps (no overlap; each gap at least the delay), never about how long anything took.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
import redis
import structlog

from archiver import wording
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.cluster.gate import cluster_gate
from archiver.cluster.redis_gate import RedisHostGate
from archiver.config import Site
from archiver.discovery.politeness import HostBlocked
from archiver.discovery.settings import DiscoverySettings
from archiver.errors import GateUnavailable
from archiver.models import Outcome, PageStatus, Politeness
from archiver.pipeline import Deps
from archiver.runner import Runner
from archiver.testing import LocalSite
from tests.support.capture import FakeCapturer
from tests.support.hostile import list_page
from tests.support.served import Served
from tests.support.services import RedisServer

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
BANK = "http://www.bank.example.cn"
Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]


class FakeTime:
    """A clock whose sleep advances it."""

    def __init__(self) -> None:
        self.t = T0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += timedelta(seconds=seconds)


def worker(reap: Reap, mode: str, server: RedisServer, *args: str) -> subprocess.Popen[str]:
    """A gate worker process, started and configured: it has printed "ready"."""
    process = reap(
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.gate_worker", mode, server.url, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    )
    assert read_line(process) == "ready"
    return process


def read_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line, f"the worker ended early (exit {process.wait()})"
    return line


def go(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()


def finish(process: subprocess.Popen[str]) -> list[str]:
    out, _ = process.communicate(timeout=240)
    assert process.returncode == 0
    return out.splitlines()


@pytest.fixture
def client(redis_server: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(redis_server.url)


# --- in one process: two gates stand for two workers ------------------------------------------


def test_two_gates_on_one_redis_share_politeness_backoff_and_blocks(client: redis.Redis) -> None:
    """What one worker configures, records or learns from robots.txt, another obeys."""
    clock = FakeTime()
    first = RedisHostGate(client, now=clock.now, sleep=clock.sleep)
    second = RedisHostGate(client, now=clock.now, sleep=clock.sleep)
    first.configure(BANK, Politeness(delay_s=9.0, block_after=2, max_backoff_s=60.0))
    second.configure(BANK, Politeness(delay_s=3.0, block_after=4, max_backoff_s=900.0))
    assert second.politeness(BANK) == Politeness(delay_s=9.0, block_after=2, max_backoff_s=60.0)
    with first.slot(BANK):
        pass
    with second.slot(BANK):
        pass
    assert clock.slept == [9.0]  # the stricter site's delay, though `second` was told 3 s
    first.record(BANK, 429, "20")
    with second.slot(BANK):
        pass
    assert clock.slept[-1] == 20.0  # Retry-After, told to the first, honoured by the second
    second.set_min_delay("http://slow.example.cn/", 30.0)  # robots.txt Crawl-delay
    with first.slot("http://slow.example.cn/a"):
        pass
    with first.slot("http://slow.example.cn/b"):
        pass
    assert clock.slept[-1] == 30.0
    first.record(BANK, 503)
    assert "2 times" in second.blocked(BANK)
    with pytest.raises(HostBlocked), second.slot(BANK):
        pass
    assert first.requests(BANK) == second.requests(BANK) == 3


def test_a_retry_after_date_is_read_on_redis_clock(client: redis.Redis) -> None:
    """Without an injected clock, an HTTP-date Retry-After counts from Redis's own time."""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        raise InterruptedError  # one wait is all this test needs to see

    gate = RedisHostGate(client, sleep=sleep)
    seconds, _ = client.time()
    asked = datetime.fromtimestamp(seconds + 120, tz=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    gate.record(BANK, 429, asked)
    assert gate.blocked(BANK) == ""  # 120 s is under the 600 s cap: waited for, not blocked
    with pytest.raises(InterruptedError), gate.slot(BANK):
        pass
    assert 100 < waits[0] <= 120


def test_cluster_gate_configures_every_host_as_run_and_check_do(
    client: redis.Redis, tmp_path: Path
) -> None:
    """`cluster_gate` gives each site's hosts the politeness `Runner` gives them."""
    sites = [
        Site(
            id="bank",
            name="某银行",
            url=f"{BANK}/",
            discover=DiscoverySettings.model_validate(
                {"delay": "7s", "block_after": 2, "hosts": ["m.bank.example.cn"]}
            ),
        ),
        Site(id="bank-list", name="某银行名单", url=f"{BANK}/xxgk/hzjg.html"),
        Site(id="other", name="另一银行", url="http://www.other.example.cn/list.html"),
    ]
    deps = Deps(
        store=MemoryStore(),
        capturer=FakeCapturer(now=FakeTime().now),
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=FakeTime().now,
    )
    gate = cluster_gate(client, DiscoverySettings(), sites, deps)
    local = Runner(deps, sites=sites).gate
    deps.index.close()
    hosts = [BANK, "http://m.bank.example.cn/", "http://www.other.example.cn/"]
    assert [gate.politeness(h) for h in hosts] == [local.politeness(h) for h in hosts]
    assert gate.politeness(BANK).delay_s == 7.0
    other = RedisHostGate(client)  # another worker, told nothing, reads Redis
    assert other.politeness("http://m.bank.example.cn/x").block_after == 2


# --- Redis down --------------------------------------------------------------------------------


def test_a_redis_restart_mid_pass_fails_checks_loudly_then_works_again(
    redis_server: RedisServer, client: redis.Redis, tmp_path: Path
) -> None:
    """While Redis is down, a check fails as `gate_unavailable` (no fetch without the slot),
    with a message naming the gate's Redis; after the restart, checks work again."""
    capturer = FakeCapturer(now=lambda: datetime.now(UTC))
    sites = [Site(id=f"s{n}", name=f"机构{n}", url=f"{BANK}/{n}.html") for n in range(1, 5)]
    for site in sites:
        capturer.page(site.url, list_page())
    steps = {"s1": redis_server.stop, "s3": redis_server.restart}
    deps = Deps(
        store=MemoryStore(),
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=lambda: datetime.now(UTC),
        observers=(AfterCheck(steps),),  # told in the check's own thread, before the next
    )
    settings = DiscoverySettings.model_validate({"delay": 0.01})
    runner = Runner(deps, gate=cluster_gate(client, settings, sites, deps))
    ran = runner.run_pass(sites, workers=1, confirm=False)
    deps.index.close()
    by_site = {r.site_id: r for r in ran.results}
    assert by_site["s1"].outcome is Outcome.NEW
    for down in ("s2", "s3"):
        assert by_site[down].outcome is Outcome.FAILED
        assert by_site[down].status is PageStatus.GATE_UNAVAILABLE
        assert f"127.0.0.1:{redis_server.port}" in by_site[down].error
        assert wording.PAGE_STATUS[by_site[down].status.value]  # the operator's words for it
    assert by_site["s4"].outcome is Outcome.NEW
    assert [r.url for r in capturer.requests] == [sites[0].url, sites[3].url]


class AfterCheck:
    """An observer that runs a step after a site's check (stop or restart Redis)."""

    def __init__(self, steps: dict[str, Callable[[], None]]) -> None:
        self.steps = steps

    def on_version(self, site: Site, version: object, previous: object) -> None:
        """Nothing to do."""

    def on_check(self, site: Site, result: object) -> None:
        step = self.steps.get(site.id)
        if step is not None:
            step()


def test_redis_lost_inside_a_slot_fails_the_capture(
    redis_server: RedisServer, client: redis.Redis
) -> None:
    """A slot that cannot be given back is a capture error, not a silent success; a slot
    cannot be taken without Redis; a site's politeness configured meanwhile is kept by the
    process (and said in the log), and everything works once Redis is back."""
    gate = RedisHostGate(client, default=Politeness(delay_s=0.0), lock_ttl_s=1.0)
    with pytest.raises(GateUnavailable, match="give the slot back"), gate.slot(BANK):
        redis_server.kill()
    with pytest.raises(GateUnavailable, match="take the slot"), gate.slot(BANK):
        pass
    for step in (
        lambda: gate.record(BANK, 429, "Wed, 01 Oct 2025 00:01:00 GMT"),  # reads Redis's clock
        lambda: gate.record(BANK, 200),
        lambda: gate.blocked(BANK),
        lambda: gate.requests(BANK),
        lambda: gate.politeness(BANK),
    ):
        with pytest.raises(GateUnavailable, match=f"127.0.0.1:{redis_server.port}"):
            step()
    with structlog.testing.capture_logs() as logs:
        gate.configure(BANK, Politeness(delay_s=5.0))
        gate.set_min_delay(BANK, 1.0)
    assert [e["event"] for e in logs] == ["gate_configure_failed", "gate_min_delay_failed"]
    redis_server.restart()
    with gate.slot(BANK):  # the lost slot's lock, if the AOF kept it, expires after its TTL
        pass
    assert gate.politeness(BANK).delay_s == 5.0
    assert RedisHostGate(client).politeness(BANK) == Politeness()  # never reached Redis


# --- across processes --------------------------------------------------------------------------


@pytest.mark.slow
def test_two_processes_never_overlap_and_keep_the_stricter_sites_delay(
    redis_server: RedisServer, local_site: LocalSite, reap: Reap
) -> None:
    """Two workers, two sites on one host: one request at a time, each gap at least the
    stricter site's delay, which the second worker only knows from Redis."""
    seen = Served()
    local_site.dynamic("/a.html", seen.route("<p>甲</p>", hold_s=0.1))
    local_site.dynamic("/b.html", seen.route("<p>乙</p>", hold_s=0.1))
    strict = worker(
        reap, "fetch", redis_server, local_site.url("/a.html"), "--delay", "0.3", "--rounds", "4"
    )
    brisk = worker(
        reap, "fetch", redis_server, local_site.url("/b.html"), "--delay", "0.05", "--rounds", "4"
    )
    go(strict, brisk)
    assert len(finish(strict)) == len(finish(brisk)) == 4
    assert len(seen.requests) == 8
    assert {r.path for r in seen.requests} == {"/a.html", "/b.html"}
    assert seen.overlapping() == []
    assert seen.most_at_once == 1
    assert min(seen.gaps()) >= 0.3


@pytest.mark.slow
def test_a_slow_capture_keeps_the_host_past_the_lock_ttl(
    redis_server: RedisServer, client: redis.Redis, reap: Reap
) -> None:
    """The holder renews its lock: nobody else gets the host before it gives it back, though
    it holds the slot for several TTLs."""
    holder = worker(reap, "hold", redis_server, BANK, "--ttl", "0.6", "--hold", "2.5")
    go(holder)
    assert read_line(holder) == "holding"
    gate = RedisHostGate(client, default=Politeness(delay_s=0.0))
    with gate.slot(BANK):
        got_at = time.monotonic()
    released = finish(holder)
    assert released[0].startswith("released ")
    assert got_at > float(released[0].split()[1])


@pytest.mark.slow
def test_a_forked_worker_renews_its_own_slots(client: redis.Redis) -> None:
    """A gate used before a fork (Celery's prefork pool) still renews in the child: the
    keeper thread of the parent does not exist there."""
    gate = RedisHostGate(client, default=Politeness(delay_s=0.0), lock_ttl_s=0.6)
    with gate.slot("http://elsewhere.example.cn/"):  # the parent's keeper thread starts
        pass
    receiving, sending = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_hold_in_child, args=(gate, sending, 2.5)
    )
    child.start()
    try:
        assert receiving.recv() == "holding"
        with RedisHostGate(client, default=Politeness(delay_s=0.0)).slot(BANK):
            got_at = time.monotonic()
        assert got_at > receiving.recv()
    finally:
        child.join()
    assert child.exitcode == 0


def _hold_in_child(gate: RedisHostGate, sending: Connection, hold_s: float) -> None:
    with gate.slot(BANK):
        sending.send("holding")
        time.sleep(hold_s)
        sending.send(time.monotonic())


@pytest.mark.slow
def test_a_holder_killed_with_minus_9_frees_the_host_after_the_ttl(
    redis_server: RedisServer, client: redis.Redis, reap: Reap
) -> None:
    """A worker killed inside its slot leaves the lock; its TTL, nobody else, frees the host."""
    holder = worker(reap, "hold", redis_server, BANK, "--ttl", "1.0")
    go(holder)
    assert read_line(holder) == "holding"
    gate = RedisHostGate(client, default=Politeness(delay_s=0.0))
    lock = gate.keys(BANK)[0]
    assert f":{holder.pid}:" in client.get(lock).decode()  # type: ignore[union-attr]
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with gate.slot(BANK):
        assert f":{os.getpid()}:" in client.get(lock).decode()  # type: ignore[union-attr]
    assert client.get(lock) is None


@pytest.mark.slow
def test_retry_after_told_to_one_process_is_honoured_by_another(
    redis_server: RedisServer, local_site: LocalSite, reap: Reap
) -> None:
    """The first worker is answered 429 with Retry-After: 2; the second worker's request
    comes at least two seconds after that answer."""
    seen = Served()

    def answers(n: int) -> tuple[int, tuple[tuple[str, str], ...]]:
        return (429, (("Retry-After", "2"),)) if n == 0 else (200, ())

    local_site.dynamic("/list.html", seen.route("<p>名单</p>", answers=answers))
    first = worker(reap, "fetch", redis_server, local_site.url("/list.html"))
    second = worker(reap, "fetch", redis_server, local_site.url("/list.html"))
    go(first)
    assert finish(first) == [f"fetched {local_site.url('/list.html')} 429"]
    go(second)
    assert finish(second) == [f"fetched {local_site.url('/list.html')} 200"]
    refused, served = seen.in_order()
    assert (refused.status, served.status) == (429, 200)
    assert served.start - refused.end >= 2.0
