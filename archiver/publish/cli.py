"""`archiver publish` and `archiver serve`, to be added to the main command group.

    from archiver.publish import cli as publish_cli
    main_group.add_command(publish_cli.publish)
    main_group.add_command(publish_cli.serve)

Both take the application from the group's context object (`ctx.obj.app()`).
"""

from __future__ import annotations

import json
import signal
import threading
from dataclasses import asdict
from typing import Any, Protocol

import click

from archiver.app import App
from archiver.publish import paths
from archiver.publish.serve import DEFAULT_HOST, DEFAULT_PORT, make_server
from archiver.publish.wiring import build_publisher, public_url
from archiver.publish.writer import PublishReport


class AppSource(Protocol):
    """The main CLI's context object."""

    def app(self) -> App:
        """The application, built on first use."""
        ...


@click.command()
@click.option(
    "--site",
    "site_ids",
    multiple=True,
    metavar="SITE",
    help="Only publish these sites' new versions (incremental).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render and write every page again (also re-signs presigned links).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON report per publish on stdout.")
@click.pass_obj
def publish(source: AppSource, site_ids: tuple[str, ...], force: bool, as_json: bool) -> None:
    """Write the published pages, JSON and feeds into the store (only what changed)."""
    app = source.app()
    publisher = build_publisher(app.settings, app.store, health=app.index)
    if site_ids:
        known = {site.id for site in app.settings.sites}
        unknown = [site_id for site_id in site_ids if site_id not in known]
        if unknown:
            raise click.UsageError(f"unknown site(s): {', '.join(unknown)}")
        reports = [publisher.publish_site(site_id) for site_id in site_ids]
    else:
        reports = [publisher.publish_all(force=force)]
    for report in reports:
        if as_json:
            data = asdict(report)
            data["keys"] = len(report.keys)
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(describe(report))
    if not as_json:
        link = index_link(app)
        if link:
            click.echo(f"index: {link}")


def index_link(app: App) -> str | None:
    """The address of the published index that opens as is (public, presigned or file)."""
    base = public_url(app.settings)
    if base:
        return base + paths.INDEX
    return app.store.url(app.settings.publish.prefix + paths.INDEX)


@click.command()
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on (keep 127.0.0.1 unless you mean to share it).",
)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.pass_obj
def serve(source: AppSource, host: str, port: int) -> None:
    """Browse the published pages at http://HOST:PORT/ (Ctrl-C stops)."""
    app = source.app()
    prefix = app.settings.publish.prefix
    server = make_server(app.store, prefix, host=host, port=port)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving {app.store.describe()} {prefix} at http://{bound_host!s}:{bound_port}/")
    if not app.store.exists(prefix + paths.INDEX):
        click.echo("nothing is published yet: run 'archiver publish' first", err=True)
    previous = _interruptible()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interruptible() -> dict[signal.Signals, Any]:
    """Ctrl-C and SIGTERM stop the server, even when it was started with SIGINT ignored (a
    background job of a script inherits that); the previous handlers, to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {
        sig: signal.signal(sig, signal.default_int_handler)
        for sig in (signal.SIGINT, signal.SIGTERM)
    }


def describe(report: PublishReport) -> str:
    """One line about a publish."""
    where = f" {report.site}" if report.site else ""
    return (
        f"{report.mode}{where}: {report.written} objects written "
        f"({report.bytes_written / 1e6:.2f} MB), {report.raw_copied} archived files copied "
        f"({report.raw_bytes / 1e6:.2f} MB), "
        f"{report.unchanged} unchanged, {report.duration_s:.2f} s"
    )
