"""What the outbox queue keeps beside each item: claims, receipts, failures, resend requests,
the settled marker, and the keys they live under. Pure. Knows nothing of what an item is.

    <prefix><item>/alert.json                       the item (an alert record: `alerts.outbox`)
    <prefix><item>/<unit>/attempt-<n:04d>.json       claim of attempt n (a lease)
    <prefix><item>/<unit>/attempt-<n:04d>.sent.json  receipt: attempt n delivered
    <prefix><item>/<unit>/attempt-<n:04d>.failed.json  attempt n failed; retry_at
    <prefix><item>/<unit>/resend-<k:04d>.json        an operator asked for a copy
    <prefix><item>/settled.json                      hint: all delivered when written
    <prefix>digests/<stream>/<n:08d>/alert.json      numbered series (digests), create-only

Every object is written once, create-only; nothing is overwritten or deleted. A unit is one
delivery of one item on one channel ("email", "chat-1a2b3c4d", or a digest part "email-…").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

from archiver.codec import canonical_json

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """Attempt n of a unit belongs to `by` until `lease_until`.

    `nonce` makes every claim's bytes unique: a create-only write of bytes that a key already
    holds counts as written (a lost answer read back, see `ports.ObjectStore.put`), so two
    claimants with the same name and clock would otherwise both win.
    """

    by: str
    claimed_at: datetime
    lease_until: datetime
    nonce: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """Attempt n delivered; no addresses are kept, only how many."""

    at: datetime
    message_id: str
    duration_s: float
    recipients: int = 0
    refused: int = 0
    where: str = ""  # the .eml path for spooled mail
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """Attempt n failed; the next one may start at `retry_at`."""

    at: datetime
    error: str
    transient: bool
    retry_at: datetime
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Settled:
    """Everything owed for an alert was delivered at `at`."""

    at: datetime


@dataclass(frozen=True, slots=True)
class UnitState:
    """One unit's objects, as read from a key listing."""

    attempts: set[int] = field(default_factory=set)
    sent: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    resends: set[int] = field(default_factory=set)

    @property
    def required(self) -> int:
        """Deliveries asked for: the original plus explicit resends."""
        return 1 + len(self.resends)

    @property
    def pending(self) -> bool:
        """Whether a delivery is still owed."""
        return len(self.sent) < self.required

    @property
    def last(self) -> int:
        """The newest attempt number (0 before the first)."""
        return max(self.attempts, default=0)

    @property
    def open_attempt(self) -> int | None:
        """The newest attempt if it has no result yet (in flight, or its sender crashed)."""
        last = self.last
        if last and last not in self.sent and last not in self.failed:
            return last
        return None


@dataclass(slots=True)
class AlertState:
    """An alert's objects, as read from a key listing."""

    id: str
    recorded: bool = False
    units: dict[str, UnitState] = field(default_factory=dict)
    settled: bool = False  # everything owed was delivered when the marker was written

    @property
    def quiet(self) -> bool:
        """Settled and nothing owed since (no new resend request): scans skip it unread."""
        return self.settled and not any(u.pending for u in self.units.values())

    def unit(self, name: str) -> UnitState:
        """The unit's state (empty if nothing was written for it yet)."""
        return self.units.get(name) or UnitState()


# --- keys -------------------------------------------------------------------------------------

_UNIT_FILE = re.compile(
    r"^(?P<id>.+)/(?P<unit>[a-z0-9][a-z0-9.-]*)/"
    r"(?P<kind>attempt|resend)-(?P<n>\d{4,})(?P<result>\.sent|\.failed)?\.json$"
)
_RECORD_FILE = re.compile(r"^(?P<id>.+)/(?P<name>alert|settled)\.json$")


@dataclass(frozen=True, slots=True)
class Keys:
    """Object keys of the outbox under one prefix."""

    prefix: str

    def record(self, alert_id: str) -> str:
        """Key of the alert record."""
        return f"{self.prefix}{alert_id}/alert.json"

    def attempt(self, alert_id: str, unit: str, n: int, result: str = "") -> str:
        """Key of an attempt's claim, or of its result ('sent' / 'failed')."""
        suffix = f".{result}" if result else ""
        return f"{self.prefix}{alert_id}/{unit}/attempt-{n:04d}{suffix}.json"

    def settled(self, alert_id: str) -> str:
        """Key of the marker that says everything owed was delivered."""
        return f"{self.prefix}{alert_id}/settled.json"

    def resend(self, alert_id: str, unit: str, k: int) -> str:
        """Key of an explicit resend request."""
        return f"{self.prefix}{alert_id}/{unit}/resend-{k:04d}.json"

    def digests(self, stream: str) -> str:
        """Prefix of a digest stream."""
        return f"{self.prefix}digests/{stream}/"

    def parse(self, key: str, states: dict[str, AlertState]) -> None:
        """Fold one listed key into `states` (keys that are not ours are ignored)."""
        if not key.startswith(self.prefix):
            return
        rel = key[len(self.prefix) :]
        if match := _RECORD_FILE.match(rel):
            state = states.setdefault(match.group("id"), AlertState(match.group("id")))
            if match.group("name") == "alert":
                state.recorded = True
            else:
                state.settled = True
            return
        match = _UNIT_FILE.match(rel)
        if match is None:
            return
        alert_id = match.group("id")
        state = states.setdefault(alert_id, AlertState(alert_id))
        unit = state.units.setdefault(match.group("unit"), UnitState())
        n = int(match.group("n"))
        if match.group("kind") == "resend":
            unit.resends.add(n)
        elif match.group("result") == ".sent":
            unit.sent.add(n)
        elif match.group("result") == ".failed":
            unit.failed.add(n)
        else:
            unit.attempts.add(n)


# --- (de)serialisation -------------------------------------------------------------------------

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {
    kind: TypeAdapter(kind) for kind in (Claim, Receipt, Failure, Settled)
}


def encode(value: Claim | Receipt | Failure | Settled) -> bytes:
    """Canonical JSON bytes of a claim, receipt, failure or settled marker."""
    return canonical_json(_ADAPTERS[type(value)].dump_python(value, mode="json"))


def decode(kind: type[T], data: bytes) -> T:
    """A claim, receipt or failure from its bytes; ValueError if malformed."""
    result: T = _ADAPTERS[kind].validate_python(json.loads(data))
    return result
