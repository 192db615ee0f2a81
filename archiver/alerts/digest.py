"""Digests: numbered batches of alerts, one stream per (family, channel).

Digest n+1 of a stream is written create-only after digest n exists, so digests are a chain
like the versions of a site: two processes that assemble at once race for the same number,
one wins, and the other recomputes against the winner. An alert therefore lands in exactly
one digest of a stream: membership is decided only by the digest records themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import structlog

from archiver.alerts.outbox import Outbox
from archiver.alerts.records import Digest, Family, digest_id, stream_of
from archiver.errors import StoreError

log = structlog.get_logger("archiver.alerts")
MAX_RACES = 5


def last_slot(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The newest daily digest time at or before `now` (aware UTC).

    >>> z = ZoneInfo("Asia/Shanghai")
    >>> last_slot(datetime(2025, 10, 2, 0, 30, tzinfo=UTC), time(8), z).isoformat()
    '2025-10-02T00:00:00+00:00'
    >>> last_slot(datetime(2025, 10, 1, 23, 0, tzinfo=UTC), time(8), z).isoformat()
    '2025-10-01T00:00:00+00:00'
    """
    local = now.astimezone(zone)
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if slot > local:
        slot = (slot - timedelta(days=1)).replace(hour=at.hour, minute=at.minute)
    return slot.astimezone(UTC)


def head(outbox: Outbox, stream: str) -> tuple[int, Digest | None]:
    """The newest digest number of a stream and its record (0, None before the first)."""
    numbers = outbox.digest_numbers(stream)
    if not numbers:
        return 0, None
    record = outbox.record(digest_id(stream, numbers[-1]))
    return numbers[-1], record if isinstance(record, Digest) else None


def covered(outbox: Outbox, stream: str) -> set[str]:
    """Alert ids already in some digest of the stream."""
    members: set[str] = set()
    for number in outbox.digest_numbers(stream):
        record = outbox.record(digest_id(stream, number))
        if isinstance(record, Digest):
            members.update(record.members)
    return members


def assemble(
    outbox: Outbox,
    *,
    family: Family,
    channel: str,
    candidates: Iterable[str],
    slot: datetime,
    now: datetime,
    due: Callable[[Digest | None], bool],
) -> Digest | None:
    """Write the next digest of the stream with every uncovered candidate, if it is due."""
    stream = stream_of(family, channel)
    wanted = sorted(set(candidates))
    for _ in range(MAX_RACES):
        number, latest = head(outbox, stream)
        if not due(latest):
            return None
        done = covered(outbox, stream)
        members = tuple(alert_id for alert_id in wanted if alert_id not in done)
        if not members:
            return None
        digest = Digest(
            id=digest_id(stream, number + 1),
            family=family,
            channel=channel,
            number=number + 1,
            members=members,
            slot=slot,
            created_at=now,
        )
        if outbox.put(digest):
            log.info("digest_assembled", stream=stream, digest=digest.id, members=len(members))
            return digest
        log.info("digest_race_lost", stream=stream, number=number + 1)
    raise StoreError(f"could not write a digest of {stream} after {MAX_RACES} races")
