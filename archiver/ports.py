"""Every seam between the pure core and the outside world, in one file. Pure.

Implementations live in `archiver.adapters` (browser, local and S3 stores, SMTP) and are
chosen by `archiver.app`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from archiver.config import Site
from archiver.models import Capture, CheckResult, StoredVersion


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
