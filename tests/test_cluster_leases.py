"""Leases and the scheduler's leadership on a real redis-server: one holder at a time,
renewal while it works, release only by the owner, takeover after a holder dies."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from archiver.cluster.broker import client
from archiver.cluster.leader import Leader
from archiver.cluster.lease import Lease
from tests.support.services import RedisServer

pytestmark = pytest.mark.redis


def wait_until(condition: object, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def redis_client(redis_server: RedisServer) -> redis.Redis:
    return client(redis_server.url)


def test_one_holder_at_a_time_and_release_only_by_the_owner(redis_client: redis.Redis) -> None:
    first = Lease(redis_client, "archiver:lease:site:a", ttl_s=30)
    second = Lease(redis_client, "archiver:lease:site:a", ttl_s=30)
    assert first.acquire()
    assert not second.acquire()
    assert not second.release()  # not its lease: nothing happens
    assert not second.renew()
    assert first.holder() == first.token
    assert 0 < second.remaining_s() <= 30
    assert first.release()
    assert first.holder() is None
    assert second.acquire()


def test_a_dead_holders_lease_expires_and_can_be_taken(redis_client: redis.Redis) -> None:
    dead = Lease(redis_client, "archiver:lease:site:b", ttl_s=0.3)
    assert dead.acquire()  # and never renews: its process was killed
    taker = Lease(redis_client, "archiver:lease:site:b", ttl_s=30)
    assert not taker.acquire()
    assert wait_until(taker.acquire)
    assert not dead.release()  # it came back too late: the new holder keeps the lease
    assert taker.holder() == taker.token


def test_a_held_lease_is_renewed_for_as_long_as_the_work_runs(redis_client: redis.Redis) -> None:
    lease = Lease(redis_client, "archiver:lease:site:c", ttl_s=0.3)
    other = Lease(redis_client, "archiver:lease:site:c", ttl_s=0.3)
    with lease.held() as got:
        assert got
        for _ in range(10):  # ten times its time to live
            time.sleep(0.1)
            assert not other.acquire()
    assert lease.holder() is None  # released on the way out
    with lease.held() as got, other.held() as other_got:
        assert got
        assert not other_got


def test_leases_ride_out_a_broker_restart(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    lease = Lease(redis_client, "archiver:lease:site:d", ttl_s=60)
    assert lease.acquire()
    redis_server.restart()  # appendonly: the lease is still there afterwards
    assert lease.renew()
    assert not Lease(redis_client, "archiver:lease:site:d", ttl_s=60).acquire()


def test_a_living_leader_keeps_its_lease_and_a_dead_one_loses_it(
    redis_client: redis.Redis,
) -> None:
    leader = Leader(redis_client, name="one", ttl_s=0.6)
    standby = Leader(redis_client, name="two", ttl_s=0.6)
    assert leader.campaign(lambda s: False)
    stop = threading.Event()
    held: list[bool] = []
    holding = threading.Thread(target=lambda: held.append(leader.hold(stop.wait)))
    holding.start()
    try:
        time.sleep(2.0)  # several times the lease's life: renewed, so still the leader's
        assert not standby.lease.acquire()
    finally:
        stop.set()
        holding.join()
    assert held == [True]  # it held until told to stop
    # the leader now dies without resigning: nobody renews, and the standby is elected
    started = time.monotonic()
    assert standby.campaign(lambda s: time.sleep(s) or time.monotonic() - started > 10)
    assert standby.lease.holder() == standby.lease.token


def test_a_deposed_leader_notices(redis_client: redis.Redis) -> None:
    leader = Leader(redis_client, name="one", ttl_s=0.6)
    assert leader.campaign(lambda s: False)
    redis_client.delete("archiver:scheduler:leader")  # e.g. its lease expired while paused
    assert Leader(redis_client, name="two", ttl_s=30).campaign(lambda s: False)
    assert leader.hold(lambda s: time.sleep(s) or False) is False


def test_resigning_hands_over_at_once(redis_client: redis.Redis) -> None:
    leader = Leader(redis_client, name="one", ttl_s=30)
    assert leader.campaign(lambda s: False)
    leader.resign()
    assert Leader(redis_client, name="two", ttl_s=30).campaign(lambda s: True)
