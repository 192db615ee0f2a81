"""`archiver outbox list | show | resend | flush` against a real outbox and SMTP server."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archiver.alerts.alerter import Alerter
from archiver.alerts.cli import outbox_group
from archiver.alerts.messages.records import partner_id
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.models import Category, EventType, PartnerEvent, StoredVersion
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import SmtpSink, free_port, make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


pytestmark = pytest.mark.smtp

SITE = Site(id="xinwang-bank", name="新网银行", url="https://www.xwbank.com/")
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


class World:
    """One store, one clock and one SMTP port shared by every command of a test."""

    def __init__(self, store: ObjectStore, tmp_path: Path, port: int) -> None:
        self.store = store
        self.tmp_path = tmp_path
        self.port = port
        self.now = T0

    def alerter(self) -> Alerter:
        settings = AlertSettings.model_validate(
            {
                "email": {
                    "smtp": {"host": "127.0.0.1", "port": self.port, "starttls": False},
                    "from": "archiver@example.org",
                    "to": ["compliance@example.org"],
                }
            }
        )
        return make_alerter(
            settings,
            self.store,
            self.tmp_path / "var",
            {},
            lambda: self.now,
            sites=[SITE],
            sleep=lambda s: None,
        )

    def run(self, *args: str) -> click.testing.Result:
        group = outbox_group(lambda ctx: self.alerter())
        return CliRunner().invoke(group, list(args), catch_exceptions=False)


def change(store: ObjectStore) -> tuple[StoredVersion, StoredVersion]:
    first = write_version(store, SITE.id, partners=(partner("甲公司"),), captured_at=T0)
    second = write_version(
        store,
        SITE.id,
        partners=(),
        events=(PartnerEvent(type=EventType.DROPPED, name="甲公司", match_key="甲公司"),),
        captured_at=T0 + timedelta(minutes=5),
        previous=first,
    )
    return first, second


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def world(local_store: ObjectStore, tmp_path: Path, port: int) -> World:
    return World(local_store, tmp_path, port)


@pytest.fixture
def alert_id(world: World) -> str:
    """A partner alert that failed once because the SMTP server was down."""
    first, second = change(world.store)
    world.alerter().on_version(SITE, second, first)
    return partner_id(SITE.id, 2, second.manifest.captured_at)


def test_list_shows_what_is_owed_and_why(world: World, alert_id: str) -> None:
    """The failed alert is listed with its retry time and error; --json is stable."""
    result = world.run("list")
    assert result.exit_code == 0
    assert alert_id in result.output
    assert "[新网银行] 助贷合作机构名单变更：移除 1" in result.output
    assert "email: retrying at 2025-10-01 16:01 (UTC+08:00)" in result.output
    assert "cannot reach 127.0.0.1" in result.output
    rows = [json.loads(line) for line in world.run("list", "--json").output.splitlines()]
    assert rows[0]["id"] == alert_id and rows[0]["pending"] is True
    assert rows[0]["units"][0]["state"] == "retrying"


def test_show_prints_the_message(world: World, alert_id: str) -> None:
    """Subject and text part; --html gives the HTML part."""
    result = world.run("show", alert_id)
    assert result.output.startswith("Subject: [新网银行] 助贷合作机构名单变更：移除 1")
    assert "移除合作机构（1）" in result.output
    assert "<table" in world.run("show", alert_id, "--html").output


def test_resend_skips_the_backoff_and_refuses_a_second_copy_without_again(
    world: World, alert_id: str, port: int
) -> None:
    """resend delivers now; a delivered alert needs --again, which sends exactly one more."""
    with SmtpSink(port=port) as sink:
        result = world.run("resend", alert_id)
        assert result.exit_code == 0, result.output
        assert f"{alert_id} email: sent" in result.output
        assert len(sink.wait_for(1)) == 1
        refused = CliRunner().invoke(
            outbox_group(lambda ctx: world.alerter()), ["resend", alert_id]
        )
        assert refused.exit_code == 1
        assert "already delivered (email); use --again" in refused.output
        assert world.run("resend", alert_id, "--again").exit_code == 0
        copies = sink.wait_for(2)
        assert len(copies) == 2
        assert copies[0].message["Message-ID"] == copies[1].message["Message-ID"]
        assert world.alerter().deliver_pending(force=True).sent == 0
    assert "nothing owed" in world.run("list").output
    assert alert_id in world.run("list", "--all").output


def test_resend_fails_loudly_while_the_server_is_down(world: World, alert_id: str) -> None:
    """Exit 1 and the error, and the alert stays owed."""
    result = world.run("resend", alert_id)
    assert result.exit_code == 1
    assert "failed (cannot reach" in result.output
    assert alert_id in world.run("list").output


def test_flush_delivers_everything_now(world: World, alert_id: str, port: int) -> None:
    """flush ignores back-off and reports what it did."""
    with SmtpSink(port=port) as sink:
        result = world.run("flush")
        assert result.exit_code == 0, result.output
        assert "sent: 1; failed: 0" in result.output
        assert len(sink.wait_for(1)) == 1


def test_an_unknown_alert_is_a_one_line_error(world: World) -> None:
    """No traceback, exit 1."""
    result = CliRunner().invoke(outbox_group(lambda ctx: world.alerter()), ["resend", "nope"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: no alert 'nope' in the outbox (see `archiver outbox list`)"
    )
