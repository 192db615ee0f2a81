"""Republish after every check: a CheckObserver for the daemon.

A new version republishes incrementally (its pages, its partners, the shared pages); any
other check re-renders only the index, whose "last check" and health it changes. One lock
per process: the daemon checks two sites at once, and the published state is read, changed
and written back by each publish.
"""

from __future__ import annotations

import threading

from archiver.config import Site
from archiver.models import CheckResult, StoredVersion
from archiver.publish.publisher import Publisher


class PublishObserver:
    """Keeps the published pages in step with the archive."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self._lock = threading.Lock()

    def on_version(
        self, site: Site, version: StoredVersion, previous: StoredVersion | None
    ) -> None:
        """Publish the new version and the pages it touches."""
        del version, previous  # the publisher catches up from what it last published
        with self._lock:
            self.publisher.publish_site(site.id)

    def on_check(self, site: Site, result: CheckResult) -> None:
        """Refresh the index's last-check and health columns (after on_version, too)."""
        del site, result  # the index is rendered from the health source
        with self._lock:
            self.publisher.publish_health()
