"""WARC files -> one WACZ 1.1.1 package. Pure apart from the output file it is given.

    archive/<name>.warc.gz     the WARCs, stored uncompressed in the ZIP (already gzipped)
    indexes/index.cdx          one CDXJ line per record (cdxj-indexer), sorted
    pages/pages.jsonl          one line per archived version: url, ts, title
    datapackage.json           every file above with its sha256 and size
    datapackage-digest.json    the sha256 of datapackage.json

The package is written as WARCs are added, so exporting a long history holds one version's
WARC in memory at a time. Validated by `wacz validate` (py-wacz) and replayed by pywb.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from cdxj_indexer.main import CDXJIndexer

from archiver import __version__

WACZ_VERSION = "1.1.1"
MEDIA_TYPE = "application/wacz+zip"
INDEX = "indexes/index.cdx"  # CDXJ lines; the name WACZ 1.1.1 and pywb expect
PAGES = "pages/pages.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """A page a person can open in the replay: one archived version of a disclosure."""

    id: str
    url: str
    captured_at: datetime
    title: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One file of the package, as datapackage.json lists it."""

    path: str
    sha256: str
    size_bytes: int


class WaczWriter:
    """Builds a WACZ into `out`; call `add` per WARC, then `close` once."""

    def __init__(
        self, out: IO[bytes], *, title: str, created_at: datetime, description: str = ""
    ) -> None:
        self._zip = zipfile.ZipFile(out, "w", allowZip64=True)
        self._title = title
        self._description = description
        self._created_at = created_at.astimezone(UTC)
        self._stamp = self._created_at.timetuple()[:6]
        self._index: list[str] = []
        self._pages: list[Page] = []
        self.resources: list[Resource] = []

    def add(self, name: str, warc: bytes, pages: tuple[Page, ...] = ()) -> None:
        """Add one gzipped WARC under archive/<name> and index its records."""
        if not name.endswith(".warc.gz") or "/" in name:
            raise ValueError(f"a WARC name must be a plain '<name>.warc.gz', got {name!r}")
        self._index.extend(index_lines(warc, name))
        self._pages.extend(pages)
        self._put(f"archive/{name}", warc, compress=False)

    def close(self) -> list[Resource]:
        """Write the index, the page list and the data package; return what was packed."""
        self._put(INDEX, "".join(sorted(self._index)).encode(), compress=True)
        self._put(PAGES, pages_jsonl(self._pages), compress=True)
        package = datapackage(
            self.resources,
            title=self._title,
            description=self._description,
            created_at=self._created_at,
            main_page=self._pages[0] if len(self._pages) == 1 else None,
        )
        self._write("datapackage.json", package, compress=True)
        digest = {"path": "datapackage.json", "hash": f"sha256:{_sha256(package)}"}
        self._write("datapackage-digest.json", _json(digest), compress=True)
        self._zip.close()
        return self.resources

    def _put(self, path: str, data: bytes, *, compress: bool) -> None:
        self._write(path, data, compress=compress)
        self.resources.append(Resource(path=path, sha256=_sha256(data), size_bytes=len(data)))

    def _write(self, path: str, data: bytes, *, compress: bool) -> None:
        info = zipfile.ZipInfo(path, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)


def index_lines(warc: bytes, name: str) -> list[str]:
    """CDXJ lines of every response and resource record in a WARC (cdxj-indexer)."""
    out = io.StringIO()
    CDXJIndexer(out, [io.BytesIO(warc)], filename=name).process_all()
    return out.getvalue().splitlines(keepends=True)


def pages_jsonl(pages: list[Page]) -> bytes:
    """The page list: a header line, then one JSON object per page."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    lines += [
        {
            "id": page.id,
            "url": page.url,
            "ts": page.captured_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "title": page.title,
        }
        for page in pages
    ]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def datapackage(
    resources: list[Resource],
    *,
    title: str,
    description: str,
    created_at: datetime,
    main_page: Page | None,
) -> bytes:
    """datapackage.json: the frictionless data package that lists every file with its hash."""
    package: dict[str, object] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": f"disclosure-archiver {__version__}",
        "resources": [
            {
                "name": resource.path.rsplit("/", 1)[-1].lower(),
                "path": resource.path,
                "hash": f"sha256:{resource.sha256}",
                "bytes": resource.size_bytes,
            }
            for resource in resources
        ],
    }
    if description:
        package["description"] = description
    if main_page is not None:
        package["mainPageURL"] = main_page.url
        package["mainPageDate"] = main_page.captured_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    return _json(package)


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
