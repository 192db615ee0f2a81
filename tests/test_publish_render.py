"""Published pages treat archived content as hostile: escaped, inert, under a strict CSP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from archiver.adapters.memory_store import MemoryStore
from archiver.models import Category, EventType, PartnerEvent
from archiver.publish import paths, render
from archiver.publish.publisher import Publisher
from archiver.publish.settings import PublishSettings
from tests.support.archives import XSS_NAMES, ArchiveBuilder, hostile_dom
from tests.support.builders import partner

PREFIX = "public/"
NOW = datetime(2025, 10, 10, tzinfo=UTC)


class Page(HTMLParser):
    """Every tag and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)

    def csp(self) -> str:
        for tag, attrs in self.tags:
            if tag == "meta" and (attrs.get("http-equiv") or "").lower() == (
                "content-security-policy"
            ):
                return attrs.get("content") or ""
        return ""


@pytest.fixture
def hostile_store() -> MemoryStore:
    """An archive whose every string tries to break out, published."""
    store = MemoryStore()
    builder = ArchiveBuilder(store, start=NOW - timedelta(days=5))
    evil = tuple(
        partner(name, category=Category.PLATFORM, category_raw=name) for name in XSS_NAMES
    )
    builder.version(
        "evil",
        evil[:4],
        title='公告</title><script>window.__pwned="title"</script>',
        dom=hostile_dom(),
        url="https://www.example.cn/evil/list.html",
    )
    builder.version(
        "evil",
        evil[2:],
        title="合作机构名单",
        dom=hostile_dom(),
        url="javascript:window.__pwned='url'",
        events=(
            PartnerEvent(
                type=EventType.RENAMED,
                name=XSS_NAMES[0],
                match_key=evil[0].match_key,
                old=XSS_NAMES[1],
                new=XSS_NAMES[0],
                note="<b onmouseover=alert(1)>note</b>",
            ),
            PartnerEvent(
                type=EventType.FIELD_CHANGED,
                name=XSS_NAMES[2],
                match_key=evil[2].match_key,
                field="<i>period</i>",
                before="<script>1</script>",
                after="</td></tr></table><script>2</script>",
            ),
        ),
    )
    builder.version("plain", (partner("重庆度小满小额贷款有限公司"),))
    Publisher(store, PublishSettings(prefix=PREFIX)).publish_all()
    return store


def html_pages(store: MemoryStore) -> dict[str, str]:
    return {
        key: data.decode()
        for key, (data, kind) in store.objects.items()
        if key.startswith(PREFIX) and kind.startswith("text/html")
    }


def test_every_page_kind_is_published(hostile_store: MemoryStore) -> None:
    pages = html_pages(hostile_store)
    expected = [
        "index.html",
        "scorecard.html",
        "partners/index.html",
        "sites/evil/index.html",
        "sites/evil/v1.html",
        "sites/evil/v2.html",
        "sites/evil/v2-page.html",
        paths.partner_page(partner(XSS_NAMES[0]).match_key),
    ]
    for path in expected:
        assert PREFIX + path in pages


def test_every_page_has_a_strict_csp_and_no_inline_script(hostile_store: MemoryStore) -> None:
    pages = html_pages(hostile_store)
    assert len(pages) > 10
    for key, html in pages.items():
        page = Page(html)
        csp = page.csp()
        assert "object-src 'none'" in csp, key
        assert "base-uri 'none'" in csp, key
        assert re.search(r"script-src '(self|none)'", csp), key
        assert "unsafe-eval" not in csp, key
        assert page.scripts == [], key
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        assert all((a.get("src") or "").endswith("static/archive.js") for a in scripts), key
        assert html.index("Content-Security-Policy") < html.index("<title>"), key


def test_no_archived_string_becomes_markup(hostile_store: MemoryStore) -> None:
    for key, html in html_pages(hostile_store).items():
        page = Page(html)
        for tag, attrs in page.tags:
            assert not any(name.startswith("on") for name in attrs), (key, tag, attrs)
            for name in ("href", "src", "action", "formaction"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:text")), (key, tag, attrs)
            assert tag not in ("form", "base", "object", "embed", "foreignobject"), (key, tag)
            if tag == "svg":  # only our own charts (charts.py), never archived markup
                assert attrs.get("class") == "chart", (key, attrs)
            if tag == "img":
                assert (attrs.get("src") or "").startswith("../../raw/"), (key, attrs)
            if tag == "iframe":
                assert "sandbox" in attrs and not attrs["sandbox"], key
                assert "src" not in attrs, key
        styles = [tag for tag, _ in page.tags if tag == "style"]
        assert len(styles) <= 1, key  # our own stylesheet, inlined on self-contained pages
        if styles:
            assert html.count("<style>") == 1, key


def test_hostile_names_are_shown_as_text(hostile_store: MemoryStore) -> None:
    html = html_pages(hostile_store)[PREFIX + "sites/evil/v2.html"]
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned" in html
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;2&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # Jinja never evaluates archived text
    assert "49" not in re.sub(r"[0-9a-f]{64}", "", html.replace("2025", ""))


def test_archived_dom_is_only_in_a_sandboxed_srcdoc(hostile_store: MemoryStore) -> None:
    html = html_pages(hostile_store)[PREFIX + "sites/evil/v2-page.html"]
    page = Page(html)
    (iframe,) = [attrs for tag, attrs in page.tags if tag == "iframe"]
    assert iframe["srcdoc"] == hostile_dom()  # intact, once the attribute is unescaped
    assert "sandbox" in iframe and not iframe["sandbox"]  # every restriction applies
    csp = page.csp()
    assert "default-src 'none'" in csp
    assert "script-src 'none'" in csp
    assert "img-src data:" in csp


def test_unsafe_urls_are_never_links(hostile_store: MemoryStore) -> None:
    html = html_pages(hostile_store)[PREFIX + "sites/evil/v2.html"]
    assert "javascript:window.__pwned=&#39;url&#39;" in html  # shown as text
    links = [a.get("href") for tag, a in Page(html).tags if tag == "a"]
    assert not any((href or "").startswith("javascript") for href in links)
    v1 = html_pages(hostile_store)[PREFIX + "sites/evil/v1.html"]
    assert 'href="https://www.example.cn/evil/list.html"' in v1


def test_raw_copies_are_inert(hostile_store: MemoryStore) -> None:
    raws = {k: kind for k, (_, kind) in hostile_store.objects.items() if "/raw/" in k}
    assert raws
    for key, kind in raws.items():
        assert kind in ("text/plain; charset=utf-8", "image/png", "application/json"), (key, kind)
        if key.endswith(".html.txt"):
            assert kind.startswith("text/plain")
    assert not any(k.startswith(PREFIX + "blobs/") for k in hostile_store.objects)


def test_version_page_css_is_allowed_by_its_hash() -> None:
    renderer = render.Renderer(PublishSettings())
    assert renderer.css in render.static_file("archive.css").decode()
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(renderer.css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in renderer.version_csp


def test_presigned_pages_link_only_signed_targets() -> None:
    """In a private bucket every page, not just the version page, links by signature."""
    store = MemoryStore()
    builder = ArchiveBuilder(store, start=NOW - timedelta(days=3))
    builder.version("zl", (partner("蚂蚁智信（杭州）信息技术有限公司"),))
    builder.version("zl", (partner("上海淇毓信息科技有限公司"),))

    class SigningStore(MemoryStore):
        def url(self, key: str) -> str | None:
            return f"https://s3.example/b/{key}?X-Amz-Signature=abc"

    signing = SigningStore()
    signing.objects = store.objects
    publisher = Publisher(
        signing, PublishSettings(), presign=True, presign_expiry_s=3600, now=lambda: NOW
    )
    publisher.publish_all()
    html = signing.objects["public/sites/zl/v2.html"][0].decode()
    page = Page(html)
    hrefs = [a.get("href") or "" for tag, a in page.tags if tag == "a"]
    srcs = [a.get("src") or "" for tag, a in page.tags if tag == "img"]
    assert srcs and all("X-Amz-Signature" in src for src in srcs)
    assert hrefs and all(
        h.startswith("https://s3.example/") for h in hrefs if "example.cn" not in h
    )
    assert not any(tag == "link" and a.get("rel") == "stylesheet" for tag, a in page.tags)
    assert "2025-10-10 09:00" in html  # signed until NOW + 1 h, in UTC+8
    for key in ("public/sites/zl/index.html", "public/index.html", "public/sites/zl/v2-page.html"):
        other = Page(signing.objects[key][0].decode())
        links = [a.get("href") or "" for tag, a in other.tags if tag == "a"]
        assert links, key
        assert all("X-Amz-Signature" in h for h in links if "example.cn" not in h), key
        assert not any(
            (tag == "link" and a.get("rel") == "stylesheet") or (tag == "script" and a.get("src"))
            for tag, a in other.tags
        ), key  # the stylesheet and the script are inline
