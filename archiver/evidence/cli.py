"""`archiver export`, `archiver checkpoint` and `archiver verify [--public]`.

    from archiver.evidence import cli as evidence_cli
    main_group.add_command(evidence_cli.export)
    main_group.add_command(evidence_cli.checkpoint)
    main_group.add_command(evidence_cli.verify)

The commands take the application from the group's context object (`ctx.obj.app()`), except
`verify --public`, which needs no configuration at all: a third party runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import click
import yaml

from archiver import archive
from archiver.adapters.s3_store import S3Store
from archiver.app import App, make_store, utc_now
from archiver.config import S3Storage, Settings
from archiver.errors import ArchiverError, VersionNotFound
from archiver.evidence import export as exporting
from archiver.models import StoredVersion


class AppSource(Protocol):
    """The main CLI's context object."""

    def app(self) -> App:
        """The application, built on first use."""
        ...


# --- export ------------------------------------------------------------------------------------


@click.command()
@click.argument("site")
@click.argument("versions", nargs=-1, metavar="[VERSION ...]")
@click.option(
    "--wacz",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The WACZ file to write.",
)
@click.pass_obj
def export(source: AppSource, site: str, versions: tuple[str, ...], target: Path) -> None:
    """Write versions of SITE (default: all) as a WACZ file for standard web-archive tools."""
    app = source.app()
    chosen = chosen_versions(app, site, versions)
    info = next((s for s in app.settings.sites if s.id == site), None)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as out:
            report = exporting.export(
                app.store, chosen, out, title=info.name if info else site, now=utc_now
            )
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ArchiverError(f"cannot write {target}: {exc.strerror or exc}") from exc
    partial.replace(target)
    rebuilt = report.reconstructed
    click.echo(
        f"{target}: {len(report.versions)} versions of {site} "
        f"({target.stat().st_size / 1e6:.2f} MB, {report.duration_s:.2f} s)"
        + (
            f"; {rebuilt} reconstructed from stored blobs (archived before WARC recording)"
            if rebuilt
            else ""
        )
    )


def chosen_versions(app: App, site_id: str, specs: tuple[str, ...]) -> list[StoredVersion]:
    """The versions named on the command line (numbers), or every version of the site."""
    if not specs:
        found = list(archive.history(app.store, site_id))
        if not found:
            raise ArchiverError(f"{site_id}: no versions archived (is the site id right?)")
        return found
    chosen = []
    for spec in specs:
        try:
            seq = int(spec)
        except ValueError as exc:
            raise click.UsageError(f"version must be a number, got {spec!r}") from exc
        try:
            chosen.append(archive.read_seq(app.store, site_id, seq))
        except VersionNotFound as exc:
            raise ArchiverError(str(exc)) from exc
    return sorted(chosen, key=lambda v: v.manifest.seq)


# --- configuration -----------------------------------------------------------------------------


def storage_problems(settings: Settings, environ: Mapping[str, str], path: Path) -> list[str]:
    """What `config check` says about write-once storage (asks the bucket when it must)."""
    storage = settings.storage
    if not isinstance(storage, S3Storage) or storage.object_lock is None:
        return []
    store = make_store(settings, environ)
    assert isinstance(store, S3Store)
    problem = store.object_lock_problem()
    if problem is None:
        return []
    return [f"{path}:{_line(path, ('storage', 'object_lock'))}: storage.object_lock: {problem}"]


def storage_summary(settings: Settings) -> str:
    """'s3 (object lock: compliance, 3650 days)' for the `config check` line."""
    storage = settings.storage
    if isinstance(storage, S3Storage) and storage.object_lock is not None:
        lock = storage.object_lock
        return f"{storage.kind} (object lock: {lock.mode}, {lock.days} days)"
    return storage.kind


def _line(path: Path, where: tuple[str, ...]) -> int:
    """1-based line of a key in the YAML file (1 when it cannot be found)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return 1
    line = 1
    for name in where:
        if not isinstance(node, yaml.MappingNode):
            return line
        for key, value in node.value:
            if key.value == name:
                line, node = key.start_mark.line + 1, value
                break
        else:
            return line
    return line
