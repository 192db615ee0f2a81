"""The pipeline and the runner on a FakeCapturer: stage order, outcomes, the index, belief
and scheduled confirmations, without a browser (tests/test_pipeline.py keeps Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from archiver import archive
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.discovery.settings import DiscoverySettings
from archiver.errors import ConnectionFailed
from archiver.models import Belief, CheckResult, EventType, Outcome, PageStatus, StoredVersion
from archiver.pipeline import Deps, check_site
from archiver.runner import Runner
from tests.support.capture import FakeCapturer, list_page, visible_text

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
URL = "https://www.bank.example.cn/xxgk/hzjg.html"
SITE = Site(id="bank", name="某银行", url=URL)
NAMES = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市腾讯计算机系统有限公司",
    "北京三快在线科技有限公司",
)


class Clock:
    def __init__(self) -> None:
        self.t = T0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def capturer(clock: Clock) -> FakeCapturer:
    fake = FakeCapturer(now=clock.now)
    fake.page(URL, list_page(*NAMES))
    return fake


@pytest.fixture
def deps(capturer: FakeCapturer, clock: Clock) -> Iterator[Deps]:
    index = SqliteIndex(":memory:")
    yield Deps(
        store=MemoryStore(), capturer=capturer, index=index, now=clock.now, sleep=clock.sleep
    )
    index.close()


def test_the_fake_page_reads_like_a_rendered_one() -> None:
    text = visible_text(
        "<html><head><title>t</title><script>x()</script></head><p>甲</p>乙</html>"
    )
    assert text.splitlines() == ["甲", "乙"]


def test_a_first_check_writes_a_believed_version_and_records_it(deps: Deps) -> None:
    result = check_site(SITE, deps)
    assert result.outcome is Outcome.NEW
    assert result.belief is Belief.BELIEVED
    assert result.version is not None
    assert [p.raw for p in result.version.manifest.partners] == list(NAMES)
    assert [r.seq for r in deps.index.versions("bank")] == [1]
    last = deps.index.last_check("bank")
    assert last is not None
    assert (last.outcome, last.seq) == (Outcome.NEW, 1)


def test_the_same_page_again_is_unchanged_and_writes_nothing(deps: Deps, clock: Clock) -> None:
    check_site(SITE, deps)
    keys_before = sorted(deps.store.list(""))
    clock.t += timedelta(hours=1)
    again = check_site(SITE, deps)
    assert again.outcome is Outcome.UNCHANGED
    assert again.bytes_written == 0
    assert sorted(deps.store.list("")) == keys_before


def test_an_added_partner_is_a_changed_version_with_its_event(
    deps: Deps, capturer: FakeCapturer
) -> None:
    check_site(SITE, deps)
    capturer.page(URL, list_page(*NAMES, "北京京东世纪贸易有限公司"))
    changed = check_site(SITE, deps)
    assert changed.outcome is Outcome.CHANGED
    assert [(e.type, e.name) for e in changed.events] == [
        (EventType.ADDED, "北京京东世纪贸易有限公司")
    ]
    head = archive.head(deps.store, "bank")
    assert head is not None
    assert head.manifest.seq == 2


def test_a_capture_error_is_a_recorded_failure_without_a_version(
    deps: Deps, capturer: FakeCapturer
) -> None:
    capturer.fail(URL, ConnectionFailed("connection refused"))
    for _ in range(2):
        result = check_site(SITE, deps)
        assert result.outcome is Outcome.FAILED
    assert result.status is PageStatus.CONNECTION_ERROR
    assert "connection refused" in result.error
    assert deps.index.consecutive_failures("bank") == 2
    assert archive.head(deps.store, "bank") is None


def test_an_unexpected_exception_is_a_recorded_internal_error(
    deps: Deps, capturer: FakeCapturer
) -> None:
    capturer.fail(URL, RuntimeError("a bug in the capture"))
    result = check_site(SITE, deps)
    assert result.outcome is Outcome.FAILED
    assert result.status is PageStatus.INTERNAL_ERROR
    assert "RuntimeError" in result.error


def test_a_collapse_is_preserved_unconfirmed_and_the_pass_confirms_it_once(
    deps: Deps, capturer: FakeCapturer, clock: Clock
) -> None:
    """The runner waits once for every owed re-check (confirm_delay), outside the captures,
    and the re-check that reads the same short list believes it."""
    runner = Runner(deps, sites=[SITE])
    runner.run_pass([SITE], workers=1, sleep=clock.sleep)
    capturer.page(URL, list_page(NAMES[0]))
    clock.t += timedelta(hours=1)
    done = runner.run_pass([SITE], workers=1, sleep=clock.sleep)
    assert clock.slept == [SITE.confirm_delay]
    assert [r.belief for r in done.results] == [Belief.BELIEVED]
    beliefs = [r.belief for r in deps.index.versions("bank")]
    assert beliefs == ["believed", "unconfirmed", "believed"]
    assert len(capturer.requests) == 3


class FullDiskIndex(SqliteIndex):
    """An index that cannot record checks (a full disk)."""

    def record_check(self, result: CheckResult) -> None:
        raise OSError(28, "No space left on device")


class Seen:
    """An observer that remembers the checks it was told of."""

    def __init__(self) -> None:
        self.checks: list[CheckResult] = []

    def on_version(
        self, site: Site, stored: StoredVersion, previous: StoredVersion | None
    ) -> None:
        """Versions are not what these tests look at."""

    def on_check(self, site: Site, result: CheckResult) -> None:
        self.checks.append(result)


@pytest.mark.parametrize("kind", ["page", "institution"])
def test_every_check_ends_the_same_way_even_when_the_index_cannot_record(
    kind: str, capturer: FakeCapturer, clock: Clock
) -> None:
    """One ending for a page and an institution: an index that cannot record is logged, and
    the result still reaches the observers (an institution's used to escape as a crash)."""
    site = SITE
    if kind == "institution":
        site = Site(
            id="bank",
            name="某银行",
            url=URL,
            discover=DiscoverySettings(robots=False),
        )
    capturer.fail(URL, ConnectionFailed("connection refused"))
    seen = Seen()
    index = FullDiskIndex(":memory:")
    deps = Deps(
        store=MemoryStore(),
        capturer=capturer,
        index=index,
        now=clock.now,
        sleep=clock.sleep,
        observers=(seen,),
    )
    with capture_logs() as logs:
        result = Runner(deps).check(site)
    index.close()
    assert result.outcome is Outcome.FAILED
    assert result.status is PageStatus.CONNECTION_ERROR
    assert seen.checks == [result]
    events = [e["event"] for e in logs]
    assert "check_record_failed" in events
    finished = "institution_checked" if kind == "institution" else "check_finished"
    assert [e["outcome"] for e in logs if e["event"] == finished] == ["failed"]
