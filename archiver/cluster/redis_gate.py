"""`RedisHostGate`: the per-host gate of `discovery.politeness.HostGate`, held in Redis, so
every worker process on every machine of a cluster obeys it together.

    gate = RedisHostGate(redis.Redis.from_url(url), default=Politeness(delay_s=2))
    gate.configure(site.url, Politeness(delay_s=10))      # stored in Redis for every worker
    with gate.slot(site.url):                              # one request per host, cluster-wide
        ...

- The slot is a lock per host: a random token set with a TTL (`lock_ttl_s`), renewed by a
  thread while a slow capture holds it, deleted only by its holder. A worker killed with -9
  inside a slot frees the host when the TTL runs out.
- Spacing, backoff on 429/503 (Retry-After first, capped by max_backoff), strikes and
  block_after, blocking for `block_for_s`, robots Crawl-delay (`set_min_delay`) and each host's
  politeness (`configure`: the strictest of the sites sharing it) live in Redis; every step
  that reads and writes them is one Lua script (`gate_scripts`), so it is atomic.
- Time: Redis's clock (`TIME` inside the scripts) unless a `now` is injected (tests). The next
  allowed time of a host is an absolute instant compared by every machine, and machines'
  clocks differ; Redis's is the one clock they all share. Only durations (sleeps) are local.
- Redis down: every step that must hold (slot, record, blocked, requests) raises
  `GateUnavailable`, a CaptureError, so the check fails loudly rather than fetch without the
  host's slot; `configure` and `set_min_delay` keep the setting in the process as well (the
  scripts use it), so losing them to an outage or a Redis without persistence is harmless.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import redis
import structlog
from redis.commands.core import Script

from archiver.cluster import gate_scripts
from archiver.discovery.politeness import THROTTLED, HostBlocked, retry_after_s
from archiver.discovery.urls import host_of
from archiver.errors import GateUnavailable
from archiver.models import Politeness

log = structlog.get_logger("archiver.cluster.gate")

T = TypeVar("T")
US = 1_000_000
DAY_S = 86400.0


def _us(seconds: float) -> int:
    return round(seconds * US)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisHostGate:
    """A `ports.Gate` shared by every process that uses the same Redis and key prefix."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        default: Politeness | None = None,
        block_for_s: float = 3600.0,
        key_prefix: str = "archiver:gate:",
        lock_ttl_s: float = 30.0,
        poll_s: float = 0.05,
        conf_ttl_s: float = DAY_S,
        state_ttl_s: float = DAY_S,
    ) -> None:
        """`now`: None for Redis's clock (production); a function for tests. `lock_ttl_s`: how
        long a host stays held by a worker that died inside its slot (renewed every third of
        it while the slot is held). `poll_s`: how often a waiter asks whether a busy host is
        free. `conf_ttl_s`: a host's stored politeness lives this long after the last
        `configure` (each check configures its site's hosts), so a relaxed setting takes
        effect once no worker configures the old one. `state_ttl_s`: an idle host's
        spacing, strikes and counters are forgotten after this (blocks last their time)."""
        self.client = client
        self.now = now
        self.sleep = sleep
        self.default = default or Politeness()
        self.block_for_s = block_for_s
        self.key_prefix = key_prefix
        self.lock_ttl_s = lock_ttl_s
        self.poll_s = poll_s
        self.conf_ttl_s = conf_ttl_s
        self.state_ttl_s = state_ttl_s
        self._own: dict[str, Politeness] = {}  # what this process configured, per host
        self._min_delay: dict[str, float] = {}  # robots Crawl-delay this process saw
        self._held: dict[str, tuple[str, str]] = {}  # lock key -> (token, host) being held
        self._keeper_pid = 0  # the process whose keeper thread runs (a fork has none)
        self._lock = threading.Lock()
        self._acquire = client.register_script(gate_scripts.ACQUIRE)
        self._renew = client.register_script(gate_scripts.RENEW)
        self._release = client.register_script(gate_scripts.RELEASE)
        self._record = client.register_script(gate_scripts.RECORD)
        self._blocked = client.register_script(gate_scripts.BLOCKED)
        self._configure = client.register_script(gate_scripts.CONFIGURE)
        self._set_min_delay = client.register_script(gate_scripts.SET_MIN_DELAY)

    # --- keys, time, errors ----------------------------------------------------------------

    def keys(self, url: str) -> tuple[str, str, str]:
        """The lock, state and conf keys of the host of `url` (one hash tag: one slot)."""
        base = f"{self.key_prefix}{{{host_of(url)}}}"
        return f"{base}:lock", f"{base}:state", f"{base}:conf"

    def describe(self) -> str:
        """Where the gate's Redis is, for messages (never the password)."""
        kwargs = self.client.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"redis unix:{kwargs['path']}"
        return f"redis {kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"

    def _now_arg(self) -> str:
        return "" if self.now is None else str(_us(self.now().timestamp()))

    def _clock(self) -> datetime:
        """The gate's clock in Python (Retry-After dates): the injected one, or Redis's."""
        if self.now is not None:
            return self.now()
        seconds, micros = self._call(self.client.time, "read the clock", "")
        return datetime.fromtimestamp(seconds + micros / US, tz=UTC)

    def _call(self, step: Callable[[], T], what: str, host: str) -> T:
        try:
            return step()
        except redis.RedisError as exc:
            where = f" for {host}" if host else ""
            raise GateUnavailable(
                f"politeness gate: {self.describe()} did not answer ({what}{where}): {exc}"
            ) from exc

    def _run(
        self, script: Script, keys: Sequence[str], args: Sequence[str | int], what: str, host: str
    ) -> object:
        return self._call(lambda: script(keys=list(keys), args=list(args)), what, host)

    def _own_args(self, host: str) -> list[str | int]:
        """The caller's politeness in the scripts' form: '1' and this process's configured
        setting, or '0' and the default."""
        with self._lock:
            own = self._own.get(host)
        given = own or self.default
        return [
            "1" if own else "0",
            _us(given.delay_s),
            given.block_after,
            _us(given.max_backoff_s),
        ]

    # --- the port --------------------------------------------------------------------------

    def configure(self, url: str, politeness: Politeness) -> None:
        """Treat the host of `url` with a site's own politeness (the stricter of all given),
        in this process and, for every worker, in Redis."""
        host = host_of(url)
        with self._lock:
            given = self._own.get(host)
            self._own[host] = politeness if given is None else given.stricter(politeness)
        args = (_us(politeness.delay_s), politeness.block_after, _us(politeness.max_backoff_s))
        try:
            self._configure(keys=[self.keys(url)[2]], args=[*args, _ms(self.conf_ttl_s)])
        except redis.RedisError as exc:
            log.warning("gate_configure_failed", host=host, where=self.describe(), error=str(exc))

    def politeness(self, url: str) -> Politeness:
        """The politeness the host of `url` gets: the stored one made stricter by this
        process's own, or the default when neither is set."""
        host = host_of(url)
        stored = self._call(
            lambda: self.client.hmget(
                self.keys(url)[2], ["delay_us", "block_after", "max_backoff_us"]
            ),
            "read the politeness",
            host,
        )
        with self._lock:
            own = self._own.get(host)
        if stored[0] is None:
            return own or self.default
        found = Politeness(
            delay_s=int(_text(stored[0])) / US,
            block_after=int(_text(stored[1])),
            max_backoff_s=int(_text(stored[2])) / US,
        )
        return found if own is None else found.stricter(own)

    def set_min_delay(self, url: str, seconds: float) -> None:
        """Raise the spacing for one host (robots.txt Crawl-delay), for every worker."""
        host = host_of(url)
        with self._lock:
            self._min_delay[host] = max(self._min_delay.get(host, 0.0), seconds)
        try:
            self._set_min_delay(
                keys=[self.keys(url)[1]], args=[_us(seconds), _ms(self.state_ttl_s)]
            )
        except redis.RedisError as exc:
            log.warning("gate_min_delay_failed", host=host, where=self.describe(), error=str(exc))

    def blocked(self, url: str) -> str:
        """Why the host of `url` is blocked now, or "" when it is not."""
        found = self._run(
            self._blocked, [self.keys(url)[1]], [self._now_arg()], "ask", host_of(url)
        )
        return _text(found)

    def requests(self, url: str) -> int:
        """How many requests went to the host of `url` through every gate on this Redis."""
        found = self._call(
            lambda: self.client.hget(self.keys(url)[1], "requests"), "count", host_of(url)
        )
        return int(_text(found)) if found is not None else 0

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold the host's only slot in the whole cluster, after waiting for its delay or
        backoff to pass and for any other holder to finish."""
        host = host_of(url)
        lock, state, conf = self.keys(url)
        token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
        while True:
            found = self._run(
                self._acquire,
                [lock, state],
                [self._now_arg(), token, _ms(self.lock_ttl_s), _ms(self.state_ttl_s)],
                "take the slot",
                host,
            )
            assert isinstance(found, list)
            kind, value = _text(found[0]), _text(found[1])
            if kind == "ok":
                break
            if kind == "blocked":
                raise HostBlocked(f"{host} is blocked for now: {value}")
            if kind == "wait":
                self.sleep(int(value) / US)
            else:  # busy: another worker holds the host
                left_s = int(value) / 1000 if int(value) > 0 else self.poll_s
                self.sleep(min(self.poll_s, left_s))
        with self._lock:
            self._held[lock] = (token, host)
            if self._keeper_pid != os.getpid():  # first slot, or first since a fork
                self._keeper_pid = os.getpid()
                threading.Thread(target=self._keep, daemon=True, name="gate keeper").start()
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(lock, None)
                min_delay = self._min_delay.get(host, 0.0)
            released = self._run(
                self._release,
                [lock, state, conf],
                [
                    self._now_arg(),
                    token,
                    *self._own_args(host),
                    _us(min_delay),
                    _ms(self.state_ttl_s),
                ],
                "give the slot back",
                host,
            )
            if released == 0:
                log.error("gate_slot_lost", host=host, lock_ttl_s=self.lock_ttl_s)

    def record(self, url: str, status: int, retry_after: str = "") -> None:
        """Tell the gate how the host answered; 429/503 push its next slot back for every
        worker, and block the host after block_after of them in a row."""
        host = host_of(url)
        throttled = status in THROTTLED
        asked = retry_after_s(retry_after, self._clock()) if throttled and retry_after else None
        self._run(
            self._record,
            self.keys(url)[1:],
            [
                self._now_arg(),
                *self._own_args(host),
                status,
                "1" if throttled else "0",
                "" if asked is None else _us(asked),
                "" if asked is None else f"{asked:.0f}",
                _us(self.block_for_s),
                _ms(self.state_ttl_s),
            ],
            "record an answer",
            host,
        )

    def _keep(self) -> None:
        """Renew the lock of every slot this gate holds, every third of the lock's TTL, for
        as long as the process lives (one thread per gate and process, started with the
        process's first slot: a worker forked from a process that used the gate, as Celery's
        prefork pool does, starts its own)."""
        while True:
            time.sleep(self.lock_ttl_s / 3)
            with self._lock:
                held = list(self._held.items())
            for lock, (token, host) in held:
                try:
                    kept = self._renew(keys=[lock], args=[token, _ms(self.lock_ttl_s)])
                except redis.RedisError as exc:
                    log.warning("gate_renew_failed", host=host, error=str(exc))
                    continue
                if kept == 0:
                    with self._lock:
                        lost = self._held.get(lock) == (token, host)
                        if lost:
                            del self._held[lock]
                    if lost:
                        log.error("gate_slot_lost", host=host, lock_ttl_s=self.lock_ttl_s)
