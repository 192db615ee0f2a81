"""Command line: argv -> commands. The only module that exits.

Errors the user can fix print one line on stderr: exit 2 for configuration and usage
problems, exit 1 for the rest. `--json` output is stable for scripts.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import click
import structlog
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver import __version__, archive, codec, logs, readings, schedule, textdiff
from archiver.alerts.alerter import Alerter
from archiver.alerts.cli import outbox_group
from archiver.alerts.settings import problems as alert_problems
from archiver.app import (
    App,
    alias_file,
    build,
    config_path,
    load_alias_table,
    load_settings,
)
from archiver.config import Settings, Site
from archiver.demo import DemoSite, write_config
from archiver.discovery.cli import sites_group
from archiver.durations import format_seconds
from archiver.durations import parse as parse_duration
from archiver.errors import ArchiverError, ConfigError
from archiver.evidence import cli as evidence_cli
from archiver.models import (
    CheckResult,
    EventType,
    Outcome,
    PageStatus,
    PartnerEvent,
    StoredVersion,
)
from archiver.partners import compare
from archiver.partners.search import PartnerSearch
from archiver.publish import cli as publish_cli
from archiver.reextract_cli import reextract
from archiver.runner import Runner

log = structlog.get_logger("archiver.cli")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)
ALERT_DELIVERY_EVERY_S = 30.0
EVENT_LABELS = {
    EventType.ADDED: "新增 added",
    EventType.DROPPED: "移除 dropped",
    EventType.RENAMED: "更名 renamed",
    EventType.READDED: "恢复 re-added",
    EventType.FIELD_CHANGED: "变更 changed",
}


class Context:
    """Lazily built application state shared by the commands."""

    def __init__(self, config: str | None) -> None:
        self.config_file = config_path(config, os.environ)
        self._app: App | None = None

    def app(self) -> App:
        """Build the app on first use."""
        if self._app is None:
            self._app = build(self.config_file, os.environ)
        return self._app

    def close(self) -> None:
        """Free the browser and the index."""
        if self._app is not None:
            self._app.close()


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-c",
    "--config",
    metavar="PATH",
    help="Configuration file (default: $ARCHIVER_CONFIG or config/sites.yaml).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default=None,
    help="Log verbosity (default: info for run, warning otherwise).",
)
@click.option(
    "--log-format",
    type=click.Choice(["auto", "console", "json"]),
    default="auto",
    help="Console lines in a terminal, JSON lines otherwise (auto).",
)
@click.version_option(__version__, prog_name="archiver")
@click.pass_context
def main_group(
    ctx: click.Context, config: str | None, log_level: str | None, log_format: str
) -> None:
    """Archive partner-list disclosures, version by version, and report partner changes."""
    default_level = "info" if ctx.invoked_subcommand in ("run", "demo") else "warning"
    logs.configure(level=log_level or default_level, fmt=log_format)  # type: ignore[arg-type]
    state = Context(config)
    ctx.obj = state
    ctx.call_on_close(state.close)


# --- run ---------------------------------------------------------------------------------------


@main_group.command()
@pass_context
def run(state: Context) -> None:
    """Run the daemon: check every site on its schedule until SIGTERM or Ctrl-C."""
    app = state.app()
    problems = schedule.validate(app.settings, path=str(app.config_file))
    if problems:
        raise ConfigError(problems)
    run_daemon(app)


def run_daemon(app: App, *, stop_after_s: float | None = None) -> None:
    """Start the scheduler; stop cleanly on SIGTERM/SIGINT (a second signal exits at once).

    After `browser.exit_after_unavailable` checks in a row found no working browser, the
    daemon stops and exits non-zero, so its supervisor (systemd) restarts the process.
    """
    deps = app.deps()
    runner = Runner(deps)
    watch = schedule.UnavailableWatch(app.settings.browser.exit_after_unavailable)
    last_checks = {site: row.started_at for site, row in app.index.last_checks().items()}

    def check(site: Site) -> CheckResult:
        result = runner.check(site)
        if watch.saw(result.status is PageStatus.BROWSER_UNAVAILABLE):
            log.error("browser_unavailable_exit", checks=watch.limit, error=result.error)
            daemon.fail(f"no browser for {watch.limit} checks in a row: {result.error}")
        return result

    daemon = schedule.Daemon(
        app.settings.sites,
        check,
        last_checks=last_checks,
        now=deps.now,
        workers=app.settings.browser.concurrency + 1,
        housekeeping=housekeeping_jobs(app),
        owed=runner.owed(app.settings.sites),
    )
    signals = {"count": 0}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        signals["count"] += 1
        if signals["count"] > 1:
            log.warning("daemon_killed", signal=signal.Signals(signum).name)
            raise KeyboardInterrupt
        log.info("signal_received", signal=signal.Signals(signum).name)
        daemon.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info(
        "daemon_starting",
        config=str(app.config_file),
        store=app.store.describe(),
        alerts=app.alerter().describe(),
        sites=len(app.settings.sites),
    )
    if not app.aliases.entities:
        log.warning(
            "aliases_missing",
            path=str(alias_file(app.config_file)),
            hint="copy config/entities.yaml beside the sites file to recognise known renames",
        )
    app.alerter().reconcile()
    daemon.start()
    try:
        daemon.wait(stop_after_s)
    finally:
        daemon.shutdown()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if daemon.failure:
        raise ArchiverError(f"the daemon stopped: {daemon.failure}")


def housekeeping_jobs(app: App) -> list[tuple[str, Any, float]]:
    """Periodic jobs besides site checks: deliver owed alerts (digests included when due),
    sign a checkpoint when a chain moved (with a signing key)."""
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
    return jobs


@main_group.command()
@click.option("--every", "every", default="8s", show_default=True, help="Check interval.")
@click.option(
    "--step", "step", default="20s", show_default=True, help="Time between page changes."
)
@click.option("--for", "duration", default=None, help="Stop after this long (default: Ctrl-C).")
@click.option("--dir", "directory", default="var/demo", show_default=True, help="Demo state.")
def demo(every: str, step: str, duration: str | None, directory: str) -> None:
    """Watch a bundled local bank page change: versions and diffs appear within a minute."""
    story = DemoSite(step_s=parse_duration(step)).start()
    config_file = write_config(Path(directory), story.url)
    app = build(config_file, os.environ)
    every_s = parse_duration(every)
    sites = tuple(site.model_copy(update={"every": every_s}) for site in app.settings.sites)
    app.settings = app.settings.model_copy(update={"sites": sites})
    err.print(
        f"[bold]demo[/]: {story.url} changes every {step}, checked every {every}.\n"
        f"In another terminal:  archiver -c {config_file} history demo-bank\n"
        f"                      archiver -c {config_file} diff demo-bank\n"
        "Stop with Ctrl-C."
    )
    try:
        run_daemon(app, stop_after_s=parse_duration(duration) if duration else None)
    finally:
        app.close()
        story.stop()


# --- check -------------------------------------------------------------------------------------


@main_group.command()
@click.argument("sites", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site on stdout.")
@click.option("--no-screenshot", is_flag=True, help="Skip screenshots of new versions.")
@click.option(
    "--no-confirm",
    is_flag=True,
    help="Do not wait for the re-checks of suspect lists (the daemon does them).",
)
@pass_context
def check(
    state: Context, sites: tuple[str, ...], as_json: bool, no_screenshot: bool, no_confirm: bool
) -> None:
    """Check SITES (default: every enabled site) once, now, then the re-checks they owe."""
    app = state.app()
    chosen = select_sites(app.settings, sites)
    runner = Runner(app.deps(screenshots=not no_screenshot))
    with _progress(len(chosen)) as advance:

        def on_result(result: CheckResult) -> None:
            advance(result)
            if as_json:
                click.echo(json.dumps(result_data(result), ensure_ascii=False), nl=True)
                sys.stdout.flush()

        results = runner.run_pass(
            chosen,
            workers=app.settings.browser.concurrency,
            confirm=not no_confirm,
            on_result=on_result,
        )
    alerter = app.alerter()
    alerter.flush_digest()
    delivery = alerter.deliver_pending()
    checkpoint_problem = evidence_cli.checkpoint_after_pass(app)
    if checkpoint_problem:
        err.print(checkpoint_problem, markup=False)
    if not as_json:
        print_summary(chosen, results)
        if delivery.sent or delivery.failed:
            out.print(
                f"alerts: {delivery.sent} sent, {delivery.failed} to retry (archiver outbox)"
            )


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
    }


def event_data(event: PartnerEvent) -> dict[str, Any]:
    """An event as JSON: type and name always, the rest when it applies."""
    data: dict[str, Any] = codec.to_data(event)
    return {k: v for k, v in data.items() if v not in ("", [], None) or k in ("type", "name")}


def print_summary(sites: list[Site], results: list[CheckResult]) -> None:
    """A table of the pass, then one line of totals."""
    order = {site.id: i for i, site in enumerate(sites)}
    table = Table(title=None, show_edge=False)
    for column in ("site", "outcome", "version", "events", "time", "detail"):
        table.add_column(column)
    styles = {Outcome.NEW: "green", Outcome.CHANGED: "yellow", Outcome.FAILED: "red"}
    for result in sorted(results, key=lambda r: order.get(r.site_id, 0)):
        version = result.version.manifest.seq if result.version else ""
        detail = result.error or _events_summary(result.events)
        if result.belief is not None and not result.belief.is_believed and result.version:
            detail = f"{result.belief.value} (preserved, not believed) {detail}".strip()
        table.add_row(
            result.site_id,
            f"[{styles.get(result.outcome, '')}]{result.outcome.value}[/]"
            if result.outcome in styles
            else result.outcome.value,
            str(version),
            str(len(result.events)),
            format_seconds(result.duration_s),
            detail,
        )
    out.print(table)
    counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
    out.print(
        f"{len(results)} checked: {counts[Outcome.NEW]} new, {counts[Outcome.CHANGED]} changed, "
        f"{counts[Outcome.UNCHANGED]} unchanged, {counts[Outcome.FAILED]} failed"
    )


def _events_summary(events: Sequence[PartnerEvent]) -> str:
    counts: dict[str, int] = {}
    for event in events:
        counts[event.type.value] = counts.get(event.type.value, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


# --- history / show / diff -------------------------------------------------------------------


def _known_site(app: App, site_id: str) -> str:
    if any(site.id == site_id for site in app.settings.sites):
        return site_id
    if archive.head(app.store, site_id) is not None:
        return site_id  # archived earlier, removed from the config since
    try:
        app.settings.site(site_id)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from exc
    return site_id


@main_group.command()
@click.argument("site")
@click.option("--json", "as_json", is_flag=True, help="JSON document on stdout.")
@pass_context
def history(state: Context, site: str, as_json: bool) -> None:
    """Versions of SITE, oldest first, and when it was last checked."""
    app = state.app()
    site_id = _known_site(app, site)
    corrected = readings.corrected_seqs(app.store, site_id)
    versions = [
        readings.view(app.store, v) if v.manifest.seq in corrected else v
        for v in archive.history(app.store, site_id)
    ]
    last = app.index.last_check(site_id)
    since = _unchanged_since(versions, app.index.last_seen(site_id))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "site": site_id,
                    "versions": [_version_summary(v) for v in versions],
                    "last_check": {
                        "at": last.started_at.isoformat(),
                        "outcome": last.outcome.value,
                        "status": last.status,
                        "error": last.error or None,
                    }
                    if last
                    else None,
                    "unchanged_since": {"at": since[0].isoformat(), "as_of": since[1].isoformat()}
                    if since
                    else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table(show_edge=False)
    columns = ("version", "captured (UTC)", "belief", "partners", "events", "text ±", "digest")
    for column in columns:
        table.add_column(column)
    for stored in versions:
        m = stored.manifest
        table.add_row(
            str(m.seq),
            m.captured_at.strftime("%Y-%m-%d %H:%M:%S"),
            m.belief.value + (" (corrected)" if stored.corrected_by else ""),
            f"{len(m.partners)} ({m.list_status.value})",
            _events_summary(m.events) or "-",
            f"+{m.text_inserted} -{m.text_deleted}",
            m.content_digest[:12],
        )
    out.print(table if versions else f"{site_id}: no versions archived yet")
    if last is not None:
        out.print(
            f"last checked {last.started_at:%Y-%m-%d %H:%M:%S} UTC: {last.outcome.value}"
            + (f" ({last.error})" if last.error else "")
        )
    if since:
        out.print(
            f"unchanged since {since[0]:%Y-%m-%d %H:%M:%S} UTC, "
            f"as of {since[1]:%Y-%m-%d %H:%M:%S} UTC"
        )


def _unchanged_since(
    versions: list[StoredVersion], last_seen: datetime | None
) -> tuple[datetime, datetime] | None:
    """(capture time of the newest version, the latest check that still read it)."""
    if not versions:
        return None
    captured = versions[-1].manifest.captured_at
    return captured, max(captured, last_seen) if last_seen else captured


def _version_summary(stored: StoredVersion) -> dict[str, Any]:
    m = stored.manifest
    return {
        "version": m.seq,
        "key": stored.key,
        "manifest_sha256": stored.digest,
        "captured_at": m.captured_at.isoformat(),
        "final_url": m.final_url,
        "title": m.title,
        "content_digest": m.content_digest,
        "belief": m.belief.value,
        "belief_note": m.belief_note or None,
        "confirms": m.confirms,
        "corrected_by": stored.corrected_by or None,
        "list_status": m.list_status.value,
        "partners": len(m.partners),
        "events": [event_data(e) for e in m.events],
        "text_inserted": m.text_inserted,
        "text_deleted": m.text_deleted,
    }


def _resolve(app: App, site_id: str, spec: str | None, *, latest: StoredVersion) -> StoredVersion:
    if spec is None or spec == "latest":
        return latest
    try:
        seq = int(spec)
    except ValueError as exc:
        raise click.UsageError(f"version must be a number or 'latest', got {spec!r}") from exc
    if seq <= 0:
        seq = latest.manifest.seq + seq
    return archive.read_seq(app.store, site_id, seq)


@main_group.command()
@click.argument("site")
@click.argument("version", required=False)
@click.option("--json", "as_json", is_flag=True, help="The manifest as JSON.")
@pass_context
def show(state: Context, site: str, version: str | None, as_json: bool) -> None:
    """One version of SITE (default: the newest): its evidence and partner list."""
    app = state.app()
    site_id = _known_site(app, site)
    latest = archive.head(app.store, site_id)
    if latest is None:
        raise ArchiverError(
            f"{site_id}: no versions archived yet (run 'archiver check {site_id}')"
        )
    stored = readings.view(app.store, _resolve(app, site_id, version, latest=latest))
    if as_json:
        data = codec.to_data(stored.manifest)
        data["key"], data["manifest_sha256"] = stored.key, stored.digest
        data["corrected_by"] = stored.corrected_by or None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    m = stored.manifest
    out.print(f"[bold]{site_id}[/] version {m.seq} of {latest.manifest.seq}")
    out.print(f"captured   {m.captured_at:%Y-%m-%d %H:%M:%S} UTC with {m.browser_version}")
    out.print(
        f"url        {m.requested_url}"
        + (f" -> {m.final_url}" if m.final_url != m.requested_url else "")
    )
    out.print(f"title      {m.title}")
    out.print(f"manifest   {stored.key} sha256:{stored.digest}")
    if m.previous:
        out.print(f"previous   {m.previous.key} sha256:{m.previous.digest}")
    out.print(f"list       {m.list_status.value}, {len(m.partners)} partners {m.list_note}")
    out.print(
        f"belief     {m.belief.value}"
        + (f" ({m.belief_note})" if m.belief_note else "")
        + (f"; confirms version {m.confirms}" if m.confirms else "")
    )
    if stored.corrected_by:
        out.print(f"corrected  re-read by reader {stored.corrected_by}; the manifest is unchanged")
    for ref in m.blobs:
        out.print(
            f"  {ref.role:<17} {ref.size_bytes:>9} B  {ref.media_type:<28} {ref.digest[:16]}"
        )
    if m.partners:
        table = Table(show_edge=False)
        for column in ("#", "partner", "category", "products", "markers"):
            table.add_column(column)
        for i, p in enumerate(m.partners, 1):
            table.add_row(
                str(i),
                p.name,
                p.category_raw or p.category.value,
                "、".join(p.products),
                ",".join(x.value for x in p.markers),
            )
        out.print(table)


@main_group.command()
@click.argument("site")
@click.argument("from_version", required=False, metavar="[FROM]")
@click.argument("to_version", required=False, metavar="[TO]")
@click.option("--json", "as_json", is_flag=True, help="Events and the text diff as JSON.")
@click.option("--context", "context_lines", default=2, show_default=True, help="Lines of context.")
@pass_context
def diff(
    state: Context,
    site: str,
    from_version: str | None,
    to_version: str | None,
    as_json: bool,
    context_lines: int,
) -> None:
    """What changed in SITE between two versions: partners first, then text.

    With no versions: the newest against the one before. With one: that version against
    the one before it.
    """
    app = state.app()
    site_id = _known_site(app, site)
    latest = archive.head(app.store, site_id)
    if latest is None:
        raise ArchiverError(
            f"{site_id}: no versions archived yet (run 'archiver check {site_id}')"
        )
    if to_version is None and from_version is not None:
        after = _resolve(app, site_id, from_version, latest=latest)
        before = _previous(app, site_id, after)
    else:
        after = _resolve(app, site_id, to_version, latest=latest)
        before = (
            _resolve(app, site_id, from_version, latest=latest)
            if from_version is not None
            else _previous(app, site_id, after)
        )
    after = readings.view(app.store, after)
    events = _events_between(app, before, after)
    before_text = archive.text_of(app.store, before.manifest) if before else ""
    after_text = archive.text_of(app.store, after.manifest)
    text = textdiff.compare(before_text, after_text)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "site": site_id,
                    "from": before.manifest.seq if before else None,
                    "to": after.manifest.seq,
                    "belief": after.manifest.belief.value,
                    "baseline": after.manifest.baseline,
                    "corrected_by": after.corrected_by or None,
                    "events": [event_data(e) for e in events],
                    "text": {
                        "inserted": text.inserted,
                        "deleted": text.deleted,
                        "ops": [[op, chunk] for op, chunk in text.ops if op != 0],
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    frm = f"version {before.manifest.seq}" if before else "nothing"
    out.print(f"[bold]{site_id}[/]: {frm} -> version {after.manifest.seq}")
    if events:
        table = Table(show_edge=False)
        for column in ("change", "partner", "detail"):
            table.add_column(column)
        for event in events:
            table.add_row(EVENT_LABELS[event.type], event.name, _event_detail(event))
        out.print(table)
    else:
        out.print("no partner changes")
    out.print(f"text: +{text.inserted} -{text.deleted} characters")
    colors = {"+": "green", "-": "red", " ": "dim"}
    for mark, line in textdiff.unified_lines(before_text, after_text, context=context_lines):
        out.print(f"[{colors[mark]}]{mark} {line}[/]", markup=True, highlight=False)


def _previous(app: App, site_id: str, version: StoredVersion) -> StoredVersion | None:
    if version.manifest.seq <= 1:
        return None
    return archive.read_seq(app.store, site_id, version.manifest.seq - 1)


def _events_between(
    app: App, before: StoredVersion | None, after: StoredVersion
) -> tuple[PartnerEvent, ...]:
    if before is None:
        return ()
    if after.manifest.previous is not None and after.manifest.previous.key == before.key:
        return after.manifest.events
    events, _ = compare(before.manifest, after.manifest.partners, aliases=app.aliases)
    return events


def _event_detail(event: PartnerEvent) -> str:
    if event.type is EventType.RENAMED:
        return f"{event.old} -> {event.new}"
    if event.type is EventType.FIELD_CHANGED:
        return f"{event.field}: {event.before or '∅'} -> {event.after or '∅'}"
    return event.note or (event.category.value if event.category.value != "unspecified" else "")


# --- partners ----------------------------------------------------------------------------------


@main_group.command()
@click.option("--site", "site_id", help="Only this institution.")
@click.option("--search", "query", help="Match names, aliases and match keys (e.g. 蚂蚁).")
@click.option("--json", "as_json", is_flag=True, help="JSON array on stdout.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout.")
@pass_context
def partners(
    state: Context, site_id: str | None, query: str | None, as_json: bool, as_csv: bool
) -> None:
    """Current partners across institutions (from the newest version of each)."""
    app = state.app()
    if site_id is not None:
        _known_site(app, site_id)
    search = PartnerSearch(app.aliases)
    rows = [
        row
        for row in app.index.partners(site_id=site_id)
        if not query
        or search.matches_fields(
            query,
            name=row.name,
            raw=row.raw,
            key=row.match_key,
            entity=row.entity,
            former_names=[n for n in row.former_names.split("；") if n],
        )
    ]
    fields = (
        "site_id",
        "name",
        "raw",
        "match_key",
        "entity",
        "category",
        "category_raw",
        "products",
        "markers",
        "former_names",
        "seq",
    )
    records = [{f: getattr(row, f) for f in fields} for row in rows]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in r.items()} for r in records)
    else:
        table = Table(show_edge=False)
        for column in ("site", "partner", "category", "products", "markers"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row.site_id, row.name, row.category_raw or row.category, row.products, row.markers
            )
        out.print(table)
        out.print(f"{len(rows)} partners")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: names come from pages third parties control,
    and Excel runs a cell that starts with = + - @ as a formula (OWASP "CSV injection").

    >>> print(spreadsheet_safe('=HYPERLINK("http://x","点我")'))
    '=HYPERLINK("http://x","点我")
    >>> spreadsheet_safe("蚂蚁"), spreadsheet_safe(3)
    ('蚂蚁', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# --- maintenance -------------------------------------------------------------------------------


@main_group.command()
@pass_context
def reindex(state: Context) -> None:
    """Rebuild the index (versions, current partners) from the archive."""
    app = state.app()
    count = app.index.rebuild(app.store)
    out.print(f"indexed {count} versions from {app.store.describe()}")


@main_group.group(name="config")
def config_group() -> None:
    """Configuration commands."""


@config_group.command(name="check")
@pass_context
def config_check(state: Context) -> None:
    """Validate the configuration, listing every problem at once."""
    path = state.config_file
    settings = load_settings(path)
    aliases = load_alias_table(path)
    problems = schedule.validate(settings, path=str(path))
    problems += alert_problems(settings.alerts, settings.sites, path=str(path))
    problems += evidence_cli.storage_problems(settings, os.environ, path)
    if problems:
        raise ConfigError(problems)
    enabled = sum(site.enabled for site in settings.sites)
    unverified = sum(not site.verified for site in settings.sites)
    out.print(
        f"{path}: ok, {len(settings.sites)} sites ({enabled} enabled, {unverified} unverified), "
        f"storage {evidence_cli.storage_summary(settings)}, "
        + (
            f"{len(aliases.entities)} known entities from {alias_file(path)}"
            if aliases.entities
            else f"no {alias_file(path)}: renames only from what pages state"
        )
    )


main_group.add_command(sites_group)
main_group.add_command(reextract)
main_group.add_command(publish_cli.publish)
main_group.add_command(publish_cli.serve)
main_group.add_command(evidence_cli.export)
main_group.add_command(evidence_cli.checkpoint)
main_group.add_command(evidence_cli.verify)


def _alerter_of(ctx: click.Context) -> Alerter:
    state = ctx.find_object(Context)
    assert state is not None  # main_group always sets it
    return state.app().alerter()


main_group.add_command(outbox_group(_alerter_of))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `archiver` command."""
    try:
        main_group.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except ArchiverError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
