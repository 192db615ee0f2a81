"""PlaywrightCapturer: one headless Chromium per process, a fresh context per capture.

Playwright's async API runs on one event-loop thread owned by this module; callers stay
synchronous (scheduler worker threads) and talk to it through `open()`, which blocks until
a capture slot is free. The browser is restarted after `restart_after` captures (a reused
browser grows) or when it crashes. Playwright errors are translated into CaptureError here
and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import re
import shutil
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import structlog
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from archiver import __version__, region
from archiver.errors import (
    BrowserUnavailable,
    CaptureError,
    CaptureTimeout,
    ConnectionFailed,
    RedirectLoop,
)
from archiver.models import Capture, HttpResponse, RenderedPage
from archiver.ports import CaptureRequest

T = TypeVar("T")
log = structlog.get_logger("archiver.browser")

LAUNCH_ARGS = (
    "--disable-dev-shm-usage",  # Debian's wrapper omits it; /dev/shm is small in containers
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # closed networks refuse Chromium's own connections
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)
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
DRIVER_RECYCLE_EVERY = 5  # browser restarts between restarts of Playwright's driver
LIST_IMAGE_PIXELS = 40_000  # smaller images (200x200) are logos, icons and bullets
MAX_LIST_IMAGES = 12
MAX_FRAMES = 5  # iframes read as pages of their own
FRAME_MIN_TEXT = 40  # characters: smaller frames are widgets, counters and ads
SETTLING_TYPES = {"document", "script", "xhr", "fetch"}
SETTLE_CAP_S = 8.0  # a page that keeps polling is captured as it is after this long
NETWORK_QUIET_S = 0.05
DOM_QUIET_MS = 120
DOM_QUIET_CAP_MS = 2500
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
}
ATTACHMENT_SUFFIX = re.compile(r"\.(pdf|docx?|xlsx?|csv|wps|et)(?:$|[?#])", re.IGNORECASE)
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}
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

_REGION_JS = """
([selector, excludes, minPixels]) => {
  const root = selector ? document.querySelector(selector) : document.body;
  if (!root) return null;
  const marked = [];
  for (const sel of excludes) {
    let found = [];
    try { found = document.querySelectorAll(sel); } catch (e) { continue; }
    for (const el of found) {
      if (el.hasAttribute('data-archiver-x')) continue;
      el.setAttribute('data-archiver-x', '');
      marked.push(el);
    }
  }
  const style = document.createElement('style');
  style.textContent = '[data-archiver-x]{display:none !important}';
  (document.head || document.documentElement).appendChild(style);
  const text = root.innerText || '';
  const clone = root.cloneNode(true);
  for (const el of clone.querySelectorAll('[data-archiver-x]')) el.remove();
  style.remove();
  for (const el of marked) el.removeAttribute('data-archiver-x');
  const images = Array.from(root.querySelectorAll('img'))
    .filter(img => !img.closest('[data-archiver-x]'))
    .filter(img => img.naturalWidth * img.naturalHeight >= minPixels)
    .map(img => img.src || img.currentSrc);
  return {text: text, html: clone.outerHTML, title: document.title || '', images: images,
          charset: document.characterSet || ''};
}
"""

_MUTATION_WATCH_JS = """
(() => {
  window.__archiverLastMutation = performance.now();
  new MutationObserver(() => { window.__archiverLastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true});
})();
"""

_DOM_QUIET_JS = """
([quietMs, maxMs]) => new Promise(resolve => {
  const started = performance.now();
  if (window.__archiverLastMutation === undefined) {
    window.__archiverLastMutation = started;
    new MutationObserver(() => { window.__archiverLastMutation = performance.now(); })
      .observe(document, {subtree: true, childList: true, characterData: true});
  }
  const tick = () => {
    const now = performance.now();
    const quiet = now - window.__archiverLastMutation;
    if (quiet >= quietMs || now - started >= maxMs) { resolve(); return; }
    setTimeout(tick, Math.max(5, Math.min(25, quietMs - quiet)));
  };
  tick();
})
"""

_NEXT_JS = """
([texts, selector]) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const wanted = new Set(texts.map(t => t.trim()));
  const candidates = scope.querySelectorAll('a, button, li, span[onclick], [role=button]');
  for (const el of candidates) {
    const label = (el.innerText || el.textContent || '').trim();
    const aria = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
    if (!wanted.has(label) && !wanted.has(aria)) continue;
    const cls = (el.className && el.className.toString()) || '';
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
    if (/disabled/i.test(cls)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const href = el.tagName === 'A' ? (el.getAttribute('href') || '') : '';
    el.setAttribute('data-archiver-next', '1');
    return {href: href};
  }
  return null;
}
"""

_LINKS_JS = """
(selector) => {
  const scope = (selector && document.querySelector(selector)) || document;
  const anchors = Array.from(scope.querySelectorAll('a[href]'));
  const links = anchors.map(a => [a.href, (a.innerText || '').trim()]);
  // documents shown inside the page rather than linked: <iframe>, <embed>, <object>
  for (const e of scope.querySelectorAll('iframe[src], embed[src], object[data]')) {
    const source = e.getAttribute('src') || e.getAttribute('data');
    if (source) links.push([new URL(source, document.baseURI).href, 'embedded']);
  }
  return links;
}
"""


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


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a usable Chromium: the explicit one, $ARCHIVER_CHROMIUM, then the system's.

    Returns None when Playwright's own Chromium should be used (or nothing is installed).
    """
    for candidate in (explicit, os.environ.get("ARCHIVER_CHROMIUM")):
        if candidate:
            return candidate
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
    for name in names:
        found = shutil.which(name)
        if found and not Path(found).resolve().as_posix().startswith("/snap/"):
            return found
    if platform.system() == "Darwin":
        for app in (
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        ):
            if Path(app).exists():
                return app
    return None


def _bundled_chromium(playwright: Playwright) -> str | None:
    try:
        path = playwright.chromium.executable_path
    except PlaywrightError:
        return None
    return path if path and Path(path).exists() else None


class PlaywrightCapturer:
    """The browser edge: thread-safe, bounded, self-restarting."""

    def __init__(
        self,
        *,
        executable: str | None = None,
        concurrency: int = 2,
        restart_after: int = 200,
        user_agent: str | None = None,
        max_response_bytes: int = 20_000_000,
        headless: bool = True,
    ) -> None:
        self.executable = executable
        self.concurrency = concurrency
        self.restart_after = restart_after
        self.user_agent = user_agent
        self.max_response_bytes = max_response_bytes
        self.headless = headless
        self.browser_version = ""
        self.captures_total = 0
        self.restarts = 0
        self._slots = threading.BoundedSemaphore(concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._browser_lock: asyncio.Lock | None = None
        self._since_launch = 0
        self._active = 0
        self._idle: asyncio.Condition | None = None

    # --- event loop plumbing -----------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout=timeout_s)
        except TimeoutError as exc:
            future.cancel()
            raise CaptureTimeout(f"the browser did not answer within {timeout_s:.0f}s") from exc

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="archiver-browser", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    # --- browser lifecycle -------------------------------------------------------------------

    async def _browser_ready(self) -> Browser:
        if self._browser_lock is None:
            self._browser_lock = asyncio.Lock()
            self._idle = asyncio.Condition()
        assert self._idle is not None
        async with self._idle:
            due = self._browser is not None and self._since_launch >= self.restart_after
            if due:
                await self._idle.wait_for(lambda: self._active == 0)
            self._active += 1
        try:
            async with self._browser_lock:
                broken = self._browser is not None and not self._browser.is_connected()
                due = self._browser is not None and self._since_launch >= self.restart_after
                if (broken or due) and self._browser is not None:
                    if due and self._active > 1:
                        pass  # others are mid-capture; the last one out restarts
                    else:
                        await self._close_browser()
                        self.restarts += 1
                        if self.restarts % DRIVER_RECYCLE_EVERY == 0 and self._playwright:
                            # Playwright's node driver grows too (~30 MiB per 1,000 captures)
                            await self._playwright.stop()
                            self._playwright = None
                        log.info("browser_restarted", reason="crash" if broken else "recycle")
                if self._browser is None:
                    self._browser = await self._launch()
                    self._since_launch = 0
                self._since_launch += 1
                return self._browser
        except BaseException:
            await self._release()
            raise

    async def _release(self) -> None:
        assert self._idle is not None
        async with self._idle:
            self._active -= 1
            self._idle.notify_all()

    async def _launch(self) -> Browser:
        started = time.monotonic()
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        executable = find_chromium(self.executable) or _bundled_chromium(self._playwright)
        if executable is None:
            raise BrowserUnavailable(
                "no Chromium found: run 'make setup', install Debian's 'chromium' package, "
                "run 'playwright install chromium' or set ARCHIVER_CHROMIUM"
            )
        args = list(LAUNCH_ARGS)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to sandbox as root
        try:
            # Ctrl-C reaches every process of the terminal's group, the Playwright driver
            # included; by default the driver then closes the browser under the checks still
            # finishing. The daemon owns shutdown: it closes the browser when they are done.
            browser = await self._playwright.chromium.launch(
                executable_path=executable,
                headless=self.headless,
                args=args,
                timeout=60_000,
                handle_sigint=False,
            )
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserUnavailable(f"Chromium at {executable} did not start: {first}") from exc
        self.browser_version = f"Chromium {browser.version}"
        log.info(
            "browser_launched",
            executable=executable,
            version=browser.version,
            duration_s=round(time.monotonic() - started, 3),
        )
        return browser

    async def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(PlaywrightError):  # already gone when it crashed
                await browser.close()

    async def _shutdown(self) -> None:
        await self._close_browser()
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    def close(self) -> None:
        """Close the browser and stop the loop thread."""
        if self._loop is None:
            return
        try:
            self._run(self._shutdown(), timeout_s=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._loop.close()
            self._loop = None

    # --- captures ----------------------------------------------------------------------------

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[_Session]:
        """A fresh context and page for one capture, closed when the block ends."""
        with self._slots:
            browser = self._run(self._browser_ready(), timeout_s=120)
            try:
                session = self._run(self._new_session(browser, request), timeout_s=60)
            except BaseException:
                self._run(self._release(), timeout_s=10)
                raise
            try:
                yield session
            finally:
                self._run(self._end_session(session), timeout_s=30)
                self.captures_total += 1

    async def _new_session(self, browser: Browser, request: CaptureRequest) -> _Session:
        user_agent = (
            request.user_agent or self.user_agent or await self._default_user_agent(browser)
        )
        try:
            context = await browser.new_context(
                user_agent=user_agent,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": 1366, "height": 900},
                ignore_https_errors=True,
                service_workers="block",
                accept_downloads=False,
            )
            # Watch DOM mutations from the first byte, so settling can tell at once that a
            # static page has been quiet since it loaded.
            await context.add_init_script(_MUTATION_WATCH_JS)
        except PlaywrightError as exc:
            raise CaptureError(f"could not open a browser context: {_first_line(exc)}") from exc
        return _Session(self, context, request)

    async def _default_user_agent(self, browser: Browser) -> str:
        # Headless Chromium says "HeadlessChrome", which many WAFs block outright; we say who
        # we are at the end instead.
        version = browser.version
        return (
            f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version} Safari/537.36 DisclosureArchiver/{__version__}"
        )

    async def _end_session(self, session: _Session) -> None:
        try:
            await session.context.close()
        except PlaywrightError:
            pass
        finally:
            await self._release()


class _Session:
    """One open capture: snapshot first, screenshot only when the pipeline asks."""

    def __init__(
        self, owner: PlaywrightCapturer, context: BrowserContext, request: CaptureRequest
    ) -> None:
        self.owner = owner
        self.context = context
        self.request = request
        self.page: Page | None = None
        self.entry_url = request.url
        self.entry_moved = False  # click-paginated away from the entry view
        self.image_urls: list[str] = []  # large images in the region, in page order
        self.main: Response | None = None  # the entry page's response, for its body later
        self.charsets: set[str] = set()  # the encodings the browser decoded the pages with
        self.inflight = 0  # requests that can still change the DOM (documents, scripts, XHR)
        self.last_network = time.monotonic()

    def _track(self, page: Page) -> None:
        """Count the requests in flight, so settling can wait for the quiet after them."""

        def started(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight += 1
                self.last_network = time.monotonic()

        def ended(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight = max(0, self.inflight - 1)
                self.last_network = time.monotonic()

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)

    def snapshot(self) -> Capture:
        """Render the page, its pagination and its attachments."""
        timeout = self.request.timeout_s * (self.request.max_pages + 2) + 30
        return self.owner._run(self._snapshot(), timeout_s=timeout)

    def screenshot(self) -> bytes | None:
        """Full-page PNG of the entry page."""
        return self.owner._run(self._screenshot(), timeout_s=self.request.timeout_s + 30)

    async def _snapshot(self) -> Capture:
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        request = self.request
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
        if not _is_html(main.media_type):
            if pending:
                await asyncio.wait(pending, timeout=5)
            return Capture(
                site_id=request.site_id,
                requested_url=request.url,
                final_url=main.url,
                status=main.status,
                fetched_at=fetched_at,
                browser_version=self.owner.browser_version,
                main_response=main,
                attachments=(main,) if main.media_type in DOCUMENT_TYPES else (),
                duration_s=time.monotonic() - started,
            )
        await self._settle(page)
        selector_matched = True
        if request.wait_for:
            try:
                await page.wait_for_selector(request.wait_for, timeout=request.timeout_s * 1000)
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
        attachments_links = await self._attachment_links(page)
        if selector_matched and request.max_pages > 1 and request.next_texts:
            more, links = await self._paginate(page, first)
            pages.extend(more)
            attachments_links.extend(links)
        attachments = (
            await self._fetch_attachments(attachments_links) if request.attachments else []
        )
        images = await self._list_images(pages)
        if pending:
            await asyncio.wait(pending, timeout=5)
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
        )

    async def _main(self, page: Page) -> HttpResponse:
        """Open the entry URL; the main response, with its body only when it is not HTML.

        An HTML body is evidence for a new version only, so `complete` fetches it then.
        """
        opened = await self._open_main(page, self.request.url)
        if isinstance(opened, HttpResponse):
            return opened
        self.main = opened
        main = await self._main_response(opened, with_body=False)
        if _is_html(main.media_type):
            return main
        if main.media_type in DOCUMENT_TYPES:
            # Chromium shows its PDF viewer: the navigation body is the viewer's HTML, not
            # the document. Fetch the bytes through the same context (cookies kept).
            fetched = await self._get(opened.url)
            if fetched is not None and fetched.status < 400:
                return fetched
        return replace(main, body=await self._body(opened))

    async def _open_main(self, page: Page, url: str) -> Response | HttpResponse:
        """Navigate to the entry URL; a document Chromium would download is fetched instead."""
        try:
            response = await self._goto(page, url)
        except _WouldDownload:
            fetched = await self._get(url)
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
            if "Download is starting" in message or "ERR_ABORTED" in message:
                raise _WouldDownload(url) from exc
            raise _translate(exc, url) from exc

    async def _main_response(self, response: Response, *, with_body: bool) -> HttpResponse:
        try:
            headers = await response.all_headers()
        except PlaywrightError:
            headers = {}
        body = await self._body(response) if with_body else b""
        return _kept(response.url, response.status, headers, body)

    async def _body(self, response: Response) -> bytes:
        try:
            return await response.body()
        except PlaywrightError as exc:
            log.warning(
                "response_body_unavailable", site=self.request.site_id, error=_first_line(exc)
            )
            return b""

    def complete(self, capture: Capture) -> Capture:
        """The capture with the main response body, fetched only for a version to archive."""
        main = capture.main_response
        if main is None or main.body or self.main is None:
            return capture
        body = self.owner._run(self._served_body(main), timeout_s=self.request.timeout_s + 30)
        return replace(capture, main_response=replace(main, body=body))

    async def _served_body(self, main: HttpResponse) -> bytes:
        """The bytes as the server sent them.

        Chromium hands back a decoded document re-encoded as UTF-8, so a GBK page would be
        archived in an encoding it was never published in; such pages are fetched again,
        raw, through the same context (same cookies).
        """
        assert self.main is not None
        if self.charsets <= {"utf-8", ""}:
            return await self._body(self.main)
        fetched = await self._get(main.url)
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
                    _DOM_QUIET_JS, [DOM_QUIET_MS, min(remaining_ms, DOM_QUIET_CAP_MS)]
                )
            except PlaywrightError:
                return  # navigated away or closed: what rendered is what we keep
            if self.inflight == 0 or time.monotonic() >= deadline:
                return

    async def _render(self, page: Page, *, whole_page: bool = False) -> RenderedPage | None:
        selector = None if whole_page else self.request.selector
        excludes = [*DEFAULT_EXCLUDES, *self.request.exclude]
        try:
            region = await page.evaluate(_REGION_JS, [selector, excludes, LIST_IMAGE_PIXELS])
            html = await page.content()
        except PlaywrightError as exc:
            raise _translate(exc, page.url) from exc
        if region is None:
            return None
        self.image_urls.extend(str(u) for u in region["images"] if str(u).startswith("http"))
        self.charsets.add(str(region["charset"]).lower())
        return RenderedPage(
            url=page.url,
            html=html,
            text=str(region["text"]),
            title=str(region["title"]),
            region_html=str(region["html"]),
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
            try:
                target = await current.evaluate(
                    _NEXT_JS, [list(self.request.next_texts), self.request.selector]
                )
            except PlaywrightError:
                break
            if target is None:
                break
            href = str(target.get("href") or "")
            if href and not href.startswith(("#", "javascript:")):
                next_url = urljoin(current.url, href)
                if current is page:
                    current = await self.context.new_page()
                    current.set_default_timeout(self.request.timeout_s * 1000)
                    self._track(current)
                try:
                    await self._goto(current, next_url)
                except (_WouldDownload, CaptureError):
                    break
                await self._settle(current)
            else:
                try:
                    await current.click("[data-archiver-next='1']", timeout=5000)
                except PlaywrightError:
                    break
                if current is page:
                    self.entry_moved = True
                await self._settle(current)
            rendered = await self._render(current)
            if rendered is None or rendered.text in seen:
                break
            seen.add(rendered.text)
            pages.append(rendered)
            links.extend(await self._attachment_links(current))
        return pages, links

    async def _attachment_links(self, page: Page) -> list[tuple[str, str]]:
        try:
            anchors = await page.evaluate(_LINKS_JS, self.request.selector)
        except PlaywrightError:
            return []
        found = []
        for link, text in anchors:
            href = viewed_document(str(link))
            if ATTACHMENT_SUFFIX.search(href):
                found.append((href, str(text)))
        return found

    async def _frame_pages(self, page: Page) -> list[RenderedPage]:
        """What the page's iframes show: older sites put the whole list in one."""
        excludes = [*DEFAULT_EXCLUDES, *self.request.exclude]
        pages: list[RenderedPage] = []
        for frame in page.frames[1 : MAX_FRAMES + 1]:
            if frame.is_detached() or not frame.url.startswith(("http://", "https://")):
                continue
            try:
                region = await frame.evaluate(_REGION_JS, [None, excludes, LIST_IMAGE_PIXELS])
                html = await frame.content()
            except PlaywrightError:
                continue  # a frame that navigated or closed meanwhile, or a PDF viewer
            if region is None or len(str(region["text"]).strip()) < FRAME_MIN_TEXT:
                continue
            self.image_urls.extend(str(u) for u in region["images"] if str(u).startswith("http"))
            pages.append(
                RenderedPage(
                    url=frame.url,
                    html=html,
                    text=str(region["text"]),
                    title=str(region["title"]),
                    region_html=str(region["html"]),
                )
            )
        return pages

    async def _fetch_attachments(self, links: list[tuple[str, str]]) -> list[HttpResponse]:
        kept: list[HttpResponse] = []
        seen: set[str] = set()
        for href, _text in links:
            if href in seen or len(kept) >= self.request.max_attachments:
                continue
            seen.add(href)
            if not href.startswith(("http://", "https://")):
                continue
            fetched = await self._get(href)
            if fetched is not None and fetched.status < 400:
                kept.append(fetched)
        return kept

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
            image = await self._get(url)
            if image is not None and image.status < 400 and image.body:
                fetched.append(image)
        return fetched

    async def _get(self, url: str) -> HttpResponse | None:
        try:
            response = await self.context.request.get(
                url, timeout=self.request.timeout_s * 1000, max_redirects=10
            )
            body = await response.body()
        except PlaywrightTimeout:
            return None
        except PlaywrightError as exc:
            if "redirect" in str(exc).lower():
                raise RedirectLoop(f"{url} redirects in a loop") from exc
            return None
        if len(body) > self.owner.max_response_bytes:
            body = b""
        return _kept(response.url, response.status, response.headers, body)

    async def _keep_json(self, response: Response, into: list[HttpResponse]) -> None:
        try:
            headers = await response.all_headers()
        except PlaywrightError:
            return
        media = _media_type(headers.get("content-type", ""))
        if "json" not in media and not media.startswith("text/plain"):
            return
        try:
            body = await response.body()
        except PlaywrightError:
            return
        if body and len(body) <= self.owner.max_response_bytes:
            into.append(_kept(response.url, response.status, headers, body))

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
            log.warning("screenshot_failed", site=self.request.site_id, error=_first_line(exc))
            return None


class _WouldDownload(Exception):
    """Chromium turned the navigation into a download (PDF, DOCX, ...)."""


def _kept(url: str, status: int, headers: dict[str, str], body: bytes) -> HttpResponse:
    kept_headers = tuple(
        sorted((k.lower(), v) for k, v in headers.items() if k.lower() not in DROPPED_HEADERS)
    )
    return HttpResponse(
        url=url,
        status=status,
        media_type=_media_type(headers.get("content-type", "")) or _guess_type(url),
        headers=kept_headers,
        body=body,
    )


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _guess_type(url: str) -> str:
    suffix = Path(urlsplit(url).path).suffix.lower()
    for media, name in DOCUMENT_TYPES.items():
        if suffix == f".{name}":
            return media
    return "application/octet-stream"


def _is_html(media_type: str) -> bool:
    return media_type in ("text/html", "application/xhtml+xml", "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _translate(exc: PlaywrightError, url: str) -> CaptureError:
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
    return CaptureError(f"{url}: {_first_line(exc)}")
