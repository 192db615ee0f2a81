"""`archiver sites ...`: institutions and what discovery found. Register with
``main_group.add_command(sites_group)``; commands read the app from ``ctx.obj.app()``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Protocol

import click
from rich.console import Console
from rich.table import Table

from archiver.config import Settings
from archiver.discovery import report
from archiver.ports import Index, ObjectStore


class _App(Protocol):
    settings: Settings
    store: ObjectStore
    index: Index


class _Context(Protocol):
    def app(self) -> _App: ...


@click.group(name="sites")
def sites_group() -> None:
    """Institutions: what discovery found (documents, partners, health)."""


@sites_group.command(name="report")
@click.argument("ids", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="A JSON array on stdout.")
@click.option("--unverified", is_flag=True, help="Only sites still marked verified: false.")
@click.pass_obj
def report_command(obj: _Context, ids: tuple[str, ...], as_json: bool, unverified: bool) -> None:
    """Per institution: documents found, lists, partners, health of the last check."""
    app = obj.app()
    sites = [s for s in app.settings.sites if not ids or s.id in ids]
    unknown = sorted(set(ids) - {s.id for s in sites})
    if unknown:
        raise click.UsageError(f"no such site: {', '.join(unknown)}")
    if unverified:
        sites = [s for s in sites if not s.verified]
    rows = report.build(sites, app.store, app.index)
    if as_json:
        click.echo(json.dumps([_data(r) for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(show_edge=False)
    for column in (
        "site",
        "type",
        "verified",
        "lists",
        "current",
        "withdrawn",
        "seen",
        "pending",
        "partners",
        "health",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.site_id,
            row.type,
            "yes" if row.verified else ("found" if row.found_list else "no"),
            str(row.lists),
            str(row.current),
            str(row.withdrawn),
            str(row.announcements),
            str(row.pending),
            str(row.partners),
            row.health + (f": {row.last_error[:60]}" if row.last_error else ""),
        )
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=200)  # pipes and files get every column
    out.print(table)
    found = sum(r.found_list for r in rows)
    out.print(f"{len(rows)} institutions, {found} with a partner list found")


def _data(row: report.InstitutionReport) -> dict[str, Any]:
    data = asdict(row)
    data["current_documents"] = list(row.current_documents)
    data["found_list"] = row.found_list
    return data
