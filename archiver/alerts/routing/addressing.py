"""Who receives what: recipients of a site, and how a digest splits among readers. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr

from archiver.alerts.settings import AlertSettings
from archiver.config import Site


def unique(addresses: Iterable[str]) -> tuple[str, ...]:
    """Addresses in first-seen order, without case-insensitive duplicates.

    >>> unique(["a@x.org", "A <A@X.org>", "b@x.org"])
    ('a@x.org', 'b@x.org')
    """
    seen: set[str] = set()
    kept = []
    for address in addresses:
        key = parseaddr(address)[1].lower()
        if key and key not in seen:
            seen.add(key)
            kept.append(address)
    return tuple(kept)


def recipients(alerts: AlertSettings, site: Site | None) -> tuple[str, ...]:
    """Partner-alert recipients of a site: the global list, the site's own, its groups'."""
    found = list(alerts.email.to)
    if site is not None:
        found.extend(site.recipients)
        for group in site.groups:
            found.extend(alerts.groups.get(group, ()))
    return unique(found)


def operator_recipients(alerts: AlertSettings) -> tuple[str, ...]:
    """Operator-alert recipients: `operator.to`, else the global list."""
    return unique(alerts.operator.to or alerts.email.to)


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a digest: the members some readers may see, and those readers."""

    unit: str
    members: tuple[str, ...]
    recipients: tuple[str, ...]


def part_unit(members: Iterable[str]) -> str:
    """A unit name that identifies a set of members.

    >>> part_unit(["b", "a"]) == part_unit(["a", "b"])
    True
    """
    joined = "\n".join(sorted(members))
    return "email-" + hashlib.sha256(joined.encode()).hexdigest()[:10]


def split(members: Mapping[str, tuple[str, ...]], *, one_part: bool = False) -> list[Part]:
    """Group readers who may see the same members into one message each.

    `members` maps an alert id to the addresses allowed to see it. With `one_part` (a spool,
    which has no readers to tell apart) every member goes into a single message.

    >>> [(p.members, p.recipients) for p in split({"s1": ("a@x", "b@x"), "s2": ("a@x",)})]
    [(('s1', 's2'), ('a@x',)), (('s1',), ('b@x',))]
    """
    if one_part:
        everyone = unique(a for addresses in members.values() for a in addresses)
        ids = tuple(sorted(members))
        return [Part(part_unit(ids), ids, everyone)] if ids else []
    seen_by: dict[str, tuple[str, set[str]]] = {}
    for alert_id, addresses in members.items():
        for address in addresses:
            key = parseaddr(address)[1].lower()
            seen_by.setdefault(key, (address, set()))[1].add(alert_id)
    groups: dict[tuple[str, ...], list[str]] = {}
    for address, seen in seen_by.values():
        groups.setdefault(tuple(sorted(seen)), []).append(address)
    return [
        Part(part_unit(ids), ids, tuple(addresses))
        for ids, addresses in sorted(groups.items(), key=lambda item: (-len(item[0]), item[0]))
    ]
