"""Rendering: a page's (or frame's) disclosure region as a `RenderedPage`, within budgets.

The `region` program answers with the rendered DOM, the region's HTML and visible text, the
large images it shows and the charset the browser decoded it with; `RegionReader` counts what
every page and frame of one capture took in against the DOM and text budgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from archiver.adapters.attachments import LIST_IMAGE_PIXELS
from archiver.adapters.ledger import CaptureBudget, CaptureLedger
from archiver.adapters.scripts import clean, script
from archiver.models import RenderedPage
from archiver.urlpolicy import Purpose

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
MAX_FRAMES = 5  # iframes read as pages of their own
MAX_SHEETS = 12  # sheets of one Excel workbook read
# The sheets an Excel workbook frameset lists, as absolute URLs: its <link id=shLink> for the
# tab strip, the <x:WorksheetSource HRef=…> of its workbook XML (in a comment), and the links
# of a tab strip frame that open in the sheet frame (<a target=frSheet>).
_SHEET_LINKS = """() => {
  const out = Array.from(document.querySelectorAll('link[id="shLink"][href]'), l => l.href);
  const comments = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
  for (let c = comments.nextNode(); c; c = comments.nextNode()) {
    for (const m of c.data.matchAll(/WorksheetSource\\s+HRef\\s*=\\s*["']([^"']+)["']/gi)) {
      try { out.push(new URL(m[1], document.baseURI).href); } catch (e) {}
    }
  }
  for (let i = 0; i < window.frames.length; i++) {
    try {
      const tabs = window.frames[i].document.querySelectorAll('a[target="frSheet"][href]');
      tabs.forEach(a => out.push(a.href));
    } catch (e) {}  // a frame of another origin
  }
  return out.filter(href => /^https?:/.test(href));
}"""
FRAME_MIN_TEXT = 40  # characters: smaller frames are widgets, counters and ads


class RegionReader:
    """Reads the disclosure region of one capture's pages and frames."""

    def __init__(
        self, *, budget: CaptureBudget, ledger: CaptureLedger, exclude: tuple[str, ...]
    ) -> None:
        self.budget = budget
        self.ledger = ledger
        self.excludes = [*DEFAULT_EXCLUDES, *exclude]
        self.dom_chars = 0
        self.text_chars = 0
        self.image_urls: list[str] = []  # large images in the region, in page order
        self.charsets: set[str] = set()  # the encodings the browser decoded the pages with

    async def region(self, target: Any, selector: str | None) -> dict[str, Any] | None:
        """The region program's answer, with the DOM and text budgets applied."""
        budget = self.budget
        room = max(
            0,
            min(budget.max_dom_chars - self.dom_chars, budget.max_text_chars - self.text_chars),
        )
        region: dict[str, Any] | None = await target.evaluate(
            script("region"), [selector, self.excludes, LIST_IMAGE_PIXELS, room]
        )
        if region is None:
            return None
        url = clean(target.url)[:200]
        self.text_chars += int(region["textLength"])
        self.dom_chars += int(region["domLength"]) + int(region["htmlLength"])
        if self.text_chars > budget.max_text_chars:
            self.ledger.over(f"text: {url} takes the capture over {budget.max_text_chars:,} chars")
        if self.dom_chars > budget.max_dom_chars:
            self.ledger.over(f"dom: {url} takes the capture over {budget.max_dom_chars:,} chars")
        return region

    async def page(self, page: Page, selector: str | None) -> RenderedPage | None:
        """The page's region (None when `selector` matches nothing); Playwright's errors
        are the caller's to translate."""
        region = await self.region(page, selector)
        if region is None:
            return None
        self.charsets.add(clean(region["charset"]).lower())
        return self._rendered(page.url, region)

    async def frames(self, page: Page, own: Callable[[str, Purpose], bool]) -> list[RenderedPage]:
        """What the page's iframes show: older sites put the whole list in one. A frame
        whose final URL is not the site's own (`own`) is not read."""
        pages: list[RenderedPage] = []
        for frame in page.frames[1 : MAX_FRAMES + 1]:
            if frame.is_detached() or not frame.url.startswith(("http://", "https://")):
                continue
            if not own(frame.url, Purpose.FRAME):
                continue  # a frame redirected off the site: its content is not read
            try:
                region = await self.region(frame, None)
            except PlaywrightError:
                continue  # a frame that navigated or closed meanwhile, or a PDF viewer
            if region is None or len(str(region["text"]).strip()) < FRAME_MIN_TEXT:
                continue
            pages.append(self._rendered(frame.url, region))
        return pages

    async def sheets(
        self, page: Page, own: Callable[[str, Purpose], bool], seen: set[str], timeout_s: float
    ) -> list[RenderedPage]:
        """The other sheets of an Excel workbook saved as a web page: its frameset shows one
        sheet and lists every sheet (<link id=shLink href=sheet002.htm>) for its tab strip;
        each sheet not read yet is opened in the sheet frame and read as a page of its own."""
        try:
            hrefs: list[str] = await page.evaluate(_SHEET_LINKS)
        except PlaywrightError:
            return []
        frames = [f for f in page.frames[1:] if not f.is_detached()]
        frame = next((f for f in frames if f.name == "frSheet"), frames[0] if frames else None)
        pages: list[RenderedPage] = []
        for href in dict.fromkeys(hrefs[:MAX_SHEETS]):
            if frame is None or clean(href) in seen or not own(href, Purpose.FRAME):
                continue
            try:
                await frame.goto(href, wait_until="load", timeout=timeout_s * 1000)
                region = await self.region(frame, None)
            except PlaywrightError:
                continue  # a sheet that does not load is missing, as in a browser
            if region is not None:
                pages.append(self._rendered(href, region))
        return pages

    def _rendered(self, url: str, region: dict[str, Any]) -> RenderedPage:
        self.image_urls.extend(clean(u) for u in region["images"] if str(u).startswith("http"))
        return RenderedPage(
            url=clean(url),
            html=clean(region["dom"]),
            text=clean(region["text"]),
            title=clean(region["title"]),
            region_html=clean(region["html"]),
        )
