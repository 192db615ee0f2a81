"""One check of one site through real Chromium, a real store and the real index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from archiver import archive
from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.models import Belief, ListStatus, Outcome, PageStatus
from archiver.pipeline import Deps, check_site
from archiver.ports import ObjectStore
from archiver.testing import LocalSite, Route

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="top">今天是{today} 星期六</div>
<div id="content"><h1>互联网助贷业务合作机构名单</h1><p>浏览量：{views}</p>
<table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table></div>
<div class="swiper">轮播广告 {views}</div></body></html>"""


def page(*names: str, views: int = 1, today: str = "2025年11月29日", title: str = "公告") -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return PAGE.format(rows=rows, views=views, today=today, title=title)


CRUMBS = "<div>首页 &gt; 信息披露 &gt; 互联网助贷业务合作机构名单</div>"
TRACE = "<pre>java.lang.NullPointerException\n\tat com.example.PartnerController.list</pre>"


def make_site(url: str, **extra: Any) -> Site:
    return Site.model_validate({"id": "test-site", "name": "测试银行", "url": url, **extra})


@pytest.fixture
def deps(
    local_store: LocalStore, capturer: PlaywrightCapturer, tmp_path: Path, clock: Any
) -> Deps:
    return Deps(
        store=local_store,
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=clock.now,
        sleep=clock.sleep,
    )


def objects(store: ObjectStore) -> dict[str, bytes]:
    return {key: store.get(key) for key in store.list("")}


def test_first_check_archives_a_version_with_its_evidence(
    local_site: LocalSite, deps: Deps
) -> None:
    local_site.page(
        "/list.html", page("蚂蚁智信（杭州）信息技术有限公司", "深圳市分期乐网络科技有限公司")
    )
    result = check_site(make_site(local_site.url("/list.html")), deps)
    assert result.outcome is Outcome.NEW
    assert result.version is not None
    manifest = result.version.manifest
    roles = {ref.role for ref in manifest.blobs}
    assert {"text", "dom", "visible_text", "response", "response_headers", "screenshot"} <= roles
    assert manifest.previous is None and manifest.seq == 1
    text = archive.text_of(deps.store, manifest)
    assert "蚂蚁智信(杭州)信息技术有限公司" in text
    assert "轮播广告" not in text  # rotating banners are excluded
    assert "浏览量" in text and "浏览量:1" not in text  # the counter value is noise
    assert result.bytes_written > 0
    assert deps.index.last_check("test-site").outcome is Outcome.NEW  # type: ignore[union-attr]


def test_unchanged_and_noise_only_checks_write_nothing(local_site: LocalSite, deps: Deps) -> None:
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", page("蚂蚁智信（杭州）信息技术有限公司", views=1))
    check_site(site, deps)
    before = objects(deps.store)
    assert check_site(site, deps).outcome is Outcome.UNCHANGED
    local_site.page(
        "/list.html", page("蚂蚁智信（杭州）信息技术有限公司", views=977, today="2025年11月30日")
    )
    result = check_site(site, deps)
    assert result.outcome is Outcome.UNCHANGED
    assert result.bytes_written == 0
    assert objects(deps.store) == before
    assert [c.outcome for c in deps.index.checks("test-site")] == [
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
        Outcome.NEW,
    ]


def test_a_content_change_is_a_new_linked_version_with_its_diff(
    local_site: LocalSite, deps: Deps
) -> None:
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", page("蚂蚁智信（杭州）信息技术有限公司"))
    first = check_site(site, deps)
    local_site.page(
        "/list.html", page("蚂蚁智信（杭州）信息技术有限公司", "上海淇毓信息科技有限公司")
    )
    second = check_site(site, deps)
    assert second.outcome is Outcome.CHANGED
    assert second.version is not None and first.version is not None
    manifest = second.version.manifest
    assert manifest.seq == 2
    assert manifest.previous is not None
    assert (manifest.previous.key, manifest.previous.digest) == (
        first.version.key,
        first.version.digest,
    )
    assert manifest.blob("diff") is not None
    assert manifest.text_inserted > 0 and manifest.text_deleted == 0


def test_script_rendered_content_is_captured(local_site: LocalSite, deps: Deps) -> None:
    local_site.page(
        "/spa.html",
        """<body><div id="app">加载中</div><script>
        setTimeout(() => { document.getElementById('app').innerHTML =
          '<h1>合作机构名单</h1><p>重庆度小满小额贷款有限公司</p>'; }, 300);
        </script></body>""",
    )
    result = check_site(make_site(local_site.url("/spa.html"), wait_for="#app h1"), deps)
    assert result.outcome is Outcome.NEW
    assert result.version is not None
    assert "重庆度小满小额贷款有限公司" in archive.text_of(deps.store, result.version.manifest)


def test_a_shell_still_loading_is_waited_for_without_a_selector(
    local_site: LocalSite, deps: Deps
) -> None:
    """A single-page app that shows "加载中…" and fetches its list on a timer: settling waits
    while the placeholder shows (to its cap), so the list and its JSON are captured with no
    site-specific wait_for."""
    local_site.file(
        "/api/partners.json",
        '{"data": {"list": [{"orgName": "重庆度小满小额贷款有限公司", '
        '"orgTypeName": "平台运营机构"}]}}'.encode(),
        "application/json",
    )
    local_site.page(
        "/shell.html",
        """<head><title>合作机构名单</title></head><body><div id="app">加载中…</div><script>
        setTimeout(() => { fetch('/api/partners.json').then(r => r.json()).then(d => {
          document.getElementById('app').innerHTML = '<h1>合作机构名单</h1><p>'
            + d.data.list.map(p => p.orgName).join('') + '</p>'; }); }, 400);
        </script></body>""",
    )
    result = check_site(make_site(local_site.url("/shell.html")), deps)
    assert result.version is not None
    manifest = result.version.manifest
    assert "重庆度小满小额贷款有限公司" in archive.text_of(deps.store, manifest)
    assert [p.name for p in manifest.partners] == ["重庆度小满小额贷款有限公司"]


def test_pagination_is_followed_and_each_page_kept(local_site: LocalSite, deps: Deps) -> None:
    local_site.page(
        "/p1.html",
        page("蚂蚁智信（杭州）信息技术有限公司") + '<a href="/p2.html">下一页</a>',
    )
    local_site.page(
        "/p2.html", page("深圳市分期乐网络科技有限公司") + '<a href="/p3.html">下一页</a>'
    )
    local_site.page("/p3.html", page("上海淇毓信息科技有限公司"))
    result = check_site(make_site(local_site.url("/p1.html")), deps)
    assert result.version is not None
    text = archive.text_of(deps.store, result.version.manifest)
    for name in ("蚂蚁智信", "分期乐", "上海淇毓"):
        assert name in text
    assert [ref.role for ref in result.version.manifest.blobs].count("dom") == 3


def test_a_next_page_that_fails_makes_the_list_incomplete_however_often_it_repeats(
    local_site: LocalSite, deps: Deps, clock: Any
) -> None:
    """Page 2 answering 404 while page 1 still links it: never "page 2's partners dropped"."""
    site = make_site(local_site.url("/p1.html"))
    first = page("蚂蚁智信（杭州）信息技术有限公司") + '<a href="/p2.html">下一页</a>'
    local_site.page("/p1.html", first)
    local_site.page("/p2.html", page("深圳市分期乐网络科技有限公司"))
    whole = check_site(site, deps)
    assert whole.belief is Belief.BELIEVED and len(whole.version.manifest.partners) == 2
    local_site.page("/p2.html", "<h1>404 Not Found</h1>", status=404)
    for _ in range(2):  # the same failure on the re-check is no confirmation
        broken = check_site(site, deps)
        assert (broken.belief, broken.events) == (Belief.TRUNCATED, ())
        assert "the next page" in broken.version.manifest.belief_note
        assert "HTTP 404" in broken.version.manifest.belief_note
        clock.advance(site.confirm_delay)


SPA = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构</title></head><body>
<div id="root"></div><script>
const get = n => fetch('api/list-' + n + '.json')
  .then(r => { if (!r.ok) throw r; return r.json(); });
let rows = [];
get(1).then(first => { rows = first.records;
  return Promise.all([2].map(get))
    .then(more => { more.forEach(m => rows = rows.concat(m.records)); })
}).catch(() => {}).finally(() => {
  document.getElementById('root').innerHTML = '<h2>互联网助贷业务合作机构名单</h2><ol>' +
    rows.map(r => '<li>' + r.name + '</li>').join('') + '</ol>'; });
</script></body></html>"""


def test_a_page_of_the_lists_data_that_fails_makes_the_list_incomplete(
    local_site: LocalSite, deps: Deps
) -> None:
    """The page draws the list from api/list-1.json and list-2.json; list-2 answering 502 is
    no "its partners dropped" (round 11): the page shows only page 1, the capture says why."""
    site = make_site(local_site.url("/spa.html"))
    local_site.page("/spa.html", SPA)

    def records(*names: str) -> str:
        return json.dumps({"records": [{"name": n} for n in names]}, ensure_ascii=False)

    local_site.page(
        "/api/list-1.json",
        records("蚂蚁智信（杭州）信息技术有限公司"),
        content_type="application/json",
    )
    local_site.page(
        "/api/list-2.json",
        records("深圳市分期乐网络科技有限公司"),
        content_type="application/json",
    )
    assert len(check_site(site, deps).version.manifest.partners) == 2
    local_site.page(
        "/api/list-2.json", '{"error": "bad gateway"}', status=502, content_type="application/json"
    )
    broken = check_site(site, deps)
    assert (broken.belief, broken.events) == (Belief.TRUNCATED, ())
    assert "list-2.json answered HTTP 502" in broken.version.manifest.belief_note


@pytest.mark.parametrize(
    "stand_in",
    [
        "<div>桂林银行</div><p>抱歉，您访问的页面不存在或已被删除！</p><a href='/'>返回首页</a>",
        "<h2>访问受限</h2><p>请完成安全验证后继续访问。</p>",
        "<h2>系统升级维护中</h2><p>给您带来不便，敬请谅解。</p>",
        "<h2>用户登录</h2><p>请先登录后查看</p><form><input name=u>"
        "<input type=password name=p><button>登录</button></form>",
    ],
    ids=["soft-404", "challenge", "maintenance", "login-wall"],
)
def test_a_next_page_answering_200_with_an_error_page_makes_the_list_incomplete(
    local_site: LocalSite, deps: Deps, stand_in: str
) -> None:
    """Page 2 saying "页面不存在" with HTTP 200 is no page of the list (round 8): no drops."""
    site = make_site(local_site.url("/p1.html"))
    local_site.page(
        "/p1.html", page("蚂蚁智信（杭州）信息技术有限公司") + '<a href="/p2.html">下一页</a>'
    )
    local_site.page("/p2.html", page("深圳市分期乐网络科技有限公司"))
    assert len(check_site(site, deps).version.manifest.partners) == 2
    local_site.page("/p2.html", f"<html><body>{stand_in}</body></html>")
    broken = check_site(site, deps)
    assert (broken.belief, broken.events) == (Belief.TRUNCATED, ())
    assert "is no list page" in broken.version.manifest.belief_note


def test_click_pagination_without_links(local_site: LocalSite, deps: Deps) -> None:
    local_site.page(
        "/js-pages.html",
        """<body><div id="list">第1页：蚂蚁智信（杭州）信息技术有限公司</div>
        <button id="next">下一页</button><script>
        let n = 1; const rows = ['', '第1页：蚂蚁智信（杭州）信息技术有限公司',
          '第2页：重庆度小满小额贷款有限公司'];
        document.getElementById('next').onclick = () => {
          if (n < 2) { n++; document.getElementById('list').textContent = rows[n]; }
          else { document.getElementById('next').disabled = true; } };
        </script></body>""",
    )
    result = check_site(make_site(local_site.url("/js-pages.html")), deps)
    assert result.version is not None
    text = archive.text_of(deps.store, result.version.manifest)
    assert "蚂蚁智信" in text and "度小满" in text


def test_a_numbered_pager_is_followed_past_the_rows_own_numbers(
    local_site: LocalSite, deps: Deps
) -> None:
    """Rows numbered in <em> inside their <li> ("<li><em>2</em>甲公司</li>"): the pager's "2"
    is the next page, not the second row's number (blind round 14, spa-paged-json)."""
    names = [
        "深圳前海微众银行股份有限公司",
        "度小满科技（北京）有限公司",
        "上海淇毓信息科技有限公司",
        "北京三快在线科技有限公司",
        "深圳市分期乐网络科技有限公司",
    ]
    local_site.page(
        "/paged.html",
        """<body><div id="root"></div><script>
        const names = NAMES; let page = 1;
        function show(p) { page = p; const rows = names.slice((p - 1) * 2, p * 2);
          let h = '<h3>互联网助贷业务合作机构公示</h3><ul>';
          rows.forEach((n, i) => { h += '<li><em>' + ((p - 1) * 2 + i + 1) + '</em>'
            + '<span>' + n + '</span></li>'; });
          h += '</ul><div class="pager">';
          for (let i = 1; i <= 3; i++) h += '<button class="' + (i === page ? 'on' : '')
            + '" onclick="show(' + i + ')">' + i + '</button>';
          document.getElementById('root').innerHTML = h + '</div>'; }
        show(1);</script></body>""".replace("NAMES", json.dumps(names, ensure_ascii=False)),
    )
    result = check_site(make_site(local_site.url("/paged.html")), deps)
    assert result.version is not None
    assert [p.name for p in result.version.manifest.partners] == names


@pytest.mark.parametrize(
    ("setup", "status", "error"),
    [
        (
            lambda s: s.page("/x", "<h1>Internal error</h1>", status=500),
            PageStatus.HTTP_ERROR,
            "HTTP 500",
        ),
        (lambda s: s.page("/x", "<h1>Gone</h1>", status=404), PageStatus.HTTP_ERROR, "HTTP 404"),
        (lambda s: s.page("/x", ""), PageStatus.EMPTY, "only 0 characters of text"),
        (lambda s: s.redirect("/x", "/x"), PageStatus.REDIRECT_LOOP, "redirects in a loop"),
        (
            lambda s: s.file("/x", b"\x89PNG\r\n\x1a\n", "image/png"),
            PageStatus.NOT_HTML,
            "the page is image/png",
        ),
        (
            lambda s: s.page("/x", "<title>安全验证</title><p>请完成安全验证后继续访问</p>"),
            PageStatus.CHALLENGE,
            "anti-bot challenge page",
        ),
        (
            lambda s: s.page("/x", "<h1>Just a moment...</h1>", status=503),
            PageStatus.CHALLENGE,
            "HTTP 503 anti-bot challenge page",
        ),
        (
            lambda s: s.page("/x", "<h1>系统维护中，请稍后再试</h1>"),
            PageStatus.MAINTENANCE,
            "maintenance notice",
        ),
        (
            lambda s: s.page("/x", "<h1>抱歉，您访问的页面不存在</h1>"),
            PageStatus.SOFT_404,
            "does not exist",
        ),
        (
            lambda s: s.page("/x", '<h1>请登录</h1><form><input type="password"></form>'),
            PageStatus.LOGIN_WALL,
            "login form",
        ),
        (
            lambda s: s.page(
                "/x", f"{CRUMBS}<h1>HTTP Status 500 – Internal Server Error</h1>{TRACE}"
            ),
            PageStatus.SERVER_ERROR,
            "a server error page with HTTP 200",
        ),
    ],
)
def test_faults_are_outcomes_never_versions(
    local_site: LocalSite, deps: Deps, setup: Any, status: PageStatus, error: str
) -> None:
    setup(local_site)
    result = check_site(make_site(local_site.url("/x")), deps)
    assert (result.outcome, result.status) == (Outcome.FAILED, status)
    assert error in result.error
    assert result.version is None
    assert list(deps.store.list("")) == []
    assert deps.index.last_check("test-site").status == status.value  # type: ignore[union-attr]


def test_timeouts_are_failures(local_site: LocalSite, deps: Deps) -> None:
    local_site.page("/slow", page("蚂蚁"), delay_s=3)
    result = check_site(make_site(local_site.url("/slow"), timeout="1s"), deps)
    assert (result.outcome, result.status) == (Outcome.FAILED, PageStatus.TIMEOUT)
    local_site.page("/fast", page("蚂蚁"))
    result = check_site(make_site(local_site.url("/fast"), timeout="2s", wait_for="#never"), deps)
    assert result.status is PageStatus.TIMEOUT
    assert "wait_for selector '#never' did not appear" in result.error


def test_unreachable_hosts_are_connection_errors(deps: Deps) -> None:
    result = check_site(make_site("http://127.0.0.1:9/"), deps)
    assert (result.outcome, result.status) == (Outcome.FAILED, PageStatus.CONNECTION_ERROR)


def test_a_selector_that_matches_nothing_is_an_operator_problem(
    local_site: LocalSite, deps: Deps
) -> None:
    local_site.page("/list.html", page("蚂蚁"))
    result = check_site(make_site(local_site.url("/list.html"), selector="#gone"), deps)
    assert result.status is PageStatus.SELECTOR_MISSING
    assert result.version is None


def test_a_selector_limits_the_compared_region(local_site: LocalSite, deps: Deps) -> None:
    site = make_site(local_site.url("/list.html"), selector="#content")
    local_site.page(
        "/list.html", page("蚂蚁智信（杭州）信息技术有限公司") + "<footer>ICP 1</footer>"
    )
    check_site(site, deps)
    local_site.page(
        "/list.html", page("蚂蚁智信（杭州）信息技术有限公司") + "<footer>ICP 2</footer>"
    )
    assert check_site(site, deps).outcome is Outcome.UNCHANGED


def test_a_pdf_at_the_site_url_is_archived_as_a_document(
    local_site: LocalSite, deps: Deps
) -> None:
    pdf = (Path(__file__).parent / "fixtures" / "minimal.pdf").read_bytes()
    local_site.file("/list.pdf", pdf, "application/pdf")
    result = check_site(make_site(local_site.url("/list.pdf")), deps)
    assert result.outcome is Outcome.NEW, result.error
    assert result.version is not None
    kept = [ref for ref in result.version.manifest.blobs if ref.media_type == "application/pdf"]
    assert kept
    assert archive.get_blob(deps.store, kept[0]) == pdf  # the document, not Chromium's viewer


def test_every_stage_logs_site_version_and_duration(local_site: LocalSite, deps: Deps) -> None:
    local_site.page("/list.html", page("蚂蚁智信（杭州）信息技术有限公司"))
    with capture_logs() as logs:
        check_site(make_site(local_site.url("/list.html")), deps)
    by_event = {entry["event"]: entry for entry in logs}
    for event in (
        "capture_finished",
        "extract_finished",
        "compare_finished",
        "screenshot_taken",
        "version_written",
        "check_finished",
    ):
        assert by_event[event]["site"] == "test-site"
        assert "duration_s" in by_event[event]
    assert by_event["version_written"]["version"] == 1
    assert by_event["check_finished"]["outcome"] == "new"


@pytest.mark.s3
def test_the_same_pipeline_archives_into_s3(
    local_site: LocalSite,
    capturer: PlaywrightCapturer,
    s3_store: ObjectStore,
    tmp_path: Path,
    clock: Any,
) -> None:
    deps = Deps(
        store=s3_store,
        capturer=capturer,
        index=SqliteIndex(tmp_path / "i.sqlite"),
        now=clock.now,
        sleep=clock.sleep,
    )
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", page("蚂蚁智信（杭州）信息技术有限公司"))
    assert check_site(site, deps).outcome is Outcome.NEW
    keys_before = list(s3_store.list(""))
    assert check_site(site, deps).outcome is Outcome.UNCHANGED
    assert list(s3_store.list("")) == keys_before
    local_site.page("/list.html", page("重庆度小满小额贷款有限公司"))
    result = check_site(site, deps)
    assert result.outcome is Outcome.CHANGED
    assert archive.head(s3_store, "test-site").manifest.seq == 2  # type: ignore[union-attr]


def test_content_fetched_by_script_after_load_is_waited_for(
    local_site: LocalSite, deps: Deps
) -> None:
    """No wait_for configured: the capture waits for the page's own XHR and re-render."""
    local_site.page(
        "/spa2.html",
        """<body><ul id="list"></ul><script>
        fetch('/api/partners.json').then(r => r.json()).then(rows => {
          for (const row of rows) {
            const li = document.createElement('li'); li.textContent = row.name;
            document.getElementById('list').appendChild(li);
          } });
        </script></body>""",
    )
    local_site.set(
        "/api/partners.json",
        Route(
            body=json.dumps(
                [{"name": "上海淇毓信息科技有限公司"}, {"name": "重庆度小满小额贷款有限公司"}]
            ).encode(),
            content_type="application/json",
            delay_s=0.6,
        ),
    )
    result = check_site(make_site(local_site.url("/spa2.html")), deps)
    assert result.version is not None
    text = archive.text_of(deps.store, result.version.manifest)
    assert "上海淇毓信息科技有限公司" in text and "重庆度小满小额贷款有限公司" in text
    assert any(ref.role == "json" for ref in result.version.manifest.blobs)


def _png(width: int, height: int, shade: int) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + bytes([shade, 0, 0]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_list_published_as_an_image_is_kept_and_its_change_seen(
    local_site: LocalSite, deps: Deps
) -> None:
    """The text does not change, the picture does: that is a new version."""
    site = make_site(local_site.url("/img.html"))
    local_site.page("/img.html", '<h1>合作机构名单</h1><img src="/list.png">')
    local_site.file("/list.png", _png(600, 400, 10), "image/png")
    first = check_site(site, deps)
    assert first.version is not None
    assert [r.role for r in first.version.manifest.blobs].count("image") == 1
    assert check_site(site, deps).outcome is Outcome.UNCHANGED
    local_site.file("/list.png", _png(600, 400, 200), "image/png")
    assert check_site(site, deps).outcome is Outcome.CHANGED


def test_the_response_is_kept_as_served_bytes_even_in_gbk(
    local_site: LocalSite, deps: Deps
) -> None:
    """The archive holds the bytes the server sent (GBK here), not a re-encoding."""
    html = page("蚂蚁智信（杭州）信息技术有限公司", "深圳市分期乐网络科技有限公司")
    local_site.page("/gbk.html", html, encoding="gbk")
    result = check_site(make_site(local_site.url("/gbk.html")), deps)
    assert result.version is not None
    manifest = result.version.manifest
    response = manifest.blob("response")
    assert response is not None
    assert archive.get_blob(deps.store, response) == html.encode("gbk")
    assert "深圳市分期乐网络科技有限公司" in archive.text_of(deps.store, manifest)
    assert [p.name for p in manifest.partners] == [
        "蚂蚁智信（杭州）信息技术有限公司",
        "深圳市分期乐网络科技有限公司",
    ]


ANT, QY, FQL = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
)
SIDEBAR = '<ul class="news"><li><a href="/n/1">关于网上银行系统升级维护的公告</a></li></ul>'


def test_a_list_that_fails_to_load_is_no_partner_news(local_site: LocalSite, deps: Deps) -> None:
    """The list's data endpoint fails for longer than the confirmation: the page changed, but
    nobody was dropped; when the list is back it is compared with the last list read."""
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", page(ANT, QY))
    check_site(site, deps)
    failed = PAGE.format(rows="", views=2, today="2025年11月30日", title="公告").replace(
        "<table>", "<p>数据加载失败，请稍后重试</p><table>"
    )
    local_site.page("/list.html", failed)
    gap = check_site(site, deps)
    assert gap.version is not None and gap.version.manifest.seq == 2
    assert gap.events == ()
    local_site.page("/list.html", page(ANT, QY, FQL, views=3))
    back = check_site(site, deps)
    assert [(e.type.value, e.name) for e in back.events] == [("added", FQL)]


def test_a_news_link_about_maintenance_does_not_make_a_page_a_maintenance_notice(
    local_site: LocalSite, deps: Deps, clock: Any
) -> None:
    """A termination notice beside a news list that links "…系统升级维护的公告" is the page."""
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", page(ANT, QY).replace("</body>", f"{SIDEBAR}</body>"))
    check_site(site, deps)
    notice = (
        "<!doctype html><html><head><meta charset='utf-8'><title>公告</title></head><body>"
        f"{SIDEBAR}<h1>关于终止互联网助贷业务合作的公告</h1><p>本行已于2025年11月30日终止全部"
        "互联网助贷业务合作，截至本公告发布之日，本行无合作中的平台运营机构和增信服务机构。</p>"
        "<p>特此公告。</p></body></html>"
    )
    local_site.page("/list.html", notice)
    ended = check_site(site, deps)
    assert ended.outcome is Outcome.CHANGED, ended.error
    assert (ended.belief, ended.events) == (Belief.UNCONFIRMED, ())  # a collapse is re-checked
    clock.advance(site.confirm_delay)
    ended = check_site(site, deps)
    assert ended.belief is Belief.BELIEVED and ended.version is not None
    assert ended.version.manifest.confirms == 2
    assert sorted((e.type.value, e.name) for e in ended.events) == [
        ("dropped", QY),
        ("dropped", ANT),
    ]


@pytest.mark.parametrize(
    ("first", "news"),
    [
        (  # no list shown yet: the list is news
            "<h1>信息披露</h1><p>本栏目将公示本行互联网助贷业务的相关信息，敬请关注。"
            "本行客服热线：95555，营业时间为工作日9:00至17:00。</p>",
            True,
        ),
        ("<h1>互联网助贷业务合作机构名单</h1><p>平台运营机构（共2家）</p>", False),  # unread
    ],
    ids=["absent-first", "unparseable-first"],
)
def test_the_first_list_read_is_news_only_after_pages_that_showed_none(
    local_site: LocalSite, deps: Deps, first: str, news: bool
) -> None:
    """A page that showed no list and then shows one: its partners are added. A page whose
    list was there but could not be read (unparseable), then read: nothing is known to have
    changed, so no event (as for the very first version)."""
    site = make_site(local_site.url("/list.html"))
    local_site.page("/list.html", f"<!doctype html><html><body>{first}</body></html>")
    before = check_site(site, deps)
    assert before.version is not None
    wanted = ListStatus.ABSENT if news else ListStatus.UNPARSEABLE
    assert before.version.manifest.list_status is wanted
    local_site.page("/list.html", page(ANT, QY))
    after = check_site(site, deps)
    added = sorted(e.name for e in after.events if e.type.value == "added")
    assert added == (sorted([ANT, QY]) if news else [])
