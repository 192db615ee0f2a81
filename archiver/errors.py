"""Errors the archiver raises, and what happens next for each.

    ArchiverError                 base; the CLI prints its message on one line, exit 1
    ├── ConfigError               sites.yaml is wrong; every problem listed, exit 2
    ├── CaptureError              this site failed this check; recorded, retried next tick
    │   ├── CaptureTimeout        the page did not load (or `wait_for` never appeared) in time
    │   ├── ConnectionFailed      DNS, refused, reset, TLS: the host could not be reached
    │   ├── RedirectLoop          the server redirects in circles
    │   ├── UrlRefused            the URL policy forbids the page (archiver.urlpolicy)
    │   ├── BrowserUnavailable    no Chromium could be found or launched
    │   └── GateUnavailable       the cluster's per-host gate (Redis) cannot be reached
    ├── StoreError                the object store refused a read or write; no version written
    │   └── KeyNotFound           the key does not exist
    ├── IndexError_               the derived index is unusable (rebuild it with `reindex`)
    ├── VersionNotFound           a user asked for a version the archive does not hold
    └── AlertError                an alert could not be delivered; it stays in the outbox
        └── DeliveryFailed        one send failed (transient or not); retried with backoff

Exceptions never log: whoever handles one logs it once, with the site bound.
"""

from __future__ import annotations


class ArchiverError(Exception):
    """Base of every error the archiver raises on purpose."""


class ConfigError(ArchiverError):
    """The configuration is invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class CaptureError(ArchiverError):
    """A capture failed; `reason` is a stable snake_case word for records and logs."""

    reason = "capture_failed"


class CaptureTimeout(CaptureError):
    """The page, or the element the site waits for, did not arrive in time."""

    reason = "timeout"


class ConnectionFailed(CaptureError):
    """The host could not be reached (DNS, refused, reset, TLS)."""

    reason = "connection_error"


class RedirectLoop(CaptureError):
    """The server keeps redirecting."""

    reason = "redirect_loop"


class UrlRefused(CaptureError):
    """The page is not the institution's, not http(s), or on a private address."""

    reason = "refused"


class BrowserUnavailable(CaptureError):
    """No usable Chromium: not installed, or it fails to start."""

    reason = "browser_unavailable"


class GateUnavailable(CaptureError):
    """The cluster's per-host gate (Redis) did not answer: rather than fetch without the
    host's slot, the check fails (recorded, shown to the operator) and is retried next tick."""

    reason = "gate_unavailable"


class StoreError(ArchiverError):
    """The object store failed; nothing half-written is visible.

    `hint` says what the operator can do about it (set the credentials, create the bucket,
    make the directory writable); the CLI prints it on the same line.
    """

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class KeyNotFound(StoreError):
    """The object does not exist."""


class IndexError_(ArchiverError):
    """The derived SQLite index cannot be used."""


class VersionNotFound(ArchiverError):
    """The archive holds no such site or version."""


class AlertError(ArchiverError):
    """An alert could not be delivered now; it stays queued in the outbox."""


class DeliveryFailed(AlertError):
    """A send failed; the alert stays in the outbox and is retried.

    `transient` failures (4xx, connection) are retried with growing waits; permanent ones
    (5xx, bad credentials) are retried at the longest wait, since only a fix helps.
    `unreachable` means the whole transport is down: skip its other messages this pass.
    """

    def __init__(self, message: str, *, transient: bool, unreachable: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.unreachable = unreachable
