"""A lease in Redis: one holder at a time, renewed while it works, released only by its owner.

`SET key token NX PX ttl` takes it; a random token names the owner, so renewal and release
(small Lua scripts: compare the token, then act) never touch a lease someone else took after
ours expired. A holder that dies stops renewing and its lease expires after `ttl_s`: nobody
has to clean up after a `kill -9`.

    lease = Lease(client, "archiver:lease:site:bank-a", ttl_s=30)
    with lease.held() as got:          # renewed every ttl/3 on a thread while inside
        if got: ...check the site...
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import structlog

log = structlog.get_logger("archiver.cluster.lease")

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class Lease:
    """A named lease with a time to live; `acquire`, `renew` and `release` are one round trip."""

    def __init__(self, client: redis.Redis, key: str, *, ttl_s: float) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self.token = secrets.token_hex(16)

    def acquire(self) -> bool:
        """Take the lease if nobody holds it."""
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Extend our lease by its time to live; False when it is no longer ours."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> bool:
        """Give the lease back if it is still ours (never someone else's)."""
        return bool(self.client.eval(_RELEASE, 1, self.key, self.token))

    def holder(self) -> str | None:
        """The token of whoever holds it now, or None."""
        value = self.client.get(self.key)
        return str(value) if value is not None else None

    def remaining_s(self) -> float:
        """Seconds until the current holder's lease expires (0 when nobody holds it)."""
        left = int(self.client.pttl(self.key))
        return max(0.0, left / 1000)

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Inside: True if we took the lease (renewed on a thread until we leave), else False."""
        if not self.acquire():
            yield False
            return
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._keep_renewing, args=(stop,), name=f"lease {self.key}", daemon=True
        )
        renewer.start()
        try:
            yield True
        finally:
            stop.set()
            renewer.join()
            try:
                self.release()
            except redis.RedisError as exc:  # it expires by itself; the next taker waits ttl
                log.warning("lease_release_failed", key=self.key, error=str(exc))

    def _keep_renewing(self, stop: threading.Event) -> None:
        every_s = self.ttl_ms / 3000
        while not stop.wait(every_s):
            try:
                if not self.renew():
                    log.warning("lease_lost", key=self.key)
                    return
            except redis.RedisError as exc:  # a broker restart: try again next time
                log.warning("lease_renewal_failed", key=self.key, error=str(exc))
