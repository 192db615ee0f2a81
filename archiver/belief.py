"""What to make of a capture whose evidence is new: believe its list, or preserve it marked.
Pure.

    judge(content, cut_off=..., head=..., baseline=..., now=...) -> Judgement

In order:
1. a document cut off in transit (`archiver.completeness`) is `truncated`: never believed,
   however often the same cut page comes back;
2. a list that is there but could not be read (images, scans, a page that announces a list
   and yields no names) is `unparseable`; a page without a list is `absent`;
3. a list that is an earlier believed version's list again, with that version's date (更新日期,
   截至), earlier than the last believed list's, is a stale copy (a CDN node, a cache):
   `unconfirmed`, and never confirmed while it is (a list that changed, whatever its date says,
   is judged as any other);
4. a suspect list (it collapsed against the last believed one, or it looks short against a
   stated count or its numbering) is `unconfirmed` and a re-check is owed after
   `confirm_delay`; when the re-check reads the same list (match keys and published fields,
   not the noisy text), that capture is `believed` and names the version it confirms; when
   it reads another suspect list, it is `disagreed` (both are kept, the operator is told);
5. the rest is `believed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from archiver import dates
from archiver.extract import collapse
from archiver.models import Belief, Disclosure, ListStatus, Manifest, Partner


@dataclass(frozen=True, slots=True, kw_only=True)
class Judgement:
    """The mark of a capture and what follows from it."""

    belief: Belief
    note: str = ""
    confirms: int | None = None  # the suspect version this capture agreed with
    confirm_after: datetime | None = None  # unconfirmed: when the re-check is due
    wait: bool = False  # the same suspect list before the re-check is due: record nothing


def judge(
    content: Disclosure,
    *,
    cut_off: str,
    head: Manifest | None,
    baseline: tuple[Partner, ...] | None,
    now: datetime,
    confirm_delay_s: float,
    baseline_as_of: str = "",
    edition_of: int | None = None,
) -> Judgement:
    """The judgement of a capture; `baseline` is the last believed list (None: none yet),
    `baseline_as_of` the date it stated (更新日期, 截至), `edition_of` the earlier believed
    version whose list and date the capture repeats exactly (`readings.same_edition_before`).

    >>> from datetime import UTC
    >>> from archiver.models import Partner
    >>> now = datetime(2025, 10, 1, tzinfo=UTC)
    >>> few = Disclosure(text="x", list_status=ListStatus.OK, list_digest="d1", partners=(
    ...     Partner(raw="甲", name="甲", match_key="甲"),))
    >>> many = tuple(Partner(raw=n, name=n, match_key=n) for n in "甲乙丙")
    >>> judge(few, cut_off="", head=None, baseline=many, now=now, confirm_delay_s=60).belief
    <Belief.UNCONFIRMED: 'unconfirmed'>
    >>> judge(few, cut_off="the PDF a.pdf is cut off (no %%EOF)", head=None, baseline=many,
    ...       now=now, confirm_delay_s=60).belief
    <Belief.TRUNCATED: 'truncated'>
    """
    if cut_off:
        return Judgement(belief=Belief.TRUNCATED, note=cut_off)
    if content.list_status is ListStatus.UNPARSEABLE:
        return Judgement(belief=Belief.UNPARSEABLE, note=content.list_note)
    if content.list_status is ListStatus.ABSENT:
        return Judgement(belief=Belief.ABSENT, note=content.list_note)
    older = older_edition(content.as_of, baseline_as_of) if edition_of is not None else ""
    if older:  # version N's list and date again: a stale copy, never confirmed while it is
        if head is not None and head.belief is Belief.UNCONFIRMED and agrees(head, content):
            return Judgement(belief=head.belief, note=head.belief_note, wait=True)
        return Judgement(
            belief=Belief.UNCONFIRMED,
            note=f"{older}, version {edition_of}'s list again; not believed while it is",
            confirm_after=now + timedelta(seconds=confirm_delay_s),
        )
    suspect = suspicion(content, baseline)
    if not suspect:
        return Judgement(belief=Belief.BELIEVED)
    if head is not None and head.belief in (Belief.UNCONFIRMED, Belief.DISAGREED):
        if agrees(head, content) and confirmation_due(head, now):
            return Judgement(
                belief=Belief.BELIEVED,
                note=f"confirmed by a second capture: {suspect}",
                confirms=head.seq,
            )
        if agrees(head, content):
            return Judgement(belief=head.belief, note=head.belief_note, wait=True)
        return Judgement(
            belief=Belief.DISAGREED,
            note=f"{suspect}; version {head.seq} read another list, neither is believed",
        )
    return Judgement(
        belief=Belief.UNCONFIRMED,
        note=suspect,
        confirm_after=now + timedelta(seconds=confirm_delay_s),
    )


def suspicion(content: Disclosure, baseline: tuple[Partner, ...] | None) -> str:
    """Why the list must be seen twice ("" when once is enough)."""
    return content.suspect or (collapse(baseline, content) if baseline else "")


def older_edition(as_of: str, baseline_as_of: str) -> str:
    """Why a list dated before the last believed one is suspect ("" when it is not): an
    institution does not publish an earlier edition again, a CDN node or a cache does.

    >>> older_edition("更新日期：2025-05-15", "2025年7月2日")
    'the list is dated 2025-05-15, before the last believed list (2025-07-02): an older copy'
    >>> older_edition("2025-07-02", "2025-07-02"), older_edition("", "2025-07-02")
    ('', '')
    """
    before, believed = dates.parse(as_of), dates.parse(baseline_as_of)
    if not before or not believed or before >= believed:
        return ""
    return f"the list is dated {before}, before the last believed list ({believed}): an older copy"


def agrees(head: Manifest, content: Disclosure) -> bool:
    """Two captures agree when their partner lists agree, whatever their text says."""
    return bool(head.list_digest) and head.list_digest == content.list_digest


def confirmation_due(head: Manifest, now: datetime) -> bool:
    """A capture counts as the re-check once `confirm_delay` has passed since the suspect
    one: an immediate repeat would confirm a partial render as easily as a real list."""
    return head.confirm_after is None or now >= head.confirm_after
