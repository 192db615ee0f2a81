"""Versions that discovery composes itself: an institution's composite version and its
announcement index. Written like every version, through `archiver.versioning`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archiver import archive, codec, keys, versioning
from archiver.archive import Blob
from archiver.extract import PUBLISHED_FIELDS
from archiver.models import (
    DocumentRef,
    ListStatus,
    Partner,
)
from archiver.partners import AliasTable
from archiver.ports import ObjectStore

STABLE_DOC_FIELDS = (
    "url",
    "archive_id",
    "role",
    "state",
    "title",
    "published",
    "categories",
    "listed",
    "current",
    "version_key",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """Everything a composed version holds except what depends on its predecessor."""

    site_id: str
    captured_at: datetime
    text: str
    partners: tuple[Partner, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    blobs: tuple[Blob, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    requested_url: str
    final_url: str
    http_status: int = 200
    browser_version: str = ""
    title: str = ""

    @property
    def digest(self) -> str:
        """sha256 over what was published: text, partner fields, stable document fields."""
        published = [
            {name: codec.to_data(getattr(p, name)) for name in PUBLISHED_FIELDS}
            for p in self.partners
        ]
        documents = [
            {name: codec.to_data(getattr(d, name)) for name in STABLE_DOC_FIELDS}
            for d in self.documents
        ]
        return keys.sha256_hex(
            codec.canonical_json(
                {"text": self.text, "partners": published, "documents": documents}
            )
        )


def write(
    store: ObjectStore,
    draft: Draft,
    *,
    aliases: AliasTable,
) -> versioning.Written:
    """Write `draft` as the next version of its chain unless the newest one says the same."""
    return versioning.write(
        store,
        versioning.Draft(
            site_id=draft.site_id,
            captured_at=draft.captured_at,
            requested_url=draft.requested_url,
            final_url=draft.final_url,
            http_status=draft.http_status,
            browser_version=draft.browser_version,
            title=draft.title,
            text=draft.text,
            content_digest=draft.digest,
            partners=draft.partners,
            list_status=draft.list_status,
            list_note=draft.list_note,
            documents=draft.documents,
            blobs=draft.blobs,
        ),
        previous=archive.head(store, draft.site_id),
        aliases=aliases,
    )
