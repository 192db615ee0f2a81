"""Which sites have a check task waiting in the queue (a marker per site in Redis).

The scheduler queues a site only when no task of it waits (`mark_queued`), and a worker clears
the mark when it takes the task (`unmark`): workers that fall behind then find each site
queued once, not once per schedule tick. The mark expires after a TTL (the visibility
timeout), so a task lost with the broker's data holds nothing up for long.
"""

from __future__ import annotations

import redis

PREFIX = "archiver:pending:site:"


def mark_queued(redis_client: redis.Redis, site_id: str, *, ttl_s: float) -> bool:
    """Mark the site as queued; False when a task of it still waits."""
    return bool(
        redis_client.set(PREFIX + site_id, "queued", nx=True, px=max(1, int(ttl_s * 1000)))
    )


def unmark(redis_client: redis.Redis, site_id: str) -> None:
    """Clear the mark: a worker took the site's task, or queueing it failed."""
    redis_client.delete(PREFIX + site_id)
