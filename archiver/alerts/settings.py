"""The `alerts:` section of sites.yaml. Pure."""

from __future__ import annotations

from archiver.schema import Strict


class AlertSettings(Strict):
    """Where alerts go; empty means alerts are only written to the outbox."""
