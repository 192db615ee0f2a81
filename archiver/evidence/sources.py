"""Read-only sources for the verifiers: a store, a directory, or an HTTP(S) prefix.

`archiver verify --public` needs nothing but GETs: an S3 prefix readable by anyone (or a
static host, or a copy on disk). Listing is a bonus a directory offers and HTTP does not.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from archiver.adapters.local_store import LocalStore
from archiver.errors import KeyNotFound, StoreError
from archiver.ports import ObjectStore

_ABSENT = {403, 404, 410}  # an S3 bucket without list permission answers 403 for a missing key


class Source(Protocol):
    """What a verifier reads from."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; raises KeyNotFound."""
        ...

    def listing(self, prefix: str) -> list[str] | None:
        """Keys under `prefix`, or None when the source cannot list."""
        ...

    def describe(self) -> str:
        """Where this is, for messages."""
        ...


class StoreSource:
    """Any object store (the operator's own, or a directory copy of the archive)."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def get(self, key: str) -> bytes:
        """The object's bytes."""
        return self.store.get(key)

    def listing(self, prefix: str) -> list[str] | None:
        """The store's keys under the prefix."""
        return list(self.store.list(prefix))

    def describe(self) -> str:
        """The store's description."""
        return self.store.describe()


class HttpSource:
    """Plain GETs under a base URL (e.g. https://bucket.s3.example.com/cn/)."""

    def __init__(self, base_url: str, *, timeout_s: float = 60.0) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout_s = timeout_s

    def get(self, key: str) -> bytes:
        """GET base_url + key."""
        url = self.base_url + quote(key)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as answer:  # noqa: S310
                data: bytes = answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code in _ABSENT:
                raise KeyNotFound(f"{url}: HTTP {exc.code}") from exc
            raise StoreError(f"cannot read {url}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot read {url}: {getattr(exc, 'reason', exc)}") from exc
        return data

    def listing(self, prefix: str) -> list[str] | None:
        """Plain HTTP cannot list."""
        return None

    def describe(self) -> str:
        """The base URL."""
        return self.base_url


def open_source(where: str) -> Source:
    """An http(s):// URL or a directory; a one-line error for anything else."""
    if where.startswith(("http://", "https://")):
        return HttpSource(where)
    path = Path(where)
    if not path.is_dir():
        raise StoreError(f"{where}: neither an http(s):// URL nor a directory")
    return StoreSource(LocalStore(path))
