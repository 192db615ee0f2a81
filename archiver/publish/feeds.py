"""Atom feeds: every new version, one institution's versions, one partner's events. Pure.

Entries carry plain-text summaries (type="text"), never HTML, so a feed reader cannot be
made to render archived markup. Links are absolute when the published prefix has a public
URL, else relative to the feed (RFC 4287 resolves them against the feed's own address).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from archiver.publish import labels, paths
from archiver.publish.model import EventAt, SiteInfo, VersionSummary

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # <updated> of a feed with no entries yet
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_NAMESPACE = uuid.UUID("6b1f3c3e-5d0e-4f59-9a55-4b1d2c0a7e11")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry: what happened, when, and the page that shows it."""

    id: str
    title: str
    updated: datetime
    path: str  # inside the published prefix
    summary: str


def entry_id(*parts: object) -> str:
    """A stable urn:uuid for an entry.

    >>> entry_id("site", 3) == entry_id("site", 3)
    True
    """
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, '/'.join(map(str, parts)))}"


def version_entry(info: SiteInfo, line: VersionSummary) -> FeedEntry:
    """A new version of an institution's list."""
    body = [labels.event_line(event) for event in line.events]
    if not line.events:
        body.append(f"文本变化：+{line.text_inserted} / -{line.text_deleted} 字")
    return FeedEntry(
        id=entry_id(info.id, line.seq, line.digest),
        title=f"{info.name} 第 {line.seq} 版：{labels.events_summary(line.events)}",
        updated=line.captured_at,
        path=paths.version_page(info.id, line.seq),
        summary="\n".join(body),
    )


def partner_entry(info: SiteInfo, stamped: EventAt) -> FeedEntry:
    """One event about a partner on one institution's list."""
    return FeedEntry(
        id=entry_id(info.id, stamped.seq, stamped.event.type.value, stamped.event.match_key),
        title=f"{info.name}：{labels.event_line(stamped.event)}",
        updated=stamped.captured_at,
        path=paths.version_page(info.id, stamped.seq),
        summary=f"{info.name} 第 {stamped.seq} 版",
    )


def atom(
    *,
    feed_id: str,
    title: str,
    self_path: str,
    page_path: str,
    entries: Iterable[FeedEntry],
    base_url: str | None = None,
    limit: int = 50,
) -> bytes:
    """The feed document, newest entries first."""
    chosen = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:limit]

    def link(path: str) -> str:
        return base_url + path if base_url else paths.href(self_path, path)

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(chosen[0].updated if chosen else EPOCH))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=link(self_path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link(page_path))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "disclosure-archiver")
    for item in chosen:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(node, "id", item.id)
        _text(node, "title", item.title)
        _text(node, "updated", _stamp(item.updated))
        ET.SubElement(
            node, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link(item.path)
        )
        summary = _text(node, "summary", item.summary)
        summary.set("type", "text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    node.text = _XML_INVALID.sub("", value)
    return node


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
