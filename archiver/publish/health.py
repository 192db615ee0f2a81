"""Is each site being checked successfully? From the index's check log, if there is one. Pure.

The check log lives in the SQLite index, not in the bucket, so a publish elsewhere (a rebuild
from the bucket alone) has no health source: pages then say "unknown" and fall back on what
the archive itself shows (an unreadable list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archiver import wording
from archiver.models import CheckRow, ListStatus, Outcome
from archiver.publish.model import SiteSummary


@dataclass(frozen=True, slots=True)
class Health:
    """One site's health as the index page shows it."""

    status: str  # ok | failing | unparseable | unknown
    checked_at: datetime | None = None
    detail: str = ""


def of(row: CheckRow | None, summary: SiteSummary | None) -> Health:
    """Classify a site from its last check and its newest version."""
    unreadable = (
        summary is not None
        and summary.head is not None
        and summary.head.list_status is ListStatus.UNPARSEABLE
    )
    if row is None:
        if unreadable:
            return Health("unparseable", None, "最新版本的名单无法解析")
        return Health("unknown")
    if row.status == "unparseable" or (unreadable and row.outcome is not Outcome.FAILED):
        return Health("unparseable", row.started_at, row.error or "名单无法解析（图片/扫描件）")
    if row.outcome is Outcome.FAILED:
        return Health("failing", row.started_at, wording.failure(row.status, row.error))
    return Health("ok", row.started_at, wording.outcome(row.outcome.value))
