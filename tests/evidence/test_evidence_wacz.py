"""WARC records at capture time, WACZ export, `wacz validate` and replay through pywb."""

from __future__ import annotations

import dataclasses
import io
import json
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import archive, keys, versioning
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.evidence import export, warc
from archiver.models import Capture, HttpResponse, RenderedPage, StoredVersion
from archiver.partners import AliasTable
from archiver.pipeline import Deps, check_site
from archiver.testing import LocalSite

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
PARTNERS = ("蚂蚁智信（杭州）信息技术有限公司", "深圳市分期乐网络科技有限公司")
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构名单</title></head>
<body><h1>互联网助贷业务合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>
{rows}</table></body></html>"""


def page(*names: str) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return PAGE.format(rows=rows)


def capture(**changes: Any) -> Capture:
    body = page(*PARTNERS).encode()
    base = Capture(
        site_id="bank",
        requested_url="http://bank.example/list",
        final_url="http://bank.example/list",
        status=200,
        fetched_at=T0,
        browser_version="Chromium 1.0",
        pages=(RenderedPage(url="http://bank.example/list", html=body.decode(), text="名单"),),
        main_response=HttpResponse(
            url="http://bank.example/list",
            status=200,
            media_type="text/html",
            headers=(("content-type", "text/html; charset=utf-8"), ("server", "nginx")),
            body=body,
        ),
        json_bodies=(
            HttpResponse(
                url="http://bank.example/api/list.json",
                status=200,
                media_type="application/json",
                body='{"rows":["甲"]}'.encode(),
            ),
        ),
    )
    return dataclasses.replace(base, **changes)


def records(data: bytes) -> list[tuple[str, str, Any]]:
    """(type, target URI, record) for every record of a WARC."""
    found = []
    for rec in ArchiveIterator(io.BytesIO(data)):
        found.append(
            (
                rec.rec_type,
                rec.rec_headers.get_header("WARC-Target-URI") or "",
                (
                    rec.rec_headers,
                    rec.http_headers.statusline if rec.http_headers else None,
                    rec.http_headers.headers if rec.http_headers else [],
                    rec.content_stream().read(),
                ),
            )
        )
    return found


# --- WARC records (pure) ---------------------------------------------------------------------


def test_a_capture_becomes_response_records() -> None:
    data = warc.record(capture())
    found = records(data)
    assert [(kind, uri) for kind, uri, _ in found] == [
        ("warcinfo", ""),
        ("response", "http://bank.example/list"),
        ("response", "http://bank.example/api/list.json"),
    ]
    _, _, (headers, status, http, body) = found[1]
    assert status == "200 OK"
    assert ("server", "nginx") in http
    assert ("content-length", str(len(body))) in http
    assert body == capture().main_response.body  # type: ignore[union-attr]
    assert headers.get_header("WARC-Payload-Digest") == "sha256:" + keys.sha256_hex(body)
    info = found[0][2][3].decode()
    assert "software: disclosure-archiver/" in info and "recorded at capture time" in info


def test_the_same_capture_always_gives_the_same_bytes() -> None:
    assert warc.record(capture()) == warc.record(capture())
    assert warc.record(capture()) != warc.record(capture(fetched_at=T0.replace(hour=9)))


def test_a_response_without_a_known_status_is_kept_as_a_resource() -> None:
    unknown = HttpResponse(url="http://bank.example/x.pdf", status=0, media_type="application/pdf")
    found = records(warc.record(capture(attachments=(unknown,))))
    assert ("resource", "http://bank.example/x.pdf") in [(k, u) for k, u, _ in found]


def test_a_version_without_a_warc_is_reconstructed_from_its_blobs(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    stored = legacy_version(store, capture(), screenshot=b"\x89PNG-old")
    data, rebuilt = export.warc_of(store, stored)
    assert rebuilt
    found = records(data)
    kinds = [(kind, uri) for kind, uri, _ in found]
    assert ("response", "http://bank.example/list") in kinds
    assert ("response", "http://bank.example/api/list.json") in kinds
    assert ("resource", "urn:view:http://bank.example/list") in kinds
    for kind, _, (headers, *_rest) in found:
        assert headers.get_header("Archiver-Reconstructed") == "true", kind
    main = next(rec for kind, uri, rec in found if uri == "http://bank.example/list")
    assert main[1] == "200 OK" and ("server", "nginx") in main[2]
    assert "reconstructed at export" in found[0][2][3].decode()


def replayed_text(tab: Any) -> str:
    """The replayed page's text, once pywb's frame shows the archived list.

    pywb fills its replay frame after the outer page's load event; reading at once races it.
    PARTNERS[0] is on every archived version of the test page.
    """
    body = tab.frame_locator("#replay_iframe").locator("body")
    body.get_by_text(PARTNERS[0]).wait_for(timeout=60_000)
    return str(body.inner_text())


def legacy_version(
    store: LocalStore,
    seen: Capture,
    *,
    screenshot: bytes | None = None,
    at: datetime = T0,
    recorded: bytes | None = None,
) -> StoredVersion:
    """A version written the way versions were before WARC recording (no `warc` blob), or
    with the given `recorded` bytes as its `warc` blob."""
    from archiver.pipeline import evidence

    blobs = tuple(b for b in evidence(seen, screenshot) if b.role != warc.ROLE)
    if recorded is not None:
        blobs = (*blobs, archive.Blob(warc.ROLE, recorded, warc.MEDIA_TYPE, seen.final_url))
    previous = archive.head(store, seen.site_id)
    draft = versioning.Draft(
        site_id=seen.site_id,
        captured_at=at,
        requested_url=seen.requested_url,
        final_url=seen.final_url,
        text=f"名单 {at.isoformat()}",
        content_digest=keys.sha256_hex(at.isoformat().encode()),
        blobs=blobs,
    )
    written = versioning.write(store, draft, previous=previous, aliases=AliasTable())
    assert written.version is not None
    return written.version


def test_an_export_adds_the_dom_and_screenshot_once(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    stored = legacy_version(
        store, capture(), screenshot=b"\x89PNG-new", recorded=warc.record(capture())
    )
    data, rebuilt = export.warc_of(store, stored)
    assert not rebuilt
    uris = [uri for kind, uri, _ in records(data) if kind != "warcinfo"]
    assert uris.count("urn:view:http://bank.example/list") == 1
    assert uris.count("urn:dom:http://bank.example/list") == 1
    assert uris[:2] == ["http://bank.example/list", "http://bank.example/api/list.json"]


def test_a_recording_that_already_holds_the_screenshot_is_not_doubled(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    view = warc.Item(
        kind="resource",
        url="urn:view:http://bank.example/list",
        media_type="image/png",
        body=b"\x89PNG-old",
    )
    older = warc.write(
        [*warc.items_of_capture(capture()), view], date=T0, info={"software": "older"}
    )
    stored = legacy_version(store, capture(), screenshot=b"\x89PNG-old", recorded=older)
    data, _ = export.warc_of(store, stored)
    uris = [uri for kind, uri, _ in records(data) if kind != "warcinfo"]
    assert uris.count("urn:view:http://bank.example/list") == 1
    assert uris.count("urn:dom:http://bank.example/list") == 1


# --- export through the pipeline, validate, replay -------------------------------------------


@pytest.fixture
def deps(local_store: LocalStore, capturer: Any, tmp_path: Path, clock: Any) -> Deps:
    return Deps(
        store=local_store,
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=clock.now,
        sleep=clock.sleep,
    )


def site(url: str) -> Site:
    return Site.model_validate({"id": "test-bank", "name": "测试银行", "url": url})


def export_to(store: LocalStore, versions: list[StoredVersion], path: Path) -> export.ExportReport:
    with path.open("wb") as out:
        return export.export(store, versions, out, title="测试银行", now=lambda: T0)


@pytest.mark.browser
def test_a_checked_version_carries_the_warc_of_what_was_served(
    local_site: LocalSite, deps: Deps
) -> None:
    local_site.page("/list.html", page(*PARTNERS))
    result = check_site(site(local_site.url("/list.html")), deps)
    assert result.version is not None
    m = result.version.manifest
    ref = m.blob("warc")
    assert ref is not None and ref.media_type == "application/warc"
    found = records(archive.get_blob(deps.store, ref))
    response = m.blob("response")
    assert response is not None
    main = next(rec for kind, uri, rec in found if kind == "response")
    assert main[3] == archive.get_blob(deps.store, response)  # the bytes as served
    assert main[0].get_header("WARC-Payload-Digest") == "sha256:" + response.digest
    # the DOM and screenshot are stored once, as their own blobs, not again in the WARC
    assert not [uri for _, uri, _ in found if uri.startswith("urn:")]
    shot = m.blob("screenshot")
    assert shot is not None
    exported, rebuilt = export.warc_of(deps.store, result.version)
    assert not rebuilt
    views = [rec for _, uri, rec in records(exported) if uri.startswith("urn:view:")]
    assert [v[0].get_header("WARC-Payload-Digest") for v in views] == ["sha256:" + shot.digest]
    assert [rec for _, uri, rec in records(exported) if uri.startswith("urn:dom:")]


@pytest.mark.browser
@pytest.mark.slow
def test_an_export_validates_and_replays_the_partner_names_in_chromium(
    local_site: LocalSite,
    deps: Deps,
    tmp_path: Path,
    replay: Callable[[Path], Any],
    wacz_validate: Callable[[Path], Any],
) -> None:
    url = local_site.url("/list.html")
    local_site.page("/list.html", page(*PARTNERS))
    first = check_site(site(url), deps).version
    local_site.page("/list.html", page(PARTNERS[0], "重庆度小满小额贷款有限公司"))
    # Replay addresses captures by 14-digit timestamps (whole seconds): two captures in the
    # same second would be one moment to pywb, which then shows either for either stamp.
    time.sleep(1.1)
    second = check_site(site(url), deps).version
    assert first is not None and second is not None
    legacy = legacy_version(
        deps.store,  # type: ignore[arg-type]
        dataclasses.replace(capture(), site_id="test-bank", final_url=url, requested_url=url),
        at=second.manifest.captured_at + timedelta(hours=1),
    )
    path = tmp_path / "test-bank.wacz"
    report = export_to(deps.store, [first, second, legacy], path)  # type: ignore[arg-type]
    assert [v.reconstructed for v in report.versions] == [False, False, True]

    checked = wacz_validate(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded" in checked.stdout
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        pages = package.read("pages/pages.jsonl").decode().splitlines()
        assert package.getinfo("archive/test-bank-v00000001.warc.gz").compress_type == 0
    assert {"datapackage.json", "datapackage-digest.json", "indexes/index.cdx"} <= names
    assert [json.loads(line)["url"] for line in pages[1:]] == [url, url, url]

    local_site.page("/list.html", page("活的页面已经变了"))  # replay must not reach the live page
    server = replay(path)
    from playwright.sync_api import sync_playwright

    from archiver.adapters.browser import find_chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), args=["--disable-dev-shm-usage"]
        )
        try:
            tab = browser.new_page()
            stamp = first.manifest.captured_at.strftime("%Y%m%d%H%M%S")
            tab.goto(server.url(stamp, url), wait_until="load")
            shown = replayed_text(tab)
            stamp = second.manifest.captured_at.strftime("%Y%m%d%H%M%S")
            tab.goto(server.url(stamp, url), wait_until="load")
            later = replayed_text(tab)
        finally:
            browser.close()
    assert all(name in shown for name in PARTNERS)
    assert "重庆度小满小额贷款有限公司" in later and PARTNERS[1] not in later
    assert "活的页面已经变了" not in shown + later


def test_an_export_of_nothing_is_refused(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    with pytest.raises(ValueError, match="no versions"):
        export_to(store, [], tmp_path / "x.wacz")


def test_the_published_version_page_links_its_wacz(
    tmp_path: Path, wacz_validate: Callable[[Path], Any]
) -> None:
    from archiver.publish.publisher import Publisher
    from archiver.publish.settings import PublishSettings

    store = LocalStore(tmp_path / "archive")
    stored = legacy_version(store, capture(), screenshot=b"\x89PNG-old")
    Publisher(store, PublishSettings(), now=lambda: T0).publish_all()
    page = store.get("public/sites/bank/v1.html").decode()
    assert 'href="v1.wacz"' in page
    package = tmp_path / "v1.wacz"
    package.write_bytes(store.get("public/sites/bank/v1.wacz"))
    checked = wacz_validate(package)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert stored.manifest.blob("warc") is None  # rebuilt from the blobs for the package
