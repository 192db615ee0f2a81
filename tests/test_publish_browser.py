"""Published pages in real Chromium: from the local store, a public bucket and a private one.

Every test records each request the browser makes: anything outside the archive's own
address is aborted and fails the test ("nothing loads from outside"), and so does any
dialog, page error or `window.__pwned` set by an archived page's script.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

from archiver.adapters.browser import find_chromium
from archiver.adapters.local_store import LocalStore
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.s3_store import S3Store
from archiver.config import Site
from archiver.models import Category
from archiver.ports import ObjectStore
from archiver.publish import paths
from archiver.publish.publisher import Publisher
from archiver.publish.serve import make_server
from archiver.publish.settings import PublishSettings
from tests.support.archives import XSS_NAMES, ArchiveBuilder, hostile_dom
from tests.support.builders import partner

pytestmark = pytest.mark.browser

T0 = datetime(2025, 9, 1, tzinfo=UTC)
QIFU = "上海淇毓信息科技有限公司"


SITES = (
    Site(id="zhaolian", name="招联消费金融", url="https://www.mucfc.com/"),
    Site(id="xinwang", name="四川新网银行", url="https://www.xwbank.com/"),
    Site(id="evil", name="恶意<b onclick=alert(1)>银行</b>", url="https://evil.example/"),
)


def build_archive(store: ObjectStore) -> None:
    """Two ordinary institutions with a change, and one whose every string is hostile."""
    b = ArchiveBuilder(store, start=T0)
    ant = partner(
        "蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM, category_raw="平台运营机构"
    )
    dxm = partner(
        "重庆度小满小额贷款有限公司", category=Category.PLATFORM, category_raw="平台运营机构"
    )
    b.version("zhaolian", (ant, dxm), as_of="2025年9月30日")
    b.version("zhaolian", (ant, partner(QIFU, category=Category.PLATFORM)), as_of="2025年10月31日")
    b.version("xinwang", (ant, partner("京东科技控股股份有限公司")))
    evil = tuple(partner(name, category_raw=name) for name in XSS_NAMES)
    b.version("evil", evil[:3], title="公告</title><script>alert(1)</script>", dom=hostile_dom())
    b.version(
        "evil",
        evil[2:],
        title="合作机构名单",
        dom=hostile_dom(),
        url="javascript:window.__pwned='url'",
    )


@dataclass
class Viewer:
    """One browser context that records what the archive's pages do."""

    context: BrowserContext
    allowed: str  # URL prefix everything must load from
    external: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith((self.allowed, "data:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str, page: Page | None = None) -> Page:
        """Load `url` (in `page`, or a new tab) and everything it loads, and check the answer."""
        if page is None:
            page = self.context.new_page()
            page.on("dialog", self._dialog)
            page.on("pageerror", lambda e: self.errors.append(str(e)))
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response)
        return page

    def assert_clean(self, page: Page) -> None:
        """No archived script ran, nothing left the archive, no dialog, no error."""
        assert page.evaluate("typeof window.__pwned") == "undefined", page.url
        assert self.external == [], self.external
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors

    def crawl(self, start: str, *, limit: int = 200) -> dict[str, int]:
        """Follow every link and resource under `allowed`; the status of each."""
        seen: dict[str, int] = {}
        queue = [start]
        page: Page | None = None
        while queue and len(seen) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            if not _is_page(url):
                seen[url] = self.context.request.get(url).status
                continue
            page = self.open(url, page)
            seen[url] = 200
            self.assert_clean(page)
            for frame in page.frames[1:]:  # the sandboxed archived page and what it nests
                assert stayed_inline(frame.url), frame.url
            targets = page.eval_on_selector_all(
                "a[href], img[src], link[href], script[src]",
                "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
            )
            for target in targets:
                absolute = urldefrag(urljoin(url, target)).url
                if absolute.startswith(self.allowed) and absolute not in seen:
                    queue.append(absolute)
        if page is not None:
            page.close()
        return seen


def searched(page: Page, query: str) -> None:
    """Wait until the search box has answered `query`.

    A selector, not wait_for_function: the pages' CSP forbids eval, which Playwright's
    string predicates need while polling.
    """
    page.wait_for_selector(
        f"html[data-search-query={json.dumps(query, ensure_ascii=False)}]", state="attached"
    )


def stayed_inline(frame_url: str) -> bool:
    """The frame shows inline content and never navigated to a document anyone served.

    How a sandboxed srcdoc frame names itself differs between Chromium builds and even runs
    ("about:srcdoc", "about:blank", "" or ":"), so only a loadable scheme is a failure.
    """
    return urlsplit(frame_url).scheme not in {"http", "https", "file", "ftp", "data", "blob"}


def _is_page(url: str) -> bool:
    path = url.split("?", 1)[0]
    return path.endswith((".html", "/"))


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=find_chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    try:
        yield browser
    finally:
        browser.close()


@contextmanager
def served(store: ObjectStore) -> Iterator[str]:
    """The store's published prefix on 127.0.0.1, as `archiver serve` does it."""
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


@pytest.fixture
def local_site(local_store: LocalStore) -> Iterator[str]:
    """The archive published into a local store and served by `archiver serve`."""
    build_archive(local_store)
    Publisher(local_store, PublishSettings(), sites=SITES).publish_all()
    with served(local_store) as base:
        yield base


@pytest.fixture
def viewer(chromium: Browser) -> Iterator[Viewer]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield Viewer(context, allowed="")
    finally:
        context.close()


class TestLocal:
    """Served from the local store."""

    def test_search_finds_a_partner_and_leads_to_its_page(
        self, viewer: Viewer, local_site: str, artifacts_dir: Path
    ) -> None:
        viewer.allowed = local_site
        page = viewer.open(local_site)
        page.fill("#search", "淇毓")
        first = page.locator("#search-results li a").first
        first.wait_for()
        assert first.inner_text() == QIFU
        page.fill("#search", "shqy")  # pinyin initials
        searched(page, "shqy")
        assert QIFU in page.locator("#search-results").inner_text()
        page.fill("#search", "招联")
        searched(page, "招联")
        assert page.locator("#search-results li .kind").first.inner_text() == "机构"
        page.fill("#search", "淇毓")
        searched(page, "淇毓")
        page.screenshot(path=artifacts_dir / "publish-index-search.png", full_page=True)
        page.locator("#search-results li a").first.click()
        page.wait_for_load_state("load")
        assert page.url == local_site + paths.partner_page(partner(QIFU).match_key)
        assert page.locator("h1").inner_text() == QIFU
        viewer.assert_clean(page)

    def test_every_link_resolves_and_nothing_loads_from_outside(
        self, viewer: Viewer, local_site: str
    ) -> None:
        viewer.allowed = local_site
        statuses = viewer.crawl(local_site)
        assert len([u for u in statuses if _is_page(u)]) >= 20
        assert {url: status for url, status in statuses.items() if status != 200} == {}
        assert any("/raw/" in url for url in statuses)
        assert local_site + "sites/evil/v2-page.html" in statuses

    def test_the_version_page_shows_the_change(
        self, viewer: Viewer, local_site: str, artifacts_dir: Path
    ) -> None:
        viewer.allowed = local_site
        page = viewer.open(local_site + "sites/zhaolian/v2.html")
        changes = page.locator("#changes").inner_text()
        assert changes.index("新增") < changes.index("移除")
        assert QIFU in changes and "重庆度小满小额贷款有限公司" in changes
        side = page.locator("#diff-side-by-side")
        assert "上海淇毓信息科技" in side.locator("ins").all_inner_texts()[-1]
        assert any("重庆度小满小额贷款" in t for t in side.locator("del").all_inner_texts())
        before, after = side.locator("tbody tr").first.locator("td").all_inner_texts()
        assert "截至2025年9月30日" in before and "截至2025年10月31日" in after
        shots = page.locator("#screenshots img")
        assert shots.count() == 2
        assert all(w > 0 for w in shots.evaluate_all("els => els.map(e => e.naturalWidth)"))
        assert page.locator("section").first.get_attribute("id") == "changes"
        page.screenshot(path=artifacts_dir / "publish-version.png", full_page=True)
        viewer.assert_clean(page)

    def test_a_missing_search_index_is_reported(
        self, viewer: Viewer, local_site: str, local_store: LocalStore
    ) -> None:
        (local_store.root / "public" / paths.SEARCH).unlink()
        viewer.allowed = local_site
        page = viewer.open(local_site)
        page.fill("#search", "淇毓")
        page.locator("#search-status", has_text="无法载入").wait_for()
        assert page.locator("#search-status").inner_text() == "无法载入搜索索引（HTTP 404）"
        assert page.locator("#search-results li").count() == 0
        viewer.assert_clean(page)

    def test_sorting_the_index(self, viewer: Viewer, local_site: str) -> None:
        viewer.allowed = local_site
        page = viewer.open(local_site)
        header = page.locator("#institutions th", has_text="版本数").locator("button")
        header.click()
        order = page.locator("#institutions tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.site)"
        )
        assert order[-1] in ("zhaolian", "evil")  # two versions each, at the end ascending
        header.click()
        descending = page.locator("#institutions tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.site)"
        )
        assert descending[0] in ("zhaolian", "evil") and descending[-1] == "xinwang"

    def test_screenshots_of_every_page_kind(
        self, viewer: Viewer, local_site: str, artifacts_dir: Path
    ) -> None:
        viewer.allowed = local_site
        kinds = {
            "index": "",
            "institution": "sites/zhaolian/index.html",
            "version-first": "sites/zhaolian/v1.html",
            "archived-page": "sites/evil/v2-page.html",
            "partner": paths.partner_page(partner("蚂蚁智信（杭州）信息技术有限公司").match_key),
            "partners": paths.PARTNERS,
            "scorecard": paths.SCORECARD,
            "hostile-version": "sites/evil/v2.html",
        }
        for kind, path in kinds.items():
            page = viewer.open(local_site + path)
            page.screenshot(path=artifacts_dir / f"publish-{kind}.png", full_page=True)
            viewer.assert_clean(page)
            assert page.locator("h1, iframe").count() >= 1


class TestHostileArchive:
    """No script from an archived page ever runs in the viewer."""

    def test_the_sandboxed_archived_page_runs_nothing(
        self, viewer: Viewer, local_site: str
    ) -> None:
        viewer.allowed = local_site
        page = viewer.open(local_site + "sites/evil/v2-page.html")
        archived = page.frame_locator("iframe[sandbox]")
        assert "互联网贷款合作机构名单" in archived.locator("h1").inner_text()
        archived.locator("a", has_text="点我").click(force=True)  # a javascript: link
        page.wait_for_load_state("networkidle")  # the meta refresh and the form had their go
        viewer.assert_clean(page)
        assert all(stayed_inline(frame.url) for frame in page.frames[1:])

    def test_hostile_names_in_search_results_stay_text(
        self, viewer: Viewer, local_site: str
    ) -> None:
        viewer.allowed = local_site
        page = viewer.open(local_site)
        for query in ("script", "onerror", "svg", "javascript", "hyperlink", "textarea"):
            page.fill("#search", query)
            searched(page, query)
            assert page.locator("#search-results li").count() >= 1, query
            assert page.locator("#search-results img, #search-results svg").count() == 0
        viewer.assert_clean(page)


@pytest.mark.s3
class TestS3:
    """Straight from the bucket: public (website/CDN) and private (presigned links)."""

    def test_public_bucket_with_relative_links(
        self,
        viewer: Viewer,
        s3_store: S3Store,
        s3_endpoint: str,
        s3_bucket: str,
        artifacts_dir: Path,
    ) -> None:
        build_archive(s3_store)
        base = f"{s3_endpoint}/{s3_bucket}/{s3_store.prefix}public/"
        Publisher(s3_store, PublishSettings(), sites=SITES, base_url=base).publish_all()
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{s3_bucket}/{s3_store.prefix}public/*",
                }
            ],
        }
        s3_store.client.put_bucket_policy(Bucket=s3_bucket, Policy=json.dumps(policy))
        viewer.allowed = base
        blob = next(s3_store.list("blobs/"))
        assert viewer.context.request.get(f"{s3_endpoint}/{s3_bucket}/cn/{blob}").status == 403
        page = viewer.open(base + "index.html")
        page.fill("#search", "淇毓")
        page.locator("#search-results li a").first.wait_for()
        page.locator("#search-results li a").first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == QIFU
        statuses = viewer.crawl(base + "index.html", limit=80)
        assert {url: status for url, status in statuses.items() if status != 200} == {}
        page = viewer.open(base + "sites/zhaolian/v2.html")
        assert QIFU in page.locator("#changes").inner_text()
        page.screenshot(path=artifacts_dir / "publish-s3-public-version.png", full_page=True)
        feed = viewer.context.request.get(base + "feed.atom").text()
        assert f'href="{base}sites/zhaolian/v2.html"' in feed

    def test_private_bucket_version_page_through_a_presigned_link(
        self, viewer: Viewer, s3_store: S3Store, s3_endpoint: str, artifacts_dir: Path
    ) -> None:
        build_archive(s3_store)
        publisher = Publisher(
            s3_store, PublishSettings(), sites=SITES, presign=True, presign_expiry_s=3600
        )
        publisher.publish_all()
        link = publisher.page_url("zhaolian", 2)
        assert link is not None and "X-Amz-Signature" in link
        viewer.allowed = s3_endpoint + "/"
        anonymous = link.split("?", 1)[0]
        assert viewer.context.request.get(anonymous).status == 403  # the bucket is private
        page = viewer.open(link)
        viewer.assert_clean(page)
        assert QIFU in page.locator("#changes").inner_text()
        assert page.locator("#signed-note").count() == 1
        header = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
        assert header == "rgb(18, 50, 79)"  # the inlined stylesheet applies
        widths = page.locator("#screenshots img").evaluate_all(
            "els => els.map(e => e.naturalWidth)"
        )
        assert widths and all(w > 0 for w in widths)
        page.screenshot(path=artifacts_dir / "publish-s3-presigned-version.png", full_page=True)

    def test_private_bucket_every_page_a_presigned_index_reaches(
        self, viewer: Viewer, s3_store: S3Store, s3_endpoint: str
    ) -> None:
        """From the presigned index, every link answers 200, carries its own signature, and
        no page needs a second request for its stylesheet or script."""
        build_archive(s3_store)
        Publisher(
            s3_store, PublishSettings(), sites=SITES, presign=True, presign_expiry_s=3600
        ).publish_all()
        index = s3_store.url("public/index.html")
        assert index is not None and "X-Amz-Signature=" in index
        viewer.allowed = s3_endpoint + "/"
        requested: list[str] = []
        viewer.context.on("request", lambda request: requested.append(request.url))
        seen: dict[str, int] = {}  # path -> status (signatures differ from page to page)
        queue = [index]
        page: Page | None = None
        while queue:
            url = queue.pop(0)
            path = urlsplit(url).path
            if path in seen:
                continue
            assert "X-Amz-Signature=" in url, url  # signed, or it would answer 403
            if not _is_page(url):
                seen[path] = viewer.context.request.get(url).status
                continue
            page = viewer.open(url, page)
            seen[path] = 200
            viewer.assert_clean(page)
            targets = page.eval_on_selector_all(
                "a[href], img[src], link[href], script[src]",
                "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
            )
            for target in targets:
                absolute = urldefrag(urljoin(url, target)).url
                if absolute.startswith(viewer.allowed):
                    queue.append(absolute)
        assert {path: status for path, status in seen.items() if status != 200} == {}
        pages = [path for path in seen if path.endswith(".html")]
        assert len(pages) > 15  # index, institutions, versions, partners, scorecard, this week
        own = [url for url in requested if url.startswith(viewer.allowed)]
        assert not [url for url in own if urlsplit(url).path.endswith((".css", ".js"))]
        assert page is not None
        page = viewer.open(index, page)
        page.fill("#search", "淇毓")  # the search index and its results are presigned too
        page.locator("#search-results li a").first.wait_for()
        page.locator("#search-results li a").first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == QIFU
        viewer.assert_clean(page)


@pytest.mark.slow
def test_search_over_5000_partners_answers_every_keystroke(viewer: Viewer) -> None:
    """Typing one key at a time, each keystroke is answered and the last one finds the partner.

    The latency itself is a figure of benchmarks/bench_publish.py, not a timed assertion.
    """
    store = MemoryStore()
    builder = ArchiveBuilder(store, start=T0)
    for site in range(120):
        names = [f"测试{site:03d}号第{n:02d}科技有限公司" for n in range(42)]
        builder.version(f"bank-{site:03d}", tuple(partner(name) for name in names))
    Publisher(store, PublishSettings()).publish_all()
    timings = []
    with served(store) as base:
        viewer.allowed = base
        page = viewer.open(base)
        for query in ("测试", "测试07", "测试077号第3", "csh", "ceshi11"):
            page.fill("#search", "")
            for end in range(1, len(query) + 1):
                page.type("#search", query[end - 1])
                searched(page, query[:end])
                timings.append(float(page.evaluate("document.documentElement.dataset.searchMs")))
        page.fill("#search", "")
        page.type("#search", "测试077号第31")
        searched(page, "测试077号第31")
        results = page.inner_text("#search-results")
    assert json.loads(store.get("public/search.json"))["items"].__len__() == 120 + 5040
    assert len(timings) == sum(
        len(q) for q in ("测试", "测试07", "测试077号第3", "csh", "ceshi11")
    )
    assert "测试077号第31科技有限公司" in results
