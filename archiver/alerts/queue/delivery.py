"""Deliver one unit of one alert exactly once: claim attempt n, send, write the receipt.

    pending?  -- no -->  done
       |
    attempt n-1 open and its lease alive?  -- yes -->  busy (another process is sending)
    attempt n-1 failed and retry_at ahead? -- yes -->  waiting
       |
    claim attempt n (create-only)  -- lost -->  someone else took it
       |
    send (a few quick tries for transient errors) --> attempt-n.sent | attempt-n.failed

The claim makes a send exclusive across processes; the receipt makes it final. The one gap is
a crash after the server accepted the message and before the receipt is written: the claim
then expires and the message is sent again, with the same Message-ID, so mail clients can
fold the copies. See docs/alerts.md.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
import tenacity

from archiver.alerts.queue.objects import Claim, Failure, Receipt, UnitState
from archiver.alerts.queue.store import Queue
from archiver.alerts.settings import RetrySettings
from archiver.errors import DeliveryFailed

log = structlog.get_logger("archiver.alerts")


class DeliveryOutcome(StrEnum):
    """What happened to one unit in one delivery pass."""

    SENT = "sent"
    FAILED = "failed"
    DONE = "done"  # nothing owed
    BUSY = "busy"  # another process holds a live claim
    WAITING = "waiting"  # backing off after a failure
    LOST = "lost"  # another process claimed the attempt first


@dataclass(frozen=True, slots=True)
class Delivered:
    """What a send function reports back."""

    message_id: str
    recipients: int = 0
    refused: int = 0
    where: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one unit in one pass."""

    alert_id: str
    unit: str
    outcome: DeliveryOutcome
    attempt: int = 0
    error: str = ""
    unreachable: bool = False
    retry_at: datetime | None = None


def backoff_s(failures: int, *, transient: bool, retry: RetrySettings) -> float:
    """Seconds before the next attempt after `failures` failed ones.

    >>> r = RetrySettings(initial=60, max=3600)
    >>> [backoff_s(n, transient=True, retry=r) for n in (1, 2, 3, 7, 8)]
    [60.0, 120.0, 240.0, 3600.0, 3600.0]
    >>> backoff_s(1, transient=False, retry=r)
    3600.0
    """
    if not transient:
        return float(retry.max)
    return float(min(retry.max, retry.initial * 2 ** min(failures - 1, 30)))


class Sender:
    """Runs the claim / send / receipt protocol; clock and sleep are injected."""

    def __init__(
        self,
        outbox: Queue,
        *,
        retry: RetrySettings,
        now: Callable[[], datetime],
        worker: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.outbox = outbox
        self.retry = retry
        self.now = now
        self.worker = worker
        self.sleep = sleep

    def deliver(
        self,
        alert_id: str,
        unit: str,
        state: UnitState,
        send: Callable[[], Delivered],
        *,
        force: bool = False,
        fields: Mapping[str, Any] | None = None,
    ) -> Attempt:
        """Deliver the unit if it is owed and free; `force` skips the back-off wait."""
        bound = log.bind(alert=alert_id, unit=unit, **(fields or {}))
        if not state.pending:
            return Attempt(alert_id, unit, DeliveryOutcome.DONE)
        now = self.now()
        open_attempt = state.open_attempt
        if open_attempt is not None:
            claim = self.outbox.read_claim(alert_id, unit, open_attempt)
            if claim.lease_until > now:
                return Attempt(alert_id, unit, DeliveryOutcome.BUSY, open_attempt)
            bound.warning(
                "alert_claim_expired",
                attempt=open_attempt,
                by=claim.by,
                claimed_at=claim.claimed_at,
            )
        elif state.last in state.failed and not force:
            failure = self.outbox.read_failure(alert_id, unit, state.last)
            if failure.retry_at > now:
                return Attempt(
                    alert_id, unit, DeliveryOutcome.WAITING, state.last, retry_at=failure.retry_at
                )
        n = state.last + 1
        lease = timedelta(seconds=self.retry.lease)
        claim = Claim(
            by=self.worker, claimed_at=now, lease_until=now + lease, nonce=uuid.uuid4().hex
        )
        if not self.outbox.claim(alert_id, unit, n, claim):
            return Attempt(alert_id, unit, DeliveryOutcome.LOST, n)
        started = time.perf_counter()
        try:
            delivered = self._send_with_quick_retries(send)
        except DeliveryFailed as exc:
            return self._failed(bound, alert_id, unit, n, state, exc, started)
        except Exception as exc:  # noqa: BLE001 - a bug (template, data) must not leave the claim open
            bound.exception("alert_compose_failed", attempt=n, error=str(exc))
            bug = DeliveryFailed(f"{type(exc).__name__}: {exc}", transient=False)
            return self._failed(bound, alert_id, unit, n, state, bug, started)
        duration = time.perf_counter() - started
        receipt = Receipt(
            at=self.now(),
            message_id=delivered.message_id,
            duration_s=round(duration, 3),
            recipients=delivered.recipients,
            refused=delivered.refused,
            where=delivered.where,
            note=delivered.note,
        )
        self.outbox.sent(alert_id, unit, n, receipt)
        bound.info(
            "alert_sent",
            attempt=n,
            message_id=delivered.message_id,
            recipients=delivered.recipients,
            refused=delivered.refused or None,
            where=delivered.where or None,
            duration_s=round(duration, 3),
        )
        return Attempt(alert_id, unit, DeliveryOutcome.SENT, n)

    def _send_with_quick_retries(self, send: Callable[[], Delivered]) -> Delivered:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry.quick_attempts),
            wait=tenacity.wait_exponential(
                multiplier=self.retry.quick_wait, max=self.retry.quick_wait * 4
            ),
            retry=tenacity.retry_if_exception(
                lambda exc: isinstance(exc, DeliveryFailed) and exc.transient
            ),
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(send)

    def _failed(  # noqa: PLR0917 - private; called from two places with the same values
        self,
        bound: structlog.typing.FilteringBoundLogger,
        alert_id: str,
        unit: str,
        n: int,
        state: UnitState,
        exc: DeliveryFailed,
        started: float,
    ) -> Attempt:
        duration = time.perf_counter() - started
        failures = len(state.failed) + 1
        at = self.now()
        wait = backoff_s(failures, transient=exc.transient, retry=self.retry)
        retry_at = at + timedelta(seconds=wait)
        failure = Failure(
            at=at,
            error=str(exc),
            transient=exc.transient,
            retry_at=retry_at,
            duration_s=round(duration, 3),
        )
        self.outbox.failed(alert_id, unit, n, failure)
        bound.warning(
            "alert_failed",
            attempt=n,
            error=str(exc),
            transient=exc.transient,
            retry_at=retry_at.isoformat(),
            duration_s=round(duration, 3),
        )
        return Attempt(
            alert_id,
            unit,
            DeliveryOutcome.FAILED,
            n,
            error=str(exc),
            unreachable=exc.unreachable,
            retry_at=retry_at,
        )
