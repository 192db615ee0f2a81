"""Command line: argv -> commands. The only module that exits.

Errors the user can fix print one line on stderr: exit 2 for configuration and usage
problems, exit 1 for the rest. `--json` output is stable for scripts.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click
import structlog
from rich.console import Console
from rich.table import Table

from archiver import (
    __version__,
    archive,
    codec,
    localtime,
    logs,
    readings,
    schedule,
    textdiff,
    wording,
)
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
    utc_now,
)
from archiver.console import failures, hints, probe
from archiver.console.checking import check, event_data, events_summary
from archiver.console.commands import status
from archiver.console.exits import Exit, worst
from archiver.console.running import demo, run
from archiver.discovery.cli import sites_group
from archiver.errors import ArchiverError, ConfigError, StoreError
from archiver.evidence import cli as evidence_cli
from archiver.models import EventType, Outcome, PartnerEvent, StoredVersion
from archiver.partners import compare
from archiver.partners.search import PartnerSearch
from archiver.publish import cli as publish_cli
from archiver.reextract_cli import reextract
from archiver.reindex import rebuild as rebuild_index

log = structlog.get_logger("archiver.cli")
out = Console(highlight=False, soft_wrap=True)


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
@click.option(
    "--debug",
    is_flag=True,
    help="Tracebacks with errors, and every log event (one-line errors otherwise).",
)
@click.version_option(__version__, prog_name="archiver")
@click.pass_context
def main_group(
    ctx: click.Context, config: str | None, log_level: str | None, log_format: str, debug: bool
) -> None:
    """Archive partner-list disclosures, version by version, and report partner changes."""
    default_level = "info" if ctx.invoked_subcommand in ("run", "demo") else "warning"
    logs.configure(level=log_level or default_level, fmt=log_format, debug=debug)  # type: ignore[arg-type]
    state = Context(config)
    ctx.obj = state
    ctx.call_on_close(state.close)


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
    zone = app.settings.zone
    label = localtime.zone_label(zone, utc_now())
    table = Table(show_edge=False)
    columns = (
        "版本",
        f"抓取时间（{label}）",
        "采信",
        "合作机构",
        "名单变化",
        "文本增删",
        "内容摘要",
    )
    for column in columns:
        table.add_column(column)
    for stored in versions:
        m = stored.manifest
        first = m.previous is None
        table.add_row(
            str(m.seq),
            localtime.stamp(m.captured_at, zone, seconds=True),
            wording.belief(m.belief.value) + ("（已重新解读）" if stored.corrected_by else ""),
            f"{len(m.partners)}（{wording.list_status(m.list_status.value)}）",
            "首次存档" if first else events_summary(m.events) or "名单无变化",
            f"+{m.text_inserted} -{m.text_deleted}",
            m.content_digest[:12],
        )
    out.print(table if versions else f"{site_id}：尚无存档版本")
    if last is not None:
        result = (
            wording.failure(last.status, last.error)
            if last.outcome is Outcome.FAILED
            else wording.outcome(last.outcome.value)
        )
        out.print(f"最近检查：{localtime.stamp(last.started_at, zone, seconds=True)}，{result}")
    if since:
        out.print(
            f"自 {localtime.stamp(since[0], zone, seconds=True)} 起未变化"
            f"（最近一次确认：{localtime.stamp(since[1], zone, seconds=True)}，{label}）"
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
    """A version by number (1 = the first), 'latest', or counted back from the newest (-1)."""
    if spec is None or spec == "latest":
        return latest
    try:
        seq = int(spec)
    except ValueError as exc:
        raise click.UsageError(
            f"version must be a number (1 = the first), 'latest' or -N, got {spec!r}"
        ) from exc
    newest = latest.manifest.seq
    if seq == 0:
        raise click.UsageError(
            f"versions are numbered from 1; {site_id} has 1 to {newest} "
            "(use 'latest' for the newest, -1 for the one before it)"
        )
    if seq < 0:
        if newest + seq < 1:
            raise click.UsageError(
                f"{site_id} has {newest} versions; {seq} counts back past the first"
            )
        seq = newest + seq
    if seq > newest:
        raise click.UsageError(f"{site_id} has versions 1 to {newest}, not {seq}")
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
            f"{site_id}：尚无存档版本"
            f"（先运行 {hints.command('check', site_id, config=app.config_file)}）"
        )
    stored = readings.view(app.store, _resolve(app, site_id, version, latest=latest))
    if as_json:
        data = codec.to_data(stored.manifest)
        data["key"], data["manifest_sha256"] = stored.key, stored.digest
        data["corrected_by"] = stored.corrected_by or None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    m = stored.manifest
    zone = app.settings.zone
    out.print(f"[bold]{site_id}[/] 第 {m.seq} 版（共 {latest.manifest.seq} 版）")
    out.print(
        f"抓取时间  {localtime.stamp(m.captured_at, zone, seconds=True)}"
        f"（{localtime.zone_label(zone, m.captured_at)}），{m.browser_version}"
    )
    out.print(
        f"页面地址  {m.requested_url}"
        + (f" → {m.final_url}" if m.final_url != m.requested_url else "")
    )
    out.print(f"页面标题  {m.title}")
    out.print(f"清单      {stored.key} sha256:{stored.digest}")
    if m.previous:
        out.print(f"上一清单  {m.previous.key} sha256:{m.previous.digest}")
    note = f"（{wording.note(m.list_note)}）" if m.list_note else ""
    out.print(f"名单      {wording.list_status(m.list_status.value)}，{len(m.partners)} 家{note}")
    out.print(
        f"采信      {wording.belief(m.belief.value)}"
        + (f"（{wording.note(m.belief_note)}）" if m.belief_note else "")
        + (f"；确认第 {m.confirms} 版" if m.confirms else "")
    )
    if stored.corrected_by:
        out.print(f"重新解读  已由读取器 {stored.corrected_by} 重新读取；清单本身未改动")
    for ref in m.blobs:
        out.print(
            f"  {ref.role:<17} {ref.size_bytes:>9} B  {ref.media_type:<28} {ref.digest[:16]}"
        )
    if m.partners:
        table = Table(show_edge=False)
        for column in ("序号", "合作机构", "类别", "产品", "状态标记"):
            table.add_column(column)
        for i, p in enumerate(m.partners, 1):
            table.add_row(
                str(i),
                p.name,
                wording.category(p.category.value, p.category_raw),
                "、".join(p.products),
                wording.markers([x.value for x in p.markers]),
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
            f"{site_id}：尚无存档版本"
            f"（先运行 {hints.command('check', site_id, config=app.config_file)}）"
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
    if before is None:
        count = len(after.manifest.partners)
        out.print(f"[bold]{site_id}[/]：第 {after.manifest.seq} 版是首次存档，{count} 家合作机构")
    else:
        out.print(f"[bold]{site_id}[/]：第 {before.manifest.seq} 版 → 第 {after.manifest.seq} 版")
    if events:
        table = Table(show_edge=False)
        for column in ("变化", "合作机构", "详情"):
            table.add_column(column)
        for event in events:
            table.add_row(wording.event(event.type.value), event.name, _event_detail(event))
        out.print(table)
    elif before is not None:
        out.print("合作机构无变化")
    out.print(f"文本：+{text.inserted} -{text.deleted} 字")
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
    """The words after the partner's name in `archiver diff`."""
    note = wording.note(event.note)
    if event.type is EventType.RENAMED:
        return f"{event.old} → {event.new}" + (f"（{note}）" if note else "")
    if event.type is EventType.FIELD_CHANGED:
        before = wording.field_value(event.field, event.before)
        after = wording.field_value(event.field, event.after)
        return f"{wording.field(event.field)}：{before} → {after}"
    return note or wording.category(event.category.value)


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
        for column in ("机构", "合作机构", "类别", "产品", "状态标记"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row.site_id,
                row.name,
                wording.category(row.category, row.category_raw),
                row.products,
                wording.markers(row.markers),
            )
        out.print(table)
        out.print(f"共 {len(rows)} 家")


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
    count = rebuild_index(app.index, app.store)
    out.print(f"indexed {count} versions from {app.store.describe()}")


@main_group.group(name="config")
def config_group() -> None:
    """Configuration commands."""


@config_group.command(name="check")
@click.option(
    "--probe",
    "probing",
    is_flag=True,
    help="Also write and read the store, inspect the bucket and connect to the mail server.",
)
@pass_context
def config_check(state: Context, probing: bool) -> None:
    """Validate the configuration, listing every problem at once (exit 2).

    With --probe, also try what the configuration points at: exit 3 when the store cannot
    be written, 4 when the mail server cannot be reached.
    """
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
    if probing:
        raise click.exceptions.Exit(_probe_all(state.app()))
    out.print("（只检查了配置文件；加 --probe 还会试写存档、检查存储桶并连接邮件服务器）")


def _probe_all(app: App) -> Exit:
    """Print one line per thing probed; the exit code of the worst failure."""
    findings = probe.store(app.store, utc_now())
    mail = probe.mail(app.alerter().mail)
    for finding in (*findings, mail):
        out.print(finding.line(), markup=False, highlight=False)
    return worst(
        Exit.STORE if probe.failed(findings) else Exit.OK,
        Exit.ALERTS_OWED if not mail.ok else Exit.OK,
    )


main_group.add_command(sites_group)
main_group.add_command(status)
main_group.add_command(check)
main_group.add_command(run)
main_group.add_command(demo)
main_group.add_command(publish_cli.publish)
main_group.add_command(publish_cli.serve)
main_group.add_command(reextract)
main_group.add_command(evidence_cli.export)
main_group.add_command(evidence_cli.checkpoint)
main_group.add_command(evidence_cli.verify)


def _alerter_of(ctx: click.Context) -> Alerter:
    state = ctx.find_object(Context)
    assert state is not None  # main_group always sets it
    return state.app().alerter()


main_group.add_command(outbox_group(_alerter_of))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `archiver` command; exit codes: `archiver.console.exits.Exit`."""
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = "--debug" in args
    try:
        code = main_group.main(args=args, standalone_mode=False)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(Exit.USAGE)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("已中断", err=True)
        sys.exit(Exit.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(Exit.USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    except StoreError as exc:
        if debug:
            raise
        click.echo(failures.store_line(exc), err=True)
        sys.exit(Exit.STORE)
    except ArchiverError as exc:
        if debug:
            raise
        click.echo(f"错误：{exc}", err=True)
        sys.exit(Exit.ERROR)
    except Exception as exc:
        if debug:
            raise
        click.echo(failures.internal_line(exc), err=True)
        sys.exit(Exit.ERROR)
    if isinstance(code, int) and code:
        sys.exit(code)
