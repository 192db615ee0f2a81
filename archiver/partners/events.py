"""Partner events between the previous version and a new list. Pure.

Partners are compared as *listings*: every record with one identity (match key, agreeing
region qualifier) folded together, so a partner shown under two categories, in two tables
or twice is still one partner. Pairing, in order:

1. same match key                           -> field_changed events, if any field differs
2. a (原…) / 已更名为 marker names the old    -> renamed (note quotes the marker)
3. the alias file says both are one entity  -> renamed (note: "alias: old -> new") when one
   is a `former` name; a brand and its legal name ("美团" / its legal name) are one partner
   written two ways: paired, no event
4. a company and its branch, one in place of the other ("甲保险有限公司" -> "甲保险有限公司
   上海分公司"): a branch is no legal person of its own, so the same partner -> renamed
5. a group name and its member entities     -> renamed, one event per member entity
   (抖音 -> 深圳智领星辰…, 深圳智领皓海…: each member "renamed" from 抖音, with a note naming
   all members, so nobody reads "抖音 dropped" plus two unknown partners "added")
6. the rest: added, readded (its key was ever dropped before: Manifest.departed), dropped.
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

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from archiver.models import EventType, Manifest, Partner, PartnerEvent
from archiver.partners.aliases import AliasTable
from archiver.partners.categories import is_detail_label
from archiver.partners.listings import Listing, listings
from archiver.partners.names import (
    clean_text,
    is_branch_of,
    legal_form,
    legal_kind,
    match_key,
    qualifiers_agree,
)
from archiver.partners.records import reread

FUZZY_THRESHOLD = 0.8
_FIELDS = ("category", "products", "period", "hotline", "remark")
# Fields every listed partner has once its row is read whole: blank on one side means the
# row was not read whole there (a cell wrapped in a PDF), never that the field was removed.
_ALWAYS_PUBLISHED = frozenset({"category", "products"})


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
        formerly = [
            n for r in listing.records for n in r.former_names if match_key(n) in ever_departed
        ]
        kind = EventType.READDED if listing.key in ever_departed or formerly else EventType.ADDED
        notes = [_possibly(listing, unpaired_old), _same_entity_as(listing, new)]
        if kind is EventType.READDED:  # (back under a new name: "乙（原甲）" after 甲 was dropped)
            under = f" as {'、'.join(dict.fromkeys(formerly))}" if formerly else ""
            notes.insert(0, f"was dropped from an earlier version{under}")
        note = "; ".join(filter(None, notes))
        events.append(_event(kind, listing, note=note))
    unpaired_new = pairing.free_new()
    for listing in unpaired_old:
        if not listing.ended:
            note = _possibly(listing, unpaired_new)
            events.append(_event(EventType.DROPPED, listing, note=note))
    return tuple(_ordered(events, new, old)), departed


def _reformed(before: Listing, after: Listing) -> bool:
    """Whether two names of one key end in different legal forms (有限责任公司 -> 股份有限公司,
    or 有限公司 -> 有限责任公司: one kind written long)."""
    was, now = legal_form(before.first.name), legal_form(after.first.name)
    return bool(was and now and was != now)


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
        self._branches()
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
        reformed: list[tuple[Listing, Listing]] = []
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
            elif before is not None and _reformed(before, after):
                reformed.append((before, after))
            elif before is not None:
                self._pair(before, after)
        # One company converted (有限责任公司 -> 股份有限公司): its registered name changed,
        # renamed. Several forms rewritten at once is the list typed again from another
        # source (DOMAIN.md: the forms drift between sources): no event.
        for before, after in reformed:
            was, now = legal_kind(before.first.name), legal_kind(after.first.name)
            if len(reformed) == 1 and was and now and was != now:
                self._renamed(before, after, f"legal form changed ({was} -> {now})")
            else:
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

    def _branches(self) -> None:
        """A company replaced by one of its branches, or a branch by its company, alone of
        the names that went and came: the same legal person, renamed."""
        gone, came = self.free_old(), self.free_new()
        for after in came:
            heads = [before for before in gone if _branch_pair(before, after)]
            if len(heads) == 1 and sum(_branch_pair(heads[0], other) for other in came) == 1:
                gone.remove(heads[0])
                note = "a company and its branch: one legal person"
                self._renamed(heads[0], after, note)

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


def _branch_pair(one: Listing, other: Listing) -> bool:
    return is_branch_of(one.first.name, other.first.name)


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
