"""`archiver history`, `show` and `diff`: reading the archive, a version at a time.

Versions are numbered from 1; `latest` is the newest and `-1` the one before it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from archiver import archive, codec, localtime, readings, textdiff, versioning, wording
from archiver.app import App, utc_now
from archiver.console import hints
from archiver.console.checking import event_data, events_summary
from archiver.console.commands import AppSource
from archiver.errors import ArchiverError
from archiver.models import EventType, Outcome, Partner, PartnerEvent, StoredVersion
from archiver.partners.annotations import ENDED_HEADING, is_ended

out = Console(highlight=False, soft_wrap=True)


def known_site(app: App, site_id: str) -> str:
    """SITE as typed, when it is configured or archived; a usage error that lists the
    configured sites otherwise."""
    if any(site.id == site_id for site in app.settings.sites):
        return site_id
    if archive.head(app.store, site_id) is not None:
        return site_id  # archived earlier, removed from the config since
    try:
        app.settings.site(site_id)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from exc
    return site_id


@click.command()
@click.argument("site")
@click.option("--json", "as_json", is_flag=True, help="JSON document on stdout.")
@click.pass_obj
def history(state: AppSource, site: str, as_json: bool) -> None:
    """Versions of SITE, oldest first, and when it was last checked."""
    app = state.app()
    site_id = known_site(app, site)
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


@click.command()
@click.argument("site")
@click.argument("version", required=False)
@click.option("--json", "as_json", is_flag=True, help="The manifest as JSON.")
@click.pass_obj
def show(state: AppSource, site: str, version: str | None, as_json: bool) -> None:
    """One version of SITE (default: the newest): its evidence and partner list."""
    app = state.app()
    site_id = known_site(app, site)
    latest = _newest(app, site_id)
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
    current = [p for p in m.partners if not is_ended(p.markers)]
    ended = [p for p in m.partners if is_ended(p.markers)]
    if current:
        out.print(_partner_table(current))
    if ended:  # still on the page, marked 已终止合作 / 已暂停合作 / 已注销
        out.print(f"[bold]{ENDED_HEADING}[/]（{len(ended)} 家）")
        out.print(_partner_table(ended))


def _partner_table(partners: list[Partner]) -> Table:
    table = Table(show_edge=False)
    for column in ("序号", "合作机构", "类别", "产品", "状态标记"):
        table.add_column(column)
    for i, p in enumerate(partners, 1):
        table.add_row(
            str(i),
            p.name,
            wording.category(p.category.value, p.category_raw),
            "、".join(p.products),
            wording.markers([x.value for x in p.markers]),
        )
    return table


@click.command()
@click.argument("site")
@click.argument("from_version", required=False, metavar="[FROM]")
@click.argument("to_version", required=False, metavar="[TO]")
@click.option("--json", "as_json", is_flag=True, help="Events and the text diff as JSON.")
@click.option("--context", "context_lines", default=2, show_default=True, help="Lines of context.")
@click.pass_obj
def diff(
    state: AppSource,
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
    site_id = known_site(app, site)
    latest = _newest(app, site_id)
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
    events = versioning.events_between(app.store, before, after, app.aliases)
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


def _newest(app: App, site_id: str) -> StoredVersion:
    """The site's newest version; without one, an error that says how to make it."""
    latest = archive.head(app.store, site_id)
    if latest is None:
        raise ArchiverError(
            f"{site_id}：尚无存档版本"
            f"（先运行 {hints.command('check', site_id, config=app.config_file)}）"
        )
    return latest
