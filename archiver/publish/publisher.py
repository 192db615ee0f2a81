"""Publishing through the store port: a full rebuild from the bucket, or one site's new versions.

A full publish (`publish_all`) reads every manifest and folds each site's history into its
record, renders every page and writes only those whose bytes changed (version pages already
published by the same renderer are not even rendered again: their inputs are immutable). An
incremental publish (`publish_site`) starts from the state the last publish left, folds in
the site's new versions and renders only what they touch: the version pages, the site's page
and feed, the pages of the partners whose listing changed, and the shared pages (index,
search, partner table, scorecard, global feed). `publish_health` re-renders only the index.
Whenever the state is missing, unreadable or from another renderer, it falls back to full.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog

from archiver import __version__, archive, codec, keys, localtime, readings, textdiff
from archiver.config import Site
from archiver.errors import ArchiverError, KeyNotFound
from archiver.evidence import export, wacz
from archiver.models import CheckRow, ListStatus, Manifest, StoredVersion
from archiver.ports import CheckLog, ObjectStore
from archiver.publish import (
    diffview,
    feeds,
    model,
    paths,
    render,
    search_index,
    tablediff,
    tables,
)
from archiver.publish import state as pstate
from archiver.publish.model import Catalog, SiteInfo, SiteRecord
from archiver.publish.raw import raw_file
from archiver.publish.settings import PublishSettings
from archiver.publish.writer import PublishReport, Writer

log = structlog.get_logger("archiver.publish")
HTML = "text/html; charset=utf-8"
JSON = "application/json"
ATOM = "application/atom+xml; charset=utf-8"
READERS = 8


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Read:
    """A version with the texts its page compares."""

    stored: StoredVersion
    text: str


def _table(before: Manifest, after: Manifest) -> tablediff.TableDiff | None:
    """The two lists aligned by partner, when both were read."""
    if ListStatus.OK not in (before.list_status, after.list_status):
        return None
    return tablediff.compare(before.partners, after.partners, after.events)


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
                self._site_pages(writer, catalog, record, checks)
            views = catalog.partners()
            for view in views:
                self._partner_pages(writer, catalog, view)
            self._shared_pages(writer, catalog, checks, views)
            self._static(writer)
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
            self._site_pages(writer, catalog, record, checks)
            for match_key in sorted(model.changed_partners(old, record.summary)):
                self._partner_pages(writer, catalog, catalog.partner(match_key))
            self._shared_pages(writer, catalog, checks, catalog.partners())
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
        previous: _Read | None = None
        for current in self._history(site_id):
            record = model.extend(record, current.stored, current.text)
            seq = current.stored.manifest.seq
            if not writer.published(site_id, seq, paths.version_page(site_id, seq)):
                self._version_pages(writer, record, current, previous)
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
            self._version_pages(writer, record, current, previous)
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

    def _read(self, stored: StoredVersion) -> _Read:
        return _Read(stored=stored, text=archive.text_of(self.store, stored.manifest))

    def _history(self, site_id: str) -> Iterator[_Read]:
        """A site's versions with their texts, oldest first, read a few at a time."""
        version_keys = archive.version_keys(self.store, site_id)
        corrected = readings.corrected_seqs(self.store, site_id)  # re-read by `reextract`

        def read(key: str) -> _Read:
            stored = archive.read(self.store, key)
            if stored.manifest.seq in corrected:
                stored = readings.view(self.store, stored)
            return self._read(stored)

        with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="read") as pool:
            yield from pool.map(read, version_keys)

    # --- pages ---------------------------------------------------------------------------------

    def _version_pages(
        self, writer: Writer, record: SiteRecord, current: _Read, previous: _Read | None
    ) -> None:
        """The version page, its manifest copy, its archived-DOM page and its raw files."""
        stored = current.stored
        m = stored.manifest
        info = self._info(m.site_id)
        roles = set(self.settings.raw_roles)
        published = [ref for ref in m.blobs if ref.role in roles]
        skip = (
            frozenset(ref.digest for ref in previous.stored.manifest.blobs)
            if previous
            else frozenset()
        )
        for ref in published:
            writer.copy_raw(ref, skip=skip if writer.existing is None else frozenset())
        raws = [raw_file(ref) for ref in published]
        before = previous.stored.manifest.blob("screenshot") if previous else None
        if before is not None and "screenshot" in roles:
            raws.append(raw_file(before))
        diff = textdiff.compare(previous.text if previous else "", current.text)
        has_dom = self.settings.archived_page and m.blob("dom") is not None
        view = render.VersionPage(
            info=info,
            stored=stored,
            line=record.timeline[-1],
            previous=previous.stored if previous else None,
            diff=diffview.view(diff.ops),
            raw=tuple(raws),
            archived_page=has_dom,
            signed_until=self._signed_until(),
            wacz=self.wacz,
            table=_table(previous.stored.manifest, m) if previous else None,
        )
        page = self.renderer.version(view)
        writer.emit(
            paths.version_page(m.site_id, m.seq), page, HTML, site=m.site_id, version=m.seq
        )
        writer.emit(
            paths.version_json(m.site_id, m.seq),
            self._manifest_bytes(stored),
            JSON,
            site=m.site_id,
            version=m.seq,
        )
        if self.wacz:
            writer.emit(
                paths.version_wacz(m.site_id, m.seq),
                self._wacz(info, stored),
                wacz.MEDIA_TYPE,
                site=m.site_id,
                version=m.seq,
            )
        versions = writer.state.versions
        versions[m.site_id] = max(versions.get(m.site_id, 0), m.seq)
        dom_ref = m.blob("dom")
        if has_dom and dom_ref is not None:
            dom = archive.get_blob(self.store, dom_ref).decode("utf-8", errors="replace")
            writer.emit(
                paths.archived_page(m.site_id, m.seq),
                self.renderer.archived(info, m, dom),
                HTML,
                site=m.site_id,
                version=m.seq,
            )

    def _wacz(self, info: SiteInfo, stored: StoredVersion) -> bytes:
        """The version as a WACZ: its WARC (or one rebuilt from its blobs), indexed.

        Dated by the capture, not by the publish, so the same version always gives the same
        bytes (a version page and its files are immutable once published)."""
        out = io.BytesIO()
        m = stored.manifest
        title = f"{info.name} 第 {m.seq} 版"
        export.export(self.store, [stored], out, title=title, now=lambda: m.captured_at)
        return out.getvalue()

    def _site_pages(
        self,
        writer: Writer,
        catalog: Catalog,
        record: SiteRecord,
        checks: dict[str, CheckRow],
    ) -> None:
        site_id = record.summary.site_id
        info = catalog.info(site_id)
        writer.emit(
            paths.site_page(site_id),
            self.renderer.site(catalog, record, checks.get(site_id)),
            HTML,
            site=site_id,
        )
        writer.emit(
            paths.site_versions(site_id),
            pstate.encode_timeline(record.timeline),
            JSON,
            site=site_id,
        )
        entries = [feeds.version_entry(info, line) for line in record.timeline]
        writer.emit(
            paths.site_feed(site_id),
            self._feed(
                f"site/{site_id}",
                info.name,
                paths.site_feed(site_id),
                paths.site_page(site_id),
                entries,
            ),
            ATOM,
            site=site_id,
        )

    def _partner_pages(self, writer: Writer, catalog: Catalog, view: model.PartnerView) -> None:
        writer.emit(paths.partner_page(view.match_key), self.renderer.partner(catalog, view), HTML)
        entries = [
            feeds.partner_entry(catalog.info(site_id), stamped)
            for site_id, stamped in view.events()
        ]
        feed = self._feed(
            f"partner/{view.match_key}",
            f"{view.name} · 合作机构变化",
            paths.partner_feed(view.match_key),
            paths.partner_page(view.match_key),
            entries,
        )
        writer.emit(paths.partner_feed(view.match_key), feed, ATOM)

    def _shared_pages(
        self,
        writer: Writer,
        catalog: Catalog,
        checks: dict[str, CheckRow],
        views: list[model.PartnerView],
    ) -> None:
        writer.emit(paths.INDEX, self.renderer.index(catalog, checks), HTML)
        writer.emit(paths.WEEK, self.renderer.week(catalog), HTML)
        pinyin = search_index.PinyinCache(writer.state.pinyin)
        entries = search_index.entries(catalog, pinyin, views)
        if self.presign:  # the box links results from a presigned page: sign them too
            entries = [replace(e, path=self._sign(e.path) or e.path) for e in entries]
        writer.state.pinyin = pinyin.used()
        writer.emit(paths.SEARCH, search_index.document(entries), JSON)
        writer.emit(paths.PARTNERS, self.renderer.partners(views, catalog), HTML)
        table = tables.rows(catalog, views)
        writer.emit(paths.PARTNERS_CSV, tables.to_csv(table), "text/csv; charset=utf-8")
        writer.emit(paths.PARTNERS_JSON, tables.to_json(table), JSON)
        writer.emit(paths.SCORECARD, self.renderer.scorecard(catalog), HTML)
        recent = [
            feeds.version_entry(catalog.info(summary.site_id), line)
            for summary in catalog.summaries.values()
            for line in summary.recent
        ]
        feed = self._feed("all", self.settings.title, paths.FEED, paths.INDEX, recent)
        writer.emit(paths.FEED, feed, ATOM)

    def _static(self, writer: Writer) -> None:
        types = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
        for name in render.STATIC_FILES:
            writer.emit(
                paths.static(name), render.static_file(name), types[name.rsplit(".", 1)[1]]
            )

    def _feed(
        self,
        feed_id: str,
        title: str,
        self_path: str,
        page_path: str,
        entries: Iterable[feeds.FeedEntry],
    ) -> bytes:
        return feeds.atom(
            feed_id=feeds.entry_id("feed", feed_id),
            title=title,
            self_path=self_path,
            page_path=page_path,
            entries=entries,
            base_url=self.base_url,
            limit=self.settings.feed_entries,
        )

    # --- helpers -------------------------------------------------------------------------------

    def _info(self, site_id: str) -> SiteInfo:
        return self.infos.get(site_id) or SiteInfo(id=site_id, name=site_id)

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

    def _manifest_bytes(self, stored: StoredVersion) -> bytes:
        """The manifest's exact bytes (re-encoded when that reproduces them, else read)."""
        if stored.corrected_by:  # the view holds a re-reading: the evidence is the manifest
            return self.store.get(stored.key)
        data = codec.encode_manifest(stored.manifest)
        if keys.sha256_hex(data) == stored.digest:
            return data
        return self.store.get(stored.key)

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
