"""Every seam between the pure core and the outside world, in one file. Pure.

    ObjectStore                  the archive: a local directory, an S3 bucket, memory
    Capturer, CaptureSession     the browser
    Gate                         per-host politeness: one process, or the whole cluster
    Index (CheckLog, VersionLog, PartnerLog, IndexWriter)   the derived index
    MailTransport, ChatTransport alert delivery
    CheckObserver                told about every check and version (alerts, publishing)

Implementations live in `archiver.adapters` (Playwright, the stores, SQLite, SMTP, Apprise)
and are chosen by `archiver.app`, the composition root; tests use the in-memory ones
(`tests/support`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from archiver.config import Site
from archiver.models import (
    Capture,
    CheckResult,
    CheckRow,
    PartnerRow,
    Politeness,
    StoredVersion,
    VersionRow,
)


class ObjectStore(Protocol):
    """A flat key -> bytes store: a local directory or an S3 bucket."""

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        """Write `data` under `key`; with `create_only`, return False if the key holds other
        bytes (a key that already holds exactly `data` is a write that happened: a write whose
        answer was lost is read back). Records that must exclude a second writer (alert claims)
        therefore carry a nonce, so no two writers ever put the same bytes.

        Writes are atomic: a reader sees the whole object or nothing.
        """
        ...

    def get(self, key: str) -> bytes:
        """The bytes under `key`; raises KeyNotFound."""
        ...

    def exists(self, key: str) -> bool:
        """Whether `key` holds an object."""
        ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys starting with `prefix`, in lexicographic order."""
        ...

    def url(self, key: str) -> str | None:
        """A link a person can open: public URL, presigned URL or file URI; None if none."""
        ...

    def describe(self) -> str:
        """Where this store is, for logs and messages (never credentials)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureRequest:
    """What to capture and how: built from a Site by the pipeline."""

    site_id: str
    url: str
    timeout_s: float = 45.0
    wait_for: str | None = None
    selector: str | None = None
    exclude: tuple[str, ...] = ()
    max_pages: int = 5
    next_texts: tuple[str, ...] = ()
    attachments: bool = True
    max_attachments: int = 10
    user_agent: str | None = None
    hosts: tuple[str, ...] = ()  # the institution's hosts besides its URL's site (urlpolicy)
    verify_tls: bool = True  # False only where the site's configuration waives it
    extra: dict[str, str] = field(default_factory=dict)


class CaptureSession(Protocol):
    """An open page: snapshot it, then screenshot it only if the content is new."""

    def snapshot(self) -> Capture:
        """Render the page (and its pagination, attachments); raises CaptureError."""
        ...

    def screenshot(self) -> bytes | None:
        """A full-page PNG of the entry page as it is now, or None if it cannot be taken."""
        ...

    def complete(self, capture: Capture) -> Capture:
        """The capture with the evidence only a new version needs (the main response body)."""
        ...


class Capturer(Protocol):
    """The browser edge."""

    def open(self, request: CaptureRequest) -> AbstractContextManager[CaptureSession]:
        """Open a fresh browser context for one capture; closed when the block ends."""
        ...

    def close(self) -> None:
        """Close the browser and free its resources."""
        ...


class Gate(Protocol):
    """Per-host politeness for every page load: one request per host at a time, spaced by
    the host's delay, backed off on 429/503, given up on when it keeps refusing.

    `discovery.politeness.HostGate` holds it for the threads of one process;
    `cluster.redis_gate.RedisHostGate` for every process on every machine sharing a Redis.
    """

    def configure(self, url: str, politeness: Politeness) -> None:
        """Treat the host of `url` with a site's own politeness (the stricter of all given)."""
        ...

    def politeness(self, url: str) -> Politeness:
        """The politeness the host of `url` gets: configured, or the gate's default."""
        ...

    def set_min_delay(self, url: str, seconds: float) -> None:
        """Raise the spacing for one host (robots.txt Crawl-delay)."""
        ...

    def blocked(self, url: str) -> str:
        """Why the host of `url` is blocked now, or "" when it is not."""
        ...

    def requests(self, url: str) -> int:
        """How many requests went to the host of `url` through this gate."""
        ...

    def slot(self, url: str) -> AbstractContextManager[None]:
        """Hold the host's only slot, after waiting for its delay or backoff to pass; raises
        HostBlocked while the host is blocked (a CaptureError)."""
        ...

    def record(self, url: str, status: int, retry_after: str = "") -> None:
        """Tell the gate how the host answered; 429/503 push its next slot back."""
        ...


class CheckObserver(Protocol):
    """Told about every check and every new version (alerts, publishing)."""

    def on_version(
        self, site: Site, version: StoredVersion, previous: StoredVersion | None
    ) -> None:
        """A new version was written (called after the manifest is durable)."""
        ...

    def on_check(self, site: Site, result: CheckResult) -> None:
        """A check finished, whatever its outcome."""
        ...


# --- the derived index -----------------------------------------------------------------------


class CheckLog(Protocol):
    """Every check that happened, whatever it found: the one thing the bucket does not hold."""

    def checks(self, site_id: str, *, limit: int = 50) -> Sequence[CheckRow]:
        """Newest checks of a site first."""
        ...

    def last_check(self, site_id: str) -> CheckRow | None:
        """The newest check of a site."""
        ...

    def last_checks(self) -> Mapping[str, CheckRow]:
        """The newest check of every site that has one."""
        ...

    def consecutive_failures(self, site_id: str, *, limit: int = 1000) -> int:
        """How many of the newest checks failed in a row."""
        ...

    def last_seen(self, site_id: str) -> datetime | None:
        """When a check last read the site's page (any outcome but failed)."""
        ...


class VersionLog(Protocol):
    """The archived versions, as indexed (derivable from the bucket)."""

    def versions(self, site_id: str) -> Sequence[VersionRow]:
        """Indexed versions of a site, oldest first."""
        ...

    def latest_version(self, site_id: str) -> VersionRow | None:
        """The newest indexed version of a site."""
        ...


class PartnerLog(Protocol):
    """The current partners of every site (derivable from the bucket)."""

    def partners(self, *, site_id: str | None = None) -> Iterator[PartnerRow]:
        """Current partners, by site then position."""
        ...


class IndexWriter(Protocol):
    """What the pipeline, discovery and `archiver reindex` write into the index."""

    def record_check(self, result: CheckResult) -> None:
        """Remember that a check happened, whatever it found."""
        ...

    def record_version(self, stored: StoredVersion, *, current: bool = True) -> None:
        """Index a version; with `current`, a believed version's partners become the site's."""
        ...

    def forget_versions(self) -> None:
        """Drop every indexed version and partner (before a rebuild from the bucket)."""
        ...


class Index(CheckLog, VersionLog, PartnerLog, IndexWriter, Protocol):
    """The derived index: SQLite on one machine (`adapters.sqlite_index`), any database that
    passes the same contract suite (`tests/test_index_contract.py`) elsewhere."""

    def close(self) -> None:
        """Release the connection."""
        ...


# --- alert delivery --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MailReceipt:
    """What the mail transport did with one message."""

    accepted: int
    refused: tuple[str, ...] = ()
    where: str = ""  # spool: the file written


class MailTransport(Protocol):
    """Delivers finished RFC 5322 bytes: SMTP (`adapters.smtp`) or .eml files (adapters.spool)."""

    name: str

    def send(
        self, data: bytes, *, sender: str, recipients: Sequence[str], message_id: str
    ) -> MailReceipt:
        """Deliver `data` to the recipients; raises DeliveryFailed."""
        ...

    def describe(self) -> str:
        """Where mail goes, for logs (never credentials)."""
        ...


class ChatTransport(Protocol):
    """Posts a short Markdown message to one chat channel (`adapters.chat`, Apprise)."""

    name: str

    def send(self, title: str, body: str) -> None:
        """Post the message; raises DeliveryFailed."""
        ...

    def describe(self) -> str:
        """The channel's kind, for logs (never the URL: it holds the token)."""
        ...
