"""The `publish:` section of sites.yaml. Pure."""

from __future__ import annotations

from archiver.schema import Strict


class PublishSettings(Strict):
    """How the history is published into the store."""

    prefix: str = "public/"
