"""Object keys of the archive layout, and the sha256 content address. Pure.

    blobs/sha256/<2 hex>/<64 hex>            raw bytes, immutable
    sites/<site-id>/versions/<seq:08d>.json  manifests, immutable, written once (create-only)
    sites/<site-id>/latest.json              pointer to the newest manifest, derivable

A version's key is its sequence number, so two writers that race for the same site race for
the same key: the create-only write lets exactly one win and the other re-reads the chain.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from archiver.errors import StoreError

BLOB_PREFIX = "blobs/sha256/"
DOC_SEPARATOR = "--"  # <institution-id>--<doc-slug>: a document chain of an institution
SITES_PREFIX = "sites/"
_VERSION_KEY = re.compile(r"^sites/(?P<site>[a-z0-9-]+)/versions/(?P<seq>\d{8})\.json$")


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of the bytes.

    >>> sha256_hex(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def blob_key(digest: str) -> str:
    """Key of the blob with this sha256 hex digest.

    >>> blob_key("ab" + "0" * 62)
    'blobs/sha256/ab/ab00000000000000000000000000000000000000000000000000000000000000'
    """
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"not a sha256 hex digest: {digest!r}")
    return f"{BLOB_PREFIX}{digest[:2]}/{digest}"


def versions_prefix(site_id: str) -> str:
    """Prefix under which a site's manifests live."""
    return f"{SITES_PREFIX}{site_id}/versions/"


def version_key(site_id: str, seq: int) -> str:
    """Key of a site's manifest number `seq`.

    >>> version_key("zhaolian-cfc", 3)
    'sites/zhaolian-cfc/versions/00000003.json'
    """
    if seq < 1:
        raise ValueError(f"version numbers start at 1, got {seq}")
    return f"{versions_prefix(site_id)}{seq:08d}.json"


def latest_key(site_id: str) -> str:
    """Key of the derivable pointer to a site's newest manifest."""
    return f"{SITES_PREFIX}{site_id}/latest.json"


def parse_version_key(key: str) -> tuple[str, int] | None:
    """(site id, seq) of a manifest key, or None for any other key.

    >>> parse_version_key("sites/a-b/versions/00000012.json")
    ('a-b', 12)
    """
    match = _VERSION_KEY.match(key)
    if match is None:
        return None
    return match.group("site"), int(match.group("seq"))


def is_document_chain(chain_id: str) -> bool:
    """True for an institution's document chain (``a--d1f2``), False for a site.

    >>> is_document_chain("zhaolian-cfc--d3f0b5e8d5f"), is_document_chain("zhaolian-cfc")
    (True, False)
    """
    return DOC_SEPARATOR in chain_id


def site_ids_in(keys: list[str]) -> list[str]:
    """Distinct site ids among manifest keys, sorted."""
    return sorted({parsed[0] for key in keys if (parsed := parse_version_key(key))})


def check_key(key: str) -> str:
    """Reject keys that could escape the store root or are not plain relative paths."""
    path = PurePosixPath(key)
    if not key or key.startswith("/") or ".." in path.parts or "\\" in key or key.endswith("/"):
        raise StoreError(f"invalid object key {key!r}")
    return key
