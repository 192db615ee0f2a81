"""What a capture fetched, as WARC 1.1 records (warcio). Pure: bytes in, bytes out.

A version's `warc` blob is written at capture time from the `Capture` the browser returned:
the main document as served (status line, headers, body), the XHR/JSON bodies the page
loaded, attachments and list images as `response` records. The rendered DOM of each page
(`urn:dom:<url>`) and the full-page screenshot (`urn:view:<url>`) are already the version's
`dom` and `screenshot` blobs; storing them twice would double a changed check's bytes, so
`rendered` adds them as `resource` records at export, from those (digest-checked) blobs.

The browser hands over bodies already decoded, so `Content-Encoding`, `Transfer-Encoding`
and `Set-Cookie` are not kept and `Content-Length` is the decoded length; the warcinfo
record says so. Versions archived before WARC recording have no `warc` blob: `reconstruct`
builds the same records from the version's stored blobs, and marks every record
``Archiver-Reconstructed: true`` (the status of a JSON body, for one, was not kept then).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import __version__, keys
from archiver.archive import Blob
from archiver.models import BlobRef, Capture, HttpResponse, Manifest

MEDIA_TYPE = "application/warc"
ROLE = "warc"
RECONSTRUCTED = "Archiver-Reconstructed"
_NAMESPACE = uuid.UUID("5b0e1c52-6d59-4d43-9a3b-2f4f0e6a7c11")
_DECODED = (
    "bodies as decoded by the browser: Content-Encoding, Transfer-Encoding and Set-Cookie "
    "removed, Content-Length is the decoded length"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One thing to record: a `response` (with its HTTP status and headers) or a `resource`."""

    kind: str  # "response" | "resource"
    url: str
    media_type: str
    body: bytes
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def blob(capture: Capture) -> Blob:
    """The version's `warc` blob: what this capture fetched, as served."""
    return Blob(ROLE, record(capture), MEDIA_TYPE, capture.final_url)


def record(capture: Capture) -> bytes:
    """The WARC (gzip per record) of what this capture fetched, written at capture time."""
    return write(
        items_of_capture(capture),
        date=capture.fetched_at,
        info=_info(capture.site_id, capture.browser_version, "recorded at capture time"),
    )


def rendered(manifest: Manifest, read: Callable[[BlobRef], bytes], *, skip: set[str]) -> bytes:
    """The version's rendered DOM and screenshot as `resource` records, from its blobs.

    Appended at export to the WARC recorded at capture time (a WARC file is a sequence of
    records); `skip` holds the target URIs that WARC already has, so an older recording that
    carried them is not doubled. Empty bytes when there is nothing to add.
    """
    items = [item for item in _rendered_items(manifest, read) if item.url not in skip]
    if not items:
        return b""
    return write(
        items,
        date=manifest.captured_at,
        info=_info(
            manifest.site_id,
            manifest.browser_version,
            f"the rendered DOM and screenshot of version {manifest.seq}, added at export "
            "from the version's dom and screenshot blobs",
        ),
    )


def target_uris(data: bytes) -> set[str]:
    """The WARC-Target-URI of every record in a WARC."""
    return {
        uri
        for rec in ArchiveIterator(BytesIO(data))
        if (uri := rec.rec_headers.get_header("WARC-Target-URI"))
    }


def reconstruct(manifest: Manifest, read: Callable[[BlobRef], bytes]) -> bytes:
    """A WARC rebuilt from a version's stored blobs, every record marked reconstructed."""
    return write(
        items_of_blobs(manifest, read),
        date=manifest.captured_at,
        info=_info(
            manifest.site_id,
            manifest.browser_version,
            f"reconstructed at export from the stored blobs of version {manifest.seq} "
            "(archived before WARC recording)",
        ),
        reconstructed=True,
    )


def items_of_capture(capture: Capture) -> Iterator[Item]:
    """What the capture fetched, main document first."""
    main = capture.main_response
    if main is not None:
        yield _response(main)
    yield from (_response(r) for r in capture.json_bodies)
    yield from (_response(r) for r in capture.attachments if r is not main)
    yield from (_response(r) for r in capture.images)


def items_of_blobs(manifest: Manifest, read: Callable[[BlobRef], bytes]) -> Iterator[Item]:
    """The same items from a manifest's blobs (for versions archived without a WARC)."""
    served = manifest.blob("response_headers")
    status, headers = _served_headers(read(served)) if served is not None else (200, ())
    for ref in manifest.blobs:
        if ref.role == "response":
            yield _response(
                HttpResponse(
                    url=ref.url or manifest.final_url,
                    status=status,
                    media_type=ref.media_type,
                    headers=headers,
                    body=read(ref),
                )
            )
        elif ref.role in ("json", "attachment", "image") and ref.url:
            yield Item(kind="response", url=ref.url, media_type=ref.media_type, body=read(ref))
    yield from _rendered_items(manifest, read)


def _rendered_items(manifest: Manifest, read: Callable[[BlobRef], bytes]) -> Iterator[Item]:
    """The rendered DOM of each page and the screenshot, as resource records."""
    for ref in manifest.blobs:
        if ref.role == "dom":
            url = f"urn:dom:{ref.url or manifest.final_url}"
            yield Item(kind="resource", url=url, media_type=ref.media_type, body=read(ref))
        elif ref.role == "screenshot":
            url = f"urn:view:{manifest.final_url}"
            yield Item(kind="resource", url=url, media_type=ref.media_type, body=read(ref))


def write(
    items: Iterable[Item],
    *,
    date: datetime,
    info: dict[str, str],
    reconstructed: bool = False,
) -> bytes:
    """Serialise the items behind a warcinfo record; record ids are derived from the content,
    so the same capture always gives the same bytes."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    warc_date = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = "".join(f"{name}: {value}\r\n" for name, value in info.items()).encode()
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=BytesIO(fields),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict=_warc_headers(
                "warcinfo", warc_date, fields, reconstructed, info=True
            ),
        )
    )
    for item in items:
        headers = _warc_headers(item.url, warc_date, item.body, reconstructed)
        if item.kind == "response":
            http = StatusAndHeaders(
                _status_line(item.status), _http_headers(item), protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(
                item.url,
                "response",
                payload=BytesIO(item.body),
                length=len(item.body),
                warc_headers_dict=headers,
                http_headers=http,
            )
        else:
            rec = writer.create_warc_record(
                item.url,
                "resource",
                payload=BytesIO(item.body),
                length=len(item.body),
                warc_content_type=item.media_type,
                warc_headers_dict=headers,
            )
        writer.write_record(rec)
    return out.getvalue()


def _response(response: HttpResponse) -> Item:
    if response.status < 100:  # unknown status: the bytes, without claiming a response
        return Item(
            kind="resource", url=response.url, media_type=response.media_type, body=response.body
        )
    return Item(
        kind="response",
        url=response.url,
        media_type=response.media_type,
        body=response.body,
        status=response.status,
        headers=response.headers,
    )


def _served_headers(data: bytes) -> tuple[int, tuple[tuple[str, str], ...]]:
    """(status, headers) from a `response_headers` blob (see pipeline.evidence)."""
    try:
        parsed = json.loads(data)
        headers = tuple((str(k), str(v)) for k, v in parsed.get("headers", []))
        return int(parsed.get("status", 200)), headers
    except (ValueError, TypeError, AttributeError):
        return 200, ()


def _status_line(status: int) -> str:
    """'200 OK'; a code Python does not know keeps an empty reason."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} "


def _http_headers(item: Item) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in item.headers if k.lower() != "content-length"]
    if not any(k.lower() == "content-type" for k, _ in kept) and item.media_type:
        kept.append(("content-type", item.media_type))
    kept.append(("content-length", str(len(item.body))))
    return kept


def _warc_headers(
    url: str, warc_date: str, body: bytes, reconstructed: bool, *, info: bool = False
) -> dict[str, str]:
    digest = keys.sha256_hex(body)
    headers = {
        "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(_NAMESPACE, f'{url} {warc_date} {digest}')}>",
        "WARC-Date": warc_date,
    }
    if not info:  # the payload digest is our blob digest: records and blobs cross-reference
        headers["WARC-Payload-Digest"] = f"sha256:{digest}"
    if reconstructed:
        headers[RECONSTRUCTED] = "true"
    return headers


def _info(site_id: str, browser: str, how: str) -> dict[str, str]:
    return {
        "software": f"disclosure-archiver/{__version__}",
        "browser": browser,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": site_id,
        "description": f"{how}; {_DECODED}",
    }
