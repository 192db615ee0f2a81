"""The cluster's Redis: its URL with the password from the environment, and a client that
rides out a broker restart. Edge: the only place that turns settings into a connection."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from archiver.cluster.settings import PASSWORD_VARIABLE, QueueSettings

RETRIES = 20  # about a minute of reconnecting with the backoff below: a broker restart
SOCKET_TIMEOUT_S = 10.0


def broker_url(queue: QueueSettings, environ: Mapping[str, str]) -> str:
    """The broker URL with the password of ARCHIVER_QUEUE_PASSWORD put in (when it is set).

    >>> broker_url(QueueSettings(broker="redis://h:6380/1"), {"ARCHIVER_QUEUE_PASSWORD": "p@s"})
    'redis://:p%40s@h:6380/1'
    >>> broker_url(QueueSettings(broker="redis://u@h/0"), {"ARCHIVER_QUEUE_PASSWORD": "x"})
    'redis://u:x@h/0'
    """
    password = environ.get(PASSWORD_VARIABLE)
    if not password:
        return queue.broker
    parts = urlsplit(queue.broker)
    user = quote(parts.username or "", safe="")
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def shown(url: str) -> str:
    """A broker URL fit for logs and messages: the password replaced by ***.

    >>> shown("redis://:secret@h:6379/0")
    'redis://:***@h:6379/0'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, ""))


def client(url: str) -> redis.Redis:
    """A Redis client for leases and the leader lock: commands are retried with backoff
    through a broker restart instead of failing at the first refused connection."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_S,
        socket_connect_timeout=SOCKET_TIMEOUT_S,
        retry=Retry(ExponentialBackoff(cap=5.0, base=0.2), RETRIES),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        health_check_interval=30,
        decode_responses=True,
    )
