"""The reference the archiver is measured against: bare Playwright goto + content.

Same Chromium binary and launch arguments as PlaywrightCapturer, same number of pages in
flight, a fresh context per page, nothing else: no settle, no render script, no body, no
extraction, no store. It runs on its own event-loop thread (plain async Playwright), so the
benchmark can interleave it with the archiver's checks block by block.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from playwright.async_api import Browser, Playwright, async_playwright

from archiver.adapters.browser import LAUNCH_ARGS, find_chromium

T = TypeVar("T")
STEPS = ("new_context", "new_page", "goto", "content", "close")


def launch_args() -> list[str]:
    """Exactly the arguments PlaywrightCapturer passes."""
    args = list(LAUNCH_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


class BareBrowser:
    """One Chromium, `concurrency` pages in flight, goto + content per page."""

    def __init__(self, *, concurrency: int, executable: str | None = None) -> None:
        self.concurrency = concurrency
        self.executable = find_chromium(executable)
        self.version = ""
        self.steps: dict[str, list[float]] = {step: [] for step in STEPS}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=600)

    def start(self) -> BareBrowser:
        """Launch the browser (not timed)."""
        self._call(self._start())
        return self

    async def _start(self) -> None:
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=launch_args()
        )
        self.version = f"Chromium {self._browser.version}"

    def run(self, urls: list[str]) -> float:
        """Seconds to goto + content every URL, `concurrency` at a time."""
        return self._call(self._run(urls))

    async def _run(self, urls: list[str]) -> float:
        slots = asyncio.Semaphore(self.concurrency)
        began = time.perf_counter()
        await asyncio.gather(*(self._one(url, slots) for url in urls))
        return time.perf_counter() - began

    async def _one(self, url: str, slots: asyncio.Semaphore) -> None:
        assert self._browser is not None
        async with slots:
            marks = [time.perf_counter()]
            context = await self._browser.new_context()
            marks.append(time.perf_counter())
            page = await context.new_page()
            marks.append(time.perf_counter())
            await page.goto(url)
            marks.append(time.perf_counter())
            html = await page.content()
            marks.append(time.perf_counter())
            await context.close()
            marks.append(time.perf_counter())
            assert html
            for step, start, end in zip(STEPS, marks, marks[1:], strict=False):
                self.steps[step].append(end - start)

    def screenshot_formats(self, url: str) -> dict[str, dict[str, float]]:
        """Full-page screenshot of `url`: PNG (what the archiver keeps), JPEG and WebP q80."""
        return self._call(self._screenshot_formats(url))

    async def _screenshot_formats(self, url: str) -> dict[str, dict[str, float]]:
        assert self._browser is not None
        context = await self._browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            page = await context.new_page()
            await page.goto(url)
            height = await page.evaluate("document.documentElement.scrollHeight")
            out: dict[str, dict[str, float]] = {}
            for kind, quality in (("png", None), ("jpeg", 80)):
                began = time.perf_counter()
                if quality is None:
                    data = await page.screenshot(full_page=True, type="png", animations="disabled")
                else:
                    data = await page.screenshot(
                        full_page=True, type="jpeg", quality=quality, animations="disabled"
                    )
                name = kind if quality is None else f"{kind}_q{quality}"
                out[name] = {
                    "bytes": len(data),
                    "seconds": round(time.perf_counter() - began, 3),
                    "page_height_px": float(height),
                }
            # WebP is not offered by page.screenshot(); Chromium's DevTools protocol has it.
            cdp = await context.new_cdp_session(page)
            size = (await cdp.send("Page.getLayoutMetrics"))["cssContentSize"]
            began = time.perf_counter()
            shot = await cdp.send(
                "Page.captureScreenshot",
                {
                    "format": "webp",
                    "quality": 80,
                    "captureBeyondViewport": True,
                    "clip": {
                        "x": 0,
                        "y": 0,
                        "width": size["width"],
                        "height": size["height"],
                        "scale": 1,
                    },
                },
            )
            out["webp_q80"] = {
                "bytes": len(base64.b64decode(shot["data"])),
                "seconds": round(time.perf_counter() - began, 3),
                "page_height_px": float(height),
            }
            return out
        finally:
            await context.close()

    def close(self) -> None:
        """Close the browser and stop the loop."""
        try:
            self._call(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    async def _close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
