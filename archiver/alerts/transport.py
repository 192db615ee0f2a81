"""The seam between alerts and the outside world: mail and chat transports. Pure.

Implementations: `archiver.adapters.smtp.SmtpTransport` (the only smtplib user),
`archiver.alerts.spool.SpoolTransport` (.eml files, the embedded default) and
`archiver.adapters.chat.AppriseTransport`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from archiver.errors import AlertError

_NAMED = re.compile(r"^(?P<name>[a-z][a-z0-9-]{0,30})=(?P<url>[A-Za-z][A-Za-z0-9+.-]*://.+)$")
_SPLIT = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)|,\s*(?=[a-z][a-z0-9-]*=)")


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


@dataclass(frozen=True, slots=True)
class MailReceipt:
    """What the mail transport did with one message."""

    accepted: int
    refused: tuple[str, ...] = ()
    where: str = ""  # spool: the file written


class MailTransport(Protocol):
    """Delivers finished RFC 5322 bytes."""

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
    """Posts a short Markdown message to one chat channel."""

    name: str

    def send(self, title: str, body: str) -> None:
        """Post the message; raises DeliveryFailed."""
        ...

    def describe(self) -> str:
        """The channel's kind, for logs (never the URL: it holds the token)."""
        ...


def chat_channels(value: str) -> list[tuple[str, str]]:
    """(name, URL) of each Apprise URL in ARCHIVER_APPRISE_URLS.

    URLs are separated by spaces, newlines or commas; `name=URL` names a channel, otherwise
    the name is derived from a hash of the URL (the URL itself is a secret).

    >>> chat_channels("ops=json://h/a, slack://t/b")
    [('ops', 'json://h/a'), ('chat-46ed7f38', 'slack://t/b')]
    """
    channels = []
    for item in _SPLIT.split(value.strip()):
        if not item:
            continue
        match = _NAMED.match(item)
        if match:
            channels.append((f"{match.group('name')}", match.group("url")))
        else:
            digest = hashlib.sha256(item.encode()).hexdigest()[:8]
            channels.append((f"chat-{digest}", item))
    return channels
