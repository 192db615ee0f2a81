"""The outbox on real stores (a directory and an S3 API server): create-only records,
exclusive claims, state read from key names, and digests that never share a member."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from archiver.alerts.messages import digest
from archiver.alerts.messages.records import Destination, Digest, Family, Notice, partner_id
from archiver.alerts.outbox import Outbox
from archiver.alerts.queue.delivery import Delivered, Sender
from archiver.alerts.queue.objects import Claim, Failure, Receipt, UnitState
from archiver.alerts.settings import Problem, RetrySettings
from archiver.ports import ObjectStore

AT = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["local_store", "s3_store"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Each test runs on a local directory and on the S3 API server."""
    chosen: ObjectStore = request.getfixturevalue(request.param)
    return chosen


def notice(alert_id: str, *, batched: bool = True) -> Notice:
    return Notice(
        id=alert_id,
        site_id=alert_id.split("/")[2],
        site_name="站点",
        page_url="https://example.org/",
        problem=Problem.FAILING,
        channels=(Destination(name="email", batched=batched),),
        queued_at=AT,
    )


def claim(by: str) -> Claim:
    return Claim(by=by, claimed_at=AT, lease_until=AT + timedelta(minutes=10))


def test_a_record_is_written_once(store: ObjectStore) -> None:
    """Queueing the same id twice leaves the first record; the second writer learns so."""
    outbox = Outbox(store)
    first = notice("2025-10/operator/site-a/failing/1")
    assert outbox.put(first)
    assert not outbox.put(notice("2025-10/operator/site-a/failing/1", batched=False))
    assert Outbox(store).record(first.id) == first


def test_state_comes_from_key_names(store: ObjectStore) -> None:
    """Claims, results and resend requests are visible in one listing."""
    outbox = Outbox(store)
    alert_id = partner_id("site-a", 2, AT)
    outbox.put(notice(alert_id))
    assert outbox.claim(alert_id, "email", 1, claim("w1"))
    failure = Failure(at=AT, error="down", transient=True, retry_at=AT + timedelta(seconds=60))
    outbox.failed(alert_id, "email", 1, failure)
    assert outbox.claim(alert_id, "email", 2, claim("w1"))
    unit = outbox.unit(alert_id, "email")
    assert unit.pending and unit.open_attempt == 2 and unit.failed == {1}
    outbox.sent(alert_id, "email", 2, Receipt(at=AT, message_id="<m>", duration_s=0.1))
    unit = outbox.unit(alert_id, "email")
    assert not unit.pending and unit.open_attempt is None and unit.sent == {2}
    assert outbox.request_resend(alert_id, "email", claim("cli")) == 1
    assert outbox.request_resend(alert_id, "email", claim("cli")) == 2
    unit = outbox.unit(alert_id, "email")
    assert unit.required == 3 and unit.pending
    assert Outbox(store).read_failure(alert_id, "email", 1) == failure


def test_only_one_of_many_racing_claims_wins(store: ObjectStore) -> None:
    """Eight threads claim the same attempt at once: exactly one succeeds."""
    outbox = Outbox(store)
    alert_id = partner_id("site-a", 3, AT)
    barrier = threading.Barrier(8)
    wins: list[str] = []

    def race(name: str) -> None:
        barrier.wait()
        if Outbox(store).claim(alert_id, "email", 1, claim(name)):
            wins.append(name)

    threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    assert outbox.read_claim(alert_id, "email", 1).by == wins[0]


def test_concurrent_digests_never_share_a_member(store: ObjectStore) -> None:
    """Processes assembling the same stream at once split the members between digests."""
    ids = [f"2025-10/operator/site-{i}/failing/1" for i in range(12)]
    outbox = Outbox(store)
    for alert_id in ids:
        outbox.put(notice(alert_id))
    barrier = threading.Barrier(4)
    made: list[str] = []

    def assemble(offset: int) -> None:
        own = Outbox(store)
        barrier.wait()
        for _ in range(3):
            record = digest.assemble(
                own,
                family=Family.OPERATOR,
                channel="email",
                candidates=ids[offset : offset + 8],
                slot=AT,
                now=AT,
                due=lambda latest: True,
            )
            if record is not None:
                made.append(record.id)

    threads = [threading.Thread(target=assemble, args=(i,)) for i in (0, 2, 4, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = outbox.digest_numbers("operator.email")
    assert numbers == list(range(1, len(numbers) + 1))
    seen: list[str] = []
    for number in numbers:
        record = outbox.record(f"digests/operator.email/{number:08d}")
        assert isinstance(record, Digest)
        seen.extend(record.members)
    assert sorted(seen) == sorted(set(seen))  # nobody twice
    assert set(seen) == set(ids)  # nobody lost
    assert digest.covered(outbox, "operator.email") == set(ids)


def test_a_digest_is_not_assembled_when_not_due(store: ObjectStore) -> None:
    """The `due` test sees the newest digest and can refuse."""
    outbox = Outbox(store)
    outbox.put(notice("2025-10/operator/site-a/failing/1"))

    def attempt(due: Callable[[Digest | None], bool]) -> Digest | None:
        return digest.assemble(
            outbox,
            family=Family.OPERATOR,
            channel="email",
            candidates=["2025-10/operator/site-a/failing/1"],
            slot=AT,
            now=AT,
            due=due,
        )

    assert attempt(lambda latest: latest is not None) is None
    first = attempt(lambda latest: latest is None)
    assert first is not None and first.number == 1
    assert attempt(lambda latest: True) is None  # nothing left that is not covered


def test_two_senders_with_one_name_and_clock_send_once(store: ObjectStore) -> None:
    """Claims never repeat their bytes, so a create-only write that reads back identical bytes
    as written cannot hand one attempt to two senders (same worker name, same fixed clock)."""
    alert_id = partner_id("site-a", 4, AT)
    sent: list[str] = []

    def send() -> Delivered:
        sent.append("mail")
        return Delivered(message_id="<m@example.org>")

    stale = UnitState()  # both read the state before either claimed
    for _ in range(2):
        sender = Sender(Outbox(store), retry=RetrySettings(), now=lambda: AT, worker="same")
        sender.deliver(alert_id, "email", stale, send)
    assert sent == ["mail"]
