"""`archiver status`: sites by health, the last pass, alerts owed, store and mail reachability.

from archiver.console.commands import status
main_group.add_command(status)
"""

from __future__ import annotations

import json
from typing import Protocol

import click

from archiver import localtime
from archiver.app import App, utc_now
from archiver.console import probe
from archiver.console import status as st
from archiver.console.exits import Exit


class AppSource(Protocol):
    """The main CLI's context object."""

    def app(self) -> App:
        """The application, built on first use."""
        ...


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON document (times in UTC).")
@click.pass_obj
def status(source: AppSource, as_json: bool) -> None:
    """How the archive is doing: exit 0 when healthy, 3 if the store fails, 4 if alerts wait."""
    app = source.app()
    now = utc_now()
    enabled = [site.id for site in app.settings.sites if site.enabled]
    report = st.gather(
        enabled,
        last_checks=app.index.last_checks(),
        failures=app.index.consecutive_failures,
        alert_rows=app.alerter().status(),
        store=probe.store(app.store, now),
        mail=probe.mail(app.alerter().mail),
        now=now,
    )
    if as_json:
        click.echo(json.dumps(st.as_json(report), ensure_ascii=False, indent=2))
    else:
        zone = app.settings.zone

        def stamp(moment: object) -> str:
            return localtime.stamp(moment, zone) if moment else "–"  # type: ignore[arg-type]

        for line in st.lines(report, stamp):
            click.echo(line)
    if not all(f.ok for f in report.store):
        raise click.exceptions.Exit(Exit.STORE)
    if report.alerts_owed or not report.mail.ok:
        raise click.exceptions.Exit(Exit.ALERTS_OWED)
