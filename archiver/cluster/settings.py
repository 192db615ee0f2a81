"""`queue:` settings: the broker the cluster's workers and schedulers share. Pure.

    queue: {broker: "redis://127.0.0.1:6379/0"}    # absent: one process, as before

The broker's password never comes from this file: it is read from ARCHIVER_QUEUE_PASSWORD
(`archiver.cluster.broker.broker_url`), so a URL with a password in it is refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import field_validator

from archiver.schema import Strict

PASSWORD_VARIABLE = "ARCHIVER_QUEUE_PASSWORD"  # noqa: S105 - a variable name
SCHEMES = ("redis", "rediss")


class QueueSettings(Strict):
    """Where the cluster's queue lives (a Redis URL, without a password)."""

    broker: str

    @field_validator("broker")
    @classmethod
    def _redis_url_without_password(cls, value: str) -> str:
        """A redis:// or rediss:// URL with a host; a password in it is refused.

        >>> QueueSettings(broker="redis://127.0.0.1:6379/0").broker
        'redis://127.0.0.1:6379/0'
        """
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"not a valid URL: {value!r} ({exc})") from exc
        if parts.scheme not in SCHEMES:
            raise ValueError(
                f"the broker must be a redis:// or rediss:// URL, got {value!r} "
                '(e.g. "redis://127.0.0.1:6379/0")'
            )
        if not parts.hostname:
            raise ValueError(f"the broker URL names no host: {value!r}")
        if parts.password is not None:
            raise ValueError(
                f"a password in the broker URL is refused: set {PASSWORD_VARIABLE} in the "
                "environment and remove it from the URL"
            )
        path = parts.path.strip("/")
        if path and not path.isdigit():
            raise ValueError(f"the database in the broker URL must be a number, got {path!r}")
        del port  # read only to validate it
        return value
