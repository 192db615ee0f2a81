"""Attachments a page reaches by script, not by a plain link: a ``javascript:void(0)`` link
whose onclick names the file, an element whose data-url does, a PDF.js viewer's ``?file=``,
a single-page app's JSON detail response.
Each is fetched through the same guarded downloader as any attachment (host and address rules,
the attachment limit). A handler is run only when its string literals name no document and the
link's text does ("名单.pdf"): clicked once with window.open caught, so nothing opens."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archiver.adapters import attachments, json_links
from archiver.adapters.browser import PlaywrightCapturer
from archiver.models import HttpResponse, ListStatus
from archiver.partners import extract, load_aliases
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite
from archiver.urlpolicy import Reason

BLIND8 = Path(__file__).parent / "fixtures" / "blind8" / "pages2"
XLSX = BLIND8 / "onclick-xlsx-status-column" / "uploadfiles" / "2025" / "11" / "gyyh_hzjgmd.xlsx"
PDF = BLIND8 / "portal-pdf-cover-letter" / "upload" / "jsyh_hzjg_20250930.pdf"
CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "https://b.cn/xxpl/gg/t1.html"


@pytest.mark.parametrize(
    ("handler", "wanted"),
    [
        ("downLoadFile('files/a.xlsx','名单.xlsx')", ["https://b.cn/xxpl/gg/files/a.xlsx"]),
        ("window.open('/upload/b.pdf')", ["https://b.cn/upload/b.pdf"]),
        ('location.href="../c.docx";return false;', ["https://b.cn/xxpl/c.docx"]),
        ('"/f/viewer.html?file=%2Fupload%2Fd.pdf"', ["https://b.cn/upload/d.pdf"]),
        ("downFile('名单.xls')", ["https://b.cn/xxpl/gg/名单.xls"]),
        ("showDetail(1387)", []),
        ("window.open('javascript:steal().pdf')", []),
        ("window.open('file:///etc/passwd.pdf')", []),
    ],
    ids=[
        "path-and-save-name",
        "window-open",
        "location-href",
        "viewer",
        "bare",
        "no-doc",
        "javascript",
        "file",
    ],
)
def test_the_document_a_script_link_opens_is_taken_from_its_string_literals(
    handler: str, wanted: list[str]
) -> None:
    assert attachments.scripted_documents(handler, BASE) == wanted


@pytest.mark.browser
def test_documents_behind_script_links_are_fetched_by_the_guarded_downloader(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """An onclick handler's workbook and a data-url's PDF are fetched and read; a handler
    naming another host's file is refused by the host rule, recorded, never fetched."""
    local_site.file("/gg/files/list.xlsx", XLSX.read_bytes(), XLSX_TYPE)
    local_site.file("/docs/list.pdf", PDF.read_bytes(), "application/pdf")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单公示</h1>"
        '<p>附件：<a href="javascript:void(0);" '
        "onclick=\"downLoadFile('files/list.xlsx','名单.xlsx')\">名单.xlsx</a></p>"
        '<p><span class="dl" data-url="/docs/list.pdf">名单（PDF版）</span></p>'
        '<p><a href="javascript:;" onclick="window.open(\'https://files.example.net/x.pdf\')">'
        "镜像下载</a></p>"
        "<script>function downLoadFile(p, n) { document.title = 'ran'; }</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = sorted(a.url.removeprefix(local_site.base_url) for a in capture.attachments)
    assert urls == ["/docs/list.pdf", "/gg/files/list.xlsx"]
    assert [(r.url, r.reason) for r in capture.refused] == [
        ("https://files.example.net/x.pdf", Reason.FOREIGN_HOST)
    ]
    assert all(page.title != "ran" for page in capture.pages)
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note
    read_from = {p.source.url for p in result.partners if p.source}
    assert read_from == {local_site.url("/docs/list.pdf"), local_site.url("/gg/files/list.xlsx")}


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_json_detail_names_its_attachment_by_suffix_or_by_a_file_field() -> None:
    """A document path by suffix anywhere; a suffixless path in a file-named field beside a
    file name; no path at all, or a name alone, gives nothing."""
    detail = {
        "data": {
            "title": "合作机构公示",
            "content": "<p>详见附件</p>",
            "files": [
                {"fileName": "名单.pdf", "fileUrl": "/oss/notice/a3f1"},
                {"name": "名单.xlsx", "path": "https://b.cn/up/list.xlsx"},
                {"fileName": "说明.docx"},
            ],
            "link": "/xxpl/index.html",
        }
    }
    assert json_links.json_documents([_json(detail)], BASE) == [
        ("https://b.cn/oss/notice/a3f1", "名单.pdf"),
        ("https://b.cn/up/list.xlsx", "名单.xlsx"),
    ]


def test_a_json_index_of_many_notices_gives_no_attachment() -> None:
    """A list API naming a document per notice is an index, not this page's attachment; a
    body that does not speak of partners (a "latest reports" widget) or is no JSON object
    names nothing."""
    index = {"rows": [{"title": f"合作机构公告{n}", "pdf": f"/up/{n}.pdf"} for n in range(8)]}
    assert json_links.json_documents([_json(index)], BASE) == []
    reports = {"latest": [{"title": "2024年年度报告", "url": "/up/report2024.pdf"}]}
    assert json_links.json_documents([_json(reports)], BASE) == []
    assert json_links.json_documents([b"{not json", b"[]", b'"/a.pdf"'], BASE) == []


@pytest.mark.browser
def test_a_document_only_a_json_response_names_is_fetched(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """A single-page app whose download button opens data.fileUrl from a closure: the URL is
    never in the DOM, only in the detail JSON; it is fetched as an attachment and read."""
    local_site.file("/oss/notice/a3f1.pdf", PDF.read_bytes(), "application/pdf")
    detail = {"data": {"title": "合作机构名单公示", "fileUrl": "/oss/notice/a3f1.pdf"}}
    local_site.file("/api/notice/detail", _json(detail), "application/json")
    local_site.page(
        "/spa/index.html",
        '<div id="app"></div><script>'
        "fetch('/api/notice/detail?id=7').then(r => r.json()).then(d => {"
        "  const b = document.createElement('button'); b.textContent = '下载附件';"
        "  b.addEventListener('click', () => window.open(d.data.fileUrl));"
        "  document.getElementById('app').append(d.data.title, b); });"
        "</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/spa/index.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    assert [a.url for a in capture.attachments] == [local_site.url("/oss/notice/a3f1.pdf")]
    result = extract(
        capture, aliases=load_aliases(CONFIG.read_text()), own_names=("晋商银行股份有限公司",)
    )
    assert len(result.partners) == 11


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        ("https://b.cn/pdfjs/web/viewer.html?file=%2Fup%2Fa.pdf", "https://b.cn/up/a.pdf"),
        ("https://b.cn/pdfjs/web/viewer.html#file=/up/a.pdf", "https://b.cn/up/a.pdf"),
        ("https://b.cn/static/viewer.html?file=../up/a.pdf", "https://b.cn/up/a.pdf"),
        ("https://b.cn/v/viewer.html?file=https%3A%2F%2Fc.cn%2Fa.pdf", "https://c.cn/a.pdf"),
        (
            "https://b.cn/v/viewer.html?file=/up/readme.html",
            "https://b.cn/v/viewer.html?file=/up/readme.html",
        ),
    ],
    ids=["query", "fragment", "relative", "absolute-other-host", "not-a-document"],
)
def test_a_pdfjs_viewer_shows_the_document_its_file_parameter_names(
    viewer: str, shown: str
) -> None:
    """The viewer's ``file`` (query or fragment, relative or absolute) is the attachment; a
    file on another host is then the host rule's to refuse, like any link."""
    assert attachments.viewed_document(viewer) == shown


def test_a_zip_served_by_a_download_handler_is_a_document_by_its_bytes() -> None:
    """download.jsp?id=… answering a ZIP as application/octet-stream, its link titled
    "名单.zip": kept by its bytes, as a PDF or workbook would be."""
    body = (BLIND8 / "trust-zip-attachment" / "download" / "hrxt_hzjg_202510.zip").read_bytes()
    response = HttpResponse(
        url="https://b.cn/download.jsp?id=7",
        status=200,
        media_type="application/octet-stream",
        body=body,
    )
    assert attachments.is_document(response)
    assert not attachments.is_document(replace(response, body=b"PK\x03\x04 cut short"))


@pytest.mark.browser
def test_a_script_link_that_builds_its_documents_url_in_code_is_followed(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """``onclick="downloadFile('7f3c9e21','2025/11')"`` names no file: the link, whose text
    names a PDF, is clicked with window.open caught, and the URL it would open is fetched
    through the guarded downloader; one built for another host is refused (blind round 14,
    js-onclick-download-pdf)."""
    local_site.file("/gg/fileserver/doc/2025/11/7f3c9e21.pdf", PDF.read_bytes(), "application/pdf")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单公示</h1>"
        "<p>附件：<a href=\"javascript:void(0);\" onclick=\"downloadFile('7f3c9e21','2025/11')\">"
        "合作机构名单.pdf</a></p>"
        '<p><a href="javascript:;" onclick="mirror(\'x\')">名单（镜像）.pdf</a></p>'
        "<script>function downloadFile(id, dir) {"
        " var base = location.pathname.replace(/[^\\/]*$/, '');"
        " window.open(base + 'fileserver/doc/' + dir + '/' + id + '.pdf'); }"
        " function mirror(id) { window.open('https://files.example.net/' + id + '.pdf'); }"
        "</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = [a.url.removeprefix(local_site.base_url) for a in capture.attachments]
    assert urls == ["/gg/fileserver/doc/2025/11/7f3c9e21.pdf"]
    assert [(r.url, r.reason) for r in capture.refused] == [
        ("https://files.example.net/x.pdf", Reason.FOREIGN_HOST)
    ]
    assert [p.url for p in capture.pages] == [local_site.url("/gg/notice.html")]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note


@pytest.mark.browser
def test_a_link_after_an_attachment_label_is_fetched_whatever_its_url_says(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """ "附件：<a href="download.jsp?id=…">名单</a>": neither the URL nor the text names a
    file, the label before the link does; a link after other words is not fetched."""
    local_site.file("/gg/download.jsp", PDF.read_bytes(), "application/octet-stream")
    local_site.page("/gg/other.html", "<p>其他公告</p>")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单</h1>"
        '<p>附件：<a href="download.jsp?id=20251128001&amp;type=attach">合作机构名单</a></p>'
        '<p>相关阅读：<a href="other.html">合作机构名单解读</a></p>',
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = [a.url.removeprefix(local_site.base_url) for a in capture.attachments]
    assert urls == ["/gg/download.jsp?id=20251128001&type=attach"]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note


@pytest.mark.browser
def test_a_handlers_half_path_is_followed_where_the_click_really_goes(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """ "downloadAttach('202508/1d9f.pdf', '名单.pdf')" names a path the handler puts under a
    base of its own ("attach/"): the path as written answers 404, so the link is clicked too
    and the URL it really opens is fetched (blind round 16, download-js-onclick)."""
    local_site.file("/gg/attach/202508/1d9f.pdf", PDF.read_bytes(), "application/pdf")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单</h1>"
        '<p>附件：<a href="javascript:void(0);" onclick="downloadAttach(\'202508/1d9f.pdf\','
        "'合作机构名单.pdf');return false;\">合作机构名单.pdf</a></p>"
        "<script>function downloadAttach(path, name) {"
        " window.open('attach/' + path + '?n=' + encodeURIComponent(name)); }</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = [a.url.removeprefix(local_site.base_url) for a in capture.attachments]
    assert [url.split("?")[0] for url in urls] == ["/gg/attach/202508/1d9f.pdf"]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note


@pytest.mark.browser
def test_a_handler_that_sets_location_is_followed_where_it_goes(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """ "downloadFile('16823','名单.pdf')" sets ``window.location.href`` to a download
    handler (no window.open): the navigation is caught and cancelled, the page stays, and the
    URL it would have opened is fetched (blind round 17, download-script-onclick)."""
    local_site.file("/gg/common/download.jsp", PDF.read_bytes(), "application/octet-stream")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单</h1>"
        '<p><a href="javascript:void(0);" onclick="downloadFile(\'16823\','
        "'合作机构名单.pdf')\">合作机构名单.pdf</a></p>"
        "<script>function downloadFile(id, name) { window.location.href ="
        " 'common/download.jsp?fileId=' + id + '&fileName=' + encodeURIComponent(name); }"
        "</script>",
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = [a.url.removeprefix(local_site.base_url) for a in capture.attachments]
    assert [url.split("?")[0] for url in urls] == ["/gg/common/download.jsp"]
    assert [p.url for p in capture.pages] == [local_site.url("/gg/notice.html")]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note


def test_a_link_that_submits_a_hidden_form_fetches_the_forms_document(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """ "document.getElementById('dlForm').submit()": the document is the action of a hidden
    POST form. The submit is caught (nothing is posted, the page stays) and the action is
    fetched like any attachment (blind round 18, form-post-download)."""
    local_site.file("/gg/files/hzjgmd.pdf", PDF.read_bytes(), "application/pdf")
    local_site.page(
        "/gg/notice.html",
        "<h1>互联网助贷业务合作机构名单</h1>"
        '<form id="dl" method="post" action="files/hzjgmd.pdf" target="_blank">'
        '<input type="hidden" name="fileId" value="8a8a"></form>'
        '<p>附件：<a href="#" onclick="document.getElementById(\'dl\').submit();'
        'return false;">合作机构名单.pdf</a></p>',
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/gg/notice.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = [a.url.removeprefix(local_site.base_url) for a in capture.attachments]
    assert urls == ["/gg/files/hzjgmd.pdf"]
    assert [p.url for p in capture.pages] == [local_site.url("/gg/notice.html")]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note
