"""`archiver run` (the daemon) and `archiver demo`: start-up probes and orientation, the
two-step stop, metrics, housekeeping jobs.

    from archiver.console.running import demo, run
    main_group.add_command(run)
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any

import click
import structlog

from archiver import schedule
from archiver.app import (
    App,
    alias_file,
    build,
    config_path,
    utc_now,
)
from archiver.config import Site
from archiver.console import hints, metrics, orientation, probe
from archiver.console.commands import AppSource
from archiver.console.daemon import Watch
from archiver.console.exits import Exit
from archiver.console.interrupts import Interrupts, exit_now, grace_option, say
from archiver.demo import DemoSite, write_config
from archiver.durations import parse as parse_duration
from archiver.errors import ArchiverError, StoreError
from archiver.evidence import cli as evidence_cli
from archiver.models import CheckResult, PageStatus
from archiver.passes import GRACE_S
from archiver.publish.wiring import build_publisher, presign_expiry_s, presigned_links

log = structlog.get_logger("archiver.cli")
ALERT_DELIVERY_EVERY_S = 30.0


@click.command()
@grace_option
@click.option(
    "--metrics",
    "metrics_at",
    metavar="HOST:PORT",
    help="Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9108).",
)
@click.pass_obj
def run(source: AppSource, grace: str, metrics_at: str | None) -> None:
    """Run the daemon: check every site on its schedule until SIGTERM or Ctrl-C."""
    app = source.app()  # loading the configuration is validating it (app.load_settings)
    try:
        address = metrics.parse_address(metrics_at) if metrics_at else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--metrics") from exc
    code = run_daemon(app, metrics_address=address, grace_s=parse_duration(grace))
    if code is not Exit.OK:
        raise click.exceptions.Exit(code)


def run_daemon(
    app: App,
    *,
    stop_after_s: float | None = None,
    metrics_address: tuple[str, int] | None = None,
    grace_s: float = GRACE_S,
) -> Exit:
    """Start the scheduler until SIGTERM/SIGINT (130) or `stop_after_s` (0).

    The first signal stops starting checks and gives those running GRACE_S to finish; a
    second one exits at once. The store must be writable to start at all (exit 3).
    """
    findings = probe.store(app.store, utc_now())
    findings.append(probe.mail(app.alerter().mail))
    if not findings[0].ok:
        failure = findings[0]
        raise StoreError(failure.detail, hint=failure.hint)
    deps = app.deps()
    runner = app.runner(deps)
    last_checks = {site: row.started_at for site, row in app.index.last_checks().items()}
    enabled = [site for site in app.settings.sites if site.enabled]
    unavailable = schedule.UnavailableWatch(app.settings.browser.exit_after_unavailable)
    daemon: schedule.Daemon | None = None

    def check(site: Site) -> CheckResult:
        """A check; after `browser.exit_after_unavailable` checks in a row without a working
        browser the daemon stops and exits non-zero, so its supervisor restarts it."""
        result = runner.check(site)
        if unavailable.saw(result.status is PageStatus.BROWSER_UNAVAILABLE) and daemon:
            log.error("browser_unavailable_exit", checks=unavailable.limit, error=result.error)
            daemon.fail(f"连续 {unavailable.limit} 次检查没有可用的浏览器：{result.error}")
        return result

    with Interrupts(grace_s=grace_s) as stopping:
        watch = Watch(check, sites=len(enabled), stopping=stopping, say=say, now=deps.now)
        daemon = schedule.Daemon(
            app.settings.sites,
            watch,
            last_checks=last_checks,
            now=deps.now,
            workers=app.settings.browser.concurrency + 1,
            housekeeping=housekeeping_jobs(app),
            owed=runner.owed(app.settings.sites),
            zone=app.settings.zone,
        )
        log.info(
            "daemon_starting",
            config=str(app.config_file),
            store=app.store.describe(),
            alerts=app.alerter().describe(),
            sites=len(app.settings.sites),
        )
        for line in orientation.lines(app, findings, sites=enabled):
            say(line)
        if not app.aliases.entities:
            log.warning(
                "aliases_missing",
                path=str(alias_file(app.config_file)),
                hint="copy config/entities.yaml beside the sites file to recognise known renames",
            )
        app.alerter().reconcile()
        exporter = (
            metrics.serve(metrics_address, metrics.Source(app, watch)) if metrics_address else None
        )
        daemon.start()
        try:
            stopping.wait(stop_after_s, until=lambda: daemon.wait(0))  # or the daemon stops
            daemon.stop()  # queued checks are skipped from now on
            abandoned = watch.wait_idle(grace_s)
            if abandoned:  # their threads would keep the process alive: report and go
                say(watch.stopped_line(abandoned))
                exit_now(Exit.INTERRUPTED if stopping() else Exit.OK)
            daemon.shutdown(wait=False)
        finally:
            if exporter is not None:
                exporter.shutdown()
        say(watch.stopped_line(abandoned))
        if daemon.failure:
            raise ArchiverError(f"守护进程已停止：{daemon.failure}")
        return Exit.INTERRUPTED if stopping() else Exit.OK


def housekeeping_jobs(app: App) -> list[tuple[str, Any, float]]:
    """Periodic jobs besides site checks: deliver owed alerts (digests included when due),
    sign a checkpoint when a chain moved (with a signing key), and in a private bucket
    re-sign the published pages before their links expire."""
    jobs: list[tuple[str, Any, float]] = [
        ("alerts-deliver", app.alerter().deliver_pending, ALERT_DELIVERY_EVERY_S)
    ]
    if evidence_cli.notary_of(app) is not None:
        every = app.settings.evidence.checkpoint_every
        jobs.append(
            ("evidence-checkpoint", partial(evidence_cli.checkpoint_after_pass, app), every)
        )
    else:
        log.warning("checkpoints_disabled", hint="set ARCHIVER_SIGNING_KEY to sign checkpoints")
    if presigned_links(app.settings):
        publisher = build_publisher(app.settings, app.store, health=app.index)
        every_s = presign_expiry_s(app.settings) / 2
        jobs.append(("publish-resign", lambda: publisher.publish_all(force=True), every_s))
    return jobs


@click.command()
@click.option("--every", "every", default="8s", show_default=True, help="Check interval.")
@click.option(
    "--step", "step", default="20s", show_default=True, help="Time between page changes."
)
@click.option("--for", "duration", default=None, help="Stop after this long (default: Ctrl-C).")
@click.option("--dir", "directory", default="var/demo", show_default=True, help="Demo state.")
def demo(every: str, step: str, duration: str | None, directory: str) -> None:
    """Watch a bundled local bank page change: versions and diffs appear within a minute."""
    story = DemoSite(step_s=parse_duration(step)).start()
    config_file = write_config(
        Path(directory), story.url, entities=alias_file(config_path(None, os.environ))
    )
    app = build(config_file, os.environ)
    every_s = parse_duration(every)
    sites = tuple(site.model_copy(update={"every": every_s}) for site in app.settings.sites)
    app.settings = app.settings.model_copy(update={"sites": sites})
    say(
        f"演示：{story.url} 每 {step} 变化一次（第一次变化在 {step} 后：新增一家合作机构），"
        f"每 {every} 检查一次。\n"
        f"在另一个终端中查看：{hints.command('history', 'demo-bank', config=config_file)}\n"
        f"                    {hints.command('diff', 'demo-bank', config=config_file)}\n"
        "停止：Ctrl-C"
    )
    try:
        code = run_daemon(app, stop_after_s=parse_duration(duration) if duration else None)
    finally:
        app.close()
        story.stop()
    if code is not Exit.OK:
        raise click.exceptions.Exit(code)
