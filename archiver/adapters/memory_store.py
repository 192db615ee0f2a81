"""MemoryStore: objects in a dict, for tests and `--dry-run`; passes the store contract."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from archiver.errors import KeyNotFound
from archiver.keys import check_key


class MemoryStore:
    """A thread-safe in-process object store."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        """Store a copy of the bytes."""
        check_key(key)
        with self._lock:
            if create_only and key in self.objects:
                return self.objects[key][0] == data
            self.objects[key] = (bytes(data), content_type)
        return True

    def get(self, key: str) -> bytes:
        """The stored bytes."""
        with self._lock:
            try:
                return self.objects[key][0]
            except KeyError as exc:
                raise KeyNotFound(f"no object {key!r} in memory") from exc

    def exists(self, key: str) -> bool:
        """Whether the key is stored."""
        with self._lock:
            return key in self.objects

    def list(self, prefix: str) -> Iterator[str]:
        """Keys with the prefix, sorted."""
        with self._lock:
            keys = sorted(k for k in self.objects if k.startswith(prefix))
        return iter(keys)

    def url(self, key: str) -> str | None:
        """Memory objects have no URL."""
        return None

    def describe(self) -> str:
        """Just 'memory'."""
        return "memory"
