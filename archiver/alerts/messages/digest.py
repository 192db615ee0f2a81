"""Digests: numbered batches of alerts, one stream per (family, channel).

Digest n+1 of a stream is written create-only after digest n exists, so digests are a chain
like the versions of a site: two processes that assemble at once race for the same number,
one wins, and the other recomputes against the winner. An alert therefore lands in exactly
one digest of a stream: membership is decided only by the digest records themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import structlog

from archiver import sequence
from archiver.alerts.messages.records import AlertSummary, Digest, Family, digest_id, stream_of
from archiver.alerts.outbox import Outbox
from archiver.alerts.queue.objects import AlertState
from archiver.alerts.settings import AlertSettings, Mode

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

    def build(number: int, latest: Digest | None) -> Digest | None:
        if not due(latest):
            return None
        done = covered(outbox, stream)
        members = tuple(alert_id for alert_id in wanted if alert_id not in done)
        if not members:
            return None
        return Digest(
            id=digest_id(stream, number),
            family=family,
            channel=channel,
            number=number,
            members=members,
            slot=slot,
            created_at=now,
        )

    def write(digest: Digest) -> Digest | None:
        if not outbox.put(digest):
            return None
        log.info("digest_assembled", stream=stream, digest=digest.id, members=len(digest.members))
        return digest

    def lost(number: int) -> None:
        log.info("digest_race_lost", stream=stream, number=number)

    return sequence.append_next(
        lambda: head(outbox, stream),
        build,
        write,
        attempts=MAX_RACES,
        what=f"a digest of {stream}",
        lost=lost,
    )


# --- which digests are due -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stream:
    """A digest stream and when it is due."""

    family: Family
    channel: str
    mode: Mode
    interval_s: float = 0.0  # run mode: at most one scheduled digest per this
    at: time = time(8)  # daily mode: local time of day


def streams(
    settings: AlertSettings, chats: Sequence[str], operator_channels: Sequence[str]
) -> list[Stream]:
    """The digest streams the settings ask for."""
    email, chat, ops = settings.email, settings.chat, settings.operator
    found = []
    if email.enabled and email.mode is not Mode.IMMEDIATE:
        found.append(
            Stream(Family.PARTNER, "email", email.mode, email.digest_interval, email.digest_time)
        )
    if chat.mode is not Mode.IMMEDIATE:
        found.extend(
            Stream(Family.PARTNER, name, chat.mode, chat.digest_interval, chat.digest_time)
            for name in chats
        )
    if ops.enabled:
        found.extend(
            Stream(Family.OPERATOR, name, Mode.RUN, ops.min_interval) for name in operator_channels
        )
    return found


def assemble_due(
    outbox: Outbox,
    states: Mapping[str, AlertState],
    configured: Sequence[Stream],
    *,
    zone: ZoneInfo,
    now: datetime,
    scheduled: bool,
    force: bool = False,
) -> list[Digest]:
    """Assemble the digests that are due; settle members that every digest now covers.

    `scheduled` (the daemon's pass) honours `interval_s` of run-mode streams; the end of a
    run does not. `force` also assembles daily streams before their time.
    """
    waiting: dict[tuple[Family, str], list[tuple[str, datetime]]] = {}
    members: dict[str, AlertSummary] = {}
    for alert_id, state in states.items():
        if not state.recorded or state.quiet or alert_id.startswith("digests/"):
            continue
        plan = outbox.summary(alert_id)
        if plan is None or not plan.batched:
            continue
        members[alert_id] = plan
        for channel in plan.batched:
            waiting.setdefault((Family(plan.kind), channel), []).append(
                (alert_id, plan.detected_at)
            )
    by_key = {(s.family, s.channel): s for s in configured}
    made, covered_by = [], {}
    for key, candidates in sorted(waiting.items()):
        # A channel whose mode changed since its alerts were queued still gets them.
        stream = by_key.get(key) or Stream(key[0], key[1], Mode.RUN)
        record = _assemble_stream(
            outbox, stream, candidates, zone=zone, now=now, scheduled=scheduled, force=force
        )
        if record is not None:
            made.append(record)
        covered_by[key] = covered(outbox, stream_of(*key))
    for alert_id, plan in members.items():
        family = Family(plan.kind)
        in_digests = all(alert_id in covered_by[(family, c)] for c in plan.batched)
        if in_digests and not any(states[alert_id].unit(c).pending for c in plan.immediate):
            outbox.settle(alert_id, now)
    return made


def _assemble_stream(
    outbox: Outbox,
    stream: Stream,
    candidates: list[tuple[str, datetime]],
    *,
    zone: ZoneInfo,
    now: datetime,
    scheduled: bool,
    force: bool,
) -> Digest | None:
    if stream.mode is Mode.DAILY and not force:
        slot = last_slot(now, stream.at, zone)

        def due(latest: Digest | None) -> bool:
            return latest is None or latest.slot < slot

    else:
        slot = now
        interval = timedelta(seconds=stream.interval_s if scheduled and not force else 0)

        def due(latest: Digest | None) -> bool:
            return latest is None or latest.created_at <= now - interval

    return assemble(
        outbox,
        family=stream.family,
        channel=stream.channel,
        candidates=[alert_id for alert_id, detected in candidates if detected <= slot],
        slot=slot,
        now=now,
        due=due,
    )
