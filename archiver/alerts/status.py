"""What the outbox holds and owes, for `archiver outbox list`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from archiver.alerts.messages import compose, digest
from archiver.alerts.messages.records import Digest, Family, PartnerAlert, stream_of
from archiver.alerts.outbox import Outbox
from archiver.alerts.queue.objects import AlertState
from archiver.alerts.routing.dispatch import Dispatcher
from archiver.errors import KeyNotFound


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One unit of one alert."""

    unit: str
    state: str  # sent, pending, retrying, sending, in digest, waiting for digest
    attempts: int = 0
    at: datetime | None = None  # sent at / retry at
    error: str = ""


@dataclass(frozen=True, slots=True)
class AlertStatus:
    """One alert and its units."""

    id: str
    kind: str
    site_id: str
    summary: str
    queued_at: datetime
    units: tuple[UnitStatus, ...]

    @property
    def pending(self) -> bool:
        """Whether something is still owed."""
        return any(u.state not in ("sent", "in digest") for u in self.units)


def status_rows(
    outbox: Outbox, dispatcher: Dispatcher, streams: Iterable[str], *, everything: bool
) -> list[AlertStatus]:
    """Every alert in the outbox, oldest first; unless `everything`, only those still owed."""
    states = outbox.scan([""])
    names = set(streams)
    names.update(alert_id.split("/")[1] for alert_id in states if alert_id.startswith("digests/"))
    covered = {name: digest.covered(outbox, name) for name in names}
    rows = []
    for alert_id, state in sorted(states.items()):
        if not state.recorded or (state.quiet and not everything):
            continue
        row = alert_status(outbox, dispatcher, alert_id, state, covered)
        if row is not None and (everything or row.pending):
            rows.append(row)
    return rows


def alert_status(
    outbox: Outbox,
    dispatcher: Dispatcher,
    alert_id: str,
    state: AlertState,
    covered: Mapping[str, set[str]],
) -> AlertStatus | None:
    """The status of one alert (None if its record is gone)."""
    try:
        record = outbox.record(alert_id)
    except KeyNotFound:
        return None
    units = [
        unit_status(outbox, alert_id, u.name, state) for u in dispatcher.units(alert_id, record)
    ]
    if isinstance(record, Digest):
        summary = f"{record.family.value} digest of {len(record.members)} alerts"
        return AlertStatus(alert_id, "digest", "", summary, record.created_at, tuple(units))
    for plan in record.channels:
        if plan.batched:
            inside = alert_id in covered.get(stream_of(Family(record.record), plan.name), set())
            units.append(UnitStatus(plan.name, "in digest" if inside else "waiting for digest"))
    if isinstance(record, PartnerAlert):
        summary = compose.subject(record)
    else:
        summary = f"{compose.PROBLEM_LABELS[record.problem]}：{record.detail}"
    return AlertStatus(
        alert_id, record.record, record.site_id, summary, record.queued_at, tuple(units)
    )


def unit_status(outbox: Outbox, alert_id: str, unit: str, state: AlertState) -> UnitStatus:
    """The status of one unit, from its key listing plus its newest result."""
    unit_state = state.unit(unit)
    attempts = len(unit_state.attempts)
    if not unit_state.pending:
        receipt = outbox.read_receipt(alert_id, unit, max(unit_state.sent))
        return UnitStatus(unit, "sent", attempts, receipt.at)
    if unit_state.open_attempt is not None:
        return UnitStatus(unit, "sending", attempts)
    if unit_state.last in unit_state.failed:
        failure = outbox.read_failure(alert_id, unit, unit_state.last)
        return UnitStatus(unit, "retrying", attempts, failure.retry_at, failure.error)
    return UnitStatus(unit, "pending", attempts)
