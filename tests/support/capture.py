"""A Capturer without a browser: canned pages per URL, like httpx's MockTransport.

    capturer = FakeCapturer(now=clock.now)
    capturer.page("https://bank.cn/list.html", "<html>...</html>")
    capturer.fail("https://bank.cn/down.html", ConnectionFailed("refused"))
    check_site(site, Deps(store=..., capturer=capturer, index=..., now=clock.now))

The page's visible text is the text of its HTML (script and style removed), the region is the
whole page, and every request is remembered (`requests`), so tests of the pipeline, the
runner, confirmation, gating and budgets run in milliseconds. What Chromium itself does
(rendering, pagination, frames, the URL policy in the router) is tested on the adapter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import lxml.html

from archiver.errors import CaptureError
from archiver.models import Capture, HttpResponse, RenderedPage
from archiver.ports import CaptureRequest

PNG = b"\x89PNG\r\n\x1a\n fake screenshot"


@dataclass(frozen=True, slots=True)
class Canned:
    """What one URL answers."""

    html: str
    status: int = 200
    media_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()


def visible_text(html: str) -> str:
    """The text a reader sees: script and style removed, one line per block-ish element."""
    tree = lxml.html.fromstring(html or "<html></html>")
    for node in tree.xpath("//script|//style|//head"):
        node.drop_tree()
    for node in tree.iter("br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"):
        node.tail = "\n" + (node.tail or "")
    for node in tree.iter("td", "th"):
        node.tail = "\t" + (node.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _title(html: str) -> str:
    found = lxml.html.fromstring(html or "<html></html>").findtext(".//title")
    return (found or "").strip()


class FakeCapturer:
    """A `ports.Capturer` that answers from canned pages; unknown URLs are a CaptureError."""

    def __init__(self, *, now: Callable[[], datetime], browser_version: str = "fake 1") -> None:
        self.now = now
        self.browser_version = browser_version
        self.requests: list[CaptureRequest] = []
        self._pages: dict[str, Canned | Exception] = {}
        self._lock = threading.Lock()

    def page(
        self, url: str, html: str, *, status: int = 200, media_type: str = "text/html"
    ) -> None:
        """Serve `html` at `url` from now on (replacing what was served before)."""
        self._pages[url] = Canned(html=html, status=status, media_type=media_type)

    def fail(self, url: str, error: Exception) -> None:
        """Capturing `url` raises `error` from now on (a CaptureError, or a bug)."""
        self._pages[url] = error

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[FakeSession]:
        """A session on the canned page; raises what `fail` set, or CaptureError."""
        with self._lock:
            self.requests.append(request)
        answer = self._pages.get(request.url)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            raise CaptureError(f"no canned page for {request.url}")
        yield FakeSession(self, request, answer)

    def close(self) -> None:
        """Nothing to release."""


class FakeSession:
    """One capture of a canned page."""

    def __init__(self, owner: FakeCapturer, request: CaptureRequest, canned: Canned) -> None:
        self.owner = owner
        self.request = request
        self.canned = canned
        self.screenshots = 0

    def snapshot(self) -> Capture:
        html = self.canned.html
        return Capture(
            site_id=self.request.site_id,
            requested_url=self.request.url,
            final_url=self.request.url,
            status=self.canned.status,
            fetched_at=self.owner.now(),
            browser_version=self.owner.browser_version,
            pages=(
                RenderedPage(
                    url=self.request.url, html=html, text=visible_text(html), title=_title(html)
                ),
            ),
            main_response=HttpResponse(
                url=self.request.url,
                status=self.canned.status,
                media_type=self.canned.media_type,
                headers=self.canned.headers,
                body=html.encode(),
            ),
        )

    def screenshot(self) -> bytes | None:
        self.screenshots += 1
        return PNG

    def complete(self, capture: Capture) -> Capture:
        return capture


def list_page(*names: str) -> str:
    """A partner-list page as institutions publish one: a titled table, one row per name."""
    rows = "".join(
        f"<tr><td>{i}</td><td>{name}</td><td>平台运营机构</td></tr>"
        for i, name in enumerate(names, 1)
    )
    return (
        "<html><head><title>互联网助贷业务合作机构名单</title></head><body>"
        "<h1>互联网助贷业务合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th>"
        f"<th>机构类型</th></tr>{rows}</table></body></html>"
    )
