"""Publishing through the store port: a full rebuild from the bucket, or one site's new versions.

A full publish (`publish_all`) reads every manifest and folds each site's history into its
record, renders every page and writes only those whose bytes changed (version pages already
published by the same renderer are not even rendered again: their inputs are immutable). An
incremental publish (`publish_site`) starts from the state the last publish left, folds in
the site's new versions and renders only what they touch: the version pages, the site's page
and feed, the pages of the partners whose listing changed, and the shared pages (index,
search, partner table, scorecard, global feed). `publish_health` re-renders only the index.
Whenever the state is missing, unreadable or from another renderer, it falls back to full.
What each page holds is `archiver.publish.pages`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog

from archiver import __version__, archive, codec, localtime, readings
from archiver.config import Site
from archiver.errors import ArchiverError, KeyNotFound
from archiver.models import CheckRow, StoredVersion
from archiver.ports import CheckLog, ObjectStore
from archiver.publish import (
    model,
    paths,
    render,
)
from archiver.publish import state as pstate
from archiver.publish.model import Catalog, SiteInfo, SiteRecord
from archiver.publish.pages import HTML, Pages, VersionText
from archiver.publish.settings import PublishSettings
from archiver.publish.writer import PublishReport, Writer

log = structlog.get_logger("archiver.publish")
READERS = 8


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class Publisher:
    """Writes the published site for one store."""

    def __init__(
        self,
        store: ObjectStore,
        settings: PublishSettings,
        *,
        sites: Sequence[Site] = (),
        health: CheckLog | None = None,
        presign: bool = False,
        presign_expiry_s: float = 7 * 86400,
        base_url: str | None = None,
        now: Callable[[], datetime] = utc_now,
        wacz: bool = True,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.store = store
        self.wacz = wacz
        self.settings = settings
        self.prefix = settings.prefix
        self.infos = {site.id: SiteInfo.of(site) for site in sites}
        self.health = health
        self.presign = presign
        self.presign_expiry_s = presign_expiry_s
        self.base_url = settings.base_url or base_url
        self.now = now
        self.zone = zone or localtime.zone()
        self.renderer = render.Renderer(
            settings, self.zone, signer=self._sign if presign else None
        )
        self.pages = Pages(
            store,
            settings,
            self.renderer,
            infos=self.infos,
            base_url=self.base_url,
            wacz=wacz,
            sign=self._sign if presign else None,
            signed_until=self._signed_until,
        )
        self.fingerprint = self._fingerprint()

    # --- entry points --------------------------------------------------------------------------

    def publish_all(self, *, force: bool = False) -> PublishReport:
        """Rebuild every page from the bucket; write only what changed (everything if forced)."""
        report = PublishReport(mode="full")
        began = time.perf_counter()
        log.info("publish_started", mode="full", store=self.store.describe(), force=force)
        loaded = None if force else self._load_state()
        same_renderer = loaded is not None and loaded.fingerprint == self.fingerprint
        state = loaded if same_renderer and loaded else pstate.PublishState()
        if loaded is not None and not same_renderer:
            state.pages = loaded.pages  # still lets unchanged bytes go unwritten
            state.pinyin = loaded.pinyin
            state.loaded_hash = loaded.loaded_hash
        existing = set(self.store.list(self.prefix))
        writer = Writer(self.store, self.prefix, state, report, existing=existing, force=force)
        try:
            site_ids = sorted(set(archive.site_ids(self.store)) | set(self.infos))
            records = {}
            for site_id in site_ids:
                records[site_id] = self._rebuild(writer, site_id)
            state.summaries = {sid: rec.summary for sid, rec in records.items() if rec.last_seq}
            catalog = self._catalog(state)
            checks = self._checks()
            for record in records.values():
                self.pages.site(writer, catalog, record, checks)
            views = catalog.partners()
            for view in views:
                self.pages.partner(writer, catalog, view)
            self.pages.shared(writer, catalog, checks, views)
            self.pages.static(writer)
            self._save(writer)
        finally:
            writer.close()
        return self._finish(report, began)

    def publish_site(self, site_id: str) -> PublishReport:
        """Publish a site's new versions and the pages they touch."""
        began = time.perf_counter()
        log.info("publish_started", mode="incremental", site=site_id)
        loaded = self._load_state()
        if loaded is None or loaded.fingerprint != self.fingerprint:
            log.info("publish_full_needed", site=site_id, state="missing or from another renderer")
            return self.publish_all()
        report = PublishReport(mode="incremental", site=site_id)
        writer = Writer(self.store, self.prefix, loaded, report)
        try:
            old = loaded.summaries.get(site_id)
            record = self._cached_record(site_id, old)
            head = archive.head(self.store, site_id)
            if head is None or (record is not None and record.last_seq == head.manifest.seq):
                return self._finish(report, began)
            if record is None or record.last_seq > head.manifest.seq:
                record = self._rebuild(writer, site_id)
            else:
                record = self._catch_up(writer, record, head.manifest.seq)
            loaded.summaries[site_id] = record.summary
            catalog = self._catalog(loaded)
            checks = self._checks()
            self.pages.site(writer, catalog, record, checks)
            for match_key in sorted(model.changed_partners(old, record.summary)):
                self.pages.partner(writer, catalog, catalog.partner(match_key))
            self.pages.shared(writer, catalog, checks, catalog.partners())
            self._save(writer)
        finally:
            writer.close()
        return self._finish(report, began)

    def publish_health(self) -> PublishReport:
        """Re-render the index with the latest checks (the daemon calls it after every check)."""
        began = time.perf_counter()
        loaded = self._load_state()
        if loaded is None or loaded.fingerprint != self.fingerprint:
            return self.publish_all()
        report = PublishReport(mode="health")
        writer = Writer(self.store, self.prefix, loaded, report)
        try:
            catalog = self._catalog(loaded)
            html = self.renderer.index(catalog, self._checks())
            writer.emit(paths.INDEX, html, HTML)  # compared with the store: no state to write
            writer.wait()
        finally:
            writer.close()
        return self._finish(report, began)

    def page_url(self, site_id: str, seq: int) -> str | None:
        """The link an alert sends for a version: public URL, else presigned, else None."""
        if self.base_url:
            return self.base_url + paths.version_page(site_id, seq)
        return self.store.url(paths.version_page_key(site_id, seq, prefix=self.prefix))

    # --- sites ---------------------------------------------------------------------------------

    def _rebuild(self, writer: Writer, site_id: str) -> SiteRecord:
        """Fold a site's whole history; render the version pages not published yet."""
        record = model.empty(site_id)
        previous: VersionText | None = None
        for current in self._history(site_id):
            record = model.extend(record, current.stored, current.text)
            seq = current.stored.manifest.seq
            if not writer.published(site_id, seq, paths.version_page(site_id, seq)):
                self.pages.version(writer, record, current, previous)
            previous = current
        return record

    def _catch_up(self, writer: Writer, record: SiteRecord, head_seq: int) -> SiteRecord:
        """Fold versions after the record's last one, rendering their pages."""
        site_id = record.summary.site_id
        last = record.last_seq
        previous = self._read(readings.read_seq(self.store, site_id, last)) if last else None
        for seq in range(last + 1, head_seq + 1):
            current = self._read(readings.read_seq(self.store, site_id, seq))
            record = model.extend(record, current.stored, current.text)
            self.pages.version(writer, record, current, previous)
            previous = current
        return record

    def _cached_record(self, site_id: str, summary: model.SiteSummary | None) -> SiteRecord | None:
        """The record the last publish left, if its timeline is there and agrees."""
        if summary is None or summary.head is None:
            return None
        try:
            data = self.store.get(self.prefix + paths.site_versions(site_id))
        except KeyNotFound:
            return None
        timeline = pstate.decode_timeline(data)
        if not timeline or len(timeline) != summary.versions or timeline[-1] != summary.head:
            return None
        return SiteRecord(summary=summary, timeline=timeline)

    def _read(self, stored: StoredVersion) -> VersionText:
        return VersionText(stored=stored, text=archive.text_of(self.store, stored.manifest))

    def _history(self, site_id: str) -> Iterator[VersionText]:
        """A site's versions with their texts, oldest first, read a few at a time."""
        version_keys = archive.version_keys(self.store, site_id)
        corrected = readings.corrected_seqs(self.store, site_id)  # re-read by `reextract`

        def read(key: str) -> VersionText:
            stored = archive.read(self.store, key)
            if stored.manifest.seq in corrected:
                stored = readings.view(self.store, stored)
            return self._read(stored)

        with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="read") as pool:
            yield from pool.map(read, version_keys)

    # --- helpers -------------------------------------------------------------------------------

    def _catalog(self, state: pstate.PublishState) -> Catalog:
        return Catalog(summaries=state.summaries, infos=self.infos)

    def _checks(self) -> dict[str, CheckRow]:
        """Last checks from the health source; none (and a warning) if it fails."""
        if self.health is None:
            return {}
        try:
            return dict(self.health.last_checks())
        except (ArchiverError, OSError, ValueError) as exc:
            log.warning("health_unavailable", error=str(exc))
            return {}

    def _signed_until(self) -> datetime | None:
        if not self.presign:
            return None
        return self.now() + timedelta(seconds=self.presign_expiry_s)

    def _sign(self, target: str) -> str | None:
        """A presigned URL of a published path (private buckets), made now."""
        return self.store.url(self.prefix + target)

    def _load_state(self) -> pstate.PublishState | None:
        try:
            data = self.store.get(self.prefix + paths.STATE)
        except KeyNotFound:
            return None
        loaded = pstate.decode(data)
        if loaded is None:
            log.warning("publish_state_unreadable", key=self.prefix + paths.STATE)
        return loaded

    def _save(self, writer: Writer) -> None:
        """Wait for every page, then record what was published."""
        writer.wait()
        writer.state.fingerprint = self.fingerprint
        data = pstate.encode(writer.state)
        if pstate.page_hash(data) == writer.state.loaded_hash:
            return  # what was published is what the state already says
        self.store.put(self.prefix + paths.STATE, data, content_type="application/gzip")
        writer.report.bytes_written += len(data)
        writer.report.written += 1
        writer.report.keys.append(self.prefix + paths.STATE)

    def _finish(self, report: PublishReport, began: float) -> PublishReport:
        report.duration_s = time.perf_counter() - began
        log.info(
            "publish_finished",
            mode=report.mode,
            site=report.site,
            rendered=report.rendered,
            written=report.written,
            unchanged=report.unchanged,
            raw_copied=report.raw_copied,
            raw_bytes=report.raw_bytes,
            bytes_written=report.bytes_written,
            duration_s=round(report.duration_s, 3),
        )
        return report

    def _fingerprint(self) -> str:
        """Changes whenever the same archive would be published differently."""
        digest = hashlib.sha256()
        digest.update(
            f"{pstate.FORMAT}:{__version__}:{self.presign}:{self.base_url}:{self.wacz}".encode()
        )
        digest.update(self.settings.model_dump_json().encode())
        digest.update(self.zone.key.encode())
        digest.update(render.template_sources())
        infos = [codec.to_data(info) for _, info in sorted(self.infos.items())]
        digest.update(json.dumps(infos, sort_keys=True, ensure_ascii=False).encode())
        return digest.hexdigest()
