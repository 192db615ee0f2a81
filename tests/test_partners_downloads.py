"""Attachments served by a download handler: no file suffix in the URL, a media type of
application/octet-stream, the file's name only in the link's text or title or in the
Content-Disposition header. The document is known by its own bytes (`doctypes.sniff`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

import pytest

from archiver import doctypes
from archiver.adapters import attachments
from archiver.adapters.browser import PlaywrightCapturer
from archiver.models import HttpResponse, ListStatus
from archiver.partners import extract, load_aliases
from archiver.partners.documents import kind_of
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite, Route
from archiver.urlpolicy import Purpose

FIXTURES = Path(__file__).parent / "fixtures" / "blind6" / "pages2"
PDF = FIXTURES / "trs-bank-pdf-ruled-table" / "P020251009536781234567.pdf"
XLS = FIXTURES / "xls-biff-legacy-attachment" / "zzbank_hzjgmd_20251015.xls"
CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
OCTETS = "application/octet-stream"


def test_a_document_is_known_by_its_bytes() -> None:
    assert doctypes.sniff(PDF.read_bytes()) is doctypes.PDF
    assert doctypes.sniff(XLS.read_bytes()) is doctypes.XLS
    assert doctypes.sniff(b"<!DOCTYPE html><html>") is None
    assert doctypes.sniff(b"PK\x03\x04 a zip of photos") is None


def test_an_ole2_workbook_named_only_by_its_content_disposition_is_read_as_xls() -> None:
    response = HttpResponse(
        url="https://b.cn/download.jsp?id=7",
        status=200,
        media_type=OCTETS,
        headers=(("content-disposition", f"attachment; filename*=UTF-8''{quote('名单.xls')}"),),
        body=XLS.read_bytes(),
    )
    assert kind_of(response) == "xls"


@pytest.mark.parametrize(
    "text", ["合作机构名单.pdf（98KB）", "附件1：名单.XLSX", "名单.docx 下载"], ids=str
)
def test_a_link_text_that_names_a_file_names_a_document(text: str) -> None:
    assert doctypes.names_document(text)


@pytest.mark.parametrize("text", ["查看详情", "下载", "pdf版本", "名单.pdfx"], ids=str)
def test_other_link_texts_name_no_document(text: str) -> None:
    assert not doctypes.names_document(text)


@pytest.mark.browser
def test_documents_behind_download_handlers_are_fetched_and_read(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """A PDF at /cms/download/<id> named by the link text, a workbook at download.jsp?id=
    named by the link's title and its Content-Disposition: both read. A link named "名单.docx"
    that serves a viewer page is not an attachment (nothing unreadable to report)."""
    disposition = f"attachment; filename*=UTF-8''{quote('名单.xls')}"
    local_site.file("/cms/download/8a8081e6", PDF.read_bytes(), OCTETS)
    local_site.set(
        "/download.jsp",
        Route(
            body=XLS.read_bytes(),
            content_type=OCTETS,
            headers=(("Content-Disposition", disposition),),
        ),
    )
    local_site.page("/preview", "<h1>文件预览</h1><p>正在加载…</p>")
    local_site.page(
        "/list.html",
        "<h1>互联网助贷业务合作机构名单</h1><p>附件：</p>"
        '<p><a href="/cms/download/8a8081e6">互联网助贷业务合作机构名单.pdf</a>（98KB）</p>'
        '<p><a href="/download.jsp?id=7" title="名单.xls">点击下载</a></p>'
        '<p><a href="/preview?id=9">名单.docx</a></p>',
    )
    request = CaptureRequest(site_id="t", url=local_site.url("/list.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    urls = sorted(a.url.removeprefix(local_site.base_url) for a in capture.attachments)
    assert urls == ["/cms/download/8a8081e6", "/download.jsp?id=7"]
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note
    read_from = {
        p.source.url.removeprefix(local_site.base_url) for p in result.partners if p.source
    }
    assert read_from == {"/cms/download/8a8081e6", "/download.jsp?id=7"}


def test_links_known_only_by_their_text_are_fetched_within_the_attachment_limit() -> None:
    """A page of 30 links titled "….pdf" that all open HTML pages costs at most `limit`
    fetches, and none is kept."""
    fetched: list[str] = []

    async def download(url: str, purpose: Purpose) -> HttpResponse:
        fetched.append(url)
        return HttpResponse(url=url, status=200, media_type="text/html", body=b"<html></html>")

    links = [(f"https://b.cn/view?id={n}", f"名单{n}.pdf") for n in range(30)]
    kept = asyncio.run(attachments.fetch_attachments(links, limit=3, download=download))
    assert kept == []
    assert len(fetched) == 3
