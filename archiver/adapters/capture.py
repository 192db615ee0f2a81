"""BrowserSession: one capture in one fresh browser context, under the URL policy and budgets.

Every fetch the capture makes obeys `archiver.urlpolicy`: the context's request router
refuses content requests (documents, frames, XHR/fetch) to hosts that are not the
institution's, and the final URL of whatever is read (after redirects, which the router never
sees) is checked again before it is read; the address rule is enforced below, by the
`AddressGuard` proxy, for every request and redirect hop. Attachments, list images and raw
bodies come through `Downloader`. Refused fetches are kept in `Capture.refused`; a capture
that went over a budget says so in `Capture.truncated` and is never an ok version.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import structlog
from playwright.async_api import BrowserContext, Page, Request, Response, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from archiver import doctypes
from archiver.adapters import attachments, lazy_tabs, pagination
from archiver.adapters.browser_errors import WouldDownload, first_line, translate
from archiver.adapters.download import Downloader, Fetched, kept
from archiver.adapters.guard import AddressGuard
from archiver.adapters.json_bodies import JsonBodies
from archiver.adapters.json_links import json_documents
from archiver.adapters.ledger import CaptureBudget, CaptureLedger
from archiver.adapters.rendering import RegionReader
from archiver.adapters.scripts import clean
from archiver.adapters.settling import NetworkQuiet
from archiver.errors import (
    CaptureError,
    CaptureTimeout,
    ConnectionFailed,
    RedirectLoop,
    UrlRefused,
)
from archiver.models import Capture, HttpResponse, RenderedPage
from archiver.ports import CaptureRequest
from archiver.urlpolicy import Purpose, Reason, UrlPolicy

T = TypeVar("T")


class SessionOwner(Protocol):
    """What a session needs of the engine that opened it (`browser.PlaywrightCapturer`):
    its loop, its address guard and the browser's version."""

    guard: AddressGuard
    browser_version: str

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        """Run a coroutine on the browser's loop and wait for it."""
        ...

    def guard_refusal(self, url: str) -> Reason | None:
        """Why the address guard refused the host of `url` lately, if it did."""
        ...


log = structlog.get_logger("archiver.browser")

CONTENT_TYPES = {"document", "xhr", "fetch", "eventsource"}  # what the host rule covers
SCRIPT_REQUEST_TYPES = {"xhr", "fetch", "eventsource"}  # a page's scripts fetching data


class BrowserSession:
    """One open capture: snapshot first, screenshot only when the pipeline asks."""

    def __init__(
        self,
        owner: SessionOwner,
        context: BrowserContext,
        request: CaptureRequest,
        *,
        policy: UrlPolicy,
        budget: CaptureBudget,
        user_agent: str,
    ) -> None:
        self.owner = owner
        self.context = context
        self.request = request
        self.policy = policy
        self.budget = budget
        self.page: Page | None = None
        self.entry_url = request.url
        self.entry_moved = False  # click-paginated away from the entry view
        self.main: Response | None = None  # the entry page's response, for its body later
        self.network = NetworkQuiet()
        self.ledger = CaptureLedger(request.site_id)
        self.json_bodies = JsonBodies(budget=budget, ledger=self.ledger, own=self.own)
        self.reader = RegionReader(budget=budget, ledger=self.ledger, exclude=request.exclude)
        self.downloader = Downloader(
            policy,
            user_agent=user_agent,
            cookies=self._cookie_header,
            timeout_s=request.timeout_s,
            max_bytes=budget.max_attachment_bytes,
            max_decoded_bytes=budget.max_decoded_bytes,
            vet=owner.guard.vet,
            verify_tls=request.verify_tls,
        )

    # --- the URL policy --------------------------------------------------------------------

    async def install(self) -> None:
        """Route every request of the context through the host rule."""
        await self.context.route("**/*", self._route)

    async def _route(self, route: Route, request: Request) -> None:
        purpose = _purpose_of(request)
        reason = self.policy.check(request.url, purpose)
        try:
            if reason is None:
                await route.continue_()
            else:
                self.ledger.refuse(request.url, reason, purpose)
                await route.abort("blockedbyclient")
        except PlaywrightError:
            pass  # the page or context closed meanwhile

    def _failed(self, request: Request) -> None:
        reason = self.owner.guard_refusal(request.url)
        if reason is not None:
            self.ledger.refuse(request.url, reason, _purpose_of(request))

    def own(self, url: str, purpose: Purpose) -> bool:
        """Whether content at `url` (a final URL, after redirects) may be read; records if not."""
        reason = self.policy.check(url, purpose)
        if reason is None:
            return True
        self.ledger.refuse(url, reason, purpose)
        return False

    @property
    def truncated(self) -> Sequence[str]:
        """The budgets this capture went over so far."""
        return self.ledger.truncated

    def missed(self, what: str) -> None:
        """A page of the list that could not be reached: the capture is incomplete."""
        self.ledger.missed(what)

    async def _cookie_header(self, url: str) -> str:
        try:
            cookies = await self.context.cookies([url])
        except PlaywrightError:
            return ""
        return "; ".join(f"{c.get('name', '')}={c.get('value', '')}" for c in cookies)

    # --- settling ----------------------------------------------------------------------------

    async def track(self, page: Page) -> None:
        """Count the page's requests in flight, so settling can wait for the quiet after them.

        A redirect hop is never seen by the router, so the host rule is applied here; its
        content is never read (final URLs are checked before reading)."""
        self.network.watch(
            page,
            redirected=self._redirected,
            failed=self._failed,
        )
        await self._watch_script_hops(page)

    def _redirected(self, request: Request) -> None:
        self.own(request.url, _purpose_of(request))

    async def _watch_script_hops(self, page: Page) -> None:
        """Record the redirect hops of the page's fetch/XHR from Chromium's own network events.

        When a script's request is redirected to another origin and the hop fails (CORS),
        Playwright may report only the first request's failure and no event for the hop,
        though Chromium requested it; the DevTools protocol reports every hop, so the refusal
        is recorded whatever Playwright shows."""
        try:
            session = await self.context.new_cdp_session(page)
            session.on("Network.requestWillBeSent", self._script_hop)
            await session.send("Network.enable")
        except PlaywrightError as exc:
            log.warning(
                "redirect_watch_unavailable", site=self.request.site_id, error=first_line(exc)
            )

    def _script_hop(self, event: dict[str, Any]) -> None:
        if "redirectResponse" not in event:
            return
        if str(event.get("type", "")).lower() in SCRIPT_REQUEST_TYPES:
            self.own(str(event.get("request", {}).get("url", "")), Purpose.JSON)

    async def settle(self, page: Page) -> None:
        """Wait until scripts stop fetching and the DOM stops changing, within a cap."""
        await self.network.settle(page, self.request.timeout_s)

    async def new_tab(self) -> Page:
        """A second page in the context (pagination opens next-page links there)."""
        page = await self.context.new_page()
        page.set_default_timeout(self.request.timeout_s * 1000)
        await self.track(page)
        return page

    # --- the capture -------------------------------------------------------------------------

    def snapshot(self) -> Capture:
        """Render the page, its pagination and its attachments."""
        timeout = self.request.timeout_s * (self.request.max_pages + 2) + 30
        return self.owner.run(self._snapshot(), timeout_s=timeout)

    def screenshot(self) -> bytes | None:
        """Full-page PNG of the entry page."""
        return self.owner.run(self._screenshot(), timeout_s=self.request.timeout_s + 30)

    def complete(self, capture: Capture) -> Capture:
        """The capture with the main response body, fetched only for a version to archive."""
        main = capture.main_response
        if main is None or main.body or self.main is None:
            return capture
        body = self.owner.run(self._served_body(main), timeout_s=self.request.timeout_s + 30)
        return replace(capture, main_response=replace(main, body=body))

    async def _snapshot(self) -> Capture:
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        request = self.request
        await self._check_entry(request.url)
        page = await self.context.new_page()
        page.set_default_timeout(request.timeout_s * 1000)
        self.page = page
        pending: set[asyncio.Task[None]] = set()

        def keep_json(response: Response) -> None:
            if response.request.resource_type in ("xhr", "fetch"):
                task = asyncio.ensure_future(self.json_bodies.keep(response))
                pending.add(task)
                task.add_done_callback(pending.discard)

        page.on("response", keep_json)
        await self.track(page)
        main = await self._main(page)
        pages: list[RenderedPage] = []
        documents: list[HttpResponse] = []
        images: list[HttpResponse] = []
        selector_matched = True
        if not _is_html(main.media_type):
            if main.media_type in doctypes.MEDIA_TYPES:
                documents.append(main)
        else:
            pages, documents, images, selector_matched = await self._read_page(page, pending)
        if pending:
            await asyncio.wait(pending, timeout=5)
        for what in self.json_bodies.unreached():
            self.ledger.missed(what)  # page 2 of the list's JSON failed: the list is not whole
        self.ledger.close()
        return Capture(
            site_id=request.site_id,
            requested_url=request.url,
            final_url=main.url,
            status=main.status,
            fetched_at=fetched_at,
            browser_version=self.owner.browser_version,
            pages=tuple(pages),
            main_response=main,
            json_bodies=tuple(self.json_bodies.kept),
            attachments=tuple(documents),
            images=tuple(images),
            selector_matched=selector_matched,
            duration_s=time.monotonic() - started,
            refused=tuple(self.ledger.refused.values()),
            truncated=tuple(self.ledger.truncated),
            unreached=tuple(self.ledger.unreached),
            tls_verified=request.verify_tls,
        )

    async def _read_page(
        self, page: Page, pending: set[asyncio.Task[None]]
    ) -> tuple[list[RenderedPage], list[HttpResponse], list[HttpResponse], bool]:
        """An HTML entry page's renders (frames, sheets, pages of its pager, panes of its
        tabs), the documents it links to and the pictures of its list; whether the
        selector matched."""
        request = self.request
        documents: list[HttpResponse] = []
        await self.settle(page)
        if request.wait_for:
            try:
                await page.wait_for_selector(request.wait_for, timeout=request.timeout_s * 1000)
            except PlaywrightTimeout as exc:
                raise CaptureTimeout(
                    f"wait_for selector {request.wait_for!r} did not appear within "
                    f"{request.timeout_s:.0f}s"
                ) from exc
        first = await self.render(page)
        selector_matched = first is not None
        if first is None:
            first = await self.render(page, whole_page=True)
            assert first is not None
        pages = [first, *await self.reader.frames(page, self.own)]
        seen = {p.url for p in pages}
        pages += await self.reader.sheets(page, self.own, seen, request.timeout_s)
        links = await self.attachment_links(page)
        if selector_matched and request.max_pages > 1 and request.next_texts:
            more, more_links = await pagination.paginate(self, page, first)
            pages.extend(more)
            links.extend(more_links)
        if selector_matched and not self.entry_moved:
            tabbed, tab_links = await lazy_tabs.open_tabs(self, page, first)
            pages.extend(tabbed)
            links.extend(tab_links)
        if request.attachments:
            documents = await self._attachments(page, links, pending)
        images = await self._list_images(pages)
        return pages, documents, images, selector_matched

    async def _check_entry(self, url: str) -> None:
        """The entry URL obeys the policy before anything is opened."""
        reason = self.policy.check(url, Purpose.NAVIGATION)
        if reason is None:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                _, reason = await self.owner.guard.vet(parts.hostname or "", port)
            except OSError as exc:
                raise ConnectionFailed(f"{url} could not be reached (name not resolved)") from exc
        if reason is not None:
            self.ledger.refuse(url, reason, Purpose.NAVIGATION)
            raise UrlRefused(f"{url} is refused by the URL policy ({reason.value})")

    async def _main(self, page: Page) -> HttpResponse:
        """Open the entry URL; the main response, with its body only when it is not HTML.

        An HTML body is evidence for a new version only, so `complete` fetches it then.
        """
        opened = await self._open_main(page, self.request.url)
        if isinstance(opened, HttpResponse):
            return opened
        if not self.own(opened.url, Purpose.NAVIGATION):
            raise UrlRefused(f"{self.request.url} redirected to {opened.url}, not the site's own")
        self.main = opened
        main = await self._main_response(opened)
        if _is_html(main.media_type):
            return main
        if main.media_type in doctypes.MEDIA_TYPES:
            # Chromium shows its PDF viewer: the navigation body is the viewer's HTML, not
            # the document. Fetch the bytes with the downloader (same cookies).
            fetched = await self._download(opened.url, Purpose.ATTACHMENT)
            if fetched is not None and fetched.status < 400:
                return fetched
        return replace(main, body=await self._body(opened))

    async def _open_main(self, page: Page, url: str) -> Response | HttpResponse:
        """Navigate to the entry URL; a document Chromium would download is fetched instead."""
        try:
            response = await self.goto(page, url)
        except WouldDownload:
            fetched = await self._download(url, Purpose.ATTACHMENT)
            if fetched is None:
                raise CaptureError(f"{url}: the document could not be downloaded") from None
            return fetched
        if response is None:
            raise CaptureError(f"no response for {url}")
        return response

    async def goto(self, page: Page, url: str) -> Response | None:
        timeout_ms = self.request.timeout_s * 1000
        try:
            return await page.goto(url, wait_until="load", timeout=timeout_ms)
        except PlaywrightTimeout as exc:
            raise CaptureTimeout(
                f"{url} did not load within {self.request.timeout_s:.0f}s"
            ) from exc
        except PlaywrightError as exc:
            message = str(exc)
            reason = self.owner.guard_refusal(url)
            if reason is not None or "ERR_BLOCKED_BY_CLIENT" in message:
                raise UrlRefused(
                    f"{url} (or a redirect of it) is refused by the URL policy"
                ) from exc
            if "Download is starting" in message or "ERR_ABORTED" in message:
                raise WouldDownload(url) from exc
            raise translate(exc, url) from exc

    async def _main_response(self, response: Response) -> HttpResponse:
        try:
            headers = await response.all_headers()
        except PlaywrightError:
            headers = {}
        return kept(clean(response.url), response.status, headers, b"")

    async def _body(self, response: Response) -> bytes:
        try:
            body = await response.body()
        except PlaywrightError as exc:
            log.warning(
                "response_body_unavailable", site=self.request.site_id, error=first_line(exc)
            )
            return b""
        if len(body) > self.budget.max_response_bytes:
            self.ledger.over(f"the response of {response.url[:200]} is over the byte cap")
            return b""
        return body

    async def _served_body(self, main: HttpResponse) -> bytes:
        """The bytes as the server sent them.

        Chromium hands back a decoded document re-encoded as UTF-8, so a GBK page would be
        archived in an encoding it was never published in; such pages are fetched again,
        raw, by the downloader (same cookies).
        """
        assert self.main is not None
        if self.reader.charsets <= {"utf-8", ""}:
            return await self._body(self.main)
        fetched = await self._download(main.url, Purpose.NAVIGATION)
        if fetched is not None and fetched.status == main.status and fetched.body:
            return fetched.body
        return await self._body(self.main)

    async def render(self, page: Page, *, whole_page: bool = False) -> RenderedPage | None:
        """The page's disclosure region (the whole page if asked), None when the site's
        selector matches nothing."""
        try:
            return await self.reader.page(page, None if whole_page else self.request.selector)
        except PlaywrightError as exc:
            raise translate(exc, page.url) from exc

    async def _attachments(
        self, page: Page, links: list[tuple[str, str]], pending: set[asyncio.Task[None]]
    ) -> list[HttpResponse]:
        """The documents the page links to, then those its own JSON names but its DOM never
        shows (json_links), fetched within the attachment limit."""
        if pending:
            await asyncio.wait(pending, timeout=5)
        bodies = [body.body for body in self.json_bodies.kept]
        links = [*links, *json_documents(bodies, page.url)]
        return await attachments.fetch_attachments(
            links, limit=self.request.max_attachments, download=self._download
        )

    async def attachment_links(self, page: Page) -> list[tuple[str, str]]:
        """The documents `page` links to within the site's selector."""
        return await attachments.attachment_links(page, self.request.selector)

    async def _list_images(self, pages: list[RenderedPage]) -> list[HttpResponse]:
        return await attachments.list_images(
            pages,
            self.reader.image_urls,
            selector=self.request.selector,
            excludes=tuple(self.request.exclude),
            download=self._download,
        )

    async def _download(self, url: str, purpose: Purpose) -> HttpResponse | None:
        """A download through the policy; refusals and budgets are recorded, not raised."""
        result: Fetched = await self.downloader.get(url, purpose, referer=self.request.url)
        if result.refusal is not None:
            reason = Reason(result.refusal.reason)
            self.ledger.refuse(result.refusal.url, reason, purpose)
        if result.over_budget:
            self.ledger.over(result.over_budget)
        if result.redirect_loop:
            raise RedirectLoop(f"{url} redirects in a loop")
        if result.error:
            log.info("download_failed", site=self.request.site_id, error=result.error)
        return result.response

    async def _screenshot(self) -> bytes | None:
        page = self.page
        if page is None or page.is_closed():
            return None
        try:
            if self.entry_moved:
                await page.goto(self.entry_url, wait_until="load")
                await self.settle(page)
            return await page.screenshot(full_page=True, type="png", animations="disabled")
        except PlaywrightError as exc:
            log.warning("screenshot_failed", site=self.request.site_id, error=first_line(exc))
            return None


def _purpose_of(request: Request) -> Purpose:
    kind = request.resource_type
    if kind not in CONTENT_TYPES:
        return Purpose.RENDER
    if kind == "document":
        try:
            is_main = request.frame.parent_frame is None
        except PlaywrightError:
            is_main = True
        return Purpose.NAVIGATION if is_main else Purpose.FRAME
    return Purpose.JSON


def _is_html(media: str) -> bool:
    return media in ("text/html", "application/xhtml+xml", "")
