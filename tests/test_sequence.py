"""The one create-only series loop (`sequence.append_next`) behind a site's versions and a
stream's digests: a writer that loses the race for number n builds again on the winner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from archiver import archive, sequence, versioning
from archiver.adapters.memory_store import MemoryStore
from archiver.alerts.messages import digest
from archiver.alerts.messages.records import Digest, Family
from archiver.alerts.outbox import AlertRecord, Outbox
from archiver.errors import StoreError
from archiver.models import ListStatus
from archiver.partners import AliasTable

NOW = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


def draft(text: str, at: datetime = NOW) -> versioning.Draft:
    return versioning.Draft(
        site_id="s",
        captured_at=at,
        requested_url="u",
        final_url="u",
        text=text,
        content_digest=text,
        list_status=ListStatus.ABSENT,
    )


def test_a_stale_writer_builds_on_the_version_that_won() -> None:
    """Two writers start from version 1; the second one's version becomes number 3, chained
    to the winner's number 2, never a fork."""
    store = MemoryStore()
    first = versioning.write(store, draft("v1"), previous=None, aliases=AliasTable())
    stale = first.version
    versioning.write(store, draft("v2 by A"), previous=stale, aliases=AliasTable())
    with capture_logs() as logs:
        late = versioning.write(store, draft("v2 by B"), previous=stale, aliases=AliasTable())
    assert late.version is not None
    assert late.version.manifest.seq == 3
    assert late.version.manifest.previous is not None
    assert late.version.manifest.previous.seq == 2
    assert late.previous is not None and late.previous.manifest.seq == 2
    assert [e["version"] for e in logs if e["event"] == "version_race_lost"] == [2]
    assert [v.manifest.seq for v in archive.history(store, "s")] == [1, 2, 3]


def test_a_stale_writer_with_the_winners_content_writes_nothing() -> None:
    """Its capture a minute later saw what the winner wrote: after the lost race, the head
    already says the same, so nothing is written (the same bytes would count as written)."""
    store = MemoryStore()
    stale = versioning.write(store, draft("v1"), previous=None, aliases=AliasTable()).version
    won = versioning.write(store, draft("v2"), previous=stale, aliases=AliasTable()).version
    later = NOW.replace(minute=1)
    late = versioning.write(store, draft("v2", later), previous=stale, aliases=AliasTable())
    assert late.version is None
    assert late.previous == won
    assert [v.manifest.seq for v in archive.history(store, "s")] == [1, 2]


def test_a_series_that_always_loses_is_a_store_error() -> None:
    lost: list[int] = []
    with pytest.raises(StoreError, match="could not write an item after 3 races"):
        sequence.append_next(
            lambda: (7, None),
            lambda n, _: n,
            lambda _: None,
            attempts=3,
            what="an item",
            lost=lost.append,
        )
    assert lost == [8, 8, 8]


def test_nothing_to_build_writes_nothing() -> None:
    written: list[int] = []
    found = sequence.append_next(
        lambda: (1, "head"),
        lambda n, latest: None,
        lambda n: written.append(n) or n,
        attempts=3,
        what="an item",
    )
    assert found is None
    assert written == []


class RacedOutbox(Outbox):
    """Another process writes digest 1 (with one member) just before this one does."""

    def put(self, record: AlertRecord) -> bool:
        if isinstance(record, Digest) and record.number == 1:
            super().put(
                Digest(
                    id=record.id,
                    family=record.family,
                    channel=record.channel,
                    number=1,
                    members=("a",),
                    slot=record.slot,
                    created_at=record.created_at,
                )
            )
        return super().put(record)


def test_a_digest_that_loses_its_number_takes_the_next_with_what_is_left() -> None:
    outbox = RacedOutbox(MemoryStore())
    with capture_logs() as logs:
        made = digest.assemble(
            outbox,
            family=Family.PARTNER,
            channel="email",
            candidates=["a", "b", "c"],
            slot=NOW,
            now=NOW,
            due=lambda latest: True,
        )
    assert made is not None
    assert (made.number, made.members) == (2, ("b", "c"))
    assert [e["number"] for e in logs if e["event"] == "digest_race_lost"] == [1]
