"""`archiver reextract [SITE ...] [--dry-run] [--json]`: re-read the archive with today's
reader, then rebuild the index and the published pages from the new readings."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from archiver import archive
from archiver.app import App, utc_now
from archiver.config import Site
from archiver.models import PartnerEvent
from archiver.publish.wiring import build_publisher
from archiver.readings import READER_VERSION
from archiver.reextract import Change, SiteReport, reextract_site
from archiver.reindex import rebuild as rebuild_index

out = Console(highlight=False, soft_wrap=True)


@click.command()
@click.argument("sites", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site on stdout.")
@click.pass_context
def reextract(ctx: click.Context, sites: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Re-read preserved versions of SITES (default: all) with the current reader.

    Partner lists, events and beliefs that come out differently are written as readings
    beside the chain (never in it); the index and the published pages then show the
    corrected history. No alert is sent for history that changes.
    """
    app: App = ctx.obj.app()
    chosen = _sites(app, sites)
    reports = []
    for site in chosen:
        report = reextract_site(app.store, site, aliases=app.aliases, now=utc_now, dry_run=dry_run)
        reports.append(report)
        if as_json:
            click.echo(json.dumps(report_data(report, dry_run=dry_run), ensure_ascii=False))
        else:
            _print(report, dry_run=dry_run)
    if dry_run:
        return
    count = rebuild_index(app.index, app.store)
    publisher = (
        build_publisher(app.settings, app.store, health=app.index)
        if app.settings.publish.on_change
        else None
    )
    if publisher is not None and any(r.written for r in reports):
        publisher.publish_all(force=False)
    if not as_json:
        changed = sum(len(r.changes) for r in reports)
        out.print(
            f"reader {READER_VERSION}: {changed} versions re-interpreted; "
            f"index rebuilt ({count} versions)"
            + ("; pages republished" if publisher is not None else "")
        )


def _sites(app: App, ids: tuple[str, ...]) -> list[Site]:
    configured = {site.id: site for site in app.settings.sites}
    archived = archive.site_ids(app.store, documents=True)
    wanted = list(ids) or sorted(set(archived) | {s for s in configured if s in archived})
    chosen = []
    for site_id in wanted:
        if site_id in configured:
            chosen.append(configured[site_id])
        elif site_id in archived:  # archived earlier, removed from the config since
            chosen.append(Site(id=site_id, name=site_id, url="http://unknown.invalid/"))
        else:
            raise click.UsageError(f"unknown site {site_id!r}: neither configured nor archived")
    return chosen


def report_data(report: SiteReport, *, dry_run: bool) -> dict[str, Any]:
    """The stable JSON shape of one site's re-extraction."""
    return {
        "site": report.site_id,
        "reader_version": report.reader_version,
        "dry_run": dry_run,
        "versions": report.versions,
        "written": report.written,
        "skipped": list(report.skipped),
        "duration_s": round(report.duration_s, 3),
        "changes": [_change_data(c) for c in report.changes],
    }


def _change_data(change: Change) -> dict[str, Any]:
    return {
        "version": change.seq,
        "changed": list(change.changed),
        "before": change.before,
        "after": change.after,
        "events_before": [_event(e) for e in change.events_before],
        "events_after": [_event(e) for e in change.events_after],
    }


def _event(event: PartnerEvent) -> dict[str, str]:
    return {"type": event.type.value, "name": event.name}


def _print(report: SiteReport, *, dry_run: bool) -> None:
    verb = "would change" if dry_run else "changed"
    out.print(
        f"[bold]{report.site_id}[/]: {report.versions} versions read, {len(report.changes)} {verb}"
    )
    for change in report.changes:
        out.print(
            f"  v{change.seq}: {change.before} -> {change.after} ({', '.join(change.changed)})"
        )
        gone = {(e.type.value, e.name) for e in change.events_before}
        new = {(e.type.value, e.name) for e in change.events_after}
        for kind, name in sorted(gone - new):
            out.print(f"    [red]- {kind} {name}[/]")
        for kind, name in sorted(new - gone):
            out.print(f"    [green]+ {kind} {name}[/]")
    for problem in report.skipped:
        out.print(f"  [yellow]skipped[/] {problem}")
