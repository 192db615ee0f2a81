"""`queue:` configuration: validated where it is written, the password only from the
environment, a Celery app per Settings with the cluster's delivery guarantees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archiver import config
from archiver.cluster.broker import broker_url, shown
from archiver.cluster.celery_app import (
    check_budget_s,
    make_celery,
    visibility_timeout_s,
)
from archiver.errors import ConfigError

SITE = '{id: a, name: A, url: "https://a.example/list.html"}'


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.load(text, path="sites.yaml")
    return caught.value.problems


def test_without_queue_the_settings_have_none() -> None:
    assert config.load(f"sites: [{SITE}]").queue is None


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        (
            '{broker: "redis://:hunter2@10.0.0.5:6379/0"}',
            "sites.yaml:1: queue.broker: a password in the broker URL is refused: set "
            "ARCHIVER_QUEUE_PASSWORD in the environment and remove it from the URL",
        ),
        (
            '{broker: "amqp://10.0.0.5//"}',
            "sites.yaml:1: queue.broker: the broker must be a redis:// or rediss:// URL, got "
            "'amqp://10.0.0.5//' (e.g. \"redis://127.0.0.1:6379/0\")",
        ),
        (
            '{broker: "redis://h:6379/0", password: x}',
            "sites.yaml:1: queue.password: unknown key 'password' (secrets are read from the "
            "environment only, see README 'Secrets')",
        ),
        (
            '{broker: "redis://h:6379/queue"}',
            "sites.yaml:1: queue.broker: the database in the broker URL must be a number, "
            "got 'queue'",
        ),
        (
            '{broker: "redis:///0"}',
            "sites.yaml:1: queue.broker: the broker URL names no host: 'redis:///0'",
        ),
        ("{brokr: x}", "sites.yaml:1: queue.brokr: unknown key 'brokr' (did you mean 'broker'?)"),
    ],
)
def test_a_bad_queue_is_one_line_that_says_where(queue: str, expected: str) -> None:
    assert expected in problems(f"queue: {queue}\nsites: [{SITE}]\n")


def test_the_password_comes_from_the_environment_and_never_shows() -> None:
    queue = config.load('queue: {broker: "rediss://archiver@r.example:6380/2"}').queue
    assert queue is not None
    url = broker_url(queue, {"ARCHIVER_QUEUE_PASSWORD": "s3cr:t/"})
    assert url == "rediss://archiver:s3cr%3At%2F@r.example:6380/2"
    assert shown(url) == "rediss://archiver:***@r.example:6380/2"
    assert broker_url(queue, {}) == "rediss://archiver@r.example:6380/2"


def test_the_visibility_timeout_outlasts_the_slowest_check_and_the_longest_confirmation() -> None:
    settings = config.load(
        """
defaults: {timeout: 30s, confirm_delay: 5m}
sites:
  - {id: page, name: P, url: "https://p.example/", pagination: {max_pages: 3}, max_attachments: 4}
  - {id: inst, name: I, url: "https://i.example/", discover: {max_time: 20m}}
"""
    )
    page, inst = settings.sites
    assert check_budget_s(page) == 30 * (3 + 2 + 4) + 60
    assert check_budget_s(inst) == 20 * 60 + 30 + 60
    assert visibility_timeout_s(settings) == 2 * (20 * 60 + 30 + 60) + 5 * 60


def test_each_settings_builds_its_own_celery_app() -> None:
    """Nothing global: two configurations give two apps, each with the cluster's guarantees."""
    one = config.load(f'queue: {{broker: "redis://h1:6379/0"}}\nsites: [{SITE}]')
    two = config.load('queue: {broker: "redis://h2:6379/1"}\ndefaults: {timeout: 10m}')
    first = make_celery(one, {"ARCHIVER_QUEUE_PASSWORD": "pw"})
    second = make_celery(two, {})
    assert first.conf.broker_url == "redis://:pw@h1:6379/0"
    assert first.conf.result_backend == "redis://:pw@h1:6379/0"
    assert second.conf.broker_url == "redis://h2:6379/1"
    for app, settings in ((first, one), (second, two)):
        assert app.conf.task_acks_late is True
        assert app.conf.task_reject_on_worker_lost is True
        assert app.conf.worker_prefetch_multiplier == 1
        assert app.conf.accept_content == ["json"]
        timeout = app.conf.broker_transport_options["visibility_timeout"]
        assert timeout == visibility_timeout_s(settings)
        assert all(timeout > check_budget_s(site) for site in settings.sites)


def test_make_celery_refuses_settings_without_a_queue() -> None:
    with pytest.raises(ValueError, match="no queue is configured"):
        make_celery(config.load(f"sites: [{SITE}]"), {})


def archiver(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [["worker"], ["scheduler"], ["check", "--queue"]])
def test_cluster_commands_without_a_queue_exit_2_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"storage: {{kind: local, path: {tmp_path / 'a'}}}\nstate_dir: {tmp_path / 'v'}\n"
        f"sites: [{SITE}]\n",
        encoding="utf-8",
    )
    done = archiver(path, *command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f'{path}: no queue is configured: add `queue: {{broker: "redis://HOST:6379/0"}}` to '
        "the configuration (README, Cluster)"
    ]


def test_config_check_refuses_a_password_in_the_broker_url(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f'queue: {{broker: "redis://:pw@127.0.0.1:6379/0"}}\nsites: [{SITE}]\n', encoding="utf-8"
    )
    done = archiver(path, "config", "check")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"{path}:1: queue.broker: a password in the broker URL is refused: set "
        "ARCHIVER_QUEUE_PASSWORD in the environment and remove it from the URL"
    ]
    assert "pw" not in done.stderr.replace("password", "")


def test_config_check_names_the_queue(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f'queue: {{broker: "redis://10.0.0.5:6379/0"}}\nsites: [{SITE}]\n', encoding="utf-8"
    )
    done = archiver(path, "config", "check")
    assert done.returncode == 0, done.stderr
    assert "storage local, index SQLite in " in done.stdout
    assert ", queue redis://10.0.0.5:6379/0, " in done.stdout
