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

import click
import structlog
from rich.console import Console
from rich.table import Table

from archiver import (
    __version__,
    logs,
    wording,
)
from archiver.alerts.alerter import Alerter
from archiver.alerts.cli import outbox_group
from archiver.app import (
    App,
    alias_file,
    build,
    config_path,
    load_alias_table,
    load_settings,
    utc_now,
)
from archiver.cluster.index_settings import summary as index_summary
from archiver.console import failures, probe
from archiver.console.checking import check
from archiver.console.cluster import queue_summary, scheduler, worker
from archiver.console.commands import status
from archiver.console.exits import Exit, worst
from archiver.console.reading import diff, history, known_site, show
from archiver.console.running import demo, run
from archiver.discovery.cli import sites_group
from archiver.errors import ArchiverError, ConfigError, StoreError
from archiver.evidence import cli as evidence_cli
from archiver.models import PartnerRow
from archiver.partners.annotations import ENDED_HEADING, marked_ended
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


HELP_OPTIONS = ["-h", "--help"]


@click.group(context_settings={"help_option_names": HELP_OPTIONS})
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
    default_level = (
        "info" if ctx.invoked_subcommand in ("run", "demo", "worker", "scheduler") else "warning"
    )
    logs.configure(level=log_level or default_level, fmt=log_format, debug=debug)  # type: ignore[arg-type]
    state = Context(config)
    ctx.obj = state
    ctx.call_on_close(state.close)


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
    """Current partners across institutions (from the newest version of each).

    Partners still on a page but marked 已终止合作, 已暂停合作 or 已注销 come last, under
    已终止合作机构 (with "ended": true in --json and --csv).
    """
    app = state.app()
    if site_id is not None:
        known_site(app, site_id)
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
    records = [
        {**{f: getattr(row, f) for f in fields}, "ended": marked_ended(row.markers)}
        for row in rows
    ]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=(*fields, "ended"))
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in r.items()} for r in records)
    else:
        current = [row for row in rows if not marked_ended(row.markers)]
        ended = [row for row in rows if marked_ended(row.markers)]
        out.print(_partner_rows(current))
        out.print(f"共 {len(current)} 家")
        if ended:  # still on the page, marked 已终止合作 / 已暂停合作 / 已注销
            out.print(f"\n[bold]{ENDED_HEADING}[/]")
            out.print(_partner_rows(ended))
            out.print(f"共 {len(ended)} 家")


def _partner_rows(rows: list[PartnerRow]) -> Table:
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
    return table


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
    problems = evidence_cli.storage_problems(settings, os.environ, path)
    if problems:
        raise ConfigError(problems)
    enabled = sum(site.enabled for site in settings.sites)
    unverified = sum(not site.verified for site in settings.sites)
    out.print(
        f"{path}: ok, {len(settings.sites)} sites ({enabled} enabled, {unverified} unverified), "
        f"storage {evidence_cli.storage_summary(settings)}, "
        f"index {index_summary(settings.index, settings.state_dir)}, "
        + (f"{queue_summary(settings.queue)}, " if settings.queue else "")
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


main_group.add_command(history)
main_group.add_command(show)
main_group.add_command(diff)
main_group.add_command(sites_group)
main_group.add_command(status)
main_group.add_command(check)
main_group.add_command(run)
main_group.add_command(demo)
main_group.add_command(worker)
main_group.add_command(scheduler)
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


def _own_help_options(command: click.Command) -> None:
    """Every command answers -h as well as --help by itself, not only through the group's
    context: Click keeps the help option a command was first invoked with, so a command once
    run on its own (a test, an embedding program) would otherwise lose -h for good."""
    command.context_settings.setdefault("help_option_names", HELP_OPTIONS)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _own_help_options(sub)


_own_help_options(main_group)


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
