"""`archiver export`, `archiver checkpoint` and `archiver verify [--public]`.

    from archiver.evidence import cli as evidence_cli
    main_group.add_command(evidence_cli.export)
    main_group.add_command(evidence_cli.checkpoint)
    main_group.add_command(evidence_cli.verify)

The commands take the application from the group's context object (`ctx.obj.app()`), except
`verify --public`, which needs no configuration at all: a third party runs it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import click
import structlog
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver import archive
from archiver.adapters.s3_store import S3Store
from archiver.app import App, make_store, utc_now
from archiver.config import S3Storage, Settings
from archiver.errors import ArchiverError, KeyNotFound, VersionNotFound
from archiver.evidence import audit, signing
from archiver.evidence import checkpoint as cp
from archiver.evidence import export as exporting
from archiver.evidence.notary import Notary, Signed, key_from
from archiver.evidence.settings import SIGNING_KEY_ENV
from archiver.evidence.sources import open_source
from archiver.models import StoredVersion
from archiver.verify import ArchiveReport, verify_archive

log = structlog.get_logger("archiver.evidence")


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


# --- checkpoint --------------------------------------------------------------------------------


def checkpoints_prefix(settings: Settings) -> str:
    """Where checkpoints are published: <publish prefix>checkpoints/."""
    return settings.publish.prefix + "checkpoints/"


def notary_of(app: App) -> Notary | None:
    """The notary, when a signing key is configured (ARCHIVER_SIGNING_KEY)."""
    key = key_from(app.environ)
    if key is None:
        return None
    return Notary(
        app.writable_store(),
        key,
        prefix=checkpoints_prefix(app.settings),
        now=utc_now,
        timestamp_url=app.settings.evidence.timestamp_url,
    )


def checkpoint_after_pass(app: App) -> str | None:
    """Sign a checkpoint if a chain moved; a one-line failure, never an exception."""
    try:
        notary = notary_of(app)
        signed = notary.sign() if notary is not None else None
        failure = ""
    except ArchiverError as exc:
        signed, failure = None, str(exc)
    if failure:
        log.error("checkpoint_failed", error=failure)
        return f"checkpoint failed: {failure}"
    if signed is not None and signed.stamp_error:
        return (
            f"checkpoint {signed.checkpoint.seq} signed but not time-stamped: {signed.stamp_error}"
        )
    return None


@click.command()
@click.option(
    "--generate-key",
    "new_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a new Ed25519 signing key (PEM) to this file and print its public key.",
)
@click.option("--json", "as_json", is_flag=True, help="The checkpoint as JSON on stdout.")
@click.pass_obj
def checkpoint(source: AppSource, new_key: Path | None, as_json: bool) -> None:
    """Sign the head of every chain now and publish the checkpoint."""
    if new_key is not None:
        _generate_key(new_key)
        return
    app = source.app()
    notary = notary_of(app)
    if notary is None:
        raise ArchiverError(
            f"{SIGNING_KEY_ENV} is not set: generate a key with "
            "'archiver checkpoint --generate-key FILE' and set it to the file's path"
        )
    signed = notary.sign(force=True)
    assert signed is not None  # forced
    if as_json:
        data: dict[str, Any] = json.loads(signed.data)
        data["name"], data["key"] = signed.name, signed.key
        data["time_stamped"] = signed.stamped
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(_describe(app, signed))
    if signed.stamp_error:
        raise ArchiverError(f"not time-stamped: {signed.stamp_error}")


def _describe(app: App, signed: Signed) -> str:
    c = signed.checkpoint
    where = app.store.url(signed.key) or signed.key
    return (
        f"checkpoint {c.seq}: {len(c.chains)} chains signed by {c.key_id[:19]}… at "
        f"{c.created_at:%Y-%m-%d %H:%M:%S} UTC{', time-stamped' if signed.stamped else ''}\n"
        f"  {where}"
    )


def _generate_key(path: Path) -> None:
    if path.exists():
        raise ArchiverError(f"{path} exists: not overwriting a key")
    pem = signing.generate()
    try:
        path.touch(mode=0o600)
        path.write_bytes(pem)
    except OSError as exc:
        raise ArchiverError(f"cannot write {path}: {exc.strerror or exc}") from exc
    key = signing.load_private(pem)
    click.echo(f"wrote {path} (keep it secret; set {SIGNING_KEY_ENV}={path})")
    click.echo(f"key id {signing.key_id(key)}; public key:")
    click.echo(signing.public_pem(key).decode().rstrip())


# --- verify ------------------------------------------------------------------------------------


@click.command()
@click.argument("sites", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per chain, then a summary.")
@click.option("--no-blobs", is_flag=True, help="Check the manifest chains only.")
@click.option(
    "--public",
    "public",
    metavar="URL_OR_DIR",
    help="Verify a published archive from outside: an http(s) prefix or a directory.",
)
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Public key (PEM) the checkpoints must be signed with (with --public; repeatable).",
)
@click.option(
    "--checkpoints",
    "prefix",
    default="public/checkpoints/",
    show_default=True,
    help="Where the checkpoints are under URL_OR_DIR (with --public).",
)
@click.option(
    "--kept",
    "kept_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint you kept earlier: it must still be in the published chain.",
)
@click.option(
    "--tsa-ca",
    "tsa_ca",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Root certificate (PEM) of the time-stamp authority, to check its time-stamps.",
)
@click.pass_obj
def verify(
    source: AppSource,
    sites: tuple[str, ...],
    as_json: bool,
    no_blobs: bool,
    public: str | None,
    key_files: tuple[Path, ...],
    prefix: str,
    kept_files: tuple[Path, ...],
    tsa_ca: Path | None,
) -> None:
    """Walk the hash chains, re-hash every blob, check the signed checkpoints; exit 1 on any
    problem. With --public, check a published archive with read access and the public key."""
    if public is not None:
        if not key_files:
            raise click.UsageError("--public needs --key key.pub (the archive's public key)")
        if sites:
            raise click.UsageError("--public verifies every chain a checkpoint signed: no SITE")
        ok = _verify_public(
            public,
            keys=[_read(p) for p in key_files],
            prefix=prefix if prefix.endswith("/") else prefix + "/",
            kept=tuple(_read(p) for p in kept_files),
            tsa_root=_read(tsa_ca) if tsa_ca else None,
            as_json=as_json,
            check_blobs=not no_blobs,
        )
    else:
        ok = _verify_operator(source.app(), sites, as_json=as_json, check_blobs=not no_blobs)
    if not ok:
        sys.exit(1)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArchiverError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _ring(pems: list[bytes]) -> dict[str, Ed25519PublicKey]:
    try:
        return audit.key_ring(pems)
    except signing.KeyError_ as exc:
        raise ArchiverError(f"--key: {exc}") from exc


def _verify_public(
    where: str,
    *,
    keys: list[bytes],
    prefix: str,
    kept: tuple[bytes, ...],
    tsa_root: bytes | None,
    as_json: bool,
    check_blobs: bool,
) -> bool:
    report = audit.verify_public(
        open_source(where),
        prefix=prefix,
        public_keys=_ring(keys),
        tsa_root=tsa_root,
        kept=kept,
        check_blobs=check_blobs,
    )
    walk = report.walk
    newest = walk.newest
    if as_json:
        click.echo(
            json.dumps(
                {
                    "source": report.source,
                    "ok": report.ok,
                    "checkpoints": len(walk.checkpoints),
                    "newest": _checkpoint_data(newest),
                    "time_stamps": walk.stamps,
                    "trusted_time_stamps": walk.trusted_stamps,
                    "chains": report.chains,
                    "versions": report.versions,
                    "versions_after_checkpoint": report.uncovered,
                    "blobs": report.blobs,
                    "problems": walk.problems + report.problems,
                },
                ensure_ascii=False,
            )
        )
        return report.ok
    verdict = "ok" if report.ok else "BROKEN"
    click.echo(
        f"{report.source}: {verdict}: {len(walk.checkpoints)} checkpoints, {report.chains} "
        f"chains, {report.versions} versions, {report.blobs} blobs"
    )
    if newest is not None:
        c = newest.checkpoint
        click.echo(
            f"  newest checkpoint {c.seq} ({newest.name}) signed {c.created_at:%Y-%m-%d %H:%M:%S} "
            f"UTC by {c.key_id[:19]}…"
            + (f", time-stamped {newest.stamp_time}" if newest.stamp_time else "")
        )
    if walk.stamps:
        trusted = (
            "checked against --tsa-ca" if walk.trusted_stamps else "not checked (no --tsa-ca)"
        )
        click.echo(f"  {walk.stamps} time-stamps, signatures {trusted}")
    if report.uncovered:
        click.echo(f"  {report.uncovered} versions written after the newest checkpoint")
    for problem in walk.problems + report.problems:
        click.echo(f"  {problem}")
    return report.ok


def _checkpoint_data(verified: audit.Verified | None) -> dict[str, Any] | None:
    if verified is None:
        return None
    c = verified.checkpoint
    return {
        "seq": c.seq,
        "name": verified.name,
        "sha256": verified.sha256,
        "created_at": c.created_at.isoformat(),
        "key_id": c.key_id,
        "time_stamp": verified.stamp_time or None,
    }


def _verify_operator(
    app: App, sites: tuple[str, ...], *, as_json: bool, check_blobs: bool
) -> bool:
    prefix = checkpoints_prefix(app.settings)
    keys, key_note = _operator_keys(app, prefix)
    report = verify_archive(
        app.store,
        configured=[site.id for site in app.settings.sites],
        only=sites,
        index=app.index,
        checkpoints_prefix=prefix if keys else None,
        public_keys=keys or None,
        check_blobs=check_blobs,
    )
    _print_operator(report, key_note, as_json=as_json)
    return report.ok


def _operator_keys(app: App, prefix: str) -> tuple[dict[str, Ed25519PublicKey], str]:
    """The key the checkpoints must carry: ours, else the published key.pub (said so)."""
    private = key_from(app.environ)
    if private is not None:
        return _ring([signing.public_pem(private)]), f"signed with {SIGNING_KEY_ENV}'s key"
    try:
        pem = app.store.get(prefix + cp.PUBLIC_KEY)
    except KeyNotFound:
        return {}, f"not checked: no {SIGNING_KEY_ENV} and no published {cp.PUBLIC_KEY}"
    return _ring([pem]), f"checked with the published {cp.PUBLIC_KEY} ({SIGNING_KEY_ENV} not set)"


def _print_operator(report: ArchiveReport, key_note: str, *, as_json: bool) -> None:
    walk = report.checkpoints
    for chain in report.chains:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "site": chain.site_id,
                        "ok": chain.ok,
                        "versions": chain.versions,
                        "blobs": chain.blobs,
                        "problems": chain.problems,
                        "notes": chain.notes,
                    },
                    ensure_ascii=False,
                )
            )
            continue
        verdict = "ok" if chain.ok else "BROKEN"
        click.echo(f"{chain.site_id}: {verdict} ({chain.versions} versions, {chain.blobs} blobs)")
        for line in chain.problems + chain.notes:
            click.echo(f"  {line}")
    newest = walk.newest if walk else None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "checkpoints": {
                        "ok": walk is not None and not walk.problems,
                        "checked": walk is not None,
                        "note": key_note,
                        "count": len(walk.checkpoints) if walk else 0,
                        "newest": _checkpoint_data(newest),
                        "problems": walk.problems if walk else [],
                    }
                },
                ensure_ascii=False,
            )
        )
        return
    if walk is None:
        click.echo(f"checkpoints: {key_note}")
        return
    verdict = "BROKEN" if walk.problems else "ok"
    count = f"{len(walk.checkpoints)} checkpoints" if walk.checkpoints else "none signed yet"
    click.echo(f"checkpoints: {verdict} ({count}, {key_note})")
    for problem in walk.problems:
        click.echo(f"  {problem}")
