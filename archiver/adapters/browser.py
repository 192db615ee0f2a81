"""PlaywrightCapturer: one headless Chromium per process, a fresh context per capture.

Playwright's async API runs on one event-loop thread owned by this module; callers stay
synchronous (scheduler worker threads) and talk to it through `open()`, which blocks until
a capture slot is free. The browser is restarted after `restart_after` captures (a reused
browser grows), when it crashes, and together with Playwright's node driver when the driver
dies (a dead driver used to fail every later capture of the process). Chromium is launched
behind the `AddressGuard` proxy and with an environment that holds none of the archiver's
secrets. The capture itself is `archiver.adapters.capture.BrowserSession`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import shutil
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import structlog
from playwright.async_api import Browser, Playwright, ProxySettings, async_playwright
from playwright.async_api import Error as PlaywrightError

from archiver import __version__
from archiver.adapters.attachments import viewed_document
from archiver.adapters.browser_errors import first_line
from archiver.adapters.capture import BrowserSession
from archiver.adapters.guard import AddressGuard
from archiver.adapters.ledger import CaptureBudget
from archiver.adapters.scripts import script
from archiver.errors import BrowserUnavailable, CaptureError, CaptureTimeout
from archiver.ports import CaptureRequest
from archiver.urlpolicy import Reason, UrlPolicy

__all__ = ["CaptureBudget", "PlaywrightCapturer", "browser_environment", "viewed_document"]

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
DRIVER_RECYCLE_EVERY = 5  # browser restarts between restarts of Playwright's driver
# What Chromium may see of our environment: enough to find fonts, a locale and a home.
BROWSER_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "FONTCONFIG_PATH")
BROWSER_ENV_PREFIXES = ("LC_", "XDG_")


def browser_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment Chromium is started with: an allow-list, so no secret can leak.

    >>> browser_environment({"PATH": "/bin", "ARCHIVER_SMTP_PASSWORD": "s", "LC_ALL": "C"})
    {'PATH': '/bin', 'LC_ALL': 'C'}
    """
    return {
        key: value
        for key, value in environ.items()
        if key in BROWSER_ENV or key.startswith(BROWSER_ENV_PREFIXES)
    }


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
    """The browser edge: thread-safe, bounded, self-healing."""

    def __init__(
        self,
        *,
        executable: str | None = None,
        concurrency: int = 2,
        restart_after: int = 200,
        user_agent: str | None = None,
        budget: CaptureBudget | None = None,
        allow_private: bool = False,
        headless: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.executable = executable
        self.concurrency = concurrency
        self.restart_after = restart_after
        self.user_agent = user_agent
        self.budget = budget or CaptureBudget()
        self.allow_private = allow_private
        self.headless = headless
        self.environ: dict[str, str | float | bool] = dict(
            browser_environment(os.environ if environ is None else environ)
        )
        self.browser_version = ""
        self.captures_total = 0
        self.restarts = 0
        self.unavailable_streak = 0  # opens in a row that found no working browser
        self.guard = AddressGuard(allow_private=allow_private)
        self._proxy = ""
        self._slots = threading.BoundedSemaphore(concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._browser_lock: asyncio.Lock | None = None
        self._driver_dead = False
        self._since_launch = 0
        self._active = 0
        self._idle: asyncio.Condition | None = None

    # --- event loop plumbing -----------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        """Run a coroutine on the browser's loop and wait for it (CaptureTimeout after)."""
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

    def guard_refusal(self, url: str) -> Reason | None:
        """Why the address guard refused the host of `url` lately, if it did."""
        return self.guard.refusal(url)

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
                await self._heal()
                if self._browser is None:
                    self._browser = await self._launch()
                    self._since_launch = 0
                self._since_launch += 1
                return self._browser
        except BaseException:
            await self._release()
            raise

    async def _heal(self) -> None:
        """Close a crashed, dead-driver or overdue browser (the last one out recycles)."""
        if self._browser is None and not self._driver_dead:
            return
        broken = self._browser is not None and not self._browser.is_connected()
        due = self._browser is not None and self._since_launch >= self.restart_after
        if not (broken or due or self._driver_dead) or (due and self._active > 1):
            return
        await self._close_browser()
        self.restarts += 1
        if self._driver_dead or self.restarts % DRIVER_RECYCLE_EVERY == 0:
            # Playwright's node driver grows too (~30 MiB per 1,000 captures), and a dead
            # one fails every call: start a new one.
            await self._stop_driver()
        reason = "driver_dead" if self._driver_dead else "crash" if broken else "recycle"
        log.info("browser_restarted", reason=reason)
        self._driver_dead = False

    async def _release(self) -> None:
        assert self._idle is not None
        async with self._idle:
            self._active -= 1
            self._idle.notify_all()

    async def _launch(self) -> Browser:
        started = time.monotonic()
        if not self._proxy:
            self._proxy = await self.guard.start()
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
                env=self.environ,
                proxy=self._proxy_settings(),
            )
        except PlaywrightError as exc:
            self._driver_dead = True  # a driver that cannot launch is started afresh next time
            raise BrowserUnavailable(
                f"Chromium at {executable} did not start: {first_line(exc)}"
            ) from exc
        self.browser_version = f"Chromium {browser.version}"
        log.info(
            "browser_launched",
            executable=executable,
            version=browser.version,
            duration_s=round(time.monotonic() - started, 3),
        )
        return browser

    def _proxy_settings(self) -> ProxySettings | None:
        """Every connection, loopback included, goes through the address guard."""
        return {"server": self._proxy, "bypass": "<-loopback>"}

    async def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(browser.close(), 15)  # already gone when it crashed

    async def _stop_driver(self) -> None:
        playwright, self._playwright = self._playwright, None
        if playwright is not None:
            with contextlib.suppress(Exception):  # a dead driver fails its own stop
                await asyncio.wait_for(playwright.stop(), 15)

    async def _shutdown(self) -> None:
        await self._close_browser()
        await self._stop_driver()
        await self.guard.close()

    def close(self) -> None:
        """Close the browser and stop the loop thread."""
        if self._loop is None:
            return
        try:
            self.run(self._shutdown(), timeout_s=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._loop.close()
            self._loop = None

    # --- captures ----------------------------------------------------------------------------

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[BrowserSession]:
        """A fresh context and page for one capture, closed when the block ends."""
        with self._slots:
            session = self._open_session(request)
            try:
                yield session
            finally:
                self.run(self._end_session(session), timeout_s=30)
                self.captures_total += 1

    def _open_session(self, request: CaptureRequest) -> BrowserSession:
        """A session, healing a dead driver or browser once before giving up."""
        for attempt in (1, 2):
            try:
                browser = self.run(self._browser_ready(), timeout_s=120)
            except BrowserUnavailable:
                if attempt == 2:
                    self.unavailable_streak += 1
                    raise
                continue
            try:
                session = self.run(self._new_session(browser, request), timeout_s=60)
            except CaptureError:
                self.run(self._release(), timeout_s=10)
                if attempt == 2:
                    self.unavailable_streak += 1
                    raise BrowserUnavailable(
                        "the browser could not open a page, even after a restart"
                    ) from None
                self._driver_dead = True
                continue
            except BaseException:
                self.run(self._release(), timeout_s=10)
                raise
            self.unavailable_streak = 0
            return session
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _new_session(self, browser: Browser, request: CaptureRequest) -> BrowserSession:
        try:
            user_agent = (
                request.user_agent or self.user_agent or await self._default_user_agent(browser)
            )
            context = await browser.new_context(
                user_agent=user_agent,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": 1366, "height": 900},
                ignore_https_errors=not request.verify_tls,
                service_workers="block",
                accept_downloads=False,
            )
            # Watch DOM mutations from the first byte, so settling can tell at once that a
            # static page has been quiet since it loaded.
            await context.add_init_script(script("mutation_watch"))
            policy = UrlPolicy.for_site(
                request.url, request.hosts, allow_private=self.allow_private
            )
            session = BrowserSession(
                self, context, request, policy=policy, budget=self.budget, user_agent=user_agent
            )
            await session.install()
        except PlaywrightError as exc:
            raise CaptureError(f"could not open a browser context: {first_line(exc)}") from exc
        return session

    async def _default_user_agent(self, browser: Browser) -> str:
        # Headless Chromium says "HeadlessChrome", which many WAFs block outright; we say who
        # we are at the end instead.
        version = browser.version
        return (
            f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version} Safari/537.36 DisclosureArchiver/{__version__}"
        )

    async def _end_session(self, session: BrowserSession) -> None:
        try:
            await asyncio.wait_for(session.context.close(), 20)
        except (PlaywrightError, TimeoutError):
            pass
        finally:
            await self._release()
