"""AppriseTransport: posts to one chat channel (Slack, DingTalk, WeCom, Feishu, webhooks)."""

from __future__ import annotations

import contextlib
import warnings
from urllib.parse import urlsplit

import apprise

with warnings.catch_warnings(), contextlib.suppress(ImportError):
    # Apprise's PGP support (loaded with its plugins) imports imghdr, deprecated in 3.11 and
    # gone in 3.13 (where Apprise shims it). Import it once, quietly, so loading the plugins
    # later does not raise the DeprecationWarning that our test settings turn into errors.
    warnings.simplefilter("ignore", DeprecationWarning)
    import imghdr  # noqa: F401

from archiver.errors import DeliveryFailed


class AppriseTransport:
    """One Apprise URL; the URL holds the channel's secret and is never logged."""

    def __init__(self, name: str, url: str, *, timeout_s: float = 30.0) -> None:
        self.name = name
        self.url = url
        self.timeout_s = timeout_s
        self.scheme = urlsplit(url).scheme or "?"
        if apprise.Apprise.instantiate(url) is None:
            raise ValueError(
                f"chat channel {name!r}: Apprise does not understand this {self.scheme}:// URL"
            )

    def describe(self) -> str:
        """'<name> (<scheme>://…)'."""
        return f"{self.name} ({self.scheme}://…)"

    def send(self, title: str, body: str) -> None:
        """Post the message; any failure is transient (webhooks come back)."""
        client = apprise.Apprise()
        client.add(self.url)
        result = client.notify(
            body=body,
            title=title,
            body_format=apprise.NotifyFormat.MARKDOWN,
            timeout=self.timeout_s,
        )
        if not result:
            raise DeliveryFailed(
                f"chat channel {self.describe()} did not accept the message "
                f"({getattr(result, 'status', 'failed')})",
                transient=True,
                unreachable=True,
            )
