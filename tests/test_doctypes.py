"""One table of document types (`archiver.doctypes`) decides, for the capture edge, discovery
and the partner reader alike, which links are attachments and what a document is."""

from __future__ import annotations

import pytest

from archiver import doctypes
from archiver.adapters import attachments
from archiver.adapters.download import kept
from archiver.discovery import readers
from archiver.discovery.links import LinkKind, LinkRules, classify
from archiver.models import HttpResponse
from archiver.partners.documents import kind_of, read_attachment

RULES = LinkRules(entry="https://www.bank.example.cn/", columns=(), more=())
SUFFIXES = [suffix for kind in doctypes.TYPES for suffix in kind.suffixes]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_suffix_is_an_attachment_to_the_capture_and_to_discovery(suffix: str) -> None:
    """A link the capture would fetch as a document is one discovery follows, and back."""
    url = f"https://www.bank.example.cn/upload/名单.{suffix.upper()}"
    assert doctypes.is_attachment(url)
    viewer = f"https://www.bank.example.cn/pdfjs/web/viewer.html?file=/upload/a.{suffix}"
    assert attachments.viewed_document(viewer) == f"https://www.bank.example.cn/upload/a.{suffix}"
    if suffix != "zip":  # discovery opens no archive (discovery/urls.ASSET_SUFFIX); a
        # capture reads the documents inside one (partners/archives.py)
        assert classify("名单", url, RULES, in_template=True) is LinkKind.CANDIDATE


@pytest.mark.parametrize(
    "url", ["https://b.cn/a.html", "https://b.cn/a.docs", "https://b.cn/pdf", "https://b.cn/a.rar"]
)
def test_other_links_are_not_attachments(url: str) -> None:
    assert not doctypes.is_attachment(url)


@pytest.mark.parametrize("kind", doctypes.TYPES, ids=lambda t: t.name)
def test_a_document_without_a_content_type_gets_the_type_its_name_says(
    kind: doctypes.DocumentType,
) -> None:
    """The downloader keeps the media type the table gives, and the reader reads the same
    type back from it (or, with none registered, from the name)."""
    url = f"https://b.cn/upload/list.{kind.suffixes[0]}"
    response = kept(url, 200, {}, b"not sniffable")
    assert response.media_type == (kind.media_type or doctypes.OCTET_STREAM)
    assert kind_of(response) == kind.name


@pytest.mark.parametrize("kind", [t for t in doctypes.TYPES if not t.read], ids=lambda t: t.name)
def test_a_type_we_do_not_read_says_so_by_its_label(kind: doctypes.DocumentType) -> None:
    """Including a WPS spreadsheet (.et), which used to be an 'unknown format'."""
    response = HttpResponse(
        url=f"https://b.cn/upload/list.{kind.suffixes[0]}",
        status=200,
        media_type=kind.media_type or doctypes.OCTET_STREAM,
        body=b"some bytes",
    )
    reading = read_attachment(response)
    assert reading.unreadable
    assert f"is {kind.label}, which is not read" in reading.note
    assert readers.text_of(response) == ""
