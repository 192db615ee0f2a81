"""Failure paths not covered elsewhere: a queue write that fails, a spool that cannot be
written, a bug while composing, and recipients the server refuses."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from archiver.alerts.messages.records import partner_id
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.errors import StoreError
from archiver.models import Category, EventType, PartnerEvent, StoredVersion
from archiver.ports import MailReceipt, ObjectStore
from tests.support import builders
from tests.support.alerts import SmtpSink, make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


SITE = Site(id="xinwang-bank", name="新网银行", url="https://www.xwbank.com/")
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
SLEPT: list[float] = []  # quick retries inside an attempt wait here, not on the wall clock


@pytest.fixture(autouse=True)
def _no_real_sleeps() -> None:
    SLEPT.clear()


def change(store: ObjectStore) -> tuple[StoredVersion, StoredVersion]:
    first = write_version(store, SITE.id, partners=(partner("甲公司"),), captured_at=T0)
    second = write_version(
        store,
        SITE.id,
        partners=(partner("甲公司"), partner("乙公司")),
        events=(PartnerEvent(type=EventType.ADDED, name="乙公司", match_key="乙公司"),),
        captured_at=T0 + timedelta(minutes=1),
        previous=first,
    )
    return first, second


def smtp_settings(port: int, *to: str) -> AlertSettings:
    return AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": port, "starttls": False},
                "from": "archiver@example.org",
                "to": list(to) or ["compliance@example.org"],
            }
        }
    )


class RecordLosingStore:
    """A real store that refuses the first alert-record write, as an S3 outage would."""

    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner
        self.failures = 1

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        if key.endswith("/alert.json") and self.failures:
            self.failures -= 1
            raise StoreError(f"cannot write {key}: service unavailable")
        return self.inner.put(key, data, content_type=content_type, create_only=create_only)

    def get(self, key: str) -> bytes:
        return self.inner.get(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def list(self, prefix: str) -> Iterator[str]:
        return self.inner.list(prefix)

    def url(self, key: str) -> str | None:
        return self.inner.url(key)

    def describe(self) -> str:
        return self.inner.describe()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink(refuse=["gone@example.org"]) as server:
        yield server


@pytest.mark.smtp
def test_a_failed_queue_write_is_repaired_by_the_next_pass(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path
) -> None:
    """The observer logs and remembers the site; the next delivery pass reconciles and sends."""
    first, second = change(local_store)
    store = RecordLosingStore(local_store)
    alerter = make_alerter(
        smtp_settings(sink.port), store, tmp_path, {}, lambda: T0, sites=[SITE], sleep=SLEPT.append
    )
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)  # must not raise into the pipeline
    assert [e["event"] for e in logs if e["log_level"] == "warning"] == ["alert_queue_failed"]
    assert sink.messages == []
    with capture_logs() as logs:
        report = alerter.deliver_pending()
    assert report.sent == 1
    assert any(e["event"] == "alert_reconciled" for e in logs)
    assert len(sink.wait_for(1)) == 1


@pytest.mark.smtp
def test_refused_recipients_are_counted_and_the_rest_delivered(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path
) -> None:
    """One refused address does not hold back the others, and is not retried."""
    settings = smtp_settings(sink.port, "a@example.org", "gone@example.org")
    alerter = make_alerter(
        settings, local_store, tmp_path, {}, lambda: T0, sites=[SITE], sleep=SLEPT.append
    )
    first, second = change(local_store)
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)
    assert sink.wait_for(1)[0].rcpt_tos == ("a@example.org",)
    refused = [e for e in logs if e["event"] == "alert_recipients_refused"]
    assert refused[0]["refused"] == ["gone@example.org"]
    receipt = alerter.outbox.read_receipt(
        partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
    )
    assert (receipt.recipients, receipt.refused) == (1, 1)


@pytest.mark.smtp
def test_every_recipient_refused_is_a_permanent_failure(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path
) -> None:
    """Nobody accepted: the alert stays owed and waits the longest back-off."""
    settings = smtp_settings(sink.port, "gone@example.org")
    alerter = make_alerter(
        settings, local_store, tmp_path, {}, lambda: T0, sites=[SITE], sleep=SLEPT.append
    )
    first, second = change(local_store)
    alerter.on_version(SITE, second, first)
    assert sink.messages == []
    failure = alerter.outbox.read_failure(
        partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
    )
    assert "refused every recipient" in failure.error and not failure.transient
    assert failure.retry_at == T0 + timedelta(hours=1)


def test_a_spool_that_cannot_be_written_keeps_the_alert(
    local_store: ObjectStore, tmp_path: Path
) -> None:
    """A state directory that is a file: the .eml write fails and is retried later."""
    blocked = tmp_path / "state"
    blocked.write_text("not a directory")
    alerter = make_alerter(
        AlertSettings(), local_store, blocked, {}, lambda: T0, sites=[SITE], sleep=SLEPT.append
    )
    first, second = change(local_store)
    alerter.on_version(SITE, second, first)
    failure = alerter.outbox.read_failure(
        partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
    )
    assert failure.transient and "cannot write" in failure.error
    assert SLEPT == [2.0]  # one quick retry, not slept for real


@pytest.mark.smtp
def test_a_site_nobody_reads_is_settled_with_a_note(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path
) -> None:
    """SMTP configured but no recipient for the site: nothing sent, logged, not retried."""
    settings = AlertSettings.model_validate(
        {"email": {"smtp": {"host": "127.0.0.1", "port": sink.port, "starttls": False}}}
    )
    alerter = make_alerter(settings, local_store, tmp_path, {}, lambda: T0, sites=[SITE])
    first, second = change(local_store)
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)
    assert any(e["event"] == "alert_no_recipients" for e in logs)
    alert_id = partner_id(SITE.id, 2, second.manifest.captured_at)
    assert alerter.outbox.read_receipt(alert_id, "email", 1).note == "no recipients configured"
    assert alerter.deliver_pending(force=True).attempts == ()
    assert sink.messages == []


class BrokenTransport:
    """A mail transport with a bug (not a library error): it raises something unexpected."""

    name = "broken"

    def describe(self) -> str:
        return "broken"

    def send(
        self, data: bytes, *, sender: str, recipients: Sequence[str], message_id: str
    ) -> MailReceipt:
        raise KeyError("a bug")


def test_an_unexpected_error_is_recorded_not_left_as_an_open_claim(
    local_store: ObjectStore, tmp_path: Path
) -> None:
    """A bug while sending fails the attempt, with its traceback logged; no lease to wait out."""
    alerter = make_alerter(
        AlertSettings.model_validate({"email": {"to": ["a@example.org"]}}),
        local_store,
        tmp_path,
        {},
        lambda: T0,
        sites=[SITE],
        mail=BrokenTransport(),
        sleep=SLEPT.append,
    )
    first, second = change(local_store)
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)
    assert any(e["event"] == "alert_compose_failed" for e in logs)
    unit = alerter.outbox.unit(partner_id(SITE.id, 2, second.manifest.captured_at), "email")
    assert unit.failed == {1} and unit.open_attempt is None
