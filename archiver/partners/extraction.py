"""Capture -> partner records, from every format the capture kept. Pure.

Order of reading: the rendered pages (entry page, then pagination), HTML carried inside
JSON, JSON arrays, then attachments. Everything found is folded into one list, so the same
list shown as a table and offered as a PDF is read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.models import Capture, ListStatus, Partner, RenderedPage
from archiver.partners import dom, superseded_files
from archiver.partners.aliases import AliasTable
from archiver.partners.annex import with_annex_read
from archiver.partners.archives import read_all
from archiver.partners.cells import PARTNER_WORDS
from archiver.partners.documents import decode, file_name
from archiver.partners.foreign import another_disclosure, has_partner_section, not_a_partner_list
from archiver.partners.jsondata import read_json
from archiver.partners.names import clean_text, match_key
from archiver.partners.owner import document_issuer, is_own, own_keys
from archiver.partners.owner import own_names as owner_names
from archiver.partners.reader import Reader
from archiver.partners.records import fold_short_names, merge_duplicates, partner_of
from archiver.partners.rows import Row
from archiver.partners.verdict import is_termination_notice, truncation

_SHORT_TEXT = 400


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """What the partner reader found."""

    partners: tuple[Partner, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    document_texts: tuple[tuple[str, str], ...] = ()  # (attachment URL, its text)
    truncated: str = ""  # non-empty: why the list looks cut short
    as_of: str = ""  # the as-of date the page states (截至2025年9月30日), as written


def extract(
    capture: Capture,
    *,
    aliases: AliasTable,
    ignore: tuple[str, ...] = (),
    own_names: tuple[str, ...] = (),
) -> Extraction:
    """Every partner in the capture, with a list status and notes.

    `ignore` holds the site's regular expressions for text to drop before reading;
    `own_names` the publishing institution's names (never a partner of itself).
    """
    pages = capture.pages or _pages_from_response(capture)
    known = _known_names(aliases)
    reader = Reader(
        known=known,
        own_keys=own_keys(
            owner_names(
                (page.html or page.region_html for page in pages),
                (page.title for page in pages),
                own_names,
            )
        ),
        ignore=_compile(ignore),
        context=any(PARTNER_WORDS.search(page.title) for page in pages),
    )
    for page in pages:
        reader.read(dom.document(page.region_html or page.html, url=page.url))
    from_json = read_json(capture.json_bodies, known=known)
    for url, fragment in from_json.fragments:
        reader.read(dom.document(fragment, url=url))
    notes: list[str] = []
    texts: list[tuple[str, str]] = []
    unreadable = 0
    readings = [reading for attachment in capture.attachments for reading in read_all(attachment)]
    markups = [(page.url, page.html or page.region_html) for page in pages]
    titles = superseded_files.link_titles(markups)  # what the page calls each file
    others = [
        not_a_partner_list(r.document)
        or (
            ""
            if has_partner_section(r.document)
            else another_disclosure(superseded_files.title_of(r.url, titles))
        )
        if r.document
        else ""
        for r in readings
    ]
    marked = superseded_files.marked_links(markups)
    lists = (
        (r.url, None if other else r.document) for r, other in zip(readings, others, strict=True)
    )
    old = superseded_files.set_aside(lists, marked)
    for reading, other in zip(readings, others, strict=True):
        if reading.note:
            notes.append(reading.note)
        unreadable += reading.unreadable
        if reading.url in old:
            notes.append(f"attachment {file_name(reading.url)} is marked superseded, not read")
        if reading.document is not None and (other or reading.url in old):
            if other:
                notes.append(f"attachment {file_name(reading.url)} is {other}, not a partner list")
            texts.append((reading.url, reading.text))
        elif reading.document is not None:
            reader.new_document_context()
            issuer = document_issuer(reading.document, reader.own_keys)  # its letterhead
            reader.own_keys |= own_keys([issuer]) if issuer else set()
            reader.read(with_annex_read(reading.document))  # a cover letter, then its annex
            texts.append((reading.url, reading.text))
    rows: list[Row] = [
        row
        for row in (*reader.stated_former_names(), *from_json.rows)
        if not is_own(row.name, reader.own_keys)
    ]
    partners = fold_short_names(
        merge_duplicates(
            [
                partner_of(
                    row.name,
                    aliases=aliases,
                    category_raw=row.category_raw,
                    products=row.products,
                    period=row.period,
                    hotline=row.hotline,
                    remark=row.remark,
                    credit_code=row.credit_code,
                    source=row.source,
                )
                for row in rows
            ]
        )
    )
    status, note = _status(capture, pages, partners, texts, unreadable)
    if note:
        notes.insert(0, note)
    return Extraction(
        partners=partners,
        list_status=status,
        list_note="; ".join(dict.fromkeys(notes)),
        document_texts=tuple(texts),
        truncated=truncation(rows, reader.counts, reader.numbering) if partners else "",
        as_of=reader.as_of,
    )


def _status(
    capture: Capture,
    pages: tuple[RenderedPage, ...],
    partners: tuple[Partner, ...],
    texts: list[tuple[str, str]],
    unreadable: int,
) -> tuple[ListStatus, str]:
    if partners:
        return ListStatus.OK, ""
    lines = [line for page in pages for line in _page_text(page).splitlines()]
    lines.extend(line for _, text in texts for line in text.splitlines())
    if is_termination_notice(lines):
        return ListStatus.OK, "termination notice: no partners are listed"
    if capture.images:
        return ListStatus.UNPARSEABLE, f"the list is published as {len(capture.images)} image(s)"
    if unreadable:
        return ListStatus.UNPARSEABLE, ""
    for page in pages:
        images = dom.images_in(page.region_html or page.html)
        text = clean_text(_page_text(page))
        if images and len(text) < _SHORT_TEXT and PARTNER_WORDS.search(f"{page.title}{text}"):
            return ListStatus.UNPARSEABLE, f"the list appears to be published as {images} image(s)"
        if garbled(text):
            return (
                ListStatus.UNPARSEABLE,
                "the page's text is garbled (decoded in the wrong charset)",
            )
    return ListStatus.ABSENT, ""


def garbled(text: str) -> bool:
    """Whether a page's text is mostly undecodable (a GBK page served as UTF-8 shows "\ufffd"
    for its Chinese): nothing can be read from it, so it says nothing of a list.

    A line of mojibake on a page that reads well otherwise (a pasted note) is not that.

    >>> garbled("\ufffd\ufffd" * 20 + "2025"), garbled("合作机构名单\ufffd")
    (True, False)
    >>> garbled("甲科技有限公司 平台运营机构 乙融资担保有限公司 增信服务机构" + "\ufffd" * 20)
    False
    """
    replaced = text.count("\ufffd")
    readable = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
    return replaced >= 8 and replaced >= readable


def _page_text(page: RenderedPage) -> str:
    if page.text:
        return page.text
    root = dom.parse(page.region_html or page.html)
    return "" if root is None else "\n".join(root.itertext())


def _pages_from_response(capture: Capture) -> tuple[RenderedPage, ...]:
    """No rendered page (a capture that kept only the response): decode its HTML body."""
    response = capture.main_response
    if response is None or response.media_type not in ("text/html", "application/xhtml+xml", ""):
        return ()
    if not response.body:
        return ()
    content_type = next((v for k, v in response.headers if k.lower() == "content-type"), "")
    declared = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", response.body[:4096], re.IGNORECASE)
    charset = declared.group(1) if declared else (meta.group(1).decode() if meta else "")
    markup = decode(response.body, charset)
    root = dom.parse(markup)
    title = (root.findtext(".//title") or "").strip() if root is not None else ""
    return (RenderedPage(url=response.url, html=markup, text="", title=title),)


def _known_names(aliases: AliasTable) -> set[str]:
    known: set[str] = set()
    for entity_id in aliases.entities:
        for name in aliases.names_of(entity_id):
            known.add(clean_text(name))
            known.add(match_key(name))
    return known


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error:
            continue  # config.py rejects bad patterns; a stale one must not stop a check
    return tuple(compiled)
