"""The rows of the derived index, shared by its SQLite and PostgreSQL adapters.

Both adapters store the same columns in the same order; they differ only in how a moment is
written (SQLite keeps ISO text, PostgreSQL a `timestamptz`) and in their SQL dialect. What a
row holds, and how a stored row becomes a `CheckRow`, `VersionRow` or `PartnerRow`, is here
once, so the two cannot drift apart in what they store and return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from archiver.models import (
    CheckResult,
    CheckRow,
    Manifest,
    Outcome,
    PartnerRow,
    StoredVersion,
    VersionRow,
)

# How an adapter writes a moment, and reads it back (always an aware UTC datetime).
WriteMoment = Callable[[datetime], object]
ReadMoment = Callable[[object], datetime]


def check_values(result: CheckResult, moment: WriteMoment) -> tuple[object, ...]:
    """A check's row (site, start, duration, outcome, status, seq, error), then its id
    (what makes recording it twice one row)."""
    return (
        result.site_id,
        moment(result.started_at),
        round(result.duration_s, 4),
        result.outcome.value,
        result.status.value,
        result.version.manifest.seq if result.version else None,
        result.error,
        result.check_id,
    )


def version_values(stored: StoredVersion, moment: WriteMoment) -> tuple[object, ...]:
    """A version's row: site, seq, key, digest, captured_at, content_digest, partner and
    event counts, final_url, title, belief, corrected_by."""
    m = stored.manifest
    return (
        m.site_id,
        m.seq,
        stored.key,
        stored.digest,
        moment(m.captured_at),
        m.content_digest,
        len(m.partners),
        len(m.events),
        m.final_url,
        m.title,
        m.belief.value,
        stored.corrected_by,
    )


def partner_values(m: Manifest) -> list[tuple[object, ...]]:
    """The rows of a version's partners: site, seq, position, name, raw, match_key, entity,
    category, category_raw, products, markers, former_names (the tables' column order)."""
    return [
        (
            m.site_id,
            m.seq,
            position,
            p.name,
            p.raw,
            p.match_key,
            p.entity,
            p.category.value,
            p.category_raw,
            "；".join(p.products),
            ",".join(marker.value for marker in p.markers),
            "；".join(p.former_names),
        )
        for position, p in enumerate(m.partners)
    ]


def check_row(row: Sequence[object], moment: ReadMoment) -> CheckRow:
    """A stored check as the port's record."""
    return CheckRow(
        site_id=str(row[0]),
        started_at=moment(row[1]),
        duration_s=float(str(row[2])),
        outcome=Outcome(str(row[3])),
        status=str(row[4]),
        seq=int(str(row[5])) if row[5] is not None else None,
        error=str(row[6]),
    )


def version_row(row: Sequence[object], moment: ReadMoment) -> VersionRow:
    """A stored version as the port's record."""
    return VersionRow(
        site_id=str(row[0]),
        seq=int(str(row[1])),
        key=str(row[2]),
        digest=str(row[3]),
        captured_at=moment(row[4]),
        content_digest=str(row[5]),
        partner_count=int(str(row[6])),
        event_count=int(str(row[7])),
        final_url=str(row[8]),
        title=str(row[9]),
        belief=str(row[10]),
        corrected_by=str(row[11]),
    )


def partner_row(row: Sequence[object]) -> PartnerRow:
    """A stored partner (its columns but the position) as the port's record."""
    text = [str(value) for value in row]
    return PartnerRow(text[0], int(text[1]), *text[2:])


def failures_in_a_row(newest_first: Iterable[CheckRow]) -> int:
    """How many of the newest checks failed in a row."""
    count = 0
    for row in newest_first:
        if row.outcome is not Outcome.FAILED:
            break
        count += 1
    return count


def iso_moment(value: object) -> datetime:
    """A moment SQLite stored as ISO text (written from an aware UTC datetime)."""
    return datetime.fromisoformat(str(value))


def utc_moment(value: object) -> datetime:
    """A moment PostgreSQL returned as a `timestamptz`, in UTC."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp from the index, got {type(value).__name__}")
    return value.astimezone(UTC)
