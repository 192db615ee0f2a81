"""Tabs: click the tabs of a list whose panes a page fills only when clicked.

A bank portal shows 平台运营机构 and keeps 增信服务机构 (or 历史合作机构) behind a tab whose
pane is fetched when the tab is clicked: the first render holds a "加载中…" placeholder. Each
tab of such a bar (js/tabs.js: short labels naming partners, a status or a year, one of them
current, none a link to another document) is clicked once on the entry page, and the page is
rendered again after the pane settles; a render that shows no text the page held before the
click is dropped (a pane only hidden is in the markup already, and read there). A click that
takes the page to another document ends the clicking: what it shows is not this page's list.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urldefrag

import structlog
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from archiver.adapters.scripts import script
from archiver.models import RenderedPage
from archiver.ports import CaptureRequest

MAX_TABS = 6
CLICK_TIMEOUT_MS = 3000

log = structlog.get_logger("archiver.browser")


class TabSession(Protocol):
    """What tab clicking needs of the capture session (`capture.BrowserSession`)."""

    request: CaptureRequest
    entry_moved: bool  # the entry view was changed by a click

    @property
    def truncated(self) -> Sequence[str]:
        """The budgets the capture went over (clicking stops at the first)."""
        ...

    async def render(self, page: Page) -> RenderedPage | None:
        """The page's disclosure region, or None when the selector matches nothing."""
        ...

    async def attachment_links(self, page: Page) -> list[tuple[str, str]]:
        """The documents the page links to."""
        ...

    async def settle(self, page: Page) -> None:
        """Wait until the page stops changing."""
        ...


async def open_tabs(
    session: TabSession, page: Page, before: RenderedPage
) -> tuple[list[RenderedPage], list[tuple[str, str]]]:
    """The renders of `page` after each of its list tabs is clicked, those that show text the
    page held nowhere `before` (a pane fetched on the click; a pane that was only hidden is
    in the markup already and read there), and the documents they link to."""
    try:
        count = int(await page.evaluate(script("tabs"), [session.request.selector, MAX_TABS]))
    except (PlaywrightError, TypeError, ValueError):
        return [], []
    started = time.monotonic()
    held = _squeezed(before.html)
    entry = urldefrag(page.url).url
    pages: list[RenderedPage] = []
    links: list[tuple[str, str]] = []
    for index in range(count):
        if session.truncated:
            break
        try:
            await page.click(f"[data-archiver-tab='{index}']", timeout=CLICK_TIMEOUT_MS)
        except PlaywrightError:
            continue
        session.entry_moved = True
        await session.settle(page)
        if urldefrag(page.url).url != entry:
            break  # the tab was a link after all: another document, not this list's pane
        rendered = await session.render(page)
        if rendered is None or not shows_new_text(rendered.text, held):
            continue
        held += _squeezed(rendered.html)
        pages.append(rendered)
        links.extend(await session.attachment_links(page))
    if count:
        log.info(
            "tabs_opened",
            site=session.request.site_id,
            tabs=count,
            renders=len(pages),
            duration_s=round(time.monotonic() - started, 3),
        )
    return pages, links


def shows_new_text(text: str, held: str) -> bool:
    """Whether a render's visible text has a piece (a line, a cell) of four characters or
    more that the markup `held` (squeezed) does not contain.

    >>> held = _squeezed("<td>甲乙科技有限公司</td><td style='display:none'>丙丁有限公司</td>")
    >>> shows_new_text("甲乙科技有限公司\\t丙丁有限公司", held)
    False
    >>> shows_new_text("戊己融资担保有限公司", held)
    True
    """
    pieces = (_squeezed(piece) for piece in re.split(r"[\t\n]+", text))
    return any(len(piece) >= 4 and piece not in held for piece in pieces)


def _squeezed(markup: str) -> str:
    """Markup's text without tags and whitespace, entities decoded: what a visible line (its
    inline elements run together) is looked up in."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", markup)))
