"""The daemon: schedules, no overlapping checks, overdue sites after a restart, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver import archive, localtime, schedule
from archiver.adapters.local_store import LocalStore
from archiver.config import Site
from archiver.testing import LocalSite
from archiver.verify import verify_site

Reap = Callable[[subprocess.Popen[str]], subprocess.Popen[str]]  # the `reap` fixture

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
SHANGHAI = localtime.zone("Asia/Shanghai")


def site(**extra: object) -> Site:
    return Site.model_validate({"id": "s", "name": "S", "url": "https://s.example/", **extra})


@pytest.mark.parametrize(
    ("options", "last_check", "expected"),
    [
        ({"every": "6h"}, None, NOW + timedelta(seconds=1)),  # never checked: soon
        ({"every": "6h"}, NOW - timedelta(hours=7), NOW + timedelta(seconds=1)),  # overdue
        ({"every": "6h"}, NOW - timedelta(hours=1), NOW + timedelta(hours=5)),  # keeps rhythm
        ({"cron": "0 9 * * *"}, NOW - timedelta(days=2), NOW + timedelta(seconds=1)),  # missed
        # 12:00 UTC is 20:00 in Shanghai; the next 09:00 Shanghai is 01:00 UTC tomorrow
        ({"cron": "0 9 * * *"}, NOW - timedelta(hours=2), datetime(2025, 10, 2, 1, 0, tzinfo=UTC)),
    ],
)
def test_first_run_after_a_restart(
    options: dict[str, object], last_check: datetime | None, expected: datetime
) -> None:
    first = schedule.first_run(
        site(**options), last_check=last_check, now=NOW, position=0, overdue=1, zone=SHANGHAI
    )
    assert first == expected


def test_overdue_sites_are_spread_over_a_minute() -> None:
    times = [
        schedule.first_run(site(), last_check=None, now=NOW, position=i, overdue=4, zone=SHANGHAI)
        for i in range(4)
    ]
    assert times == [NOW + timedelta(seconds=1 + 15 * i) for i in range(4)]


def test_cron_is_read_in_the_configured_time_zone() -> None:
    """One time zone: cron expressions follow the top-level `timezone` like every other time."""
    daily = site(cron="0 9 * * *", jitter=0)
    last = NOW - timedelta(hours=2)
    in_utc = schedule.first_run(
        daily, last_check=last, now=NOW, position=0, overdue=1, zone=localtime.zone("UTC")
    )
    assert in_utc == datetime(2025, 10, 2, 9, 0, tzinfo=UTC)
    trigger = schedule.trigger_for(daily, localtime.zone("Europe/Berlin"))
    fire = trigger.get_next_fire_time(None, NOW)
    assert fire is not None
    assert fire.astimezone(UTC) == datetime(2025, 10, 2, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_the_daemon_schedules_cron_in_the_configured_time_zone() -> None:
    later = datetime(2099, 10, 1, 12, 0, tzinfo=UTC)  # far ahead: the job stays unrun
    daemon = schedule.Daemon(
        [site(cron="0 9 * * *", jitter=0)],
        lambda s: None,
        last_checks={"s": later - timedelta(hours=2)},
        now=lambda: later,
        workers=1,
        zone=localtime.zone("UTC"),
    )
    daemon.start()
    try:
        assert daemon.next_runs()["s"] == datetime(2099, 10, 2, 9, 0, tzinfo=UTC)
    finally:
        daemon.shutdown()


def test_one_site_is_never_checked_twice_at_once() -> None:
    fast = site().model_copy(update={"every": 0.2, "jitter": 0.0})
    lock = threading.Lock()
    state = {"running": 0, "overlap": 0, "runs": 0}
    done = threading.Event()

    def slow_check(_: Site) -> None:
        with lock:
            state["running"] += 1
            state["overlap"] = max(state["overlap"], state["running"])
        time.sleep(0.5)  # a check slower than the interval
        with lock:
            state["running"] -= 1
            state["runs"] += 1
            if state["runs"] >= 3:
                done.set()

    daemon = schedule.Daemon(
        [fast],
        slow_check,
        last_checks={},
        now=lambda: datetime.now(UTC),
        workers=4,
        zone=SHANGHAI,
    )
    daemon.start()
    try:
        assert done.wait(30)
    finally:
        daemon.shutdown()
    assert state["overlap"] == 1


def test_checks_queued_behind_a_running_one_do_not_start_once_stopping() -> None:
    """Shutdown waits for the check in flight, not for the backlog queued behind it."""
    running, release = threading.Event(), threading.Event()
    started: list[str] = []

    def check(s: Site) -> None:
        started.append(s.id)
        running.set()
        release.wait(30)

    sites = [site(id=f"s{i}", jitter=0) for i in range(5)]
    daemon = schedule.Daemon(
        sites,
        check,
        last_checks={},
        now=lambda: datetime.now(UTC) - timedelta(minutes=5),  # all five overdue now
        workers=1,
        zone=SHANGHAI,
    )
    daemon.start()
    assert running.wait(30)
    time.sleep(0.3)  # let the scheduler queue the other due sites behind the busy worker
    daemon.stop()
    release.set()
    daemon.shutdown()
    assert len(started) == 1


def test_disabled_sites_are_not_scheduled() -> None:
    daemon = schedule.Daemon(
        [site(enabled=False), site(id="t")],
        lambda s: None,
        last_checks={},
        now=lambda: NOW,
        workers=1,
        zone=SHANGHAI,
    )
    daemon.start()
    try:
        assert set(daemon.next_runs()) == {"t"}
    finally:
        daemon.shutdown()


def start_daemon(
    tmp_path: Path, url: str, reap: Reap, *, own_group: bool = False
) -> subprocess.Popen[str]:
    """`archiver run` on one site, logging JSON lines to its stderr pipe."""
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
network: {{allow_private: true}}
state_dir: {tmp_path / "var"}
sites:
  - {{id: bank, name: 银行, url: "{url}", every: 1m, jitter: 0s}}
""",
        encoding="utf-8",
    )
    return reap(
        subprocess.Popen(
            [sys.executable, "-m", "archiver", "--config", str(config), "--log-format", "json",
             "run"],
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=own_group,  # its own process group, as a terminal gives it
        )
    )  # fmt: skip


@pytest.mark.browser
def test_sigterm_stops_the_daemon_cleanly(
    tmp_path: Path, local_site: LocalSite, reap: Reap
) -> None:
    local_site.page("/list.html", "<h1>合作机构名单</h1><p>蚂蚁智信（杭州）信息技术有限公司</p>")
    process = start_daemon(tmp_path, local_site.url("/list.html"), reap)
    store = LocalStore(tmp_path / "archive")
    deadline = time.monotonic() + 90
    while archive.head(store, "bank") is None and time.monotonic() < deadline:
        time.sleep(0.2)  # waiting for the first version to appear, not timing anything
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr  # stopped by a signal, as shells report it
    events = [json.loads(line)["event"] for line in stderr.splitlines() if line.startswith("{")]
    assert "daemon_started" in events
    assert events[-1] == "daemon_stopped", stderr[-3000:]
    assert "version_written" in events
    assert verify_site(store, "bank").ok


@pytest.mark.browser
def test_ctrl_c_lets_the_check_in_flight_finish_with_its_browser(
    tmp_path: Path, local_site: LocalSite, reap: Reap
) -> None:
    """Ctrl-C signals the terminal's whole process group, the Playwright driver included.

    The check that is loading a slow page must still finish with its version (the driver must
    not close the browser under it), and the daemon must exit cleanly.
    """
    local_site.page(
        "/list.html", "<h1>合作机构名单</h1><p>蚂蚁智信（杭州）信息技术有限公司</p>", delay_s=4
    )
    process = start_daemon(tmp_path, local_site.url("/list.html"), reap, own_group=True)
    lines: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:  # wait until the page is being loaded
        lines.append(line)
        if '"browser_launched"' in line:
            break
    time.sleep(1.5)  # the page answers after 4 s: the capture is in flight
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=90)
    lines.extend(rest.splitlines())
    events = [json.loads(line) for line in lines if line.startswith("{")]
    names = [event["event"] for event in events]
    assert process.returncode == 130, rest
    checked = [event for event in events if event["event"] == "check_finished"]
    assert [event["outcome"] for event in checked] == ["new"], checked
    assert names[-1] == "daemon_stopped"
    assert verify_site(LocalStore(tmp_path / "archive"), "bank").ok


def test_a_suspect_list_gets_a_one_off_recheck_when_due_and_owed_ones_survive_a_restart() -> None:
    """The daemon never sleeps a slot for a confirmation: a check that leaves a list
    unconfirmed schedules `confirm:<site>` at its due time; at start, the re-checks the
    bucket says are owed are scheduled too."""
    from archiver.models import CheckResult, Outcome

    due = datetime.now(UTC) + timedelta(hours=1)
    checks: list[str] = []

    def check(s: Site) -> CheckResult:
        checks.append(s.id)
        return CheckResult(
            site_id=s.id, outcome=Outcome.CHANGED, started_at=NOW, duration_s=0.1, confirm_at=due
        )

    sites = [site(id="a", every=3600.0, jitter=0), site(id="b", every=3600.0, jitter=0)]
    daemon = schedule.Daemon(
        sites,
        check,
        last_checks={"a": datetime.now(UTC), "b": datetime.now(UTC)},
        now=lambda: datetime.now(UTC),
        workers=1,
        owed={"b": due},  # read from the bucket at start
        zone=SHANGHAI,
    )
    daemon.start()
    try:
        assert daemon.next_runs()["confirm:b"] == due
        daemon._run_unless_stopping(sites[0])  # a check of "a" leaves its list unconfirmed
        assert daemon.next_runs()["confirm:a"] == due
    finally:
        daemon.shutdown()
    assert checks == ["a"]
