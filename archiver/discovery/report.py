"""`archiver sites report`: per institution, what discovery found and how healthy it is.

Everything comes from the bucket (the newest composite version and its registry) plus the
index's check log for health, so the report can be rebuilt anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archiver import archive
from archiver.config import Site
from archiver.ports import Index, ObjectStore


@dataclass(frozen=True, slots=True, kw_only=True)
class InstitutionReport:
    """One row of the report."""

    site_id: str
    name: str
    type: str
    verified: bool
    url: str
    version: int | None = None
    captured_at: str = ""
    lists: int = 0  # documents recognised as partner lists
    current: int = 0  # lists the current partner list draws on
    withdrawn: int = 0
    announcements: int = 0  # documents seen (lists, other notices, not yet classified)
    pending: int = 0  # announcements not yet classified (budget ran out)
    partners: int = 0
    health: str = "never checked"
    last_error: str = ""
    current_documents: tuple[str, ...] = ()

    @property
    def found_list(self) -> bool:
        """Whether discovery found at least one partner list."""
        return self.lists > 0


def build(sites: Iterable[Site], store: ObjectStore, index: Index) -> list[InstitutionReport]:
    """A row per site, in configuration order."""
    return [_row(site, store, index) for site in sites]


def _row(site: Site, store: ObjectStore, index: Index) -> InstitutionReport:
    head = archive.head(store, site.id)
    last = index.last_check(site.id)
    failures = index.consecutive_failures(site.id) if last else 0
    if last is None:
        health, error = "never checked", ""
    elif failures:
        health, error = f"failing ({failures} in a row)", last.error
    else:
        health, error = "ok", ""
    if head is None:
        return InstitutionReport(
            site_id=site.id,
            name=site.name,
            type=site.type.value,
            verified=site.verified,
            url=site.url,
            health=health,
            last_error=error,
        )
    docs = [d for d in head.manifest.documents if d.role != "index"]
    lists = [d for d in docs if d.role == "list"]
    return InstitutionReport(
        site_id=site.id,
        name=site.name,
        type=site.type.value,
        verified=site.verified,
        url=site.url,
        version=head.manifest.seq,
        captured_at=head.manifest.captured_at.isoformat(),
        lists=len(lists),
        current=sum(1 for d in lists if d.current),
        withdrawn=sum(1 for d in lists if d.state == "withdrawn"),
        announcements=len(docs),
        pending=sum(1 for d in docs if d.role == "pending"),
        partners=len(head.manifest.partners),
        health=health,
        last_error=error,
        current_documents=tuple(f"{d.title or '公告'} {d.url}" for d in lists if d.current),
    )
