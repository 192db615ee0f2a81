"""Links an alert carries: the page, the published diff, both snapshots and screenshots.

Links are made when a message is composed (at send time, not at queue time), so presigned
URLs are fresh even for an alert that waited in the outbox through an SMTP outage. Archived
HTML is never linked directly: it is hostile content and would run in the bucket's origin;
readers get the published diff page, the manifest (JSON) and the screenshot (PNG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from archiver import keys
from archiver.alerts.messages.records import PartnerAlert, VersionRef
from archiver.models import BlobRef
from archiver.ports import ObjectStore
from archiver.publish import paths, raw


def diff_page_key(publish_prefix: str, site_id: str, seq: int) -> str:
    """Where publishing puts the page that shows version `seq` against its predecessor.

    >>> diff_page_key("public/", "zhaolian-cfc", 3)
    'public/sites/zhaolian-cfc/v3.html'
    """
    return paths.version_page_key(site_id, seq, prefix=publish_prefix)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionLinks:
    """Links to one archived version."""

    seq: int
    manifest: str | None = None
    screenshot: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertLinks:
    """Every link a partner alert shows."""

    page: str
    diff: str | None = None
    version: VersionLinks
    previous: VersionLinks | None = None
    expires_at: datetime | None = None  # presigned links stop working then
    images: dict[str, str | None] = field(default_factory=dict)  # list images by sha256


def presigned_expiry(url: str | None) -> datetime | None:
    """When a SigV4 presigned URL expires, or None for a plain URL.

    >>> presigned_expiry("https://s3/b/k?X-Amz-Date=20251001T080000Z&X-Amz-Expires=3600")
    datetime.datetime(2025, 10, 1, 9, 0, tzinfo=datetime.timezone.utc)
    """
    if not url:
        return None
    query = parse_qs(urlsplit(url).query)
    try:
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return signed + timedelta(seconds=int(query["X-Amz-Expires"][0]))
    except (KeyError, IndexError, ValueError):
        return None


class LinkMaker:
    """Turns version references into links through the store (public or presigned URLs).

    With a public bucket (`public_copies`), links point at the published copies under the
    publish prefix, so only that prefix needs to be readable: making `blobs/` public would
    let anyone who knows an archived page's digest serve its script from our origin.
    Presigned links may point at the originals, each signed on its own.
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        publish_prefix: str,
        diff_links: bool,
        public_copies: bool = False,
    ) -> None:
        self.store = store
        self.publish_prefix = publish_prefix
        self.diff_links = diff_links
        self.public_copies = public_copies

    def version(self, ref: VersionRef) -> VersionLinks:
        """Manifest and screenshot links of one version."""
        site_id = keys.parse_version_key(ref.key)
        screenshot = None
        if self.public_copies and site_id is not None:
            if ref.screenshot_digest:
                png = BlobRef(
                    role="screenshot",
                    digest=ref.screenshot_digest,
                    media_type="image/png",
                    size_bytes=0,
                )
                screenshot = self.store.url(self.publish_prefix + raw.raw_file(png).path)
            manifest = self.store.url(
                self.publish_prefix + paths.version_json(site_id[0], ref.seq)
            )
            return VersionLinks(seq=ref.seq, manifest=manifest, screenshot=screenshot)
        if ref.screenshot_digest:
            screenshot = self.store.url(keys.blob_key(ref.screenshot_digest))
        return VersionLinks(seq=ref.seq, manifest=self.store.url(ref.key), screenshot=screenshot)

    def for_alert(self, alert: PartnerAlert) -> AlertLinks:
        """All links of a partner alert."""
        version = self.version(alert.version)
        previous = self.version(alert.previous) if alert.previous else None
        diff = None
        if self.diff_links and alert.previous is not None:
            key = diff_page_key(self.publish_prefix, alert.site_id, alert.version.seq)
            diff = self.store.url(key)
        images = {}
        if alert.images is not None:
            types = dict(alert.images.media_types)
            for digest in (*alert.images.before, *alert.images.after):
                images[digest] = self.image(digest, types.get(digest, "image/png"))
        candidates = [version.manifest, version.screenshot, diff, *images.values()]
        if previous is not None:
            candidates += [previous.manifest, previous.screenshot]
        expiries = [e for e in map(presigned_expiry, candidates) if e is not None]
        return AlertLinks(
            page=alert.page_url,
            diff=diff,
            version=version,
            previous=previous,
            expires_at=min(expiries) if expiries else None,
            images=images,
        )

    def image(self, digest: str, media_type: str) -> str | None:
        """A link to an archived image: its published copy, or the blob itself."""
        if self.public_copies:
            ref = BlobRef(role="image", digest=digest, media_type=media_type, size_bytes=0)
            return self.store.url(self.publish_prefix + raw.raw_file(ref).path)
        return self.store.url(keys.blob_key(digest))
