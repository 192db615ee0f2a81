"""`archiver check`: one pass now, a table, one summary line, the exit code that tells the
truth (3: the store or the index failed, 4: alerts undelivered, 130: interrupted).

    from archiver.console.checking import check
    main_group.add_command(check)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver import codec, wording
from archiver.alerts.alerter import Alerter
from archiver.app import utc_now
from archiver.config import Settings, Site
from archiver.console import probe, summary
from archiver.console.commands import AppSource
from archiver.console.exits import Exit, worst
from archiver.console.interrupts import Interrupts, exit_now, grace_option, say
from archiver.durations import format_seconds
from archiver.durations import parse as parse_duration
from archiver.errors import StoreError
from archiver.evidence import cli as evidence_cli
from archiver.models import CheckResult, Outcome, PartnerEvent

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


@click.command()
@click.argument("sites", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site on stdout.")
@click.option("--no-screenshot", is_flag=True, help="Skip screenshots of new versions.")
@grace_option
@click.option(
    "--no-confirm",
    is_flag=True,
    help="Do not wait for the re-checks of suspect lists (the daemon does them).",
)
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Run the pass on the cluster's workers (needs `queue:`; docs/cluster.md).",
)
@click.pass_obj
def check(
    source: AppSource,
    sites: tuple[str, ...],
    as_json: bool,
    no_screenshot: bool,
    grace: str,
    no_confirm: bool,
    queued: bool = False,
) -> None:
    """Check SITES (default: every enabled site) once, now, then the re-checks they owe.

    Ctrl-C (or SIGTERM) stops starting checks, lets the running ones finish for a few
    seconds, prints what was done and exits 130; a second Ctrl-C exits at once.
    """
    app = source.app()
    chosen = select_sites(app.settings, sites)
    findings = probe.store(app.store, utc_now())
    if not findings[0].ok:
        raise StoreError(findings[0].detail, hint=findings[0].hint)

    def report(result: CheckResult) -> None:
        advance(result)
        if as_json:
            click.echo(json.dumps(result_data(result), ensure_ascii=False), nl=True)
            sys.stdout.flush()

    grace_s = parse_duration(grace)
    with Interrupts(grace_s=grace_s) as stopping, _progress(len(chosen)) as advance:
        if queued:  # the workers check (with their own screenshot setting)
            from archiver.console.cluster import queued_pass  # noqa: PLC0415 - celery on demand

            done = queued_pass(
                app,
                chosen,
                confirm=not no_confirm,
                on_result=report,
                stopping=stopping,
                grace_s=grace_s,
            )
        else:
            done = app.runner(app.deps(screenshots=not no_screenshot)).run_pass(
                chosen,
                workers=app.settings.browser.concurrency,
                confirm=not no_confirm,
                on_result=report,
                sleep=stopping.wait,
                stopping=stopping,
                grace_s=grace_s,
            )
    results = list(done.results)
    if not as_json:
        print_summary(chosen, results)
    line = summary.pass_line(
        results,
        not_started=done.not_started,
        abandoned=done.abandoned,
        interrupted=done.interrupted,
    )
    (say if as_json else out.print)(line)
    if done.interrupted:
        say("告警已存入发件箱，下次运行 archiver check 或守护进程时发送。")
        if done.abandoned:
            exit_now()  # their threads would keep the process alive
        raise click.exceptions.Exit(Exit.INTERRUPTED)
    tally = deliver_alerts(app.alerter())
    checkpoint_problem = evidence_cli.checkpoint_after_pass(app)
    if checkpoint_problem:
        say(checkpoint_problem)
    alerts = summary.alert_line(tally)
    if alerts:
        (say if as_json or tally.undelivered else out.print)(alerts)
    broken = summary.store_failures(results)
    if broken:
        hint = probe.store(app.store, utc_now())[0].hint or "检查存档的位置和权限"
        say(f"错误：{len(broken)} 个站点的版本无法写入存档（{broken[0].error}）。解决：{hint}")
    unindexed = summary.index_failures(results)
    if unindexed:
        say(summary.index_line(unindexed))
    code = worst(
        Exit.STORE if broken or unindexed else Exit.OK,
        Exit.ALERTS_OWED if tally.undelivered else Exit.OK,
    )
    if code is not Exit.OK:
        raise click.exceptions.Exit(code)


def deliver_alerts(alerter: Alerter) -> summary.AlertTally:
    """Send what is owed now (digests of this run included); what is still owed after."""
    alerter.flush_digest()
    delivery = alerter.deliver_pending()
    owed = [
        unit
        for row in alerter.status()
        for unit in row.units
        if unit.state in ("pending", "retrying")
    ]
    errors = [unit.error for unit in owed if unit.error]
    errors += [a.error for a in delivery.attempts if a.error]
    return summary.AlertTally(sent=delivery.sent, owed=len(owed), error=next(iter(errors), ""))


def select_sites(settings: Settings, ids: Sequence[str]) -> list[Site]:
    """The sites named on the command line, or every enabled one."""
    if not ids:
        return [site for site in settings.sites if site.enabled]
    chosen = []
    for site_id in ids:
        try:
            chosen.append(settings.site(site_id))
        except KeyError as exc:
            raise click.UsageError(str(exc.args[0])) from exc
    return chosen


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    if not err.is_terminal:
        yield lambda result: None
        return
    with Progress(
        TextColumn("[bold]checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def advance(result: CheckResult) -> None:
            done = progress.tasks[0].completed + 1  # re-checks come on top of the pass
            progress.update(
                task,
                advance=1,
                total=max(total, done),
                description=f"{result.site_id}: {result.outcome}",
            )

        yield advance


def result_data(result: CheckResult) -> dict[str, Any]:
    """The stable JSON shape of one check result."""
    version = result.version
    return {
        "site": result.site_id,
        "outcome": result.outcome.value,
        "version": version.manifest.seq if version else None,
        "key": version.key if version else None,
        "status": result.status.value,
        "error": result.error or None,
        "events": [event_data(e) for e in result.events],
        "started_at": result.started_at.isoformat(),
        "duration_s": round(result.duration_s, 3),
        "bytes_written": result.bytes_written,
        "belief": result.belief.value if result.belief else None,
        "confirm_at": result.confirm_at.isoformat() if result.confirm_at else None,
        "index_error": result.index_error or None,
    }


def event_data(event: PartnerEvent) -> dict[str, Any]:
    """An event as JSON: type and name always, the rest when it applies."""
    data: dict[str, Any] = codec.to_data(event)
    return {k: v for k, v in data.items() if v not in ("", [], None) or k in ("type", "name")}


def print_summary(sites: list[Site], results: list[CheckResult]) -> None:
    """A table of the pass (the totals line follows it)."""
    order = {site.id: i for i, site in enumerate(sites)}
    table = Table(title=None, show_edge=False)
    for column in ("站点", "结果", "版本", "名单变化", "用时", "详情"):
        table.add_column(column)
    styles = {Outcome.NEW: "green", Outcome.CHANGED: "yellow", Outcome.FAILED: "red"}
    for result in sorted(results, key=lambda r: order.get(r.site_id, 0)):
        version = result.version.manifest.seq if result.version else ""
        detail = (
            wording.failure(result.status.value, result.error)
            if result.outcome is Outcome.FAILED
            else events_summary(result.events)
        )
        if result.belief is not None and not result.belief.is_believed and result.version:
            detail = f"{wording.belief(result.belief.value)} {detail}".strip()
        word = wording.outcome(result.outcome.value)
        table.add_row(
            result.site_id,
            f"[{styles[result.outcome]}]{word}[/]" if result.outcome in styles else word,
            str(version),
            str(len(result.events)),
            format_seconds(result.duration_s),
            detail,
        )
    if results:
        out.print(table)


def events_summary(events: Sequence[PartnerEvent]) -> str:
    """'新增 2，移除 1' ('' when there are none)."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.type.value] = counts.get(event.type.value, 0) + 1
    return "，".join(f"{wording.event(kind)} {n}" for kind, n in counts.items())
