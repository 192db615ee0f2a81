"""`archiver outbox list | show | resend | flush`: look into the alert outbox and act on it.

The main CLI registers the group with a function that builds the Alerter from its context:

    main_group.add_command(outbox_group(lambda ctx: ctx.find_object(Context).app().alerter()))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from archiver.alerts.alerter import Alerter
from archiver.alerts.messages.compose import local_time
from archiver.alerts.queue.delivery import Attempt, DeliveryOutcome
from archiver.alerts.status import AlertStatus, UnitStatus
from archiver.errors import ArchiverError

T = TypeVar("T")


def outbox_group(build: Callable[[click.Context], Alerter]) -> click.Group:
    """The `outbox` command group; `build` returns the configured Alerter."""

    @click.group("outbox")
    def outbox() -> None:
        """Alerts queued, sent and still owed (partner changes and operator problems)."""

    @outbox.command("list")
    @click.option("--all", "everything", is_flag=True, help="Include delivered alerts.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per alert.")
    @click.pass_context
    def list_(ctx: click.Context, everything: bool, as_json: bool) -> None:
        """Alerts still owed (with --all: every alert), oldest first."""
        alerter = build(ctx)
        rows = _guard(lambda: alerter.status(everything=everything))
        if as_json:
            for row in rows:
                click.echo(json.dumps(_row_data(row), ensure_ascii=False))
            return
        if not rows:
            click.echo("nothing owed" if not everything else "the outbox is empty")
            return
        for row in rows:
            click.echo(f"{row.id}  {row.kind}  {local_time(row.queued_at, alerter.zone)}")
            click.echo(f"    {row.summary}")
            for unit in row.units:
                click.echo(f"    {unit.unit}: {_unit_line(unit, alerter)}")

    @outbox.command("show")
    @click.argument("alert_id")
    @click.option("--html", is_flag=True, help="Print the HTML part instead of the text part.")
    @click.pass_context
    def show(ctx: click.Context, alert_id: str, html: bool) -> None:
        """Print the message ALERT_ID produces (links are made fresh)."""
        message = _guard(lambda: build(ctx).preview(alert_id))
        click.echo(f"Subject: {message.subject}\n")
        click.echo(message.html if html else message.text)

    @outbox.command("resend")
    @click.argument("alert_id")
    @click.option("--again", is_flag=True, help="Send another copy of a delivered alert.")
    @click.pass_context
    def resend(ctx: click.Context, alert_id: str, again: bool) -> None:
        """Deliver ALERT_ID now, skipping any back-off wait."""
        attempts = _guard(lambda: build(ctx).resend(alert_id, again=again))
        for attempt in attempts:
            click.echo(_attempt_line(attempt))
        if any(a.outcome is DeliveryOutcome.FAILED for a in attempts):
            ctx.exit(1)

    @outbox.command("flush")
    @click.pass_context
    def flush(ctx: click.Context) -> None:
        """Assemble every digest now (daily ones too) and deliver everything owed."""
        alerter = build(ctx)
        digests = _guard(lambda: alerter.flush_digest(force=True))
        report = _guard(lambda: alerter.deliver_pending(force=True))
        for attempt in report.attempts:
            click.echo(_attempt_line(attempt))
        click.echo(
            f"digests assembled: {len(digests) + len(report.digests)}; "
            f"sent: {report.sent}; failed: {report.failed}"
        )
        if report.failed:
            ctx.exit(1)

    return outbox


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except ArchiverError as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc


def _unit_line(unit: UnitStatus, alerter: Alerter) -> str:
    when = local_time(unit.at, alerter.zone) if unit.at else ""
    tries = f" ({unit.attempts} attempts)" if unit.attempts > 1 else ""
    if unit.state == "sent":
        return f"sent {when}{tries}"
    if unit.state == "retrying":
        return f"retrying at {when}{tries}: {unit.error}"
    return unit.state + tries


def _attempt_line(attempt: Attempt) -> str:
    line = f"{attempt.alert_id} {attempt.unit}: {attempt.outcome.value}"
    if attempt.error:
        line += f" ({attempt.error})"
    return line


def _row_data(row: AlertStatus) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "site": row.site_id,
        "summary": row.summary,
        "queued_at": row.queued_at.isoformat(),
        "pending": row.pending,
        "units": [
            {
                "unit": u.unit,
                "state": u.state,
                "attempts": u.attempts,
                "at": u.at.isoformat() if u.at else None,
                "error": u.error or None,
            }
            for u in row.units
        ],
    }
