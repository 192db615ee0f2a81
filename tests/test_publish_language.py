"""The published pages speak Chinese: no English word outside a short allow-list.

The archive here holds only Chinese content, so any English on a page comes from the pages
themselves (labels, markers, categories, reasons, notes). URLs, digests and what is set in
<code> (commands, media types) are not prose and are left out.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin

import pytest
from playwright.sync_api import sync_playwright

from archiver.adapters.browser import find_chromium
from archiver.adapters.memory_store import MemoryStore
from archiver.config import Site
from archiver.models import Category, EventType, Marker, PartnerEvent
from archiver.publish.publisher import Publisher
from archiver.publish.serve import make_server
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

pytestmark = pytest.mark.browser

# Words that stay as they are in Chinese text: formats, protocols and product names.
ALLOWED = frozenset(
    {
        "SHA", "sha256", "JSON", "CSV", "PDF", "URL", "WACZ", "DOM", "HTTP", "HTTPS", "Atom",
        "UTC", "KB", "MB", "GB", "B", "Chromium", "HeadlessChrome", "disclosure", "archiver",
        "robots", "txt", "disclosure-archiver", "HTML", "sha", "WARC", "pywb", "ReplayWeb",
        "myzx",  # the search box's example of pinyin initials
        "synthetic",  # the test archive's stand-in for a release number
    }
)  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
NOT_PROSE = re.compile(
    r"[a-z]+://\S+"  # URLs
    r"|\S+/\S+"  # object keys and paths
    r"|\d{4}-\d\d-\d\dT[\d:.+-]+"  # ISO 8601 times
    r"|\b[0-9a-f]{12,}\b"  # digests
)
T0 = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('code, .digest, script, style, iframe, noscript').forEach(e => e.remove());
  return copy.innerText + ' ' + document.title + ' ' +
    Array.from(document.querySelectorAll('[title],[placeholder],[aria-label],img[alt]'))
      .map(e => [e.title, e.placeholder, e.getAttribute('aria-label'), e.alt].join(' ')).join(' ');
}"""


def build(store: MemoryStore) -> list[Site]:
    b = ArchiveBuilder(store, start=T0)
    ant = partner("蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM)
    fql = partner("深圳市分期乐网络科技有限公司", category=Category.PLATFORM, products=("分期乐",))
    kx = partner("深圳市凯旋融资担保有限公司", category=Category.CREDIT_ENHANCEMENT)
    b.version("bank", (ant, fql, kx), as_of="2025年9月30日")
    suspended = replace(fql, markers=(Marker.SUSPENDED,), remark="已暂停合作")
    b.version("bank", (fql, ant, kx))
    b.version("bank", (ant, suspended))
    b.version("bank", (ant, suspended, kx))
    b.version("cfc", (ant,))
    return [
        Site(id="bank", name="示例银行", url="https://bank.example/", type="city_bank"),
        Site(id="cfc", name="示例消费金融", url="https://cfc.example/", type="consumer_finance"),
    ]


@pytest.fixture
def site_url() -> Iterator[str]:
    store = MemoryStore()
    sites = build(store)
    Publisher(store, PublishSettings(), sites=sites).publish_all()
    httpd = make_server(store, "public/", port=0)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def english(text: str) -> set[str]:
    """Words in Latin letters that are not on the allow-list.

    >>> sorted(english("状态标记：suspended，见 https://a.example/x 与 JSON"))
    ['suspended']
    """
    return {word for word in WORD.findall(NOT_PROSE.sub(" ", text)) if word not in ALLOWED}


def test_every_page_is_chinese(site_url: str) -> None:
    found: dict[str, set[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page()
            seen: set[str] = set()
            queue = [site_url + "index.html"]
            while queue:
                url = queue.pop(0)
                if url in seen or not url.split("?")[0].endswith(".html"):
                    continue
                seen.add(url)
                page.goto(url, wait_until="load")
                words = english(page.evaluate(VISIBLE_TEXT))
                if words:
                    found[url.removeprefix(site_url)] = words
                for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                    target = urldefrag(urljoin(url, href)).url
                    if target.startswith(site_url):
                        queue.append(target)
        finally:
            browser.close()
    assert len(seen) > 10
    assert found == {}, json.dumps({k: sorted(v) for k, v in found.items()}, ensure_ascii=False)


def test_a_field_change_reads_in_chinese() -> None:
    from archiver.publish import labels

    event = PartnerEvent(
        type=EventType.FIELD_CHANGED,
        name="分期乐",
        match_key="分期乐",
        field="markers",
        before="",
        after="suspended",
    )
    assert labels.event_line(event) == "信息变更：分期乐 状态标记 （空） → 已暂停合作"
