"""The per-host gate of `archiver run` and `archiver check` takes each site's own politeness.

`Runner` used to build its gate from the default discovery settings, so an institution's
`discover: {delay: ...}` was ignored under `run` and `check`. The clock here is fake: the
gate's waits are observed as requested sleeps and as the times captures were opened, never
as wall time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver import app
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.discovery.settings import DiscoverySettings
from archiver.errors import ConnectionFailed
from archiver.models import Outcome, Politeness
from archiver.pipeline import Deps
from archiver.ports import CaptureRequest, CaptureSession
from archiver.runner import Runner

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
BANK = "http://www.bank.example.cn"


class FakeClock:
    """Time that moves only when something sleeps."""

    def __init__(self) -> None:
        self.t = T0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += timedelta(seconds=seconds)


class RefusingCapturer:
    """Every page refuses the connection; remembers when each capture was opened."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.opened: list[tuple[str, datetime]] = []

    @contextmanager
    def open(self, request: CaptureRequest) -> Iterator[CaptureSession]:
        self.opened.append((request.url, self.clock.now()))
        raise ConnectionFailed(f"connection refused: {request.url}")
        yield  # pragma: no cover - never reached

    def close(self) -> None:
        """Nothing to release."""


def deps_on(clock: FakeClock, tmp_path: Path) -> tuple[Deps, RefusingCapturer]:
    capturer = RefusingCapturer(clock)
    deps = Deps(
        store=MemoryStore(),
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=clock.now,
        sleep=clock.sleep,
    )
    return deps, capturer


def institution(site_id: str, delay: float, **discover: object) -> Site:
    return Site(
        id=site_id,
        name=site_id,
        url=f"{BANK}/",
        discover=DiscoverySettings.model_validate({"delay": delay, "robots": False, **discover}),
    )


LIST_PAGE = Site(id="bank-list", name="某银行名单", url=f"{BANK}/xxgk/hzjg.html")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
sites:
  - id: bank
    name: 某银行
    url: "{BANK}/"
    discover: {{delay: 7s, block_after: 2, max_backoff: 1m, robots: false}}
  - {{id: bank-list, name: 某银行名单, url: "{BANK}/xxgk/hzjg.html"}}
  - {{id: other-bank, name: 另一银行, url: "http://www.other.example.cn/list.html"}}
""",
        encoding="utf-8",
    )
    return path


def test_run_and_check_give_each_host_its_sites_own_politeness(
    config: Path, tmp_path: Path
) -> None:
    """The runner `run` and `check` build (App.runner) knows every configured site's settings:
    the institution's host gets its delay, block_after and max_backoff; another host the
    defaults."""
    built = app.build(config, {})
    clock = FakeClock()
    deps, _ = deps_on(clock, tmp_path)
    try:
        runner = built.runner(deps)
        assert runner.gate.politeness(f"{BANK}/any/page.html") == Politeness(
            delay_s=7.0, block_after=2, max_backoff_s=60.0
        )
        assert runner.gate.politeness("http://www.other.example.cn/") == Politeness()
    finally:
        built.close()
        deps.index.close()


def test_a_sites_own_delay_spaces_every_check_of_its_host(config: Path, tmp_path: Path) -> None:
    """Two checks of a page on the institution's host are its 7 s apart, not the default 2 s;
    a page on another host does not wait."""
    built = app.build(config, {})
    clock = FakeClock()
    deps, capturer = deps_on(clock, tmp_path)
    try:
        runner = built.runner(deps)
        other = built.settings.sites[2]
        for site in (LIST_PAGE, other, LIST_PAGE):
            assert runner.check(site).outcome is Outcome.FAILED  # refused, and recorded
    finally:
        built.close()
        deps.index.close()
    assert clock.slept == [7.0]
    assert [(url, at - T0) for url, at in capturer.opened] == [
        (LIST_PAGE.url, timedelta(0)),
        ("http://www.other.example.cn/list.html", timedelta(0)),
        (LIST_PAGE.url, timedelta(seconds=7)),
    ]


def test_an_institution_checked_first_sets_its_hosts_delay(tmp_path: Path) -> None:
    """Without the site list up front, the first check of an institution configures its
    hosts (its URL's and `hosts:`) before anything else there is captured."""
    clock = FakeClock()
    deps, capturer = deps_on(clock, tmp_path)
    bank = institution("bank", 5.0, hosts=["m.bank.example.cn"])
    mobile = Site(id="bank-m", name="m", url="http://m.bank.example.cn/list.html")
    try:
        runner = Runner(deps)
        runner.check(bank)
        runner.check(LIST_PAGE)
        runner.check(mobile)
        runner.check(mobile)
    finally:
        deps.index.close()
    assert runner.gate.politeness(LIST_PAGE.url).delay_s == 5.0
    assert runner.gate.politeness(mobile.url).delay_s == 5.0
    opened = [(url, (at - T0).total_seconds()) for url, at in capturer.opened]
    assert opened == [(bank.url, 0), (LIST_PAGE.url, 5), (mobile.url, 5), (mobile.url, 10)]
    assert clock.slept == [5.0, 5.0]  # the mobile host's first capture did not wait


def test_two_sites_on_one_host_get_the_stricter_settings(tmp_path: Path) -> None:
    """Whatever the order, a shared host gets the longest delay and the earliest give-up."""
    clock = FakeClock()
    deps, _ = deps_on(clock, tmp_path)
    gentle = institution("a", 9.0, block_after=5)
    brisk = institution("b", 1.0, block_after=2)
    try:
        for order in ((gentle, brisk), (brisk, gentle)):
            runner = Runner(deps, sites=order)
            assert runner.gate.politeness(BANK) == Politeness(
                delay_s=9.0, block_after=2, max_backoff_s=600.0
            )
    finally:
        deps.index.close()
