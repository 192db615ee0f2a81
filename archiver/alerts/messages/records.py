"""The alert records the outbox queues, and their ids. Pure.

    <prefix><YYYY-MM>/partner/<site>/<seq:08d>/alert.json       one per (site, version)
    <prefix><YYYY-MM>/operator/<site>/<problem>/<window>/alert.json   one per rate-limit window
    <prefix>digests/<family>.<channel>/<n:08d>/alert.json          digests, numbered per stream

What the queue keeps beside each record (claims, receipts, failures) is in
`archiver.alerts.queue.objects`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from archiver.alerts.settings import Problem
from archiver.codec import canonical_json
from archiver.models import Category, EventType


class Family(StrEnum):
    """Who an alert is for."""

    PARTNER = "partner"  # compliance users: partner changes
    OPERATOR = "operator"  # whoever runs the archiver: failing sites, broken selectors


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """A channel an alert goes to, fixed when it is queued, and whether it waits for a digest
    (`batched`) or goes out on its own."""

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
    channels: tuple[Destination, ...] = ()
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
    channels: tuple[Destination, ...] = ()
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
class AlertSummary:
    """What a scan needs to know of an alert (its kind, site, time and destinations), small
    enough to keep in memory for every alert."""

    kind: str  # "partner", "operator" or "digest"
    site_id: str
    detected_at: datetime
    immediate: tuple[str, ...] = ()  # channels delivered one message per alert
    batched: tuple[str, ...] = ()  # channels that wait for a digest

    @classmethod
    def of(cls, record: PartnerAlert | Notice | Digest) -> AlertSummary:
        """The summary of a record."""
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


# --- ids --------------------------------------------------------------------------------------


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


# --- (de)serialisation -------------------------------------------------------------------------


def encode_record(record: PartnerAlert | Notice | Digest) -> bytes:
    """Canonical JSON bytes of an alert record."""
    return canonical_json(_RECORD.dump_python(record, mode="json"))


def decode_record(data: bytes) -> PartnerAlert | Notice | Digest:
    """An alert record from its bytes; ValueError if malformed."""
    return _RECORD.validate_python(json.loads(data))
