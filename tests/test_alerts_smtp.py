"""Partner alerts through a real SMTP server (aiosmtpd on 127.0.0.1): content, encoding,
exactly-once delivery across restarts and processes, retries, TLS and authentication."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from archiver.alerts.alerter import Alerter
from archiver.alerts.messages import changes
from archiver.alerts.messages.records import Destination, partner_id
from archiver.alerts.queue.objects import Claim
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.errors import ConfigError, StoreError
from archiver.models import Category, EventType, PartnerEvent, StoredVersion
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import (
    SmtpSink,
    free_port,
    make_alerter,
    self_signed_certificate,
    server_context,
    write_version,
)

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


pytestmark = pytest.mark.smtp

SITE = Site(
    id="zhaolian-cfc",
    name="招联消费金融",
    url="https://www.mucfc.com/news/?module=module3",
    recipients=("site-watcher@example.org",),
    groups=("cfc",),
)
BEFORE = (
    partner("上海淇毓信息科技有限公司", products=("360借条",)),
    partner(
        "陕西昊悦融资担保有限公司",
        category=Category.CREDIT_ENHANCEMENT,
        category_raw="增信服务机构",
    ),
)
AFTER = (
    partner("上海淇毓信息科技有限公司", products=("360借条",)),
    partner("蚂蚁智信（杭州）信息技术有限公司", products=("借呗",)),
    partner("深圳市分期乐网络科技有限公司", products=("分期乐",)),
)
EVENTS = (
    PartnerEvent(type=EventType.ADDED, name=AFTER[1].name, match_key=AFTER[1].match_key),
    PartnerEvent(type=EventType.ADDED, name=AFTER[2].name, match_key=AFTER[2].match_key),
    PartnerEvent(type=EventType.DROPPED, name=BEFORE[1].name, match_key=BEFORE[1].match_key),
)
SUBJECT = "[招联消费金融] 助贷合作机构名单变更：新增 2，移除 1"


class Clock:
    """Fake time for the alerter; sleeps are recorded, not slept."""

    def __init__(self) -> None:
        self.current = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def settings_for(port: int, **smtp: Any) -> AlertSettings:
    """Alert settings that send to 127.0.0.1:port; `smtp` overrides the SMTP keys."""
    return AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": port, "starttls": False, **smtp},
                "from": "助贷名单监测 <archiver@example.org>",
                "to": ["compliance@example.org"],
            },
            "groups": {"cfc": ["cfc-desk@example.org", "Compliance@Example.org"]},
        }
    )


def smtp_alerter(  # noqa: PLR0917 - a test helper read at the call site
    settings: AlertSettings,
    store: ObjectStore,
    tmp_path: Path,
    clock: Clock,
    environ: Mapping[str, str] | None = None,
    worker: str = "test-worker",
) -> Alerter:

    return make_alerter(
        settings,
        store,
        tmp_path / "state",
        environ or {},
        clock.now,
        sites=[SITE],
        sleep=clock.sleep,
        worker=worker,
    )


def two_versions(store: ObjectStore, clock: Clock) -> tuple[StoredVersion, StoredVersion]:
    first = write_version(
        store, SITE.id, partners=BEFORE, captured_at=clock.now() - timedelta(days=30), url=SITE.url
    )
    second = write_version(
        store,
        SITE.id,
        partners=AFTER,
        events=EVENTS,
        captured_at=clock.now() - timedelta(minutes=1),
        previous=first,
        url=SITE.url,
    )
    return first, second


class TestContent:
    """What one partner alert looks like on the wire."""

    def test_one_message_per_event_set_with_encoded_chinese(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """A version with events gives exactly one message; one without events gives none."""
        alerter = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
        first, second = two_versions(local_store, clock)
        alerter.on_version(SITE, first, None)
        alerter.on_version(SITE, second, first)
        alerter.deliver_pending()
        received = sink.wait_for(1)
        assert len(received) == 1
        raw = received[0].data
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert b"=?utf-8?" in head  # RFC 2047: no raw UTF-8 in headers
        assert max(head) < 128
        message = received[0].message
        assert message["Subject"] == SUBJECT
        assert message["Message-ID"] == (
            "<2025-10.partner.zhaolian-cfc.00000002.email@example.org>"
        )
        assert message["X-Archiver-Alert"] == partner_id(SITE.id, 2, second.manifest.captured_at)
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["From"].addresses[0].display_name == "助贷名单监测"
        assert received[0].rcpt_tos == (
            "compliance@example.org",
            "site-watcher@example.org",
            "cfc-desk@example.org",
        )
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for body in (text, html):
            assert "蚂蚁智信（杭州）信息技术有限公司" in body
            assert "陕西昊悦融资担保有限公司" in body
            assert "借呗" in body
            assert "增信服务机构" in body  # the dropped partner keeps its category
            assert second.digest in body and second.manifest.content_digest in body
            assert first.digest in body
            assert "2025-10-01 15:59 (UTC+08:00)" in body  # detected, in Asia/Shanghai
            assert "2025-09-01 16:00 (UTC+08:00)" in body  # previous version captured
            assert SITE.url in body
        assert "public/sites/zhaolian-cfc/v2.html" in text
        assert "<style" not in html and "<table" in html

    def test_recipients_can_be_hidden(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """hide_recipients keeps the addresses in the envelope only."""
        base = settings_for(sink.port)
        settings = base.model_copy(
            update={"email": base.email.model_copy(update={"hide_recipients": True})}
        )
        alerter = smtp_alerter(settings, local_store, tmp_path, clock)
        first, second = two_versions(local_store, clock)
        alerter.on_version(SITE, second, first)
        received = sink.wait_for(1)[0]
        assert "undisclosed-recipients" in str(received.message["To"])
        assert b"compliance@example.org" not in received.data
        assert len(received.rcpt_tos) == 3


class TestExactlyOnce:
    """Restarts, replays and a second process never send a message twice."""

    def test_nothing_sent_twice_after_a_restart(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """A new process on the same outbox finds nothing owed, even if the pipeline replays."""
        first, second = two_versions(local_store, clock)
        smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock).on_version(
            SITE, second, first
        )
        assert len(sink.wait_for(1)) == 1
        restarted = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
        assert restarted.reconcile() == 0
        restarted.on_version(SITE, second, first)
        report = restarted.deliver_pending()
        clock.advance(86400)
        report2 = restarted.deliver_pending(force=True)
        assert report.sent == report2.sent == 0
        assert len(sink.messages) == 1

    def test_two_processes_on_one_bucket_send_once(
        self, sink: SmtpSink, s3_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """Two alerters sharing an S3 bucket observe the same version at once: one message."""
        first, second = two_versions(s3_store, clock)
        alerters = [
            smtp_alerter(
                settings_for(sink.port), s3_store, tmp_path / str(i), clock, worker=f"w{i}"
            )
            for i in range(2)
        ]
        barrier = threading.Barrier(2)

        def observe(alerter: Alerter) -> None:
            barrier.wait()
            alerter.on_version(SITE, second, first)
            alerter.deliver_pending()

        threads = [threading.Thread(target=observe, args=(a,)) for a in alerters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for alerter in alerters:
            alerter.deliver_pending(force=True)
        assert len(sink.wait_for(1)) == 1

    def test_a_crashed_claim_is_retried_after_its_lease(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """A sender that died after claiming blocks others only until its lease ends."""
        first, second = two_versions(local_store, clock)
        alerter = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
        alert_id = partner_id(SITE.id, 2, second.manifest.captured_at)
        alerter.outbox.put(
            changes.partner_alert(
                SITE, second, first, channels=[Destination(name="email")], queued_at=clock.now()
            )
        )
        crashed = Claim(
            by="dead-worker",
            claimed_at=clock.now(),
            lease_until=clock.now() + timedelta(minutes=10),
        )
        assert alerter.outbox.claim(alert_id, "email", 1, crashed)
        assert alerter.deliver_pending().sent == 0
        assert sink.messages == []
        clock.advance(601)
        with capture_logs() as logs:
            assert alerter.deliver_pending().sent == 1
        assert any(e["event"] == "alert_claim_expired" for e in logs)
        assert len(sink.wait_for(1)) == 1
        assert alerter.outbox.unit(alert_id, "email").sent == {2}

    def test_a_crash_between_ack_and_receipt_resends_with_the_same_message_id(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """The documented limit: a lost receipt means a second copy, with the same Message-ID."""
        first, second = two_versions(local_store, clock)
        failing = ReceiptLosingStore(local_store)
        with capture_logs() as logs:
            smtp_alerter(settings_for(sink.port), failing, tmp_path, clock).on_version(
                SITE, second, first
            )
        assert any(e["event"] == "alert_delivery_pass_failed" for e in logs)
        assert len(sink.wait_for(1)) == 1
        restarted = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
        assert restarted.deliver_pending().sent == 0  # the lease still holds
        clock.advance(601)
        assert restarted.deliver_pending().sent == 1
        copies = sink.wait_for(2)
        assert len(copies) == 2
        assert copies[0].message["Message-ID"] == copies[1].message["Message-ID"]
        assert restarted.deliver_pending(force=True).sent == 0


class ReceiptLosingStore:
    """A real store whose first delivery receipt write fails, as if the process died there."""

    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner
        self.lost = False

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        if key.endswith(".sent.json") and not self.lost:
            self.lost = True
            raise StoreError(f"cannot write {key}: simulated crash")
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


class TestRetries:
    """An SMTP outage delays alerts; it never loses them."""

    def test_retries_while_the_server_is_down_and_delivers_when_it_is_back(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """Attempts back off (60 s, 120 s, ...) and the message goes out once the server is up."""
        port = free_port()
        first, second = two_versions(local_store, clock)
        alerter = smtp_alerter(settings_for(port), local_store, tmp_path, clock)
        alert_id = partner_id(SITE.id, 2, second.manifest.captured_at)
        with capture_logs() as logs:
            alerter.on_version(SITE, second, first)
        failed = [e for e in logs if e["event"] == "alert_failed"]
        assert len(failed) == 1
        assert failed[0]["site"] == SITE.id and failed[0]["version"] == 2
        assert "cannot reach 127.0.0.1" in failed[0]["error"]
        assert clock.slept == [2.0]  # one quick retry inside the attempt, not slept for real
        failure = alerter.outbox.read_failure(alert_id, "email", 1)
        assert failure.transient and failure.retry_at == clock.now() + timedelta(seconds=60)
        assert alerter.deliver_pending().attempts == ()  # backing off, transport marked down
        clock.advance(61)
        report = alerter.deliver_pending()
        assert report.failed == 1
        failure = alerter.outbox.read_failure(alert_id, "email", 2)
        assert failure.retry_at == clock.now() + timedelta(seconds=120)
        with SmtpSink(port=port) as sink:
            clock.advance(60)
            assert alerter.deliver_pending().sent == 0  # still waiting for the 120 s
            clock.advance(61)
            assert alerter.deliver_pending().sent == 1
            assert len(sink.wait_for(1)) == 1
            clock.advance(3600)
            assert alerter.deliver_pending(force=True).sent == 0
        assert alerter.outbox.unit(alert_id, "email").sent == {3}

    def test_a_temporary_refusal_is_retried_within_the_attempt(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """451 on the first DATA, accepted on the second: one attempt, one message."""
        with SmtpSink(answer=lambda n: "451 4.3.0 try again later" if n == 1 else None) as sink:
            first, second = two_versions(local_store, clock)
            alerter = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
            alerter.on_version(SITE, second, first)
            assert len(sink.wait_for(1)) == 1
            assert sink.data_commands == 2
        assert clock.slept == [2.0]
        alert_id = partner_id(SITE.id, 2, second.manifest.captured_at)
        assert alerter.outbox.unit(alert_id, "email").sent == {1}

    def test_a_permanent_refusal_waits_the_longest(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """554 is not retried at once: the next attempt waits retry.max."""
        with SmtpSink(answer=lambda n: "554 5.7.1 rejected") as sink:
            first, second = two_versions(local_store, clock)
            alerter = smtp_alerter(settings_for(sink.port), local_store, tmp_path, clock)
            alerter.on_version(SITE, second, first)
            assert sink.data_commands == 1
        alert_id = partner_id(SITE.id, 2, second.manifest.captured_at)
        failure = alerter.outbox.read_failure(alert_id, "email", 1)
        assert not failure.transient
        assert failure.retry_at == clock.now() + timedelta(hours=1)
        assert "554" in failure.error


class TestTransportSecurity:
    """STARTTLS, implicit TLS and credentials from the environment."""

    @pytest.fixture
    def certificate(self, tmp_path: Path) -> tuple[Path, Path]:
        return self_signed_certificate(tmp_path / "tls")

    def test_starttls_with_login(
        self,
        certificate: tuple[Path, Path],
        local_store: ObjectStore,
        tmp_path: Path,
        clock: Clock,
    ) -> None:
        """The password comes from ARCHIVER_SMTP_PASSWORD, only over TLS."""
        cert, key = certificate
        context = server_context(cert, key)
        with SmtpSink(tls=context, users={"archiver": "s3cret"}) as sink:
            settings = settings_for(sink.port, starttls=True, username="archiver", ca_file=cert)
            alerter = smtp_alerter(
                settings, local_store, tmp_path, clock, {"ARCHIVER_SMTP_PASSWORD": "s3cret"}
            )
            first, second = two_versions(local_store, clock)
            alerter.on_version(SITE, second, first)
            received = sink.wait_for(1)
        assert len(received) == 1
        assert received[0].authenticated_as == "archiver"
        assert received[0].message["Subject"] == SUBJECT

    def test_implicit_tls(
        self,
        certificate: tuple[Path, Path],
        local_store: ObjectStore,
        tmp_path: Path,
        clock: Clock,
    ) -> None:
        """tls: true speaks TLS from the first byte (port 465 style)."""
        cert, key = certificate
        with SmtpSink(tls=server_context(cert, key), implicit_tls=True) as sink:
            settings = AlertSettings.model_validate(
                {
                    "email": {
                        "smtp": {
                            "host": "127.0.0.1",
                            "port": sink.port,
                            "tls": True,
                            "ca_file": str(cert),
                        },
                        "from": "archiver@example.org",
                        "to": ["compliance@example.org"],
                    }
                }
            )
            alerter = smtp_alerter(settings, local_store, tmp_path, clock)
            first, second = two_versions(local_store, clock)
            alerter.on_version(SITE, second, first)
            assert len(sink.wait_for(1)) == 1

    def test_an_untrusted_certificate_is_refused(
        self,
        certificate: tuple[Path, Path],
        local_store: ObjectStore,
        tmp_path: Path,
        clock: Clock,
    ) -> None:
        """Without ca_file the self-signed server is not trusted: nothing is sent."""
        cert, key = certificate
        with SmtpSink(tls=server_context(cert, key)) as sink:
            alerter = smtp_alerter(
                settings_for(sink.port, starttls=True), local_store, tmp_path, clock
            )
            first, second = two_versions(local_store, clock)
            alerter.on_version(SITE, second, first)
            assert sink.messages == []
        failure = alerter.outbox.read_failure(
            partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
        )
        assert "certificate" in failure.error and not failure.transient

    def test_a_wrong_password_is_a_permanent_failure(
        self,
        certificate: tuple[Path, Path],
        local_store: ObjectStore,
        tmp_path: Path,
        clock: Clock,
    ) -> None:
        """535 from AUTH is recorded, not retried at once, and never shows the password."""
        cert, key = certificate
        with SmtpSink(tls=server_context(cert, key), users={"archiver": "right"}) as sink:
            settings = settings_for(sink.port, starttls=True, username="archiver", ca_file=cert)
            alerter = smtp_alerter(
                settings, local_store, tmp_path, clock, {"ARCHIVER_SMTP_PASSWORD": "wrong"}
            )
            first, second = two_versions(local_store, clock)
            with capture_logs() as logs:
                alerter.on_version(SITE, second, first)
            assert sink.messages == []
        failure = alerter.outbox.read_failure(
            partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
        )
        assert "refused the login" in failure.error and not failure.transient
        assert "wrong" not in repr(logs) and "wrong" not in failure.error

    def test_starttls_that_the_server_does_not_offer_is_not_skipped(
        self, sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """starttls: true never falls back to clear text."""
        alerter = smtp_alerter(
            settings_for(sink.port, starttls=True), local_store, tmp_path, clock
        )
        first, second = two_versions(local_store, clock)
        alerter.on_version(SITE, second, first)
        assert sink.messages == []
        failure = alerter.outbox.read_failure(
            partner_id(SITE.id, 2, second.manifest.captured_at), "email", 1
        )
        assert "STARTTLS" in failure.error

    def test_a_username_without_a_password_is_a_configuration_error(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """The problem is reported when the alerter is built, not at the first alert."""
        settings = settings_for(free_port(), username="archiver")
        with pytest.raises(ConfigError, match="ARCHIVER_SMTP_PASSWORD"):
            smtp_alerter(settings, local_store, tmp_path, clock)
