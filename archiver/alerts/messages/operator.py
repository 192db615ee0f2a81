"""Operator alerts: which checks are a problem worth telling, and the per-problem rate limit.

`problems` is pure. `raise_notice` writes through the outbox: one notice per site and
problem per window of `repeat_after`, so the rate limit lives in the (shared) outbox keys
and holds across restarts and across processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from archiver.alerts.messages.records import Destination, Notice, notice_id
from archiver.alerts.outbox import Outbox
from archiver.alerts.settings import OperatorSettings, Problem
from archiver.models import Belief, CheckResult, ListStatus, Manifest, Outcome, PageStatus

SPECIFIC = {
    PageStatus.SELECTOR_MISSING: Problem.SELECTOR_MISSING,
    PageStatus.COLLAPSE_UNCONFIRMED: Problem.COLLAPSE_UNCONFIRMED,
    PageStatus.TRUNCATED: Problem.TRUNCATED,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem seen in one check, before the rate limit."""

    problem: Problem
    detail: str
    failures: int = 0
    since: datetime | None = None
    period_s: float | None = None  # rate-limit window; None = operator.repeat_after


def problems(
    result: CheckResult, *, failures: int, settings: OperatorSettings, now: datetime
) -> list[Finding]:
    """Problems one finished check shows; `failures` counts this check if it failed.

    A specific status (selector missing, collapse unconfirmed) is reported on first sight
    and stands in for the generic "failing" one.
    """
    found: list[Finding] = []
    if result.outcome is Outcome.FAILED:
        detail = f"{result.status.value}: {result.error}" if result.error else result.status.value
        specific = SPECIFIC.get(result.status)
        if specific is not None:
            found.append(Finding(specific, detail, failures))
        elif failures >= settings.failures:
            found.append(Finding(Problem.FAILING, detail, failures))
    elif result.outcome is Outcome.UNCHANGED and result.version and settings.stale_after:
        since = result.version.manifest.captured_at
        if now - since > timedelta(seconds=settings.stale_after):
            days = (now - since).days
            found.append(
                Finding(
                    Problem.STALE,
                    f"页面内容 {days} 天未变化（v{result.version.manifest.seq}）",
                    since=since,
                    period_s=settings.stale_after,
                )
            )
    return [f for f in found if f.problem in settings.problems]


BELIEF_PROBLEMS = {
    Belief.UNPARSEABLE: Problem.UNPARSEABLE,
    Belief.TRUNCATED: Problem.TRUNCATED,
    Belief.DISAGREED: Problem.DISAGREED,
}


def version_problems(version: Manifest, previous: Manifest | None) -> list[Finding]:
    """What a newly preserved version tells the operator: a list that could not be read or
    believed (cut off, unreadable, two captures that disagree), a list image that changed.

    >>> from datetime import UTC
    >>> from archiver.models import Belief
    >>> cut = Manifest(site_id="a", seq=2, captured_at=datetime(2025, 10, 1, tzinfo=UTC),
    ...     requested_url="", final_url="", http_status=200, browser_version="",
    ...     content_digest="", belief=Belief.TRUNCATED, belief_note="the PDF l.pdf is cut off")
    >>> [f.problem.value for f in version_problems(cut, None)]
    ['truncated']
    """
    found = []
    problem = BELIEF_PROBLEMS.get(version.belief)
    if problem is None and version.list_status is ListStatus.UNPARSEABLE:
        problem = Problem.UNPARSEABLE
    if problem is not None:
        note = version.belief_note or version.list_note or "名单变为图片或扫描件，无法读取"
        found.append(Finding(problem, f"v{version.seq}: {note}"))
    images = [ref.digest for ref in version.blobs if ref.role == "image"]
    before = [ref.digest for ref in previous.blobs if ref.role == "image"] if previous else []
    if (
        previous is not None
        and images
        and sorted(images) != sorted(before)
        and version.list_status is ListStatus.UNPARSEABLE
    ):
        found.append(
            Finding(
                Problem.LIST_IMAGE_CHANGED,
                f"v{version.seq}: {len(before)} → {len(images)} 张名单图片，内容需人工核对",
            )
        )
    return found


def turned_unparseable(version: Manifest, previous: Manifest | None) -> bool:
    """The list could be read in the previous version and cannot be read in this one."""
    return (
        previous is not None
        and previous.list_status is ListStatus.OK
        and version.list_status is ListStatus.UNPARSEABLE
    )


def window(now: datetime, period_s: float) -> tuple[int, datetime]:
    """(index, start) of the rate-limit window holding `now`.

    >>> window(datetime(2025, 10, 1, 8, tzinfo=UTC), 86400)[0]
    20362
    """
    index = int(now.timestamp() // period_s)
    return index, datetime.fromtimestamp(index * period_s, UTC)


def raise_notice(
    outbox: Outbox,
    finding: Finding,
    *,
    site_id: str,
    site_name: str,
    page_url: str,
    channels: Sequence[Destination],
    now: datetime,
    repeat_after_s: float,
) -> Notice | None:
    """Queue the notice unless one for this site and problem is younger than the period."""
    period = finding.period_s or repeat_after_s
    index, start = window(now, period)
    this_id = notice_id(site_id, finding.problem, index, start)
    if outbox.has(this_id):
        return None
    previous_start = start - timedelta(seconds=period)
    previous_id = notice_id(site_id, finding.problem, index - 1, previous_start)
    if outbox.has(previous_id):
        earlier = outbox.record(previous_id)
        if isinstance(earlier, Notice) and now - earlier.queued_at < timedelta(seconds=period):
            return None
    notice = Notice(
        id=this_id,
        site_id=site_id,
        site_name=site_name,
        page_url=page_url,
        problem=finding.problem,
        detail=finding.detail,
        failures=finding.failures,
        since=finding.since,
        channels=tuple(channels),
        queued_at=now,
    )
    return notice if outbox.put(notice) else None
