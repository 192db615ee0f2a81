"""Operator alerts: which checks are problems, the per-site rate limit (on an injected clock),
batching into at most one message per interval, and recipients kept apart from partner alerts."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from archiver.adapters.sqlite_index import SqliteIndex
from archiver.alerts.alerter import Alerter
from archiver.alerts.messages import operator
from archiver.alerts.messages.records import Notice
from archiver.alerts.settings import AlertSettings, OperatorSettings, Problem
from archiver.config import Site
from archiver.models import Category, CheckResult, ListStatus, Outcome, PageStatus, StoredVersion
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import SmtpSink, make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


SITE = Site(id="zhaolian-cfc", name="招联消费金融", url="https://www.mucfc.com/")
OTHER = Site(id="xinwang-bank", name="新网银行", url="https://www.xwbank.com/")
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.current = T0

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def failed(status: PageStatus = PageStatus.TIMEOUT, at: datetime = T0) -> CheckResult:
    return CheckResult(
        site_id=SITE.id,
        outcome=Outcome.FAILED,
        started_at=at,
        duration_s=1.0,
        status=status,
        error="the page did not load in 45s",
    )


def unchanged(version: StoredVersion, at: datetime = T0) -> CheckResult:
    return CheckResult(
        site_id=SITE.id, outcome=Outcome.UNCHANGED, started_at=at, duration_s=1.0, version=version
    )


@pytest.mark.parametrize(
    ("status", "failures", "expected"),
    [
        (PageStatus.TIMEOUT, 2, []),
        (PageStatus.TIMEOUT, 3, [Problem.FAILING]),
        (PageStatus.HTTP_ERROR, 7, [Problem.FAILING]),
        (PageStatus.SELECTOR_MISSING, 1, [Problem.SELECTOR_MISSING]),
        (PageStatus.SELECTOR_MISSING, 5, [Problem.SELECTOR_MISSING]),
        (PageStatus.COLLAPSE_UNCONFIRMED, 1, [Problem.COLLAPSE_UNCONFIRMED]),
    ],
)
def test_failed_checks_that_are_problems(
    status: PageStatus, failures: int, expected: list[Problem]
) -> None:
    """Generic failures need `failures` in a row; specific ones count on first sight."""
    found = operator.problems(
        failed(status), failures=failures, settings=OperatorSettings(), now=T0
    )
    assert [f.problem for f in found] == expected


def test_disabled_problems_are_not_reported() -> None:
    """`operator.problems` lists the kinds an operator wants."""
    settings = OperatorSettings(problems=(Problem.FAILING,))
    found = operator.problems(
        failed(PageStatus.SELECTOR_MISSING), failures=9, settings=settings, now=T0
    )
    assert found == []


def test_a_page_unchanged_too_long_is_stale(local_store: ObjectStore) -> None:
    """Only with stale_after set, and only once the version is older than that."""
    version = write_version(
        local_store, SITE.id, partners=(partner("甲"),), captured_at=T0 - timedelta(days=200)
    )
    settings = OperatorSettings(stale_after=180 * 86400)
    found = operator.problems(unchanged(version), failures=0, settings=settings, now=T0)
    assert [f.problem for f in found] == [Problem.STALE]
    assert "200 天未变化" in found[0].detail
    assert (
        operator.problems(unchanged(version), failures=0, settings=OperatorSettings(), now=T0)
        == []
    )
    later = OperatorSettings(stale_after=365 * 86400)
    assert operator.problems(unchanged(version), failures=0, settings=later, now=T0) == []


def test_turned_unparseable_needs_a_readable_predecessor(local_store: ObjectStore) -> None:
    """ok -> unparseable is a problem; unparseable -> unparseable and a first version are not."""
    ok = write_version(local_store, SITE.id, partners=(partner("甲"),), captured_at=T0)
    bad = write_version(
        local_store,
        SITE.id,
        partners=(),
        captured_at=T0,
        previous=ok,
        list_status=ListStatus.UNPARSEABLE,
    )
    assert operator.turned_unparseable(bad.manifest, ok.manifest)
    assert not operator.turned_unparseable(bad.manifest, bad.manifest)
    assert not operator.turned_unparseable(ok.manifest, None)


def make(store: ObjectStore, tmp_path: Path, clock: Clock, **config: object) -> Alerter:
    settings = AlertSettings.model_validate(
        {"operator": {"to": ["ops@example.org"], **config}, "email": {"to": ["c@example.org"]}}
    )
    return make_alerter(settings, store, tmp_path / "state", {}, clock.now, sites=[SITE, OTHER])


def notices(alerter: Alerter) -> list[Notice]:
    states = alerter.outbox.scan([""])
    found = [alerter.outbox.record(a) for a in sorted(states) if "/operator/" in a]
    return [n for n in found if isinstance(n, Notice)]


class TestRateLimit:
    """One notice per site and problem per repeat_after, on an injected clock."""

    def test_failing_after_n_checks_then_at_most_once_a_day(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """Three failures in a row raise it; more failures the same day do not repeat it."""
        alerter = make(local_store, tmp_path, clock)
        for _ in range(2):
            alerter.on_check(SITE, failed())
        assert notices(alerter) == []
        alerter.on_check(SITE, failed())
        assert [(n.problem, n.failures) for n in notices(alerter)] == [(Problem.FAILING, 3)]
        with capture_logs() as logs:
            for _ in range(5):
                clock.advance(hours=2)
                alerter.on_check(SITE, failed())
        assert len(notices(alerter)) == 1
        assert sum(e["event"] == "operator_notice_suppressed" for e in logs) == 5
        clock.advance(hours=15)  # 25 h after the first notice
        alerter.on_check(SITE, failed())
        assert [n.failures for n in notices(alerter)] == [3, 9]

    def test_the_limit_slides_across_window_boundaries(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """A notice at 23:00 is not repeated at 01:00 the next day, though the window changed."""
        clock.current = datetime(2025, 10, 1, 23, 0, tzinfo=UTC)
        alerter = make(local_store, tmp_path, clock)
        alerter.on_check(SITE, failed(PageStatus.SELECTOR_MISSING))
        clock.advance(hours=2)
        alerter.on_check(SITE, failed(PageStatus.SELECTOR_MISSING))
        assert len(notices(alerter)) == 1
        clock.advance(hours=22)
        alerter.on_check(SITE, failed(PageStatus.SELECTOR_MISSING))
        assert len(notices(alerter)) == 2

    def test_the_limit_holds_across_restarts_and_processes(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """The limit lives in the outbox keys, not in one process's memory."""
        make(local_store, tmp_path, clock).on_check(SITE, failed(PageStatus.COLLAPSE_UNCONFIRMED))
        clock.advance(hours=1)
        make(local_store, tmp_path, clock).on_check(SITE, failed(PageStatus.COLLAPSE_UNCONFIRMED))
        assert len(notices(make(local_store, tmp_path, clock))) == 1

    def test_a_success_resets_the_count(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """Two failures, a success, two failures: never three in a row."""
        alerter = make(local_store, tmp_path, clock)
        version = write_version(local_store, SITE.id, partners=(partner("甲"),), captured_at=T0)
        for result in (failed(), failed(), unchanged(version), failed(), failed()):
            alerter.on_check(SITE, result)
        assert notices(alerter) == []

    def test_the_index_counts_failures_across_restarts(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """With the check log (the SQLite index), a restart does not reset the count."""
        index = SqliteIndex(tmp_path / "index.sqlite")
        try:
            for attempt in range(3):
                alerter = make_alerter(
                    AlertSettings(),
                    local_store,
                    tmp_path / "state",
                    {},
                    clock.now,
                    sites=[SITE],
                    history=index,
                )  # a new process every time
                result = failed(at=clock.now())
                index.record_check(result)  # the pipeline records the check first
                alerter.on_check(SITE, result)
                clock.advance(minutes=10)
                assert len(notices(alerter)) == (1 if attempt == 2 else 0)
        finally:
            index.close()

    def test_unparseable_list_raises_a_notice(
        self, local_store: ObjectStore, tmp_path: Path, clock: Clock
    ) -> None:
        """A version whose list turned into images tells the operator, not the readers."""
        alerter = make(local_store, tmp_path, clock)
        ok = write_version(local_store, SITE.id, partners=(partner("甲"),), captured_at=T0)
        bad = write_version(
            local_store,
            SITE.id,
            partners=(),
            captured_at=T0,
            previous=ok,
            list_status=ListStatus.UNPARSEABLE,
        )
        alerter.on_version(SITE, bad, ok)
        assert [n.problem for n in notices(alerter)] == [Problem.UNPARSEABLE]
        assert not any("/partner/" in a for a in alerter.outbox.scan([""]))


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.mark.smtp
def test_operator_mail_is_batched_and_goes_to_operators_only(
    sink: SmtpSink, local_store: ObjectStore, tmp_path: Path, clock: Clock
) -> None:
    """The first problem goes out at once; others within min_interval wait and go together."""
    settings = AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": sink.port, "starttls": False},
                "from": "archiver@example.org",
                "to": ["compliance@example.org"],
            },
            "operator": {"to": ["ops@example.org"], "min_interval": "1h"},
        }
    )
    alerter = make_alerter(
        settings, local_store, tmp_path / "s", {}, clock.now, sites=[SITE, OTHER]
    )
    alerter.on_check(SITE, failed(PageStatus.SELECTOR_MISSING))
    assert alerter.deliver_pending().sent == 1
    first = sink.wait_for(1)[0]
    assert first.rcpt_tos == ("ops@example.org",)
    assert first.message["Subject"] == "[archiver 运维] 1 个站点需要处理：选择器失效 1"
    clock.advance(minutes=10)
    alerter.on_check(OTHER, failed(PageStatus.COLLAPSE_UNCONFIRMED))
    clock.advance(minutes=10)
    alerter.on_check(SITE, failed(PageStatus.COLLAPSE_UNCONFIRMED))
    assert alerter.deliver_pending().sent == 0
    clock.advance(minutes=41)
    assert alerter.deliver_pending().sent == 1
    second = sink.wait_for(2)[1].message
    assert second["Subject"] == "[archiver 运维] 2 个站点需要处理：名单骤减未确认 2"
    assert alerter.deliver_pending(force=True).sent == 0
