"""Discovery: from the entry page, find every announcement and tell partner lists apart.

Index pages (the entry page, announcement columns, "查看更多" pages, JSON-backed lists) are
read with their pagination; the announcements they link to are read once each and classified
by content (`score.assess`). What an earlier check already classified is not read again
(lists are checked as documents anyway), so a steady-state check reads only the index pages.
Every page load goes through the caller's gated capturer: the crawl stops cleanly when the
budget runs out or the host blocks us, and says so.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import structlog

from archiver.config import Site
from archiver.discovery import links as linkmod
from archiver.discovery import readers, score
from archiver.discovery.links import Link, LinkKind, LinkRules
from archiver.discovery.politeness import BudgetExhausted, HostBlocked
from archiver.discovery.robots import Robots
from archiver.discovery.settings import DiscoverySettings
from archiver.discovery.urls import normalise
from archiver.errors import CaptureError
from archiver.models import Capture, DocumentRef, HttpResponse, PageStatus, RenderedPage
from archiver.ports import Capturer, CaptureRequest

log = structlog.get_logger("archiver.discovery")
Role = Literal["list", "other", "pending"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One announcement seen in this crawl."""

    url: str
    title: str = ""
    published: str = ""
    listed: bool = False  # linked from an index page in this crawl
    role: Role = "pending"
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    classified: bool = False  # read and classified in this crawl


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlResult:
    """What one discovery crawl saw."""

    entry_url: str
    final_url: str = ""
    entry_status: int = 0
    browser_version: str = ""
    error: str = ""  # the entry page could not be read: the whole check fails
    error_status: PageStatus = PageStatus.OK
    blocked: str = ""  # the host blocked us mid-crawl
    complete: bool = True  # every index page in reach was read
    found: tuple[Found, ...] = ()
    index_pages: tuple[RenderedPage, ...] = ()
    json_bodies: tuple[HttpResponse, ...] = ()
    pages: int = 0  # page loads, robots.txt included
    skipped_robots: tuple[str, ...] = ()
    duration_s: float = 0.0


@dataclass
class _State:
    found: dict[str, Found] = field(default_factory=dict)
    index_pages: list[RenderedPage] = field(default_factory=list)
    json_bodies: list[HttpResponse] = field(default_factory=list)
    skipped_robots: list[str] = field(default_factory=list)
    attachments: dict[str, HttpResponse] = field(default_factory=dict)  # fetched with indexes
    pages: int = 0
    complete: bool = True
    blocked: str = ""


def discover(
    site: Site,
    settings: DiscoverySettings,
    capturer: Capturer,
    *,
    known: Mapping[str, DocumentRef],
    now: datetime,
    robots: Robots | None = None,
) -> CrawlResult:
    """Crawl from `site.url`; `known` maps URLs to what earlier checks classified."""
    crawler = _Crawler(site, settings, capturer, known=known, now=now, robots=robots)
    return crawler.run()


class _Failed(Exception):
    """The entry page could not be read: the crawl ends with this status."""

    def __init__(self, message: str, status: PageStatus) -> None:
        super().__init__(message)
        self.status = status


class _Stop(Exception):
    """The budget ran out or the host blocked us: stop reading, keep what was found."""


class _Crawler:
    """One crawl. Index pages go breadth-first (their links feed everything else);
    candidates follow in priority order, after the index pages of their depth."""

    def __init__(
        self,
        site: Site,
        settings: DiscoverySettings,
        capturer: Capturer,
        *,
        known: Mapping[str, DocumentRef],
        now: datetime,
        robots: Robots | None,
    ) -> None:
        self.site = site
        self.settings = settings
        self.capturer = capturer
        self.known = known
        self.now = now
        self.robots = robots if settings.robots else None
        self.entry = normalise(site.url)
        self.rules = LinkRules(
            entry=self.entry, columns=settings.columns, more=settings.more, hosts=settings.hosts
        )
        self.own_names = tuple(n for n in (site.name, site.legal_name) if n)
        self.state = _State()
        self.result = CrawlResult(entry_url=self.entry)
        self.frontier: list[tuple[int, int, int, Link]] = []
        self.depth: dict[str, int] = {}
        self.visited: set[str] = set()
        self.counter = 0
        self.first = True

    def push(self, link: Link, depth: int) -> None:
        self.depth.setdefault(link.url, depth)
        self.counter += 1
        rank = depth if link.kind is LinkKind.INDEX else 0
        heapq.heappush(self.frontier, (rank, link.priority, self.counter, link))

    def run(self) -> CrawlResult:
        started = time.perf_counter()
        self.push(Link(url=self.entry, text="", kind=LinkKind.INDEX, priority=0), 0)
        for extra in self.settings.follow:
            self.push(Link(url=normalise(extra), text="", kind=LinkKind.INDEX, priority=0), 1)
        try:
            while self.frontier:
                _, _, _, link = heapq.heappop(self.frontier)
                if link.url not in self.visited:
                    self.visited.add(link.url)
                    self.visit(link)
                    self.first = False
        except _Failed as failed:
            return _finish(
                self.result, self.state, started, error=str(failed), status=failed.status
            )
        except _Stop:
            self.state.complete = False
        if any(i.kind is LinkKind.INDEX and i.url not in self.visited for *_, i in self.frontier):
            self.state.complete = False
        return _finish(self.result, self.state, started)

    def visit(self, link: Link) -> None:
        state, ref = self.state, self.known.get(link.url)
        if link.kind is LinkKind.CANDIDATE and _known_enough(ref, self.now, self.settings):
            return
        kept = state.attachments.get(link.url)
        if link.kind is LinkKind.CANDIDATE and kept is not None and _is_document(kept):
            # already fetched with its index page: classify without another page load
            _classified(state, link, _assess_attachment(kept, link, self.own_names))
            return
        if link.kind is LinkKind.INDEX and ref is not None and ref.role == "list":
            return  # a list reached by a column-like link ("公告"): checked as a document
        if self.robots is not None and not self.robots.allowed(link.url):
            if self.first:
                raise _Failed(f"robots.txt disallows {link.url}", PageStatus.ROBOTS_DISALLOWED)
            state.skipped_robots.append(link.url)
            return
        capture = self.load(link)
        if capture is None or capture.status >= 400:
            return
        self.read(capture, link)

    def load(self, link: Link) -> Capture | None:
        try:
            capture = _load(self.site, self.settings, self.capturer, link, self.state)
        except BudgetExhausted as exc:
            log.info("discovery_budget_exhausted", site=self.site.id, reason=str(exc))
            if self.first:
                raise _Failed(str(exc), PageStatus.BUDGET_EXHAUSTED) from exc
            raise _Stop from exc
        except HostBlocked as exc:
            self.state.blocked = str(exc)
            if self.first:
                raise _Failed(str(exc), PageStatus.BLOCKED) from exc
            raise _Stop from exc
        except CaptureError as exc:
            if self.first:
                raise _Failed(str(exc), status_of(exc)) from exc
            log.info("discovery_page_failed", site=self.site.id, url=link.url, error=str(exc))
            return None
        if self.first:
            self.result = CrawlResult(
                entry_url=self.entry,
                final_url=capture.final_url,
                entry_status=capture.status,
                browser_version=capture.browser_version,
            )
            if capture.status >= 400:
                raise _Failed(f"HTTP {capture.status} at {self.entry}", PageStatus.HTTP_ERROR)
        return capture

    def read(self, capture: Capture, link: Link) -> None:
        state = self.state
        page_links = _links_of(capture, self.rules)
        verdict = _assess(capture, link, self.own_names)
        if link.kind is LinkKind.CANDIDATE or verdict.is_list:
            _classified(state, link, verdict)
        if link.kind is not LinkKind.INDEX and not linkmod.looks_like_index(page_links):
            return
        if any(lk.kind is LinkKind.CANDIDATE for lk in page_links):
            state.index_pages.extend(capture.pages)
            state.json_bodies.extend(capture.json_bodies)
        for attachment in capture.attachments:
            state.attachments.setdefault(normalise(attachment.url), attachment)
        depth = self.depth.get(link.url, 1)
        for found in page_links:
            _listed(state, found, self.known)
            if depth < self.settings.max_depth and found.url not in self.visited:
                self.push(found, depth + 1)


def _known_enough(ref: DocumentRef | None, now: datetime, settings: DiscoverySettings) -> bool:
    """Whether an earlier classification still holds (lists are re-read as documents)."""
    if ref is None or ref.role == "pending":
        return False
    if ref.role in ("list", "index"):
        return True
    if ref.classified_at is None:
        return False
    return (now - ref.classified_at).total_seconds() < settings.reclassify_after


def _load(
    site: Site, settings: DiscoverySettings, capturer: Capturer, link: Link, state: _State
) -> Capture:
    index = link.kind is LinkKind.INDEX
    request = CaptureRequest(
        site_id=site.id,
        url=link.url,
        timeout_s=site.timeout,
        max_pages=settings.max_list_pages if index else 1,
        next_texts=settings.next if index else (),
        attachments=not index or settings.index_attachments > 0,
        max_attachments=settings.index_attachments if index else 5,
        user_agent=site.user_agent,
        hosts=site.own_hosts,
        verify_tls=site.tls_verify,
    )
    state.pages += 1
    for attempt in range(settings.block_after):
        with capturer.open(request) as session:
            capture = session.snapshot()
        if capture.status not in (429, 503) or attempt == settings.block_after - 1:
            return capture
    raise AssertionError("unreachable")


def _links_of(capture: Capture, rules: LinkRules) -> list[Link]:
    seen: dict[str, Link] = {}
    for page in capture.pages:
        for link in linkmod.html_links(page.html, page.url, rules):
            seen.setdefault(link.url, link)
    for body in capture.json_bodies:
        for link in linkmod.json_links(body.body, body.url, rules):
            if link.url in seen and not seen[link.url].published and link.published:
                seen[link.url] = link
            seen.setdefault(link.url, link)
    if capture.main_response is not None and "json" in capture.main_response.media_type:
        for link in linkmod.json_links(capture.main_response.body, capture.final_url, rules):
            seen.setdefault(link.url, link)
    return list(seen.values())


def _assess(capture: Capture, link: Link, own_names: tuple[str, ...]) -> score.Verdict:
    texts = [capture.text]
    readable = False
    # an index page's attachments are its announcements, judged one by one, not with it
    attachments = capture.attachments if link.kind is LinkKind.CANDIDATE else ()
    if capture.main_response is not None and capture.main_response in capture.attachments:
        attachments = capture.attachments
    for attachment in attachments:
        text = readers.text_of(attachment)
        readable = readable or bool(text.strip())
        texts.append(text)
    title = link.text or (capture.pages[0].title if capture.pages else "")
    unreadable = bool(attachments) and not readable and not capture.text.strip()
    return score.assess("\n".join(texts), title=title, own_names=own_names, unreadable=unreadable)


def _is_document(response: HttpResponse) -> bool:
    """Real document bytes (Chromium's inline PDF viewer page is not)."""
    return response.status < 400 and response.body.startswith((b"%PDF-", b"PK\x03\x04"))


def _assess_attachment(
    response: HttpResponse, link: Link, own_names: tuple[str, ...]
) -> score.Verdict:
    text = readers.text_of(response)
    return score.assess(text, title=link.text, own_names=own_names, unreadable=not text.strip())


def _classified(state: _State, link: Link, verdict: score.Verdict) -> None:
    before = state.found.get(link.url)
    role: Role = "list" if verdict.is_list else "other"
    state.found[link.url] = Found(
        url=link.url,
        title=(before.title if before and before.title else link.text),
        published=(before.published if before and before.published else "")
        or link.published
        or verdict.published,
        listed=(before.listed if before else False) or bool(link.text),  # "" = entry page
        role=role,
        categories=verdict.categories,
        reasons=verdict.reasons,
        classified=True,
    )


def _listed(state: _State, link: Link, known: Mapping[str, DocumentRef]) -> None:
    if link.kind is not LinkKind.CANDIDATE and link.url not in known:
        return
    before = state.found.get(link.url)
    if before is not None:
        state.found[link.url] = Found(
            url=before.url,
            title=before.title or link.text,
            published=link.published or before.published,
            listed=True,
            role=before.role,
            categories=before.categories,
            reasons=before.reasons,
            classified=before.classified,
        )
        return
    state.found[link.url] = Found(
        url=link.url, title=link.text, published=link.published, listed=True
    )


def status_of(exc: CaptureError) -> PageStatus:
    """The page status a capture error stands for (as the pipeline maps it)."""
    try:
        return PageStatus(exc.reason)
    except ValueError:
        return PageStatus.BROWSER_ERROR


def _finish(
    result: CrawlResult,
    state: _State,
    started: float,
    *,
    error: str = "",
    status: PageStatus = PageStatus.OK,
) -> CrawlResult:
    return CrawlResult(
        entry_url=result.entry_url,
        final_url=result.final_url,
        entry_status=result.entry_status,
        browser_version=result.browser_version,
        error=error,
        error_status=status,
        blocked=state.blocked,
        complete=state.complete and not error,
        found=tuple(state.found.values()),
        index_pages=tuple(state.index_pages),
        json_bodies=tuple(state.json_bodies),
        pages=state.pages,
        skipped_robots=tuple(state.skipped_robots),
        duration_s=time.perf_counter() - started,
    )
