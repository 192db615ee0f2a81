"""The events a partner's status mark gives when it appears or goes away. Pure.

A mark that ends the partnership (已终止合作, 已注销, a 已终止合作机构 heading) takes the
partner off the list: `dropped` when it appears, `readded` when it goes away. A suspension
(暂停合作, 暂停新增业务) does not: the institution still lists the partner, with a status
that changed, and resumes it by removing the mark (a suspended partner later marked ended is
`dropped` then). It is a `field_changed`: of the status, or of the remark when only new
business is paused and the words are the row's remark ("2025年11月起新增业务暂停" in its 备注
cell). The note quotes the mark as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from archiver.models import EventType, Marker, Partner, PartnerEvent


class Listing(Protocol):
    """What the events module's listing (one partner, all its records) offers here."""

    @property
    def records(self) -> Sequence[Partner]: ...
    @property
    def key(self) -> str: ...
    @property
    def first(self) -> Partner: ...
    @property
    def ended(self) -> bool: ...
    @property
    def status(self) -> str: ...
    def value(self, name: str) -> str: ...


_ENDS_FOR_GOOD = frozenset({Marker.TERMINATED, Marker.DEREGISTERED})


def mark_events(before: Listing, after: Listing) -> list[PartnerEvent]:
    """The events of a mark that appeared beside a partner or went away (see the module)."""
    if before.ended and after.ended and suspended_only(before) and not suspended_only(after):
        return [_event(EventType.DROPPED, after, f"marked {after.status} on the page")]
    if after.ended == before.ended:
        return []
    marked = after if after.ended else before
    if not suspended_only(marked):
        if after.ended:
            note = f"marked {after.status} on the page"
            return [_event(EventType.DROPPED, after, note)]
        return [_event(EventType.READDED, after, f"the mark {before.status} was removed")]
    field = _suspension_field(marked)
    note = (
        f"marked {after.status} on the page"
        if after.ended
        else f"the mark {before.status} was removed"
    )
    return [
        PartnerEvent(
            type=EventType.FIELD_CHANGED,
            name=after.first.name,
            match_key=after.key,
            category=after.first.category,
            field=field,
            before=before.status if before.ended else _shown(before, field),
            after=after.status if after.ended else _shown(after, field),
            products=after.first.products,
            note=note,
        )
    ]


def suspended_only(listing: Listing) -> bool:
    """Whether every mark that ends the listing is a suspension (none a termination)."""
    marks = {m for record in listing.records for m in record.markers}
    return Marker.SUSPENDED in marks and not marks & _ENDS_FOR_GOOD


def _suspension_field(listing: Listing) -> str:
    paused_new = "新增" in listing.status
    in_remark = any("新增" in record.remark for record in listing.records)
    return "remark" if paused_new and in_remark else "status"


def _shown(listing: Listing, field: str) -> str:
    return listing.value("remark") if field == "remark" else ""


def _event(kind: EventType, listing: Listing, note: str) -> PartnerEvent:
    return PartnerEvent(
        type=kind,
        name=listing.first.name,
        match_key=listing.key,
        category=listing.first.category,
        products=listing.first.products,
        note=note,
    )
