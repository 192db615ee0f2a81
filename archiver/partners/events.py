"""Partner events between the previous version and a new list. Pure."""

from __future__ import annotations

from archiver.models import EventType, Manifest, Partner, PartnerEvent
from archiver.partners.aliases import AliasTable


def compare(
    previous: Manifest | None, partners: tuple[Partner, ...], *, aliases: AliasTable
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """(events, departed match keys) of `partners` against the previous version."""
    del aliases
    if previous is None:
        return (), ()
    before = {p.match_key: p for p in previous.partners}
    after = {p.match_key: p for p in partners}
    departed = set(previous.departed)
    events: list[PartnerEvent] = []
    for key, partner in after.items():
        if key not in before:
            kind = EventType.READDED if key in departed else EventType.ADDED
            events.append(PartnerEvent(type=kind, name=partner.name, match_key=key))
    for key, partner in before.items():
        if key not in after:
            events.append(PartnerEvent(type=EventType.DROPPED, name=partner.name, match_key=key))
    departed = (departed | (set(before) - set(after))) - set(after)
    return tuple(events), tuple(sorted(departed))
