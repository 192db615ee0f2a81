"""Digest modes through a real SMTP server: daily and per-run digests that group every
institution, split by who may read what, each sent once."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.alerts.alerter import Alerter
from archiver.alerts.messages.records import partner_id
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.models import Category, EventType, PartnerEvent, StoredVersion
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import SmtpSink, make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


pytestmark = pytest.mark.smtp

ZHAOLIAN = Site(
    id="zhaolian-cfc",
    name="招联消费金融",
    url="https://www.mucfc.com/",
    recipients=("watcher@example.org",),
)
XINWANG = Site(id="xinwang-bank", name="新网银行", url="https://www.xwbank.com/")


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)  # 16:00 in Asia/Shanghai

    def now(self) -> datetime:
        return self.current

    def to(self, moment: datetime) -> None:
        self.current = moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


def settings(port: int, **email: Any) -> AlertSettings:
    return AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": port, "starttls": False},
                "from": "archiver@example.org",
                "to": ["compliance@example.org"],
                **email,
            },
            "operator": {"enabled": False},
        }
    )


def alerter_for(
    config: AlertSettings, store: ObjectStore, tmp_path: Path, clock: Clock
) -> Alerter:
    return make_alerter(
        config,
        store,
        tmp_path / "state",
        {},
        clock.now,
        sites=[ZHAOLIAN, XINWANG],
        sleep=lambda s: None,
    )


def change(
    store: ObjectStore, site: Site, at: datetime, previous: StoredVersion | None = None
) -> tuple[StoredVersion, StoredVersion]:
    """A first version with one partner, then one that adds another."""
    if previous is None:
        previous = write_version(
            store, site.id, partners=(partner("甲公司"),), captured_at=at - timedelta(days=1)
        )
    names = [p.name for p in previous.manifest.partners]
    added = f"新增公司{len(names)}"
    version = write_version(
        store,
        site.id,
        partners=(*previous.manifest.partners, partner(added)),
        events=(PartnerEvent(type=EventType.ADDED, name=added, match_key=added),),
        captured_at=at,
        previous=previous,
    )
    return previous, version


def test_daily_digest_groups_institutions_and_splits_by_reader(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
) -> None:
    """One digest a day at 08:00 local: the global list sees both, a site watcher only its site."""
    alerter = alerter_for(settings(sink.port, mode="daily"), local_store, tmp_path, clock)
    for site in (ZHAOLIAN, XINWANG):
        previous, version = change(local_store, site, clock.now())
        alerter.on_version(site, version, previous)
    assert alerter.deliver_pending().sent == 0
    clock.to(datetime(2025, 10, 1, 23, 59, tzinfo=UTC))  # 07:59 local
    assert alerter.deliver_pending().sent == 0
    assert sink.messages == []
    clock.to(datetime(2025, 10, 2, 0, 1, tzinfo=UTC))  # 08:01 local
    report = alerter.deliver_pending()
    assert report.sent == 2 and len(report.digests) == 1
    received = {r.rcpt_tos: r.message for r in sink.wait_for(2)}
    everything = received[("compliance@example.org",)]
    only_zhaolian = received[("watcher@example.org",)]
    assert everything["Subject"].endswith("2 家机构，新增 2")
    assert only_zhaolian["Subject"].endswith("1 家机构，新增 1")
    body = only_zhaolian.get_body(("plain",)).get_content()
    assert "招联消费金融" in body and "新网银行" not in body
    assert everything["Message-ID"] != only_zhaolian["Message-ID"]
    clock.to(clock.now() + timedelta(hours=3))
    assert alerter.deliver_pending(force=True).sent == 0
    states = alerter.outbox.scan([""])
    assert all(s.settled for a, s in states.items() if "/partner/" in a)


def test_a_change_after_the_slot_waits_for_the_next_day(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
) -> None:
    """A version detected after today's 08:00 belongs to tomorrow's digest."""
    alerter = alerter_for(settings(sink.port, mode="daily"), local_store, tmp_path, clock)
    previous, early = change(local_store, ZHAOLIAN, datetime(2025, 10, 1, 23, 0, tzinfo=UTC))
    alerter.on_version(ZHAOLIAN, early, previous)
    clock.to(datetime(2025, 10, 2, 0, 30, tzinfo=UTC))  # 08:30 local
    _, late = change(local_store, ZHAOLIAN, clock.now() - timedelta(minutes=10), previous=early)
    alerter.on_version(ZHAOLIAN, late, early)
    report = alerter.deliver_pending()
    assert report.sent == 1  # both readers may see the same member: one message to both
    first = sink.wait_for(1)[0]
    assert first.rcpt_tos == ("compliance@example.org", "watcher@example.org")
    body = first.message.get_body(("plain",)).get_content()
    assert "检测时间：v2" in body and "v3" not in body
    clock.to(datetime(2025, 10, 2, 12, 0, tzinfo=UTC))
    assert alerter.deliver_pending().sent == 0  # not before tomorrow 08:00
    clock.to(datetime(2025, 10, 3, 0, 0, tzinfo=UTC))
    assert alerter.deliver_pending().sent == 1
    body = sink.wait_for(2)[1].message.get_body(("plain",)).get_content()
    assert "检测时间：v3" in body and "检测时间：v2" not in body


def test_run_digest_is_flushed_at_the_end_of_a_run(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
) -> None:
    """`archiver check` flushes one digest for the run; the daemon waits digest_interval."""
    config = settings(sink.port, mode="run", to=["desk@example.org"], digest_interval="1h")
    alerter = alerter_for(config, local_store, tmp_path, clock)
    versions = [change(local_store, site, clock.now()) for site in (ZHAOLIAN, XINWANG)]
    for site, (previous, version) in zip((ZHAOLIAN, XINWANG), versions, strict=True):
        alerter.on_version(site, version, previous)
    assert sink.messages == []
    made = alerter.flush_digest()
    assert len(made) == 1 and len(made[0].members) == 2
    assert alerter.deliver_pending().sent == 2  # desk sees both; the watcher its site
    # the daemon: a new change right after is held until digest_interval has passed
    clock.to(clock.now() + timedelta(minutes=5))
    _, third = change(local_store, XINWANG, clock.now(), previous=versions[1][1])
    alerter.on_version(XINWANG, third, versions[1][1])
    assert alerter.deliver_pending().sent == 0
    clock.to(clock.now() + timedelta(hours=1))
    report = alerter.deliver_pending()
    assert report.sent == 1 and len(report.digests) == 1
    assert len(sink.wait_for(3)) == 3


def test_alerts_queued_for_a_digest_still_go_out_after_the_mode_changes(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
) -> None:
    """Switching from daily to immediate does not strand what the daily digest was to carry."""
    daily = alerter_for(settings(sink.port, mode="daily"), local_store, tmp_path, clock)
    previous, version = change(local_store, XINWANG, clock.now())
    daily.on_version(XINWANG, version, previous)
    immediate = alerter_for(settings(sink.port), local_store, tmp_path, clock)
    assert immediate.deliver_pending().sent == 1
    assert sink.wait_for(1)[0].message["Subject"].endswith("1 家机构，新增 1")
    assert immediate.deliver_pending(force=True).sent == 0
    alert_id = partner_id(XINWANG.id, 2, version.manifest.captured_at)
    assert immediate.outbox.scan([""])[alert_id].settled
