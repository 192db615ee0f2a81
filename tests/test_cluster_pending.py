"""The scheduler queues a site once while its task waits (a real redis-server as the broker)."""

from __future__ import annotations

import time

import pytest
import redis
import structlog
from celery import Celery

from archiver.cluster import pending
from archiver.cluster.broker import client
from archiver.cluster.celery_app import QUEUE  # a Redis list on the broker
from archiver.cluster.scheduler import enqueuer
from archiver.config import Site
from tests.support.services import RedisServer

pytestmark = pytest.mark.redis
SITE = Site.model_validate({"id": "bank", "name": "某银行", "url": "https://bank.example.cn/"})


@pytest.fixture
def redis_client(redis_server: RedisServer) -> redis.Redis:
    return client(redis_server.url)


@pytest.fixture
def celery(redis_server: RedisServer) -> Celery:
    app = Celery("archiver", broker=redis_server.url, set_as_current=False)
    app.conf.task_default_queue = QUEUE  # as the cluster's app (celery_app.celery_config)
    return app


def test_a_site_whose_task_still_waits_is_not_queued_again(
    celery: Celery, redis_client: redis.Redis
) -> None:
    enqueue = enqueuer(celery, redis_client, ttl_s=600)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):  # three schedule ticks while no worker takes the task
            enqueue(SITE)
    assert redis_client.llen(QUEUE) == 1
    assert [e["event"] for e in logs] == [
        "check_enqueued",
        "check_still_queued",
        "check_still_queued",
    ]
    assert logs[1]["site"] == "bank" and logs[1]["log_level"] == "warning"


def test_once_a_worker_takes_the_task_the_site_is_queued_again(
    celery: Celery, redis_client: redis.Redis
) -> None:
    enqueue = enqueuer(celery, redis_client, ttl_s=600)
    enqueue(SITE)
    pending.unmark(redis_client, SITE.id)  # what a worker does when it takes the task
    enqueue(SITE)
    assert redis_client.llen(QUEUE) == 2


def test_a_lost_task_holds_the_site_up_only_until_the_mark_expires(
    celery: Celery, redis_client: redis.Redis
) -> None:
    enqueue = enqueuer(celery, redis_client, ttl_s=0.3)
    enqueue(SITE)
    redis_client.delete(QUEUE)  # the task is lost with the broker's data
    time.sleep(0.5)
    enqueue(SITE)
    assert redis_client.llen(QUEUE) == 1


def test_a_failed_send_leaves_no_mark(redis_client: redis.Redis) -> None:
    unreachable = Celery("archiver", broker="redis://127.0.0.1:9/0", set_as_current=False)
    unreachable.conf.broker_connection_retry = False
    unreachable.conf.broker_connection_max_retries = 0
    enqueue = enqueuer(unreachable, redis_client, ttl_s=600)
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever kombu raises for a dead broker
        enqueue(SITE)
    assert not redis_client.exists(pending.PREFIX + SITE.id)
