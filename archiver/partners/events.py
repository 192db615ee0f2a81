"""Partner events between the previous version and a new list. Pure.

Partners are compared as *listings*: every record with one identity (match key, agreeing
region qualifier) folded together, so a partner shown under two categories, in two tables
or twice is still one partner. Pairing, in order:

1. same match key                           -> field_changed events, if any field differs
2. a (原…) / 已更名为 marker names the old    -> renamed (note quotes the marker)
3. the alias file says both are one entity  -> renamed (note: "alias: old -> new") when one
   is a `former` name; a brand and its legal name ("美团" / its legal name) are one partner
   written two ways: paired, no event
4. a group name and its member entities     -> renamed, one event per member entity
   (抖音 -> 深圳智领星辰…, 深圳智领皓海…: each member "renamed" from 抖音, with a note naming
   all members, so nobody reads "抖音 dropped" plus two unknown partners "added")
5. the rest: added, readded (its key was ever dropped before: Manifest.departed), dropped.
   A near-identical name among the others is noted ("possibly the same as …"), never merged.

A partner left on the page with a mark that says it ended (已终止合作, 已暂停合作, 已注销, or
under a 已终止合作机构 heading) is no longer a partner: when the mark appears it is `dropped`
with the words of the mark as the note, when the mark goes away it is `readded`; an ended
partner that appears or disappears gives no event. Marks themselves are never a field change,
and neither is a rename note that is tidied away.

The previous partners are re-read from their published fields with today's normaliser.
A field that one whole side does not publish at all (a column added or removed) gives no
field events: that is a layout change, visible in the text diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from archiver.models import Category, EventType, Manifest, Partner, PartnerEvent
from archiver.partners.aliases import AliasTable
from archiver.partners.annotations import is_ended, parse_name, read
from archiver.partners.categories import category_label, is_detail_label, wording_key
from archiver.partners.cells import period_key
from archiver.partners.names import clean_text, match_key, qualifiers_agree
from archiver.partners.records import reread

FUZZY_THRESHOLD = 0.8
_ITEMS = re.compile(r"[、，,；;/／]")
_FIELDS = ("category", "products", "period", "hotline", "remark")
# Fields every listed partner has once its row is read whole: blank on one side means the
# row was not read whole there (a cell wrapped in a PDF), never that the field was removed.
_ALWAYS_PUBLISHED = frozenset({"category", "products"})


@dataclass(eq=False)
class Listing:
    """All records of one partner in one version."""

    key: str
    records: list[Partner] = field(default_factory=list)

    @property
    def first(self) -> Partner:
        """The record that speaks for the partner (its first appearance)."""
        return self.records[0]

    @property
    def qualifier(self) -> str:
        """The region qualifier any record gives."""
        return next((r.qualifier for r in self.records if r.qualifier), "")

    @property
    def entity(self) -> str:
        """The alias-file entity any record resolves to."""
        return next((r.entity for r in self.records if r.entity), "")

    @property
    def ended(self) -> bool:
        """True when every record carries a mark that says the partnership ended."""
        return all(is_ended(r.markers) for r in self.records)

    @property
    def status(self) -> str:
        """The published words of the ended mark ("已终止合作"), or the marks' names."""
        for record in self.records:
            said = parse_name(record.raw, record.remark).status
            if said:
                return said
        return ", ".join(dict.fromkeys(m.value for r in self.records for m in r.markers))

    @property
    def credit_code(self) -> str:
        """The unified social credit code a record gives ("" when none does)."""
        return next((r.credit_code for r in self.records if r.credit_code), "")

    @property
    def former_keys(self) -> set[str]:
        """Match keys of every former name a record declares."""
        return {match_key(n) for r in self.records for n in r.former_names}

    @property
    def published_categories(self) -> str:
        """The category labels as published (decoration folded), for records that have one."""
        return self._labels(category_label)

    def _labels(self, fold: Callable[[str], str]) -> str:
        """The records' published category labels, each folded by `fold`, sorted, joined."""
        return "、".join(
            sorted(
                {
                    fold(r.category_raw)
                    for r in self.records
                    if r.category is not Category.UNSPECIFIED and r.category_raw
                }
            )
        )

    def value(self, name: str) -> str:
        """One comparable field as text ("" when not published)."""
        if name == "category":
            found = {
                r.category.value for r in self.records if r.category is not Category.UNSPECIFIED
            }
            return ", ".join(sorted(found))
        if name == "products":  # "还享花、还呗" in one cell is 还呗 and 还享花 in two
            found = {
                clean_text(q) for r in self.records for p in r.products for q in _ITEMS.split(p)
            }
            return "、".join(sorted(found - {""}))
        if name == "period":
            return " / ".join(sorted({r.period for r in self.records if r.period}))
        if name == "remark":  # what a 备注 says besides former names and marks (own events)
            return "；".join(
                sorted({note for r in self.records for note in read(r.remark, remark=True).notes})
            )
        return "、".join(sorted({r.hotline for r in self.records if r.hotline}))

    def comparable(self, name: str) -> str:
        """A field with its formatting folded (dates one way, phones by digits)."""
        text = self.value(name)
        if name == "category":  # a heading reworded in filler words is no change
            return f"{text} | {self._labels(wording_key)}"
        if name == "period":
            return " / ".join(sorted({period_key(r.period) for r in self.records if r.period}))
        if name == "hotline":
            return "|".join(
                sorted(
                    {
                        "".join(c for c in clean_text(r.hotline) if c.isascii() and c.isdigit())
                        for r in self.records
                        if r.hotline
                    }
                )
            )
        return text


def listings(partners: Iterable[Partner]) -> list[Listing]:
    """Records grouped by identity, in order of first appearance."""
    result: list[Listing] = []
    by_key: dict[str, list[Listing]] = {}
    for partner in partners:
        candidates = by_key.setdefault(partner.match_key, [])
        found = next(
            (item for item in candidates if qualifiers_agree(item.qualifier, partner.qualifier)),
            None,
        )
        if found is None:
            found = Listing(partner.match_key)
            candidates.append(found)
            result.append(found)
        found.records.append(partner)
    return result


def compare(
    previous: Manifest | None, partners: tuple[Partner, ...], *, aliases: AliasTable
) -> tuple[tuple[PartnerEvent, ...], tuple[str, ...]]:
    """(events, departed match keys) of `partners` against the previous version."""
    if previous is None:
        return (), ()
    old = listings(reread(p, aliases) for p in previous.partners)
    new = listings(reread(p, aliases) for p in partners)
    pairing = _Pairing(old, new, aliases)
    pairing.run()
    departed = _departed(previous.departed, old, new)
    events: list[PartnerEvent] = []
    events.extend(pairing.events)
    silent = _unpublished_fields(old, new)
    for before, after, _renamed in pairing.pairs:
        events.extend(_status_events(before, after))
        if not (before.ended or after.ended):  # an ended record's fields are not compared
            events.extend(_field_events(before, after, silent))
    ever_departed = set(previous.departed) | {match_key(k) for k in previous.departed}
    unpaired_old = pairing.free_old()
    for listing in new:
        if pairing.is_paired_new(listing) or listing.ended:
            continue
        kind = EventType.READDED if listing.key in ever_departed else EventType.ADDED
        notes = [_possibly(listing, unpaired_old), _same_entity_as(listing, new)]
        if kind is EventType.READDED:
            notes.insert(0, "was dropped from an earlier version")
        note = "; ".join(filter(None, notes))
        events.append(_event(kind, listing, note=note))
    unpaired_new = pairing.free_new()
    for listing in unpaired_old:
        if not listing.ended:
            note = _possibly(listing, unpaired_new)
            events.append(_event(EventType.DROPPED, listing, note=note))
    return tuple(_ordered(events, new, old)), departed


def _status_events(before: Listing, after: Listing) -> list[PartnerEvent]:
    """dropped when an ended mark appears beside a partner, readded when it goes away."""
    if after.ended and not before.ended:
        return [_event(EventType.DROPPED, after, note=f"marked {after.status} on the page")]
    if before.ended and not after.ended:
        return [_event(EventType.READDED, after, note=f"the mark {before.status} was removed")]
    return []


@dataclass
class _Pairing:
    old: list[Listing]
    new: list[Listing]
    aliases: AliasTable
    pairs: list[tuple[Listing, Listing, bool]] = field(default_factory=list)  # renamed?
    events: list[PartnerEvent] = field(default_factory=list)
    # identities of the listings already paired: sets, so pairing stays linear in list size
    paired_old: set[int] = field(default_factory=set)
    paired_new: set[int] = field(default_factory=set)

    def run(self) -> None:
        self._same_key()
        self._declared_renames()
        self._same_code()
        self._same_entity()
        self._groups()

    def free_old(self) -> list[Listing]:
        """Previous listings not paired with a current one."""
        return [item for item in self.old if id(item) not in self.paired_old]

    def free_new(self) -> list[Listing]:
        """Current listings not paired with a previous one."""
        return [item for item in self.new if id(item) not in self.paired_new]

    def is_paired_new(self, listing: Listing) -> bool:
        """Whether a current listing was paired."""
        return id(listing) in self.paired_new

    def _pair(self, before: Listing, after: Listing) -> None:
        self.paired_old.add(id(before))
        self.paired_new.add(id(after))
        self.pairs.append((before, after, False))

    def _same_key(self) -> None:
        by_key: dict[str, list[Listing]] = {}
        for item in self.old:
            by_key.setdefault(item.key, []).append(item)
        for after in self.new:
            before = next(
                (
                    item
                    for item in by_key.get(after.key, ())
                    if id(item) not in self.paired_old
                    and qualifiers_agree(item.qualifier, after.qualifier)
                ),
                None,
            )
            note = self._former_spelled(before, after) if before is not None else ""
            if before is not None and note:
                self._renamed(before, after, note)
            elif before is not None:
                self._pair(before, after)

    def _former_spelled(self, before: Listing, after: Listing) -> str:
        """One match key, yet the alias file or the list itself says the old name is the
        entity's former one (深圳市小赢科技有限责任公司 -> 小赢科技（深圳）有限公司;
        "曾用名：杭州甲有限公司" beside 甲（杭州）有限公司): a rename, not a respelling.
        The note saying so, or ""."""
        old, new = clean_text(before.first.name), clean_text(after.first.name)
        if old == new:
            return ""
        found = self.aliases.get(after.entity) if after.entity else None
        former = {clean_text(name) for name in found.former} if found is not None else set()
        if old in former and new not in former:
            return f"config/entities.yaml: {before.first.name} is a former name"
        declared = {clean_text(name) for r in after.records for name in r.former_names}
        if old in declared and new not in declared:
            return f"the list says formerly {before.first.name}"
        return ""

    def _declared_renames(self) -> None:
        for after in self.free_new():
            former = after.former_keys
            if not former:
                continue
            for before in self.free_old():
                if before.key in former or (
                    before.entity and self._entity_in(before.entity, former)
                ):
                    names = "、".join(n for r in after.records for n in r.former_names)
                    self._renamed(before, after, f"the list says formerly {names}")
                    break

    def _same_code(self) -> None:
        """A new name on the row of the same unified social credit code: the entity was
        renamed, however silently (the code is who a company is, its name what it is called)."""
        by_code = {item.credit_code: item for item in self.free_old() if item.credit_code}
        for after in self.free_new():
            before = by_code.pop(after.credit_code, None) if after.credit_code else None
            if before is not None:
                note = f"the same unified social credit code {after.credit_code}"
                self._renamed(before, after, note)

    def _entity_in(self, entity: str, keys: set[str]) -> bool:
        return any(self.aliases.entity_of(k) == entity for k in keys)

    def _same_entity(self) -> None:
        for after in self.free_new():
            entity = after.entity
            if not entity or self.aliases.is_group(entity):
                continue
            before = next((item for item in self.free_old() if item.entity == entity), None)
            if before is not None and not self._was_former(entity, before, after):
                self._pair(before, after)  # a brand and its legal name: one partner, rewritten
            elif before is not None:
                label = self.aliases.get(entity)
                canonical = label.name if label is not None else entity
                note = (
                    f"alias: {before.first.name} -> {after.first.name} "
                    f"(config/entities.yaml: {canonical})"
                )
                self._renamed(before, after, note)

    def _was_former(self, entity: str, before: Listing, after: Listing) -> bool:
        """Whether one of the two names is a name the entity used before a rename (the alias
        file's `former`), rather than its brand or legal name."""
        found = self.aliases.get(entity)
        former = {match_key(name) for name in found.former} if found is not None else set()
        return before.key in former or after.key in former

    def _groups(self) -> None:
        for before in self.free_old():
            members = self._members(before, self.free_new())
            if members:
                names = "、".join(m.first.name for m in members)
                note = f"group {before.first.name} is now listed by its entities: {names}"
                for member in members:
                    self._renamed(before, member, note, pair_fields=False)
        for after in self.free_new():
            members = self._members(after, self.free_old())
            if members:
                names = "、".join(m.first.name for m in members)
                note = f"entities {names} are now listed under the group name {after.first.name}"
                for member in members:
                    self._renamed(member, after, note, pair_fields=False)

    def _members(self, group: Listing, candidates: Iterable[Listing]) -> list[Listing]:
        """The candidates that belong to `group`, when the alias table calls it a group."""
        if not group.entity or not self.aliases.is_group(group.entity):
            return []
        return [item for item in candidates if self.aliases.group_of(item.entity) == group.entity]

    def _renamed(
        self, before: Listing, after: Listing, note: str, *, pair_fields: bool = True
    ) -> None:
        self.paired_old.add(id(before))
        self.paired_new.add(id(after))
        if pair_fields:
            self.pairs.append((before, after, True))
        self.events.append(
            PartnerEvent(
                type=EventType.RENAMED,
                name=after.first.name,
                match_key=after.key,
                category=after.first.category,
                old=before.first.name,
                new=after.first.name,
                products=after.first.products,
                note=note,
            )
        )


def _field_events(before: Listing, after: Listing, silent: set[str]) -> list[PartnerEvent]:
    events = []
    for name in _FIELDS:
        if name in silent or before.comparable(name) == after.comparable(name):
            continue
        if name in _ALWAYS_PUBLISHED and not (before.value(name) and after.value(name)):
            continue  # not read on one side: unknown is no change
        if name == "category" and _detail_only(before, after):
            continue
        note = (
            f"{_raw_categories(before)} -> {_raw_categories(after)}" if name == "category" else ""
        )
        old, new = before.value(name), after.value(name)
        if name == "category" and old == new:  # one canonical type, relabelled as published
            old, new = before.published_categories, after.published_categories
        events.append(
            PartnerEvent(
                type=EventType.FIELD_CHANGED,
                name=after.first.name,
                match_key=after.key,
                category=after.first.category,
                field=name,
                before=old,
                after=new,
                products=after.first.products,
                note=note,
            )
        )
    return events


def _detail_only(before: Listing, after: Listing) -> bool:
    """One canonical type on both sides, published on one side as the kind of institution
    (增信服务机构) and on the other only as details of it (融资担保, 信用保证保险): the tables
    were regrouped, the category did not change. Two kinds (平台运营机构 -> 营销获客机构) or
    two details (融资担保 -> 信用保证保险) that differ are still a change."""
    if before.value("category") != after.value("category"):
        return False
    labels = [{r.category_raw for r in side.records if r.category_raw} for side in (before, after)]
    details = [all(is_detail_label(label) for label in side) for side in labels]
    return all(labels) and details[0] != details[1]


def _raw_categories(listing: Listing) -> str:
    return "、".join(dict.fromkeys(r.category_raw for r in listing.records if r.category_raw))


def _unpublished_fields(old: list[Listing], new: list[Listing]) -> set[str]:
    """Fields one side does not publish for any partner (a column added or removed). One
    partner's remark where no one had any, in a list of several, is a new remark: a blank
    备注 column was there all along."""
    silent = set()
    for name in _FIELDS:
        counts = [sum(1 for item in side if item.value(name)) for side in (old, new)]
        side = len(new) if counts[1] else len(old)
        lone = name == "remark" and max(counts) == 1 and side > 2  # (1 of 2 is half the list)
        if min(counts) == 0 and not lone:
            silent.add(name)
    return silent


def _departed(earlier: tuple[str, ...], old: list[Listing], new: list[Listing]) -> tuple[str, ...]:
    present = {item.key for item in new}
    dropped = {item.key for item in old} - present
    kept = {k for k in earlier if k not in present and match_key(k) not in present}
    return tuple(sorted(kept | dropped))


def _possibly(listing: Listing, others: list[Listing]) -> str:
    """ "possibly the same as …" for a near-identical name among the unpaired ones."""
    best, score = None, 0.0
    for other in others:
        ratio = SequenceMatcher(None, listing.key, other.key).ratio()
        if ratio > score:
            best, score = other, ratio
    if best is None or score < FUZZY_THRESHOLD:
        return ""
    return f"possibly the same as {best.first.name}"


def _same_entity_as(listing: Listing, others: list[Listing]) -> str:
    """ "same entity as …" when the alias file says another listed name is this partner."""
    if not listing.entity:
        return ""
    twin = next((o for o in others if o is not listing and o.entity == listing.entity), None)
    return f"same entity as {twin.first.name} (config/entities.yaml)" if twin else ""


def _event(kind: EventType, listing: Listing, *, note: str = "") -> PartnerEvent:
    return PartnerEvent(
        type=kind,
        name=listing.first.name,
        match_key=listing.key,
        category=listing.first.category,
        products=listing.first.products,
        note=note,
    )


def _ordered(
    events: list[PartnerEvent], new: list[Listing], old: list[Listing]
) -> list[PartnerEvent]:
    """New-list order first (added, renamed, changed), then dropped partners in old order."""
    position = {item.key: i for i, item in enumerate(new)}
    dropped_at = {item.key: len(new) + i for i, item in enumerate(old)}
    kinds = list(EventType)

    def place(event: PartnerEvent) -> tuple[int, int]:
        if event.type is EventType.DROPPED:
            return dropped_at.get(event.match_key, 10**6), kinds.index(event.type)
        return position.get(event.match_key, 10**6), kinds.index(event.type)

    return sorted(events, key=place)
