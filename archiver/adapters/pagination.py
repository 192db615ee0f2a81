"""Pagination: follow a list's "下一页" links or buttons, up to `max_pages`, stopping on repeats.

A next page that answers an HTTP error, fails to load or answers 200 with an error page
("页面不存在", a challenge, a maintenance notice) is recorded (`Capture.unreached`): the list
read is then incomplete, preserved but never believed (`archiver.completeness`).

A link is opened in a second tab, so the entry page stays as it was for the screenshot; a
button is clicked on the page that shows the list (the session then knows the entry view
moved). Every page reached obeys the URL policy before it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from archiver.adapters.browser_errors import WouldDownload
from archiver.adapters.scripts import clean, script
from archiver.classify import stand_in
from archiver.errors import CaptureError
from archiver.models import RenderedPage
from archiver.ports import CaptureRequest
from archiver.urlpolicy import Purpose

HTTP_ERROR = 400


class PagingSession(Protocol):
    """What pagination needs of the capture session (`capture.BrowserSession`)."""

    request: CaptureRequest
    entry_moved: bool  # click-paginated away from the entry view

    @property
    def truncated(self) -> Sequence[str]:
        """The budgets the capture went over (pagination stops at the first)."""
        ...

    def missed(self, what: str) -> None:
        """Record a page of the list that could not be reached."""
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

    def own(self, url: str, purpose: Purpose) -> bool:
        """Whether content at `url` may be read (the refusal is recorded if not)."""
        ...

    async def new_tab(self) -> Page:
        """A second page in the capture's context, tracked like the first."""
        ...

    async def goto(self, page: Page, url: str) -> Response | None:
        """Navigate; raises `WouldDownload` or a `CaptureError`."""
        ...


async def paginate(
    session: PagingSession, page: Page, first: RenderedPage
) -> tuple[list[RenderedPage], list[tuple[str, str]]]:
    """The pages after `first` and the documents they link to."""
    pages: list[RenderedPage] = []
    links: list[tuple[str, str]] = []
    seen = {first.text}
    current = page
    for _ in range(session.request.max_pages - 1):
        if session.truncated:
            break
        moved = await _turn_page(session, page, current, len(pages))
        if moved is None:
            break
        current = moved
        rendered = await session.render(current)
        if rendered is None or rendered.text in seen:
            break
        problem = stand_in(rendered.text, rendered.html)
        if problem:  # page 2 answering 200 with "页面不存在": the list goes on, unread
            session.missed(f"the next page {current.url[:200]} is no list page: {problem}")
            break
        seen.add(rendered.text)
        pages.append(rendered)
        links.extend(await session.attachment_links(current))
    return pages, links


async def _turn_page(
    session: PagingSession, page: Page, current: Page, turned: int
) -> Page | None:
    """The page showing the next step of the list (`turned` pages after the first), or None
    when there is none."""
    request = session.request
    try:
        target = await current.evaluate(
            script("next"), [list(request.next_texts), request.selector, turned]
        )
    except PlaywrightError:
        return None
    if target is None:
        return None
    href = clean(target.get("href") or "")
    if href and not href.startswith(("#", "javascript:")):
        return await _open_next(session, page, current, urljoin(current.url, href))
    try:
        await current.click("[data-archiver-next='1']", timeout=5000)
    except PlaywrightError:
        return None
    if current is page:
        session.entry_moved = True
    await session.settle(current)
    return current if session.own(current.url, Purpose.NAVIGATION) else None


async def _open_next(
    session: PagingSession, page: Page, current: Page, next_url: str
) -> Page | None:
    """Navigate to a next-page link (in a second tab, so the entry page stays)."""
    if not session.own(next_url, Purpose.NAVIGATION):
        return None
    if current is page:
        current = await session.new_tab()
    try:
        response = await session.goto(current, next_url)
    except WouldDownload:
        return None
    except CaptureError as exc:
        session.missed(f"the next page {next_url[:200]} failed: {exc}")
        return None
    if response is not None and response.status >= HTTP_ERROR:
        # the pager says the list goes on and the server would not give it: what was read is
        # part of a list, never the list (page 2 of 2 answering 404 is not "6 dropped")
        session.missed(f"the next page {next_url[:200]} answered HTTP {response.status}")
        return None
    if not session.own(current.url, Purpose.NAVIGATION):
        return None
    await session.settle(current)
    return current
