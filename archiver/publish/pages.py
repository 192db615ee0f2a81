"""The published pages and what each one holds: a version's pages and files, a site's page and
feed, a partner's page and feed, the shared pages (index, week, search, partner table,
scorecard, global feed) and the static files. `Publisher` decides which to write when;
`Pages` renders them and hands them to the `Writer`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from archiver import archive, codec, keys, textdiff
from archiver.evidence import export, wacz
from archiver.models import CheckRow, ListStatus, Manifest, StoredVersion
from archiver.ports import ObjectStore
from archiver.publish import diffview, feeds, model, paths, render, search_index, tablediff, tables
from archiver.publish import state as pstate
from archiver.publish.model import Catalog, SiteInfo, SiteRecord
from archiver.publish.raw import raw_file
from archiver.publish.settings import PublishSettings
from archiver.publish.writer import Writer

HTML = "text/html; charset=utf-8"
JSON = "application/json"
ATOM = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class VersionText:
    """A version with the texts its page compares."""

    stored: StoredVersion
    text: str


def aligned(before: Manifest, after: Manifest) -> tablediff.TableDiff | None:
    """The two lists aligned by partner, when both were read."""
    if ListStatus.OK not in (before.list_status, after.list_status):
        return None
    return tablediff.compare(before.partners, after.partners, after.events)


class Pages:
    """Renders the published pages of one store and emits them through a `Writer`."""

    def __init__(
        self,
        store: ObjectStore,
        settings: PublishSettings,
        renderer: render.Renderer,
        *,
        infos: Mapping[str, SiteInfo],
        base_url: str | None,
        wacz: bool,
        sign: Callable[[str], str | None] | None,
        signed_until: Callable[[], datetime | None],
    ) -> None:
        self.store = store
        self.settings = settings
        self.renderer = renderer
        self.infos = infos
        self.base_url = base_url
        self.wacz = wacz  # a WACZ beside every version page
        self.sign = sign  # presigns the links of a private bucket, else None
        self.signed_until = signed_until  # when presigned links made now expire

    def info(self, site_id: str) -> SiteInfo:
        """What the configuration says of a site (its id for a name, if it says nothing)."""
        return self.infos.get(site_id) or SiteInfo(id=site_id, name=site_id)

    def version(
        self,
        writer: Writer,
        record: SiteRecord,
        current: VersionText,
        previous: VersionText | None,
    ) -> None:
        """The version page, its manifest copy, its archived-DOM page and its raw files."""
        stored = current.stored
        m = stored.manifest
        info = self.info(m.site_id)
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
            signed_until=self.signed_until(),
            wacz=self.wacz,
            table=aligned(previous.stored.manifest, m) if previous else None,
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

    def site(
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

    def partner(self, writer: Writer, catalog: Catalog, view: model.PartnerView) -> None:
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

    def shared(
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
        if self.sign is not None:  # the box links results from a presigned page: sign them too
            entries = [replace(e, path=self.sign(e.path) or e.path) for e in entries]
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

    def static(self, writer: Writer) -> None:
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

    def _manifest_bytes(self, stored: StoredVersion) -> bytes:
        """The manifest's exact bytes (re-encoded when that reproduces them, else read)."""
        if stored.corrected_by:  # the view holds a re-reading: the evidence is the manifest
            return self.store.get(stored.key)
        data = codec.encode_manifest(stored.manifest)
        if keys.sha256_hex(data) == stored.digest:
            return data
        return self.store.get(stored.key)
