"""Settling: wait until a page's scripts stop fetching and its DOM stops changing, within a cap.

Playwright's "networkidle" costs 500 ms on every page; most disclosure pages are static, so
`NetworkQuiet` counts only the requests that can still change the DOM and waits while some
are in flight or the DOM is still moving (the `dom_quiet` program, fed by `mutation_watch`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request

from archiver.adapters.scripts import script

SETTLING_TYPES = {"document", "script", "xhr", "fetch"}
SETTLE_CAP_S = 8.0  # a page that keeps polling is captured as it is after this long
NETWORK_QUIET_S = 0.05
DOM_QUIET_MS = 120
DOM_QUIET_CAP_MS = 2500
BUSY_ROUNDS = 3  # quiet rounds while requests stay in flight; "加载中…" waits to the cap
LOADING_POLL_S = 0.1


class NetworkQuiet:
    """The requests in flight of one capture's pages, and the moment the network last moved."""

    def __init__(self) -> None:
        self.inflight = 0  # requests that can still change the DOM (documents, scripts, XHR)
        self.last_network = time.monotonic()

    def watch(
        self,
        page: Page,
        *,
        redirected: Callable[[Request], None],
        failed: Callable[[Request], None],
    ) -> None:
        """Count `page`'s requests; `redirected` sees every redirect hop, `failed` every
        request that failed."""

        def started(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight += 1
                self.last_network = time.monotonic()
            if request.redirected_from is not None:
                redirected(request)

        def ended(request: Request) -> None:
            if request.resource_type in SETTLING_TYPES:
                self.inflight = max(0, self.inflight - 1)
                self.last_network = time.monotonic()

        def ended_badly(request: Request) -> None:
            ended(request)
            failed(request)

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended_badly)

    async def settle(self, page: Page, timeout_s: float) -> None:
        """Wait for the quiet after the requests in flight and the DOM's last change, for at
        most `SETTLE_CAP_S` (or `timeout_s` if shorter)."""
        deadline = time.monotonic() + min(SETTLE_CAP_S, timeout_s)
        busy_rounds = 0
        while True:
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
            if time.monotonic() >= deadline:
                return
            if self.inflight == 0:
                if not await _still_loading(page, deadline):
                    return
            else:
                busy_rounds += 1
                if busy_rounds >= BUSY_ROUNDS:
                    return


async def _still_loading(page: Page, deadline: float) -> bool:
    """Whether the page still shows a loading placeholder ("加载中…") after a quiet moment:
    its script may wait on a timer before fetching (a Vue shell). Waits one poll when so."""
    try:
        loading = bool(await page.evaluate(script("still_loading")))
    except PlaywrightError:
        return False
    if loading and time.monotonic() + LOADING_POLL_S < deadline:
        await asyncio.sleep(LOADING_POLL_S)
        return True
    return False
