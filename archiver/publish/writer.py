"""Writes published objects through the store port, skipping the ones whose bytes are unchanged.

Published objects are derived, so they are overwritten in place (create_only=False); only
manifests and blobs are immutable. Writes run on a few threads because an object store
spends most of a PUT waiting on the network.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import structlog

from archiver import archive
from archiver.errors import KeyNotFound
from archiver.models import BlobRef
from archiver.ports import ObjectStore
from archiver.publish import raw as rawfiles
from archiver.publish.state import PublishState, page_hash

log = structlog.get_logger("archiver.publish")
WRITERS = 8
VOLATILE = frozenset({"index.html"})  # its "last check" column moves with every check


@dataclass(slots=True)
class PublishReport:
    """What one publish did."""

    mode: str  # full | incremental | health
    site: str | None = None
    rendered: int = 0  # pages and documents produced
    written: int = 0  # objects actually written
    unchanged: int = 0  # produced, but identical to what was published
    raw_copied: int = 0  # archived files copied into the published prefix
    raw_bytes: int = 0  # ... and their size
    bytes_written: int = 0  # pages, documents and the state
    duration_s: float = 0.0
    keys: list[str] = field(default_factory=list)


class Writer:
    """One publish's writes: hashed against the state, put on a small thread pool."""

    def __init__(
        self,
        store: ObjectStore,
        prefix: str,
        state: PublishState,
        report: PublishReport,
        *,
        existing: set[str] | None = None,
        force: bool = False,
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.state = state
        self.report = report
        self.existing = existing  # keys under the prefix, when a full publish listed them
        self.force = force
        self._pool = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="publish")
        self._pending: list[Future[None]] = []
        self._copied: set[str] = set()
        self._lock = threading.Lock()

    def known(self, path: str) -> bool:
        """Whether `path` was published before (per the state, and present if listed)."""
        if self.force or path not in self.state.pages:
            return False
        return self.existing is None or self.prefix + path in self.existing

    def published(self, site_id: str, seq: int, path: str) -> bool:
        """Whether a version's pages were published by this renderer (and are still there)."""
        if self.force or seq > self.state.versions.get(site_id, 0):
            return False
        return self.existing is None or self.prefix + path in self.existing

    def emit(
        self,
        path: str,
        data: bytes,
        content_type: str,
        *,
        site: str | None = None,
        version: int | None = None,
    ) -> None:
        """Publish `data` at `path` unless the same bytes are already there.

        Version pages (`version` given) are immutable: they are not hashed into the state,
        the state's `versions` says which are published. Pages in `VOLATILE` change with
        every check, so they are compared with what the store holds instead: keeping their
        hash in the state would mean rewriting the whole state after every check.
        """
        self.report.rendered += 1
        if path in VOLATILE:
            if self._stored(path) == data:
                self.report.unchanged += 1
                return
        elif version is None:
            digest = page_hash(data)
            if self.known(path) and self.state.pages[path] == digest:
                self.report.unchanged += 1
                return
            self.state.pages[path] = digest
        self._submit(self.prefix + path, data, content_type, site, version)

    def _stored(self, path: str) -> bytes | None:
        key = self.prefix + path
        if self.force or (self.existing is not None and key not in self.existing):
            return None
        try:
            return self.store.get(key)
        except KeyNotFound:
            return None

    def copy_raw(self, ref: BlobRef, *, skip: frozenset[str] = frozenset()) -> None:
        """Copy an archived blob into the published prefix, once, with an inert media type."""
        target = rawfiles.raw_file(ref)
        key = self.prefix + target.path
        if ref.digest in skip or key in self._copied:
            return
        self._copied.add(key)
        if self.existing is not None and key in self.existing and not self.force:
            return
        self._pending.append(self._pool.submit(self._copy, ref, target, key))

    def _copy(self, ref: BlobRef, target: rawfiles.RawFile, key: str) -> None:
        if self.existing is None and not self.force and self.store.exists(key):
            return
        data = archive.get_blob(self.store, ref)
        self.store.put(key, data, content_type=rawfiles.served_type(target, data))
        with self._lock:
            self.report.raw_copied += 1
            self.report.raw_bytes += len(data)

    def _submit(
        self, key: str, data: bytes, content_type: str, site: str | None, version: int | None
    ) -> None:
        def put() -> None:
            began = time.perf_counter()
            self.store.put(key, data, content_type=content_type)
            log.debug(
                "page_written",
                key=key,
                site=site,
                version=version,
                bytes=len(data),
                duration_s=round(time.perf_counter() - began, 4),
            )

        self.report.written += 1
        self.report.bytes_written += len(data)
        self.report.keys.append(key)
        self._pending.append(self._pool.submit(put))

    def wait(self) -> None:
        """Wait for every write; the first failure is raised (after the others finish)."""
        pending, self._pending = self._pending, []
        errors = [f.exception() for f in pending]
        failure = next((e for e in errors if e is not None), None)
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Stop the writer threads."""
        self._pool.shutdown(wait=True)
