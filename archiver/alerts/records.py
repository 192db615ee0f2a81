"""What the outbox holds: alert records, claims, receipts, and the keys they live under. Pure.

    <prefix><YYYY-MM>/partner/<site>/<seq:08d>/alert.json       one per (site, version)
    <prefix><YYYY-MM>/operator/<site>/<problem>/<window>/alert.json   one per rate-limit window
    <prefix>digests/<family>.<channel>/<n:08d>/alert.json          digests, numbered per stream
    <alert>/<unit>/attempt-<n:04d>.json                            claim of attempt n (a lease)
    <alert>/<unit>/attempt-<n:04d>.sent.json                       receipt: attempt n delivered
    <alert>/<unit>/attempt-<n:04d>.failed.json                     attempt n failed; retry_at
    <alert>/<unit>/resend-<k:04d>.json                             an operator asked for a copy
    <alert>/settled.json                                           hint: all delivered when written

Every object is written once, create-only; nothing is overwritten or deleted. A unit is one
delivery of one alert on one channel ("email", "chat-1a2b3c4d", or a digest part "email-…").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, TypeAdapter

from archiver.alerts.settings import Problem
from archiver.codec import canonical_json
from archiver.models import Category, EventType

T = TypeVar("T")


class Family(StrEnum):
    """Who an alert is for."""

    PARTNER = "partner"  # compliance users: partner changes
    OPERATOR = "operator"  # whoever runs the archiver: failing sites, broken selectors


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelPlan:
    """A channel an alert goes to, fixed when it is queued, and whether it waits for a digest."""

    name: str
    batched: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    """One partner change as a reader sees it, with the category and products it had."""

    type: EventType
    name: str
    category: Category = Category.UNSPECIFIED
    category_raw: str = ""
    products: tuple[str, ...] = ()
    old: str = ""
    new: str = ""
    field: str = ""
    before: str = ""
    after: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionRef:
    """Evidence of one archived version: where it is and what its bytes hash to."""

    seq: int
    key: str
    digest: str  # sha256 of the manifest bytes
    content_digest: str
    captured_at: datetime
    partner_count: int = 0
    screenshot_digest: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageChange:
    """The list is published as pictures and they changed: sha256 of the images before and
    after (the archive's blobs), for the message to link both."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    media_types: tuple[tuple[str, str], ...] = ()  # digest -> media type, for the links


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerAlert:
    """The partner events of one new version of one site."""

    record: Literal["partner"] = "partner"
    id: str
    site_id: str
    site_name: str
    page_url: str
    version: VersionRef
    previous: VersionRef | None = None
    previous_seen_at: datetime | None = None  # newest check that still saw the previous version
    events: tuple[EventRow, ...] = ()
    list_note: str = ""
    images: ImageChange | None = None  # 名单图片已更新，无法自动识别
    channels: tuple[ChannelPlan, ...] = ()
    queued_at: datetime

    @property
    def detected_at(self) -> datetime:
        """When the change was captured."""
        return self.version.captured_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """One operator problem of one site, at most one per rate-limit window."""

    record: Literal["operator"] = "operator"
    id: str
    site_id: str
    site_name: str
    page_url: str
    problem: Problem
    detail: str = ""
    failures: int = 0
    since: datetime | None = None  # stale: the version unchanged since then
    channels: tuple[ChannelPlan, ...] = ()
    queued_at: datetime

    @property
    def detected_at(self) -> datetime:
        """When the problem was seen."""
        return self.queued_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """A numbered batch of alerts of one family for one channel; members are alert ids."""

    record: Literal["digest"] = "digest"
    id: str
    family: Family
    channel: str
    number: int
    members: tuple[str, ...]
    slot: datetime  # the digest covers members detected before this instant
    created_at: datetime

    @property
    def stream(self) -> str:
        """'<family>.<channel>'."""
        return stream_of(self.family, self.channel)


AlertRecord = Annotated[PartnerAlert | Notice | Digest, Field(discriminator="record")]


@dataclass(frozen=True, slots=True)
class Plan:
    """What a scan needs to know of an alert, small enough to keep in memory for all."""

    kind: str  # "partner", "operator" or "digest"
    site_id: str
    detected_at: datetime
    immediate: tuple[str, ...] = ()  # channels delivered one message per alert
    batched: tuple[str, ...] = ()  # channels that wait for a digest

    @classmethod
    def of(cls, record: PartnerAlert | Notice | Digest) -> Plan:
        """The plan of a record."""
        if isinstance(record, Digest):
            return cls("digest", "", record.created_at, immediate=(record.channel,))
        return cls(
            record.record,
            record.site_id,
            record.detected_at,
            immediate=tuple(c.name for c in record.channels if not c.batched),
            batched=tuple(c.name for c in record.channels if c.batched),
        )


_RECORD: TypeAdapter[PartnerAlert | Notice | Digest] = TypeAdapter(AlertRecord)


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


# --- ids and keys ----------------------------------------------------------------------------

_UNIT_FILE = re.compile(
    r"^(?P<id>.+)/(?P<unit>[a-z0-9][a-z0-9.-]*)/"
    r"(?P<kind>attempt|resend)-(?P<n>\d{4,})(?P<result>\.sent|\.failed)?\.json$"
)
_RECORD_FILE = re.compile(r"^(?P<id>.+)/(?P<name>alert|settled)\.json$")


def partner_id(site_id: str, seq: int, captured_at: datetime) -> str:
    """The outbox id of a version's partner alert: the same in every process.

    >>> partner_id("zhaolian-cfc", 3, datetime(2025, 10, 1, tzinfo=UTC))
    '2025-10/partner/zhaolian-cfc/00000003'
    """
    return f"{captured_at.astimezone(UTC):%Y-%m}/partner/{site_id}/{seq:08d}"


def notice_id(site_id: str, problem: Problem, window: int, window_start: datetime) -> str:
    """The outbox id of an operator notice in a rate-limit window.

    >>> notice_id("a", Problem.FAILING, 20362, datetime(2025, 10, 1, tzinfo=UTC))
    '2025-10/operator/a/failing/20362'
    """
    return f"{window_start.astimezone(UTC):%Y-%m}/operator/{site_id}/{problem.value}/{window}"


def stream_of(family: Family, channel: str) -> str:
    """Digest stream name: 'partner.email', 'operator.chat-1a2b3c4d'."""
    return f"{family.value}.{channel}"


def digest_id(stream: str, number: int) -> str:
    """The outbox id of digest `number` of a stream.

    >>> digest_id("partner.email", 7)
    'digests/partner.email/00000007'
    """
    return f"digests/{stream}/{number:08d}"


def month_of(moment: datetime) -> str:
    """The partition ('2025-10') that alerts detected at `moment` live in."""
    return f"{moment.astimezone(UTC):%Y-%m}"


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


def encode(record: object) -> bytes:
    """Canonical JSON bytes of a record, claim, receipt or failure."""
    if isinstance(record, PartnerAlert | Notice | Digest):
        return canonical_json(_RECORD.dump_python(record, mode="json"))
    return canonical_json(_ADAPTERS[type(record)].dump_python(record, mode="json"))


def decode_record(data: bytes) -> PartnerAlert | Notice | Digest:
    """An alert record from its bytes; ValueError if malformed."""
    return _RECORD.validate_python(json.loads(data))


def decode(kind: type[T], data: bytes) -> T:
    """A claim, receipt or failure from its bytes; ValueError if malformed."""
    result: T = _ADAPTERS[kind].validate_python(json.loads(data))
    return result
