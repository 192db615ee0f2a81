"""Which scheduler leads: a lease in Redis (`archiver.cluster.lease`), renewed while it leads.

Several `archiver scheduler` processes may run (on several machines, for availability); only
the one holding the lease enqueues. The others campaign every `ttl/4`; when the leader dies
its lease expires after `ttl` and a standby takes it within `ttl + ttl/4` (25 s by default,
well within the minute the cluster promises). A leader that cannot renew (the broker away
for longer than its lease) steps down, so two never enqueue at once for longer than that.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
import structlog

from archiver.cluster.lease import Lease

log = structlog.get_logger("archiver.cluster.leader")

LEADER_KEY = "archiver:scheduler:leader"
LEADER_TTL_S = 20.0

Wait = Callable[[float], bool]  # sleep up to n seconds; True when a stop was asked


class Leader:
    """One scheduler's candidacy: campaign until elected, then hold until lost or stopped."""

    def __init__(self, client: redis.Redis, *, name: str, ttl_s: float = LEADER_TTL_S) -> None:
        self.lease = Lease(client, LEADER_KEY, ttl_s=ttl_s)
        self.name = name
        self.ttl_s = ttl_s

    def campaign(self, wait: Wait) -> bool:
        """Block until this scheduler leads (True) or a stop is asked (False)."""
        announced = False
        while True:
            try:
                if self.lease.acquire():
                    log.info("scheduler_elected", scheduler=self.name)
                    return True
                if not announced:
                    log.info("scheduler_standing_by", scheduler=self.name, ttl_s=self.ttl_s)
                    announced = True
            except redis.RedisError as exc:
                log.warning("scheduler_campaign_failed", scheduler=self.name, error=str(exc))
            if wait(self.ttl_s / 4):
                return False

    def hold(self, wait: Wait) -> bool:
        """Renew the lease every ttl/3 until a stop is asked (True) or it is lost (False):
        taken by another, or not renewed for a whole ttl (the broker unreachable)."""
        renewed_at = time.monotonic()
        while not wait(self.ttl_s / 3):
            try:
                if not self.lease.renew():
                    log.warning("scheduler_deposed", scheduler=self.name)
                    return False
                renewed_at = time.monotonic()
            except redis.RedisError as exc:
                log.warning("scheduler_renewal_failed", scheduler=self.name, error=str(exc))
                if time.monotonic() - renewed_at >= self.ttl_s:
                    log.warning("scheduler_deposed", scheduler=self.name, reason="unreachable")
                    return False
        return True

    def resign(self) -> None:
        """Give up the lease at once (a clean stop), so a standby need not wait for it."""
        try:
            if self.lease.release():
                log.info("scheduler_resigned", scheduler=self.name)
        except redis.RedisError as exc:
            log.warning("scheduler_resign_failed", scheduler=self.name, error=str(exc))
