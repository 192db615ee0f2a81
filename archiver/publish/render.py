"""View models -> page bytes, through Jinja2 templates with autoescape on. Pure.

Every page carries a Content-Security-Policy in a <meta> tag: scripts only from the
published prefix (a file, never inline), no plugins, no <base>, no forms. Version pages need
no script and inline their stylesheet (allowed by its hash), so a version page opened alone
through a presigned link still reads well. The archived DOM is only ever shown inside an
<iframe sandbox> (no scripts, opaque origin) under a policy that loads nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from archiver import localtime, wording
from archiver.models import CheckRow, EventType, ListStatus, Manifest, PartnerEvent, StoredVersion
from archiver.partners.annotations import is_ended
from archiver.publish import charts, health, labels, model, paths
from archiver.publish.diffview import DiffView
from archiver.publish.model import Catalog, PartnerView, SiteInfo, SiteRecord, VersionSummary
from archiver.publish.raw import RawFile
from archiver.publish.settings import PublishSettings
from archiver.publish.tablediff import COLUMNS, TableDiff

STATIC_FILES = ("archive.css", "archive.js")
WEEK_DAYS = 7
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-src 'none'"
)
ARCHIVED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-src 'none'; connect-src 'none'"
)


def static_file(name: str) -> bytes:
    """The bytes of a static asset shipped with the package."""
    return resources.files("archiver").joinpath("static", name).read_bytes()


def template_sources() -> bytes:
    """Every template and static file, for the renderer's fingerprint."""
    root = resources.files("archiver")
    parts = [root.joinpath("static", name).read_bytes() for name in STATIC_FILES]
    folder = root.joinpath("templates", "publish")
    parts.extend(item.read_bytes() for item in sorted(folder.iterdir(), key=lambda i: i.name))
    return b"\0".join(parts)


Signer = Callable[[str], str | None]  # published path -> presigned URL (None: cannot sign)


class Links:
    """How one page links to other published paths.

    Relative by default. In a private bucket (`signer` given) every link is presigned when
    the page is written, because a relative link from a presigned page would lack a
    signature; a target that cannot be signed is shown as plain text.
    """

    def __init__(self, page: str, signer: Signer | None = None) -> None:
        self.page = page
        self.signer = signer

    def __call__(self, target: str) -> str | None:
        """The href for `target`, or None when it cannot be linked from this page."""
        if self.signer is not None:
            return self.signer(target)
        return paths.href(self.page, target)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionPage:
    """Everything a version page shows."""

    info: SiteInfo
    stored: StoredVersion
    line: VersionSummary
    previous: StoredVersion | None
    diff: DiffView
    raw: tuple[RawFile, ...]  # published copies
    unpublished: tuple[str, ...] = ()  # roles listed by digest only
    archived_page: bool = False
    signed_until: datetime | None = None  # presigned links stop working then
    wacz: bool = False  # a WACZ of the version is published beside the page
    table: TableDiff | None = None  # the lists aligned by partner (None for version 1)


class Renderer:
    """Jinja2 templates bound to the publish settings."""

    def __init__(
        self,
        settings: PublishSettings,
        zone: ZoneInfo | None = None,
        *,
        signer: Signer | None = None,
    ) -> None:
        self.settings = settings
        self.signer = signer
        self.zone = zone or localtime.zone()
        self.env = Environment(
            loader=PackageLoader("archiver", "templates/publish"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.css = static_file("archive.css").decode()
        self.js = static_file("archive.js").decode()
        css_hash, js_hash = _csp_hash(self.css), _csp_hash(self.js)
        self.version_csp = (
            f"default-src 'self'; script-src 'none'; style-src '{css_hash}'; "
            "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            "frame-src 'none'"
        )
        # A page opened through a presigned link carries its stylesheet and script inline
        # (allowed by their hashes only): a second request would need its own signature.
        self.inline_csp = (
            f"default-src 'self'; script-src '{js_hash}'; style-src '{css_hash}'; "
            "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'; frame-src 'none'"
        )
        self.env.filters.update(
            when=self.when,
            day=self.day,
            iso=lambda moment: moment.isoformat() if moment else "",
            size=human_size,
            category=labels.category,
            itype=labels.institution_type,
            event=labels.event,
            marker=lambda value: labels.MARKERS.get(str(value), str(value)),
            grade=lambda value: labels.GRADES.get(str(value), str(value)),
            health=lambda value: labels.HEALTH.get(str(value), str(value)),
            role=lambda value: labels.BLOB_ROLES.get(str(value), str(value)),
            list_status=lambda value: labels.LIST_STATUS.get(str(value), str(value)),
            belief=lambda value: labels.BELIEF.get(str(value), str(value)),
            web_link=web_link,
            field=wording.field,
            note=wording.note,
            failure=lambda status, error="": wording.failure(str(status), error),
        )
        self.env.globals.update(
            site_title=settings.title,
            utc_offset=localtime.zone_label(self.zone, datetime.now(UTC)),
            EventType=EventType,
            grades=labels.GRADES,
            site_path=paths.site_page,
            site_feed=paths.site_feed,
            site_versions=paths.site_versions,
            version_path=paths.version_page,
            json_path=paths.version_json,
            archived_path=paths.archived_page,
            wacz_path=paths.version_wacz,
            partner_path=paths.partner_page,
            partner_feed=paths.partner_feed,
            events_summary=labels.events_summary,
            table_columns=COLUMNS,
            event_text=labels.event_line,
            field_value=wording.field_value,
            raw_for=lambda raws, digest: next((r for r in raws if r.ref.digest == digest), None),
        )

    # --- filters -------------------------------------------------------------------------------

    def when(self, moment: datetime | None) -> str:
        """Local date and time, to the minute."""
        return localtime.stamp(moment, self.zone)

    def day(self, moment: datetime | None) -> str:
        """Local date."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d") if moment else "–"

    # --- pages ---------------------------------------------------------------------------------

    def _page(self, template: str, page: str, **context: Any) -> bytes:
        links = context.pop("links", None) or Links(page, self.signer)
        presigned = self.signer is not None
        csp = context.pop("csp", self.inline_csp if presigned else PAGE_CSP)
        inline_css = context.pop("inline_css", self.css if presigned else None)
        html = self.env.get_template(template).render(
            page=page,
            link=links,
            csp=csp,
            inline_css=inline_css,
            inline_js=self.js if presigned else None,
            **context,
        )
        return html.encode()

    def index(self, catalog: Catalog, checks: Mapping[str, CheckRow]) -> bytes:
        """index.html: every institution, sortable, with the search box."""
        rows = []
        for site_id in catalog.site_ids():
            summary = catalog.summaries.get(site_id)
            rows.append(
                {
                    "info": catalog.info(site_id),
                    "summary": summary,
                    "health": health.of(checks.get(site_id), summary),
                    "card": model.quality(summary or model.empty(site_id).summary),
                }
            )
        return self._page("index.html", paths.INDEX, rows=rows, has_health=bool(checks))

    def site(self, catalog: Catalog, record: SiteRecord, check: CheckRow | None) -> bytes:
        """sites/<id>/index.html: timeline, partners now, scorecard."""
        summary = record.summary
        since = {}
        for listing in summary.listings:
            if listing.is_current:
                since[listing.match_key] = listing.spans[-1]
        points = [
            charts.Point(
                at=line.captured_at,
                count=line.partner_count,
                label=f"第 {line.seq} 版 {self.day(line.captured_at)}：{line.partner_count} 家",
            )
            for line in record.timeline
            if line.list_status is ListStatus.OK
        ]
        chart = charts.count_timeline(
            points,
            title=f"{catalog.info(summary.site_id).name} 合作机构数量",
            day=self.day(points[-1].at) if points else "",
            first_day=self.day(points[0].at) if points else "",
        )
        dropped = sorted(
            (item for item in summary.listings if not item.is_current and item.spans),
            key=lambda item: item.spans[-1].end_seq or 0,
            reverse=True,
        )
        return self._page(
            "site.html",
            paths.site_page(summary.site_id),
            count_chart=Markup(chart),  # noqa: S704 - built by charts.py, every text escaped
            dropped=dropped,
            info=catalog.info(summary.site_id),
            summary=summary,
            current=[p for p in summary.partners if not is_ended(p.markers)],
            ended=[p for p in summary.partners if is_ended(p.markers)],  # under 已终止合作机构
            timeline=tuple(reversed(record.timeline)),
            since=since,
            card=model.quality(summary),
            health=health.of(check, summary),
        )

    def version(self, view: VersionPage) -> bytes:
        """sites/<id>/v<seq>.html: partner changes, text diff, screenshots, raw files, chain."""
        m = view.stored.manifest
        page = paths.version_page(m.site_id, m.seq)
        screenshots = {
            "before": _screenshot(view.previous.manifest if view.previous else None),
            "after": _screenshot(m),
        }
        raw_by_digest = {raw.ref.digest: raw for raw in view.raw}
        return self._page(
            "version.html",
            page,
            csp=self.version_csp,
            inline_css=self.css,
            v=view,
            m=m,
            groups=_event_groups(m.events),
            screenshots={
                side: raw_by_digest.get(digest) if digest else None
                for side, digest in screenshots.items()
            },
            previous_screenshot_missing=view.previous is not None and not screenshots["before"],
        )

    def archived(
        self,
        info: SiteInfo,
        manifest: Manifest,
        dom: str,
    ) -> bytes:
        """sites/<id>/v<seq>-page.html: the archived DOM, inert, in a sandboxed iframe."""
        page = paths.archived_page(info.id, manifest.seq)
        return self._page(
            "archived.html",
            page,
            csp=ARCHIVED_CSP,
            info=info,
            m=manifest,
            dom=dom,
        )

    def partner(self, catalog: Catalog, view: PartnerView) -> bytes:
        """partners/<slug>.html: one partner across institutions."""
        return self._page(
            "partner.html",
            paths.partner_page(view.match_key),
            view=view,
            catalog=catalog,
            events=view.events()[:200],
        )

    def partners(self, views: list[PartnerView], catalog: Catalog | None = None) -> bytes:
        """partners/index.html: the cross-institution table; a partner no longer listed
        anywhere says where and when it was last dropped."""
        dropped: dict[str, tuple[str, str, model.Span]] = {}
        for view in views:
            if view.institutions:
                continue
            ends = [(row.listing.spans[-1], row.site_id) for row in view.past if row.listing.spans]
            ends = [(span, site_id) for span, site_id in ends if span.end_at is not None]
            if ends:
                span, site_id = max(ends, key=lambda item: (item[0].end_at, item[1]))
                name = catalog.info(site_id).name if catalog else site_id
                dropped[view.match_key] = (site_id, name, span)
        return self._page("partners.html", paths.PARTNERS, views=views, dropped=dropped)

    def week(self, catalog: Catalog) -> bytes:
        """week.html: every partner change of the seven days up to the newest version."""
        lines = [
            (site_id, line)
            for site_id, summary in catalog.summaries.items()
            for line in summary.recent
        ]
        newest = max((line.captured_at for _, line in lines), default=None)
        start = newest - timedelta(days=WEEK_DAYS) if newest else None
        recent = sorted(
            (
                (site_id, line)
                for site_id, line in lines
                if start is not None and line.captured_at > start and line.events
            ),
            key=lambda item: (item[1].captured_at, item[0]),
            reverse=True,
        )
        days: dict[date, list[int]] = {}
        if newest is not None:
            last = newest.astimezone(self.zone).date()
            for back in range(WEEK_DAYS - 1, -1, -1):
                days[last - timedelta(days=back)] = [0, 0]
        for _, line in recent:
            counts = days.setdefault(line.captured_at.astimezone(self.zone).date(), [0, 0])
            for event in line.events:
                counts[0 if event.type in (EventType.ADDED, EventType.READDED) else 1] += 1
        chart = charts.daily_bars(
            [(day, added, other) for day, (added, other) in sorted(days.items())],
            title="最近 7 天每天的合作机构变化",
        )
        return self._page(
            "week.html",
            paths.WEEK,
            catalog=catalog,
            recent=recent,
            start=start,
            newest=newest,
            chart=Markup(chart),  # noqa: S704 - built by charts.py, every text escaped
            total=sum(len(line.events) for _, line in recent),
            institutions=len({site_id for site_id, _ in recent}),
        )

    def scorecard(self, catalog: Catalog) -> bytes:
        """scorecard.html: every institution against the disclosure criteria."""
        rows = []
        for site_id in catalog.site_ids():
            summary = catalog.summaries.get(site_id) or model.empty(site_id).summary
            rows.append({"info": catalog.info(site_id), "card": model.quality(summary)})
        names = [(c.key, c.label) for c in model.quality(model.empty("x").summary).criteria]
        return self._page("scorecard.html", paths.SCORECARD, rows=rows, criteria=names)


def _csp_hash(text: str) -> str:
    """The CSP source that allows exactly this inline stylesheet or script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _screenshot(manifest: Manifest | None) -> str:
    ref = manifest.blob("screenshot") if manifest else None
    return ref.digest if ref else ""


def _event_groups(events: tuple[PartnerEvent, ...]) -> list[tuple[str, list[PartnerEvent]]]:
    """Partner changes in the order people ask about them."""
    order = (
        ("新增", (EventType.ADDED, EventType.READDED)),
        ("移除", (EventType.DROPPED,)),
        ("更名", (EventType.RENAMED,)),
        ("信息变更", (EventType.FIELD_CHANGED,)),
    )
    groups = []
    for title, kinds in order:
        found = [event for event in events if event.type in kinds]
        if found:
            groups.append((title, found))
    return groups


def human_size(size: int) -> str:
    """Bytes for people.

    >>> human_size(1536)
    '1.5 KB'
    """
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def web_link(url: str) -> str | None:
    """`url` if it is an http(s) URL that may be put in an href, else None.

    >>> web_link("javascript:alert(1)") is None
    True
    >>> web_link("https://www.example.cn/a")
    'https://www.example.cn/a'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()
