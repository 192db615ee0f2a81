"""Every gate keeps the same promises: `HostGate` in one process, `RedisHostGate` over a real
redis-server. The clock is fake (the gate's waits are observed as requested sleeps), so each
step of spacing, backoff and blocking is checked exactly, on both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from archiver.cluster.redis_gate import RedisHostGate
from archiver.discovery.politeness import HostBlocked, HostGate
from archiver.models import Politeness
from archiver.ports import Gate
from tests.support.services import RedisServer

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
BANK = "http://www.bank.example.cn"


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


MakeGate = Callable[..., Gate]


@pytest.fixture(params=["host", pytest.param("redis", marks=pytest.mark.redis)])
def make_gate(request: pytest.FixtureRequest) -> Iterator[MakeGate]:
    """make_gate(clock, delay_s=, block_after=, max_backoff_s=) -> a gate of each kind."""
    if request.param == "host":
        yield lambda clock, **limits: HostGate(now=clock.now, sleep=clock.sleep, **limits)
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    client = redis.Redis.from_url(server.url)

    def make(clock: FakeTime, **limits: float) -> Gate:
        default = Politeness(
            delay_s=limits.get("delay_s", 2.0),
            block_after=int(limits.get("block_after", 3)),
            max_backoff_s=limits.get("max_backoff_s", 600.0),
        )
        return RedisHostGate(client, now=clock.now, sleep=clock.sleep, default=default)

    yield make
    client.close()


def test_gate_spaces_requests_per_host(make_gate: MakeGate) -> None:
    """Two requests to one host are `delay` apart; another host does not wait."""
    clock = FakeTime()
    gate = make_gate(clock, delay_s=2.0)
    with gate.slot("http://a.cn/1"):
        pass
    with gate.slot("http://b.cn/1"):
        pass
    with gate.slot("http://a.cn/2"):
        pass
    assert clock.slept == [2.0]
    assert gate.requests("http://a.cn/x") == 2


def test_gate_backs_off_and_then_blocks(make_gate: MakeGate) -> None:
    """429/503 push the next request back (Retry-After first) and block after N in a row."""
    clock = FakeTime()
    gate = make_gate(clock, delay_s=1.0, block_after=3)
    gate.record("http://a.cn/", 429, "30")
    with gate.slot("http://a.cn/"):
        pass
    assert clock.slept == [30.0]
    gate.record("http://a.cn/", 503)
    with gate.slot("http://a.cn/"):
        pass
    assert clock.slept[-1] == 4.0  # 1s * 2**2
    gate.record("http://a.cn/", 503)
    assert "3 times" in gate.blocked("http://a.cn/")
    with pytest.raises(HostBlocked), gate.slot("http://a.cn/"):
        pass
    gate.record("http://b.cn/", 429, "86400")  # asks for a day: blocked, not waited for
    assert "Retry-After" in gate.blocked("http://b.cn/")


def test_gate_success_resets_strikes(make_gate: MakeGate) -> None:
    """A good answer between two refusals starts the count again."""
    clock = FakeTime()
    gate = make_gate(clock, delay_s=1.0, block_after=2)
    gate.record("http://a.cn/", 429)
    gate.record("http://a.cn/", 200)
    gate.record("http://a.cn/", 429)
    assert gate.blocked("http://a.cn/") == ""


def test_a_configured_host_backs_off_and_blocks_by_its_own_limits(make_gate: MakeGate) -> None:
    """block_after and max_backoff of the host's site, not the gate's defaults."""
    clock = FakeTime()
    gate = make_gate(clock, delay_s=2.0)  # defaults: 3 strikes
    gate.configure(BANK, Politeness(delay_s=4.0, block_after=2, max_backoff_s=60.0))
    gate.record(BANK, 503)
    with gate.slot(BANK):
        pass
    assert clock.slept == [8.0]  # 4 s * 2**1, the host's delay, not 2 s * 2**1
    gate.record(BANK, 503)
    assert "2 times" in gate.blocked(BANK)
    gate.record("http://elsewhere.example.cn/", 429, "120")  # under the default 600 s cap
    assert gate.blocked("http://elsewhere.example.cn/") == ""
    gate.configure("http://strict.example.cn/", Politeness(max_backoff_s=60.0))
    gate.record("http://strict.example.cn/", 429, "120")
    assert "Retry-After 120s" in gate.blocked("http://strict.example.cn/")
