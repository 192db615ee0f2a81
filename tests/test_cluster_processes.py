"""The cluster as an operator runs it: workers, schedulers and `check --queue` started with
the CLI as real processes, a real redis-server, real Chromium, pages on 127.0.0.1.

Failures are real too: worker processes and schedulers killed with SIGKILL, the broker
restarted. What must hold: every change archived once (create-only manifests), every alert
once (the outbox keyed by version), a standby scheduler taking over within a minute.
"""

from __future__ import annotations

import email
import json
import os
import signal
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest
import redis

from archiver.cluster import pending
from archiver.cluster.celery_app import QUEUE
from archiver.testing import LocalSite
from tests.support.cluster import Cluster, Reap, page, wait_for
from tests.support.served import Served
from tests.support.services import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.redis]

START_S = 120.0  # a worker process builds its App and is ready (a loaded machine)
PARTNER_A = "甲信息科技有限公司"
PARTNER_B = "乙数字科技有限公司"


@pytest.fixture
def cluster(
    tmp_path: Path, local_site: LocalSite, redis_server: RedisServer, reap: Reap
) -> Cluster:
    return Cluster(tmp_path, local_site, redis_server.url, reap)


def results(output: str) -> list[dict[str, Any]]:
    """The per-site JSON lines of `check --json` (log lines are JSON too, with an event)."""
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"site"')]
    return [line for line in lines if "event" not in line]


def ready(cluster: Cluster, worker: Any, processes: int = 1) -> None:
    wait_for(
        lambda: len(cluster.events(worker, "worker_process_started")) >= processes,
        START_S,
        "the worker's processes to start",
    )


@pytest.mark.browser
def test_two_workers_and_a_scheduler_check_every_served_site(cluster: Cluster) -> None:
    sites = [f"bank-{i}" for i in range(4)]
    for i, site_id in enumerate(sites):
        # the scheduler spreads new sites over a minute (a task every 15 s): a page slower
        # than that keeps one worker busy when the next task comes, so both must take some
        cluster.add_site(site_id, f"/{i}.html", page(f"{PARTNER_A}{i}"), delay_s=17.0)
    workers = [cluster.start("worker", "--concurrency", "1") for _ in range(2)]
    for worker in workers:
        ready(cluster, worker)
    scheduler = cluster.start("scheduler")

    def checked() -> list[set[str]]:
        return [{e["site"] for e in cluster.events(w, "check_finished")} for w in workers]

    wait_for(lambda: set.union(*checked()) == set(sites), 240, "a check of every site")
    for site_id in sites:
        assert cluster.versions(site_id) == ["00000001.json"]
    enqueued = {e["site"] for e in cluster.events(scheduler, "check_enqueued")}
    assert enqueued == set(sites)
    by_worker = checked()
    assert by_worker[0] and by_worker[1]  # both workers took checks from the queue
    assert Cluster.stop(scheduler) in (0, 130)
    for worker in workers:
        assert Cluster.stop(worker) == 0


@pytest.mark.browser
def test_two_workers_never_fetch_one_host_at_the_same_time(cluster: Cluster) -> None:
    """Two sites on one host, two idle workers, one pass: each worker takes a task, and the
    cluster-wide gate in Redis still lets one request at a time reach the host, spaced by at
    least the default delay (2 s), whichever worker makes it."""
    served = Served()
    for i in range(2):
        path = f"/host-{i}.html"
        cluster.site.dynamic(path, served.route(page(f"{PARTNER_A}{i}"), hold_s=3.0))
        cluster.sites.append(
            f'  - {{id: bank-{i}, name: bank-{i}, url: "{cluster.site.url(path)}"}}'
        )
    cluster.write_config()
    workers = [cluster.start("worker", "--concurrency", "1") for _ in range(2)]
    for worker in workers:
        ready(cluster, worker)
    passing = cluster.run("check", "--queue", "--json")
    assert passing.returncode == 0, passing.stderr[-2000:]
    assert {r["site"] for r in results(passing.stdout)} == {"bank-0", "bank-1"}
    by_worker = [{e["site"] for e in cluster.events(w, "check_finished")} for w in workers]
    assert by_worker[0] and by_worker[1]  # the two checks ran on two workers
    assert len(served.requests) >= 2
    assert served.most_at_once == 1, served.overlapping()
    assert all(gap >= 2.0 for gap in served.gaps()), served.gaps()
    for worker in workers:
        assert Cluster.stop(worker) == 0


@pytest.mark.browser
def test_a_killed_worker_process_loses_no_check_and_sends_no_alert_twice(
    cluster: Cluster, local_site: LocalSite
) -> None:
    """SIGKILL mid-check (nothing recorded yet), then SIGKILL after the version was written:
    each time the task is redelivered, each change is archived once, each alert sent once."""
    cluster.add_site("bank", "/bank.html", page(PARTNER_A), delay_s=3.0)
    worker = cluster.start("worker", "--concurrency", "1")
    ready(cluster, worker)

    # 1. killed while the page is still loading: nothing is recorded, the task comes back
    passing = cluster.start("check", "--queue", "--json")
    wait_for(lambda: local_site.hits["/bank.html"] >= 1, 120, "the check to reach the page")
    doomed = Cluster.pool_children(worker)
    for pid in doomed:
        os.kill(pid, signal.SIGKILL)
    assert passing.wait(timeout=240) == 0, cluster.log_of(passing)
    [first] = results(cluster.log_of(passing))
    assert (first["outcome"], first["version"]) == ("new", 1)
    assert cluster.versions("bank") == ["00000001.json"]
    assert local_site.hits["/bank.html"] >= 2  # checked again after the kill
    mails_before = cluster.mails()

    # 2. killed after the new version was written (its alert maybe not yet queued)
    local_site.page("/bank.html", page(PARTNER_A, PARTNER_B), delay_s=1.0)
    passing = cluster.start("check", "--queue", "--json")
    wait_for(lambda: len(cluster.versions("bank")) == 2, 180, "the second version")
    killed = Cluster.pool_children(worker)
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    assert passing.wait(timeout=240) == 0, cluster.log_of(passing)
    [second] = results(cluster.log_of(passing))
    assert second["outcome"] == "unchanged"  # the redelivered check found version 2 written
    assert second["version"] == 2
    assert cluster.versions("bank") == ["00000001.json", "00000002.json"]  # no fork
    assert len(cluster.events(worker, "check_recovered")) == 2  # both kills were redelivered

    def new_mails() -> list[Path]:
        return [m for m in cluster.mails() if m not in mails_before]

    # The alert of version 2 is in the outbox once (keyed by version). If the kill came while
    # it was being sent, its claim must expire (retry.lease) before anyone sends it again.
    wait_for(
        lambda: new_mails() or cluster.run("outbox", "flush").returncode < 0,
        150,
        "the alert of version 2 to be delivered",
    )
    assert cluster.run("outbox", "flush").returncode == 0  # nothing is owed any more
    assert len(new_mails()) == 1  # the alert of version 2, once
    assert PARTNER_B in _decoded(new_mails()[0])
    assert Cluster.stop(worker) == 0
    assert set(doomed).isdisjoint(Cluster.pool_children(worker) or [])


def _decoded(mail: Path) -> str:
    message = email.message_from_bytes(mail.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def test_a_standby_scheduler_takes_over_within_a_minute(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    for i in range(2):
        cluster.add_site(f"bank-{i}", f"/{i}.html", page(PARTNER_A))
    leader = cluster.start("scheduler")
    wait_for(lambda: cluster.events(leader, "scheduler_elected"), 60, "the first to lead")
    standby = cluster.start("scheduler")
    wait_for(lambda: cluster.events(standby, "scheduler_standing_by"), 60, "the standby")
    wait_for(lambda: cluster.events(leader, "check_enqueued"), 60, "the leader to enqueue")
    assert not cluster.events(standby, "check_enqueued")
    os.killpg(leader.pid, signal.SIGKILL)  # dies without resigning
    leader.wait(timeout=30)
    queue = redis.Redis.from_url(redis_server.url)
    # what the dead leader enqueued is lost (the tasks and their marks): the standby must
    # enqueue anew (tasks still waiting would be left alone: tests/test_cluster_pending.py)
    queue.delete(QUEUE, *queue.keys(pending.PREFIX + "*"))
    wait_for(lambda: cluster.events(standby, "scheduler_elected"), 60, "the standby to lead")
    wait_for(
        lambda: (
            {e["site"] for e in cluster.events(standby, "check_enqueued")} == {"bank-0", "bank-1"}
        ),
        120,
        "the standby to enqueue the due checks",
    )
    assert queue.llen(QUEUE) == 2  # they are in the queue for the workers
    assert Cluster.stop(standby) in (0, 130)
    assert cluster.events(standby, "scheduler_resigned")


@pytest.mark.browser
def test_workers_and_check_queue_survive_a_broker_restart(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    sites = [f"bank-{i}" for i in range(3)]
    for i, site_id in enumerate(sites):
        cluster.add_site(site_id, f"/{i}.html", page(f"{PARTNER_A}{i}"), delay_s=2.0)
    worker = cluster.start("worker", "--concurrency", "1")
    ready(cluster, worker)
    passing = cluster.start("check", "--queue", "--json")
    wait_for(lambda: results(cluster.log_of(passing)), 180, "the first result")
    redis_server.restart()  # the broker goes away and comes back with its data
    assert passing.wait(timeout=240) == 0, cluster.log_of(passing)
    lines = results(cluster.log_of(passing))
    assert sorted(line["site"] for line in lines) == sites  # a result for every site
    # a check whose Redis went away under it (the cluster's host gate lives there too) may
    # be a failed check; it is a recorded one, and the next pass checks the site again
    assert {line["outcome"] for line in lines} <= {"new", "failed"}
    again = cluster.run("check", "--queue", "--json")  # the worker still takes tasks
    assert again.returncode == 0, again.stderr
    assert sorted(r["site"] for r in results(again.stdout)) == sites
    assert {r["outcome"] for r in results(again.stdout)} <= {"new", "unchanged"}
    assert "检查 3 项" in again.stderr
    for site_id in sites:
        assert cluster.versions(site_id) == ["00000001.json"]
    assert Cluster.stop(worker) == 0


@pytest.mark.browser
def test_a_confirmation_is_a_delayed_task_that_check_queue_waits_for(cluster: Cluster) -> None:
    """A list that collapses is written unconfirmed; the worker enqueues its re-check with a
    countdown to `confirm_at` (never a sleeping process) and `check --queue` reports both."""
    names = [
        PARTNER_A,
        PARTNER_B,
        "丙网络科技有限公司",
        "丁金融信息服务有限公司",
        "戊融资担保有限公司",
        "己小额贷款有限公司",
    ]
    cluster.add_site("bank", "/bank.html", page(*names))
    worker = cluster.start("worker", "--concurrency", "1")
    ready(cluster, worker)
    first = cluster.run("check", "--queue", "--json")
    assert first.returncode == 0, first.stderr
    cluster.site.page("/bank.html", page(names[0]))  # collapses: 6 partners to 1
    passing = cluster.run("check", "--queue", "--json")
    assert passing.returncode == 0, passing.stderr
    suspect, confirmation = results(passing.stdout)
    assert (suspect["version"], suspect["belief"]) == (2, "unconfirmed")
    assert suspect["confirm_at"] is not None
    assert (confirmation["version"], confirmation["belief"]) == (3, "believed")
    assert confirmation["started_at"] >= suspect["confirm_at"]  # it ran when due, not before
    [enqueued] = cluster.events(worker, "confirmation_enqueued")
    assert enqueued["site"] == "bank"
    assert "检查 1 项" in passing.stderr  # the re-check replaces the check that owed it
    assert Cluster.stop(worker) == 0


@pytest.mark.browser
def test_one_site_is_never_checked_twice_at_the_same_time(cluster: Cluster) -> None:
    """Two tasks for one site on two workers: the second finds the site's lease held and is
    retried after the first check, not run beside it (nor dropped)."""
    cluster.add_site("bank", "/bank.html", page(PARTNER_A), delay_s=3.0)
    workers = [cluster.start("worker", "--concurrency", "1") for _ in range(2)]
    for worker in workers:
        ready(cluster, worker)
    passing = cluster.run("check", "--queue", "--json", "bank", "bank")
    assert passing.returncode == 0, passing.stderr
    first, second = sorted(results(passing.stdout), key=lambda r: r["started_at"])
    assert (first["outcome"], second["outcome"]) == ("new", "unchanged")
    finished = datetime.fromisoformat(first["started_at"]) + timedelta(seconds=first["duration_s"])
    assert datetime.fromisoformat(second["started_at"]) >= finished
    deferred = [e for w in workers for e in cluster.events(w, "check_deferred")]
    assert deferred
    assert {e["reason"] for e in deferred} == {"lease_held"}
    assert cluster.versions("bank") == ["00000001.json"]
    for worker in workers:
        assert Cluster.stop(worker) == 0


def test_ctrl_c_ends_check_queue_and_says_what_was_not_started(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    """No worker takes the tasks; Ctrl-C stops the wait, revokes the unstarted tasks and
    exits 130 with the line that says so, as `check` does."""
    for i in range(2):
        cluster.add_site(f"bank-{i}", f"/{i}.html", page(PARTNER_A))
    queue = redis.Redis.from_url(redis_server.url)
    passing = cluster.start("check", "--queue", "--json", "--grace", "1s")
    wait_for(lambda: queue.llen(QUEUE) == 2, 60, "both checks to be enqueued")
    os.killpg(passing.pid, signal.SIGINT)
    assert passing.wait(timeout=60) == 130
    output = cluster.log_of(passing)
    assert results(output) == []
    assert "已中断：检查完成 0 项（无），未开始 2 项" in output
