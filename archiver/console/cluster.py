"""`archiver worker`, `archiver scheduler` and the pass of `archiver check --queue`: the
cluster's commands (docs/cluster.md). Each needs `queue:` in the configuration.

    from archiver.console.cluster import scheduler, worker
    main_group.add_command(worker)
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence

import click
import structlog

from archiver import schedule
from archiver.app import App
from archiver.cluster import scheduler as cluster_scheduler
from archiver.cluster.broker import broker_url, client, shown
from archiver.cluster.celery_app import make_celery, require_queue, visibility_timeout_s
from archiver.cluster.leader import Leader
from archiver.cluster.queued import run_queued_pass
from archiver.cluster.settings import QueueSettings
from archiver.cluster.worker import run_worker
from archiver.config import Site
from archiver.console.commands import AppSource
from archiver.console.exits import Exit
from archiver.console.interrupts import Interrupts, say
from archiver.console.running import housekeeping_jobs
from archiver.errors import ConfigError
from archiver.models import CheckResult
from archiver.passes import PassResult

log = structlog.get_logger("archiver.cli")
DEFAULT_CONCURRENCY = 2


def queue_summary(queue: QueueSettings) -> str:
    """How `config check` names the cluster's queue (the password never shows).

    >>> queue_summary(QueueSettings(broker="redis://10.0.0.5:6379/0"))
    'queue redis://10.0.0.5:6379/0'
    """
    return f"queue {shown(queue.broker)}"


def cluster_app(source: AppSource) -> App:
    """The App, with a valid configuration (loading validates it) that has `queue:` (exit 2
    otherwise)."""
    app = source.app()
    try:
        require_queue(app.settings)
    except ValueError as exc:
        raise ConfigError([f"{app.config_file}: {exc}"]) from exc
    return app


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Worker processes, each with its own browser (about 1 per core).",
)
@click.option("--hostname", help="The worker's name in the cluster (default: archiver@HOST-PID).")
@click.pass_obj
def worker(source: AppSource, concurrency: int, hostname: str | None) -> None:
    """Run checks from the cluster's queue until SIGTERM (Celery prefork processes)."""
    app = cluster_app(source)
    queue = require_queue(app.settings)
    say(
        f"worker: {concurrency} 个进程，队列 {shown(broker_url(queue, app.environ))}，"
        f"可见超时 {visibility_timeout_s(app.settings):.0f}s"
    )
    code = run_worker(app, concurrency=concurrency, hostname=hostname)
    if code:
        raise click.exceptions.Exit(code)


@click.command()
@click.pass_obj
def scheduler(source: AppSource) -> None:
    """Enqueue due checks on the schedule; several may run, one leads (SIGTERM stops it)."""
    app = cluster_app(source)
    celery = make_celery(app.settings, app.environ)
    url = broker_url(require_queue(app.settings), app.environ)
    name = f"{socket.gethostname()}-{os.getpid()}"
    redis_client = client(url)
    leader = Leader(redis_client, name=name)
    say(f"scheduler {name}: 队列 {shown(url)}，{len(app.settings.sites)} 个站点；等待成为主调度器")

    def build_daemon() -> schedule.Daemon:
        say(f"scheduler {name}: 成为主调度器，开始按计划入队")
        return cluster_scheduler.make_daemon(app, celery, redis_client, housekeeping_jobs(app))

    with Interrupts(grace_s=0) as stopping:
        cluster_scheduler.run_scheduler(leader, build_daemon, stopping.wait)
    say(f"scheduler {name}: 已停止")
    raise click.exceptions.Exit(Exit.INTERRUPTED if stopping() else Exit.OK)


def queued_pass(
    app: App,
    sites: Sequence[Site],
    *,
    confirm: bool,
    on_result: Callable[[CheckResult], None],
    stopping: Callable[[], bool],
    grace_s: float,
) -> PassResult:
    """`archiver check --queue`: the pass on the cluster's workers."""
    try:
        celery = make_celery(app.settings, app.environ)
    except ValueError as exc:
        raise ConfigError([f"{app.config_file}: {exc}"]) from exc
    return run_queued_pass(
        celery, sites, confirm=confirm, on_result=on_result, stopping=stopping, grace_s=grace_s
    )
