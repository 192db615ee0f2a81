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
import hashlib
import re
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import structlog
from playwright.async_api import BrowserContext, Page, Request, Response, Route
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from archiver import region
from archiver.adapters.download import DOCUMENT_TYPES, Downloader, Fetched, kept, media_type
from archiver.adapters.guard import AddressGuard
from archiver.errors import (
    CaptureError,
    CaptureTimeout,
    ConnectionFailed,
    RedirectLoop,
    UrlRefused,
)
from archiver.models import Capture, HttpResponse, Refusal, RenderedPage
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

DEFAULT_EXCLUDES = (
    "script",
    "style",
    "noscript",
    "template",
    "marquee",
    ".swiper",
    ".swiper-container",
    ".carousel",
    ".slick-slider",
    ".bx-wrapper",
)
LIST_IMAGE_PIXELS = 40_000  # smaller images (200x200) are logos, icons and bullets
MAX_LIST_IMAGES = 12
MAX_FRAMES = 5  # iframes read as pages of their own
FRAME_MIN_TEXT = 40  # characters: smaller frames are widgets, counters and ads
MAX_REFUSALS = 200  # kept per capture; the rest are counted
SETTLING_TYPES = {"document", "script", "xhr", "fetch"}
CONTENT_TYPES = {"document", "xhr", "fetch", "eventsource"}  # what the host rule covers
SETTLE_CAP_S = 8.0  # a page that keeps polling is captured as it is after this long
NETWORK_QUIET_S = 0.05
DOM_QUIET_MS = 120
DOM_QUIET_CAP_MS = 2500
ATTACHMENT_SUFFIX = re.compile(r"\.(pdf|docx?|xlsx?|csv|wps|et)(?:$|[?#])", re.IGNORECASE)
_CONNECTION_ERRORS = (
    "ERR_NAME_NOT_RESOLVED",
    "ERR_NAME_RESOLUTION_FAILED",
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_CONNECTION_FAILED",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_ADDRESS_INVALID",
    "ERR_EMPTY_RESPONSE",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_SSL",
    "ERR_CERT",
    "ERR_TUNNEL_CONNECTION_FAILED",
    "ERR_PROXY_CONNECTION_FAILED",
    "ERR_INVALID_RESPONSE",
    "ERR_HTTP2",
    "ERR_QUIC",
    "ERR_UNSAFE_PORT",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureBudget:
    """What one capture may take in; over any of these it is `truncated`, never ok."""

    max_dom_chars: int = 20_000_000  # rendered DOM of every page and frame, in all
    max_text_chars: int = 5_000_000  # visible text of every page and frame, in all
    max_json_bodies: int = 100  # distinct XHR/fetch bodies kept
    max_json_bytes: int = 20_000_000  # their bytes, in all
    max_response_bytes: int = 20_000_000  # one kept response body (JSON, the raw page)
    max_attachment_bytes: int = 50_000_000  # one attachment or image, as sent
    max_decoded_bytes: int = 200_000_000  # one attachment after gzip/deflate


@cache
def script(name: str) -> str:
    """A JS program of `archiver/adapters/js/`, without its leading comment lines."""
    text = resources.files("archiver.adapters").joinpath(f"js/{name}.js").read_text("utf-8")
    lines = text.splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


def clean(text: object) -> str:
    """A string from the browser as valid Unicode: lone surrogates become U+FFFD, pairs join.

    >>> clean("a\\ud800b"), clean("\\ud83d\\ude00")
    ('a\\ufffdb', '😀')
    """
    value = str(text)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def viewed_document(url: str) -> str:
    """The document a PDF.js-style viewer shows (`viewer.html?file=/a/list.pdf`), else the URL.

    >>> viewed_document("https://b.cn/pdfjs/web/viewer.html?file=%2Fupload%2Flist.pdf")
    'https://b.cn/upload/list.pdf'
    >>> viewed_document("https://b.cn/notice/1.html?id=3")
    'https://b.cn/notice/1.html?id=3'
    """
    shown = parse_qs(urlsplit(url).query).get("file")
    if shown and ATTACHMENT_SUFFIX.search(shown[0]):
        return urljoin(url, shown[0])
    return url


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
        self.image_urls: list[str] = []  # large images in the region, in page order
        self.main: Response | None = None  # the entry page's response, for its body later
        self.charsets: set[str] = set()  # the encodings the browser decoded the pages with
        self.inflight = 0  # requests that can still change the DOM (documents, scripts, XHR)
        self.last_network = time.monotonic()
        self.refused: dict[tuple[str, str], Refusal] = {}
        self.refusals_dropped = 0
        self.truncated: list[str] = []
        self.dom_chars = 0
        self.text_chars = 0
        self.json_bytes = 0
        self.json_seen: set[tuple[str, str]] = set()
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
                self.refuse(request.url, reason, purpose)
                await route.abort("blockedbyclient")
        except PlaywrightError:
            pass  # the page or context closed meanwhile

    def refuse(self, url: str, reason: Reason, purpose: Purpose) -> None:
        """Record a refused fetch (once per URL and reason)."""
        key = (url, reason.value)
        if key in self.refused:
            return
        if len(self.refused) >= MAX_REFUSALS:
            self.refusals_dropped += 1
            return
        self.refused[key] = Refusal(url=clean(url)[:2000], reason=reason.value, purpose=purpose)
        log.info(
            "fetch_refused",
            site=self.request.site_id,
            url=url[:300],
            reason=reason.value,
            purpose=purpose.value,
        )

    def _failed(self, request: Request) -> None:
        reason = self.owner.guard_refusal(request.url)
        if reason is not None:
            self.refuse(request.url, reason, _purpose_of(request))

    def _own(self, url: str, purpose: Purpose) -> bool:
        """Whether content at `url` (a final URL, after redirects) may be read; records if not."""
        reason = self.policy.check(url, purpose)
        if reason is None:
            return True
        self.refuse(url, reason, purpose)
        return False

    def over(self, what: str) -> None:
        """Record a budget this capture went over."""
        if what not in self.truncated:
            self.truncated.append(what)
            log.warning("capture_over_budget", site=self.request.site_id, budget=what)

    async def _cookie_header(self, url: str) -> str:
        try:
            cookies = await self.context.cookies([url])
        except PlaywrightError:
            return ""
        return "; ".join(f"{c.get('name', '')}={c.get('value', '')}" for c in cookies)

    # --- settling ----------------------------------------------------------------------------

    def _track(self, page: Page) -> None:
        """Count the requests in flight, so settling can wait for the quiet after them."""

        def started(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight += 1
                self.last_network = time.monotonic()
            if request.redirected_from is not None:
                # a redirect hop: the router never sees it, so the host rule is applied
                # here; its content is never read (final URLs are checked before reading)
                self._own(request.url, _purpose_of(request))

        def ended(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight = max(0, self.inflight - 1)
                self.last_network = time.monotonic()

        def failed(request: Request) -> None:
            ended(request)
            self._failed(request)

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", failed)

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
        json_bodies: list[HttpResponse] = []
        pending: set[asyncio.Task[None]] = set()

        def keep_json(response: Response) -> None:
            if response.request.resource_type in ("xhr", "fetch"):
                task = asyncio.ensure_future(self._keep_json(response, json_bodies))
                pending.add(task)
                task.add_done_callback(pending.discard)

        page.on("response", keep_json)
        self._track(page)
        main = await self._main(page)
        pages: list[RenderedPage] = []
        attachments: list[HttpResponse] = []
        images: list[HttpResponse] = []
        selector_matched = True
        if not _is_html(main.media_type):
            if main.media_type in DOCUMENT_TYPES:
                attachments.append(main)
        else:
            await self._settle(page)
            if request.wait_for:
                try:
                    await page.wait_for_selector(
                        request.wait_for, timeout=request.timeout_s * 1000
                    )
                except PlaywrightTimeout as exc:
                    raise CaptureTimeout(
                        f"wait_for selector {request.wait_for!r} did not appear within "
                        f"{request.timeout_s:.0f}s"
                    ) from exc
            first = await self._render(page)
            if first is None:
                selector_matched = False
                first = await self._render(page, whole_page=True)
                assert first is not None
            pages = [first, *await self._frame_pages(page)]
            links = await self._attachment_links(page)
            if selector_matched and request.max_pages > 1 and request.next_texts:
                more, more_links = await self._paginate(page, first)
                pages.extend(more)
                links.extend(more_links)
            if request.attachments:
                attachments = await self._fetch_attachments(links)
            images = await self._list_images(pages)
        if pending:
            await asyncio.wait(pending, timeout=5)
        if self.refusals_dropped:
            self.over(f"{self.refusals_dropped} more refused fetches were not listed")
        return Capture(
            site_id=request.site_id,
            requested_url=request.url,
            final_url=main.url,
            status=main.status,
            fetched_at=fetched_at,
            browser_version=self.owner.browser_version,
            pages=tuple(pages),
            main_response=main,
            json_bodies=tuple(json_bodies),
            attachments=tuple(attachments),
            images=tuple(images),
            selector_matched=selector_matched,
            duration_s=time.monotonic() - started,
            refused=tuple(self.refused.values()),
            truncated=tuple(self.truncated),
            tls_verified=request.verify_tls,
        )

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
            self.refuse(url, reason, Purpose.NAVIGATION)
            raise UrlRefused(f"{url} is refused by the URL policy ({reason.value})")

    async def _main(self, page: Page) -> HttpResponse:
        """Open the entry URL; the main response, with its body only when it is not HTML.

        An HTML body is evidence for a new version only, so `complete` fetches it then.
        """
        opened = await self._open_main(page, self.request.url)
        if isinstance(opened, HttpResponse):
            return opened
        if not self._own(opened.url, Purpose.NAVIGATION):
            raise UrlRefused(f"{self.request.url} redirected to {opened.url}, not the site's own")
        self.main = opened
        main = await self._main_response(opened)
        if _is_html(main.media_type):
            return main
        if main.media_type in DOCUMENT_TYPES:
            # Chromium shows its PDF viewer: the navigation body is the viewer's HTML, not
            # the document. Fetch the bytes with the downloader (same cookies).
            fetched = await self._download(opened.url, Purpose.ATTACHMENT)
            if fetched is not None and fetched.status < 400:
                return fetched
        return replace(main, body=await self._body(opened))

    async def _open_main(self, page: Page, url: str) -> Response | HttpResponse:
        """Navigate to the entry URL; a document Chromium would download is fetched instead."""
        try:
            response = await self._goto(page, url)
        except _WouldDownload:
            fetched = await self._download(url, Purpose.ATTACHMENT)
            if fetched is None:
                raise CaptureError(f"{url}: the document could not be downloaded") from None
            return fetched
        if response is None:
            raise CaptureError(f"no response for {url}")
        return response

    async def _goto(self, page: Page, url: str) -> Response | None:
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
                raise _WouldDownload(url) from exc
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
            self.over(f"the response of {response.url[:200]} is over the byte cap")
            return b""
        return body

    async def _served_body(self, main: HttpResponse) -> bytes:
        """The bytes as the server sent them.

        Chromium hands back a decoded document re-encoded as UTF-8, so a GBK page would be
        archived in an encoding it was never published in; such pages are fetched again,
        raw, by the downloader (same cookies).
        """
        assert self.main is not None
        if self.charsets <= {"utf-8", ""}:
            return await self._body(self.main)
        fetched = await self._download(main.url, Purpose.NAVIGATION)
        if fetched is not None and fetched.status == main.status and fetched.body:
            return fetched.body
        return await self._body(self.main)

    async def _settle(self, page: Page) -> None:
        """Wait until scripts stop fetching and the DOM stops changing, within a cap.

        Playwright's "networkidle" costs 500 ms on every page; most disclosure pages are
        static, so we wait only while requests are in flight and the DOM is still moving.
        """
        deadline = time.monotonic() + min(SETTLE_CAP_S, self.request.timeout_s)
        for _ in range(3):
            while time.monotonic() < deadline and (
                self.inflight > 0 or time.monotonic() - self.last_network < NETWORK_QUIET_S
            ):
                await asyncio.sleep(0.03)
            remaining_ms = max(0.0, deadline - time.monotonic()) * 1000
            try:
                await page.evaluate(
                    script("dom_quiet"), [DOM_QUIET_MS, min(remaining_ms, DOM_QUIET_CAP_MS)]
                )
            except PlaywrightError:
                return  # navigated away or closed: what rendered is what we keep
            if self.inflight == 0 or time.monotonic() >= deadline:
                return

    async def _region(self, target: Any, selector: str | None) -> dict[str, Any] | None:
        """The region program's answer, with the DOM and text budgets applied."""
        excludes = [*DEFAULT_EXCLUDES, *self.request.exclude]
        room = max(
            0,
            min(
                self.budget.max_dom_chars - self.dom_chars,
                self.budget.max_text_chars - self.text_chars,
            ),
        )
        region: dict[str, Any] | None = await target.evaluate(
            script("region"), [selector, excludes, LIST_IMAGE_PIXELS, room]
        )
        if region is None:
            return None
        url = clean(target.url)[:200]
        self.text_chars += int(region["textLength"])
        self.dom_chars += int(region["domLength"]) + int(region["htmlLength"])
        if self.text_chars > self.budget.max_text_chars:
            self.over(f"text: {url} takes the capture over {self.budget.max_text_chars:,} chars")
        if self.dom_chars > self.budget.max_dom_chars:
            self.over(f"dom: {url} takes the capture over {self.budget.max_dom_chars:,} chars")
        return region

    async def _render(self, page: Page, *, whole_page: bool = False) -> RenderedPage | None:
        selector = None if whole_page else self.request.selector
        try:
            region = await self._region(page, selector)
        except PlaywrightError as exc:
            raise translate(exc, page.url) from exc
        if region is None:
            return None
        self.image_urls.extend(clean(u) for u in region["images"] if str(u).startswith("http"))
        self.charsets.add(clean(region["charset"]).lower())
        return RenderedPage(
            url=clean(page.url),
            html=clean(region["dom"]),
            text=clean(region["text"]),
            title=clean(region["title"]),
            region_html=clean(region["html"]),
        )

    async def _paginate(
        self, page: Page, first: RenderedPage
    ) -> tuple[list[RenderedPage], list[tuple[str, str]]]:
        """Follow "下一页" links or buttons up to max_pages, stopping on repeats."""
        pages: list[RenderedPage] = []
        links: list[tuple[str, str]] = []
        seen = {first.text}
        current = page
        for _ in range(self.request.max_pages - 1):
            if self.truncated:
                break
            moved = await self._turn_page(page, current)
            if moved is None:
                break
            current = moved
            rendered = await self._render(current)
            if rendered is None or rendered.text in seen:
                break
            seen.add(rendered.text)
            pages.append(rendered)
            links.extend(await self._attachment_links(current))
        return pages, links

    async def _turn_page(self, page: Page, current: Page) -> Page | None:
        """The page showing the next step of the list, or None when there is none."""
        try:
            target = await current.evaluate(
                script("next"), [list(self.request.next_texts), self.request.selector]
            )
        except PlaywrightError:
            return None
        if target is None:
            return None
        href = clean(target.get("href") or "")
        if href and not href.startswith(("#", "javascript:")):
            return await self._open_next(page, current, urljoin(current.url, href))
        try:
            await current.click("[data-archiver-next='1']", timeout=5000)
        except PlaywrightError:
            return None
        if current is page:
            self.entry_moved = True
        await self._settle(current)
        return current if self._own(current.url, Purpose.NAVIGATION) else None

    async def _open_next(self, page: Page, current: Page, next_url: str) -> Page | None:
        """Navigate to a next-page link (in a second tab, so the entry page stays)."""
        if not self._own(next_url, Purpose.NAVIGATION):
            return None
        if current is page:
            current = await self.context.new_page()
            current.set_default_timeout(self.request.timeout_s * 1000)
            self._track(current)
        try:
            await self._goto(current, next_url)
        except (_WouldDownload, CaptureError):
            return None
        if not self._own(current.url, Purpose.NAVIGATION):
            return None
        await self._settle(current)
        return current

    async def _attachment_links(self, page: Page) -> list[tuple[str, str]]:
        try:
            anchors = await page.evaluate(script("links"), self.request.selector)
        except PlaywrightError:
            return []
        found = []
        for link, text in anchors:
            href = viewed_document(clean(link))
            if ATTACHMENT_SUFFIX.search(href):
                found.append((href, clean(text)))
        return found

    async def _frame_pages(self, page: Page) -> list[RenderedPage]:
        """What the page's iframes show: older sites put the whole list in one."""
        pages: list[RenderedPage] = []
        for frame in page.frames[1 : MAX_FRAMES + 1]:
            if frame.is_detached() or not frame.url.startswith(("http://", "https://")):
                continue
            if not self._own(frame.url, Purpose.FRAME):
                continue  # a frame redirected off the site: its content is not read
            try:
                region = await self._region(frame, None)
            except PlaywrightError:
                continue  # a frame that navigated or closed meanwhile, or a PDF viewer
            if region is None or len(str(region["text"]).strip()) < FRAME_MIN_TEXT:
                continue
            self.image_urls.extend(clean(u) for u in region["images"] if str(u).startswith("http"))
            pages.append(
                RenderedPage(
                    url=clean(frame.url),
                    html=clean(region["dom"]),
                    text=clean(region["text"]),
                    title=clean(region["title"]),
                    region_html=clean(region["html"]),
                )
            )
        return pages

    async def _fetch_attachments(self, links: list[tuple[str, str]]) -> list[HttpResponse]:
        kept_: list[HttpResponse] = []
        seen: set[str] = set()
        for href, _text in links:
            if href in seen or len(kept_) >= self.request.max_attachments:
                continue
            seen.add(href)
            fetched = await self._download(href, Purpose.ATTACHMENT)
            if fetched is not None and fetched.status < 400:
                kept_.append(fetched)
        return kept_

    async def _list_images(self, pages: list[RenderedPage]) -> list[HttpResponse]:
        """Every image of the disclosure region (`archiver.region`) big enough not to be an
        icon: a list may be published as pictures, and a picture replaced under the same
        name or a new one is a new version, so they are fetched by bytes on every check."""
        loaded = {unquote(url): url for url in self.image_urls}  # the DOM's src may be raw
        if not loaded:
            return []
        wanted: list[str] = []
        for page in pages:
            found = await asyncio.to_thread(
                region.find,
                page.html,
                url=page.url,
                selector=self.request.selector,
                excludes=tuple(self.request.exclude),
            )
            if not found.selector_matched:  # a frame: read whole, as extraction does
                found = await asyncio.to_thread(
                    region.find, page.html, url=page.url, excludes=tuple(self.request.exclude)
                )
            wanted.extend(
                loaded[unquote(image.url)]
                for image in found.images
                if unquote(image.url) in loaded
            )
        fetched: list[HttpResponse] = []
        for url in dict.fromkeys(wanted):
            if len(fetched) >= MAX_LIST_IMAGES:
                break
            image = await self._download(url, Purpose.IMAGE)
            if image is not None and image.status < 400 and image.body:
                fetched.append(image)
        return fetched

    async def _download(self, url: str, purpose: Purpose) -> HttpResponse | None:
        """A download through the policy; refusals and budgets are recorded, not raised."""
        result: Fetched = await self.downloader.get(url, purpose, referer=self.request.url)
        if result.refusal is not None:
            reason = Reason(result.refusal.reason)
            self.refuse(result.refusal.url, reason, purpose)
        if result.over_budget:
            self.over(result.over_budget)
        if result.redirect_loop:
            raise RedirectLoop(f"{url} redirects in a loop")
        if result.error:
            log.info("download_failed", site=self.request.site_id, error=result.error)
        return result.response

    async def _keep_json(self, response: Response, into: list[HttpResponse]) -> None:
        try:
            headers = await response.all_headers()
        except PlaywrightError:
            return
        media = media_type(headers.get("content-type", ""))
        if "json" not in media and not media.startswith("text/plain"):
            return
        if not self._own(response.url, Purpose.JSON):
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.budget.max_response_bytes:
            self.over(f"json: {response.url[:200]} is over the byte cap")
            return
        try:
            body = await response.body()
        except PlaywrightError:
            return
        if not body:
            return
        digest = hashlib.sha256(body).hexdigest()
        if (response.url, digest) in self.json_seen:
            return  # a page that polls: the same body once
        self.json_seen.add((response.url, digest))
        self.json_bytes += len(body)
        if len(body) > self.budget.max_response_bytes:
            self.over(f"json: {response.url[:200]} is over the byte cap")
        elif len(self.json_seen) > self.budget.max_json_bodies:
            self.over(f"json: more than {self.budget.max_json_bodies} bodies")
        elif self.json_bytes > self.budget.max_json_bytes:
            self.over(f"json: more than {self.budget.max_json_bytes:,} bytes in all")
        else:
            into.append(kept(clean(response.url), response.status, headers, body))

    async def _screenshot(self) -> bytes | None:
        page = self.page
        if page is None or page.is_closed():
            return None
        try:
            if self.entry_moved:
                await page.goto(self.entry_url, wait_until="load")
                await self._settle(page)
            return await page.screenshot(full_page=True, type="png", animations="disabled")
        except PlaywrightError as exc:
            log.warning("screenshot_failed", site=self.request.site_id, error=first_line(exc))
            return None


class _WouldDownload(Exception):
    """Chromium turned the navigation into a download (PDF, DOCX, ...)."""


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


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (Playwright's run to pages)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translate(exc: PlaywrightError, url: str) -> CaptureError:
    """A Playwright error as the CaptureError a check records."""
    message = str(exc)
    if "ERR_TOO_MANY_REDIRECTS" in message:
        return RedirectLoop(f"{url} redirects in a loop")
    for code in _CONNECTION_ERRORS:
        if code in message:
            return ConnectionFailed(f"{url} could not be reached ({code.lower()})")
    if ("Target" in message and "closed" in message) or "Browser has been closed" in message:
        error = CaptureError(f"the browser closed during the capture of {url}")
        error.reason = "browser_error"
        return error
    return CaptureError(f"{url}: {first_line(exc)}")
