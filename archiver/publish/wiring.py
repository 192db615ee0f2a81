"""From the whole configuration to a Publisher: link policy, public URL, presign expiry. Pure.

publisher = build_publisher(settings, store, health=index)
observer = PublishObserver(publisher)          # for the daemon
publisher.page_url(site_id, seq)               # the link an alert sends
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from archiver.config import S3Storage, Settings
from archiver.ports import CheckLog, ObjectStore
from archiver.publish.observer import PublishObserver
from archiver.publish.publisher import Publisher, utc_now


def presigned_links(settings: Settings) -> bool:
    """Whether version pages carry presigned links (an S3 bucket with no public URL)."""
    mode = settings.publish.links
    if mode != "auto":
        return mode == "presigned"
    storage = settings.storage
    return isinstance(storage, S3Storage) and not storage.public_base_url


def presign_expiry_s(settings: Settings) -> float:
    """How long presigned links last (the storage's setting; S3 allows at most 7 days)."""
    storage = settings.storage
    return storage.presign_expiry if isinstance(storage, S3Storage) else 7 * 86400.0


def public_url(settings: Settings) -> str | None:
    """Absolute URL of the published prefix, when the configuration gives one.

    It is `publish.base_url`, else `storage.public_base_url` followed by the bucket prefix
    and the publish prefix (the same rule as the store's own public URLs).
    """
    if settings.publish.base_url:
        return settings.publish.base_url
    storage = settings.storage
    if not storage.public_base_url:
        return None
    bucket_prefix = storage.prefix if isinstance(storage, S3Storage) else ""
    if bucket_prefix and not bucket_prefix.endswith("/"):
        bucket_prefix += "/"
    return f"{storage.public_base_url.rstrip('/')}/{bucket_prefix}{settings.publish.prefix}"


def build_publisher(
    settings: Settings,
    store: ObjectStore,
    *,
    health: CheckLog | None = None,
    now: Callable[[], datetime] = utc_now,
) -> Publisher:
    """The publisher the configuration asks for."""
    return Publisher(
        store,
        settings.publish,
        sites=settings.sites,
        health=health,
        presign=presigned_links(settings),
        presign_expiry_s=presign_expiry_s(settings),
        base_url=public_url(settings),
        now=now,
        wacz=settings.evidence.wacz,
        zone=settings.zone,
    )


def build_observer(
    settings: Settings,
    store: ObjectStore,
    *,
    health: CheckLog | None = None,
    now: Callable[[], datetime] = utc_now,
) -> PublishObserver | None:
    """The daemon's publishing observer, or None when `publish.on_change` is off."""
    if not settings.publish.on_change:
        return None
    return PublishObserver(build_publisher(settings, store, health=health, now=now))
