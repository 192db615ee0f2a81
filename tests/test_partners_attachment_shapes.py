"""Attachments in the shapes outsiders publish them (round 8): a PDF whose cover letter comes
before its annex, a '.doc' that is Word's HTML export, a ZIP holding the list (pure)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from archiver.models import Capture, HttpResponse, ListStatus, RenderedPage
from archiver.partners import AliasTable, archives, extract, load_aliases
from archiver.partners.annex import with_annex_read
from archiver.partners.blocks import Document, Line, LineKind

CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
BLIND8 = Path(__file__).parent / "fixtures" / "blind8" / "pages2"
URL = "https://www.example-bank.cn/xxpl/gg/20251015.html"
LINK_PAGE = "<html><body><h1>合作机构名单公示</h1><p>名单详见附件。</p></body></html>"


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(CONFIG.read_text())


def capture(*attachments: HttpResponse, html: str = LINK_PAGE) -> Capture:
    page = RenderedPage(url=URL, html=html, text="名单详见附件。", title="合作机构名单公示")
    return Capture(
        site_id="t",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime(2025, 10, 31, tzinfo=UTC),
        browser_version="test",
        pages=(page,),
        attachments=attachments,
    )


def response(name: str, body: bytes, media_type: str = "application/octet-stream") -> HttpResponse:
    return HttpResponse(
        url=f"https://www.example-bank.cn/upload/{name}",
        status=200,
        media_type=media_type,
        body=body,
    )


def lines(*texts: str) -> Document:
    return Document("u", tuple(Line(text, LineKind.TEXT, None, "") for text in texts))


class TestCoverLetter:
    def test_a_pdf_whose_cover_letter_closes_before_the_annex_is_read_to_its_table(
        self, aliases: AliasTable
    ) -> None:
        """特此公告 on page 1, the annex's table on page 2: every partner of the table."""
        body = (
            BLIND8 / "portal-pdf-cover-letter" / "upload" / "jsyh_hzjg_20250930.pdf"
        ).read_bytes()
        found = extract(
            capture(response("名单.pdf", body, "application/pdf")),
            aliases=aliases,
            own_names=("晋商银行股份有限公司",),
        )
        assert found.list_status is ListStatus.OK
        categories = {p.name: p.category_raw for p in found.partners}
        assert len(categories) == 11
        assert categories["上海携程金融信息服务有限公司"] == "平台运营机构"
        assert categories["重庆三峡融资担保集团股份有限公司"] == "增信服务机构"

    def test_a_closing_line_with_no_annex_after_it_still_ends_the_list(self) -> None:
        """特此公告 then the signer and nothing annexed: the closing stays."""
        document = lines("1 甲科技有限公司", "特此公告。", "乙银行股份有限公司")
        assert with_annex_read(document) == document

    def test_a_sentence_about_the_annex_is_no_annex_heading(self) -> None:
        """ "附件为…，请查阅" is a sentence of the letter, not the annex's heading."""
        document = lines("特此公告。", "附件为合作机构名单，请查阅。", "丙银行股份有限公司")
        assert with_annex_read(document) == document


WORD_HTML = BLIND8 / "doc-attachment-word-html" / "uploadfile" / "20251103" / "hzjgmd.doc"


def mhtml(html: bytes, charset: str) -> bytes:
    """Word's "single file web page": the HTML, encoded, inside multipart/related."""
    message = MIMEMultipart("related")
    message.attach(MIMEText(html.decode(charset), "html", charset))
    return message.as_bytes()


class TestWordWebPageExport:
    def test_a_doc_that_is_words_html_export_is_read_as_html(self, aliases: AliasTable) -> None:
        """名单.doc holding Word's "web page" (gb2312 HTML): its table's partners."""
        found = extract(capture(response("名单.doc", WORD_HTML.read_bytes())), aliases=aliases)
        assert found.list_status is ListStatus.OK
        categories = {p.name: p.category_raw for p in found.partners}
        assert len(categories) == 10
        assert categories["中国平安财产保险股份有限公司"] == "增信服务机构"

    def test_an_mhtml_export_named_xls_is_read_from_its_html_part(
        self, aliases: AliasTable
    ) -> None:
        """名单.xls holding an MHTML "single file web page": read from its text/html part."""
        body = mhtml(WORD_HTML.read_bytes(), "gb18030")
        found = extract(capture(response("名单.xls", body)), aliases=aliases)
        assert len(found.partners) == 10

    def test_an_ordinary_web_page_under_a_doc_name_is_not_taken_for_a_list(
        self, aliases: AliasTable
    ) -> None:
        """A "not found" page served for 名单.doc is no Office export: unreadable, said so."""
        body = "<html><head><title>404</title></head><body>页面不存在</body></html>".encode()
        found = extract(capture(response("名单.doc", body)), aliases=aliases)
        assert not found.partners
        assert found.list_status is ListStatus.UNPARSEABLE
        assert "名单.doc" in found.list_note


ZIPPED = BLIND8 / "trust-zip-attachment" / "download" / "hrxt_hzjg_202510.zip"
PDF_OF_LETTER = BLIND8 / "portal-pdf-cover-letter" / "upload" / "jsyh_hzjg_20250930.pdf"


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


class TestZipAttachment:
    def test_the_documents_inside_a_zip_are_read_and_cited_inside_it(
        self, aliases: AliasTable
    ) -> None:
        """名单.zip holding a PDF and a readme: the PDF's partners, each cited zip#member."""
        found = extract(capture(response("名单.zip", ZIPPED.read_bytes())), aliases=aliases)
        assert found.list_status is ListStatus.OK
        assert len(found.partners) == 6
        sources = {p.source.url for p in found.partners if p.source}
        assert len(sources) == 1
        assert sources.pop().startswith("https://www.example-bank.cn/upload/名单.zip#")

    def test_a_member_named_in_gbk_without_the_utf8_flag_keeps_its_chinese_name(self) -> None:
        """Windows' zipper writes GBK names: the member is still found as a PDF."""
        body = zipped(("abcd.pdf", PDF_OF_LETTER.read_bytes()))  # ASCII: no UTF-8 flag
        body = body.replace(b"abcd.pdf", "名单.pdf".encode("gbk"))  # the same 8 bytes
        members, _ = archives.unpack(body)
        assert [m.name for m in members] == ["名单.pdf"]

    def test_a_zip_bomb_is_refused_by_its_compression_ratio(self, aliases: AliasTable) -> None:
        """A member that packs 50 MB of zeros into a few KB: unreadable, nothing unpacked."""
        body = zipped(("名单.csv", b"0" * 50_000_000))
        found = extract(capture(response("名单.zip", body)), aliases=aliases)
        assert found.list_status is ListStatus.UNPARSEABLE
        assert "over the reading budget" in found.list_note
        assert "100 to 1" in found.list_note

    @pytest.mark.parametrize("name", ["../../etc/名单.pdf", "/abs/名单.pdf", "C:\\名单.pdf"])
    def test_a_member_whose_path_climbs_out_makes_the_zip_unreadable(
        self, name: str, aliases: AliasTable
    ) -> None:
        body = zipped((name, PDF_OF_LETTER.read_bytes()))
        found = extract(capture(response("名单.zip", body)), aliases=aliases)
        assert not found.partners
        assert found.list_status is ListStatus.UNPARSEABLE
        assert "unsafe path" in found.list_note

    def test_too_many_members_make_the_zip_unreadable(self) -> None:
        body = zipped(*((f"{n}.txt", b"x") for n in range(archives.MAX_MEMBERS + 1)))
        readings = archives.read_all(response("名单.zip", body))
        assert [r.unreadable for r in readings] == [True]
        assert "members, over" in readings[0].note

    def test_a_zip_inside_the_zip_is_not_opened_and_a_zip_of_no_document_says_so(
        self, aliases: AliasTable
    ) -> None:
        inner = zipped(("名单.pdf", PDF_OF_LETTER.read_bytes()))
        body = zipped(("inner/名单.zip", inner), ("说明.txt", "见附件".encode()))
        found = extract(capture(response("名单.zip", body)), aliases=aliases)
        assert not found.partners
        assert "a ZIP inside the ZIP, not opened" in found.list_note
        assert found.list_status is ListStatus.UNPARSEABLE

    def test_a_members_note_names_the_zip_and_the_member(self, aliases: AliasTable) -> None:
        """An unreadable document inside says which one: 名单.zip/内/名单.doc."""
        body = zipped(("内/名单.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))
        found = extract(capture(response("名单.zip", body)), aliases=aliases)
        assert found.list_status is ListStatus.UNPARSEABLE
        assert "名单.zip/内/名单.doc" in found.list_note
