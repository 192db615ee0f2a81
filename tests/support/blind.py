"""Blind rounds: outsiders' pages and change sequences, read through Chromium and the pipeline,
and judged the way the outsiders' own scorers judge them (score_pages.py, score_seqs.py).

A page reads right when the partners read as current are the label's `partners`, the ones read
with an ended mark (terminated, suspended, deregistered) are its `terminated`, no `forbidden`
string is read as a partner, and the list status is the label's `list` (ok / unparseable /
absent: ok with nothing read). A sequence is right when every step after the first gives exactly
its labelled events (type and names, and the field of a field change).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.discovery.institution import run_institution
from archiver.discovery.settings import DiscoverySettings
from archiver.models import CheckResult, ListStatus, Outcome
from archiver.partners import load_aliases, match_key
from archiver.partners.annotations import is_ended
from archiver.pipeline import Deps, check_site
from archiver.ports import Capturer
from archiver.testing import LocalSite

DISCOVERY = DiscoverySettings(delay=1.0)  # the one-second politeness, on the test clock
ENTITIES = Path(__file__).parent.parent.parent / "config" / "entities.yaml"
MEDIA = {  # what a plain static file server sends (the scorers': no charset on HTML)
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xhtml": "application/xhtml+xml",  # its XML prolog names the encoding (blind round 21)
    ".json": "application/json",
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".css": "text/css",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".doc": "application/msword",
}


def page_labels(root: Path, folders: Iterable[str]) -> list[dict[str, Any]]:
    """Every page label of the folders, each with its `folder`."""
    return [
        {**label, "folder": folder}
        for folder in folders
        for label in yaml.safe_load((root / folder / "labels.yaml").read_text(encoding="utf-8"))
    ]


def sequence_labels(seqs: Path) -> dict[str, dict[str, Any]]:
    """The sequences' labels by id."""
    labels = yaml.safe_load((seqs / "labels.yaml").read_text(encoding="utf-8"))
    return {label["id"]: label for label in labels}


def params(
    items: Iterable[Any], still_wrong: Mapping[str, str], *, key: str | None = None
) -> list[Any]:
    """pytest params, the ones still read wrong as strict xfails with their reason."""
    out = []
    for item in items:
        name = item[key] if key else item
        test_id = f"{item['folder']}-{name}" if key else name
        marks = (
            [pytest.mark.xfail(strict=True, reason=still_wrong[name])]
            if name in still_wrong
            else []
        )
        out.append(pytest.param(item, id=test_id, marks=marks))
    return out


def serve(site: LocalSite, root: Path, folders: Iterable[str]) -> None:
    """Every file of the folders, at /<folder>/<page id>/<path>, and again at /<page id>/<path>
    as the outsiders' scorer serves a folder (its root): a page that links its own files by
    absolute path (``/<page id>/upload/list.pdf``, a viewer's ``?file=``, a script's XHR)
    reaches them here as it does there. Page ids are unique within a round."""
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.name != "labels.yaml":
                media = MEDIA.get(path.suffix.lower(), "application/octet-stream")
                data = path.read_bytes()
                site.file(f"/{path.relative_to(root).as_posix()}", data, media)
                site.file(f"/{path.relative_to(root / folder).as_posix()}", data, media)


def round_fixtures(root: Path, folders: Iterable[str]) -> tuple[Any, Any]:
    """A round module's two module-scoped fixtures: `served` (every page of the folders on
    127.0.0.1) and `browser` (one Chromium for the module). Assign them at module level:
    `served, browser = blind.round_fixtures(ROOT, FOLDERS)`."""
    folders = tuple(folders)

    @pytest.fixture(scope="module", name="served")
    def served() -> Iterator[LocalSite]:
        with LocalSite() as site:
            serve(site, root, folders)
            yield site

    @pytest.fixture(scope="module", name="browser")
    def browser() -> Iterator[PlaywrightCapturer]:
        capturer = PlaywrightCapturer(allow_private=True, concurrency=1, restart_after=500)
        yield capturer
        capturer.close()

    return served, browser


def round_tests(
    root: Path,
    folders: Iterable[str],
    still_wrong: Mapping[str, str],
    seq_still_wrong: Mapping[str, str],
    sequences: Iterable[str] | None = None,
) -> tuple[Any, Any]:
    """A round module's two tests: every page reads as labelled, and every sequence (those
    without `discover:`, or `sequences`) gives its labelled events; what `still_wrong` names is
    a strict xfail with its diagnosis. Assign them at module level under the round's names,
    after `round_fixtures`: `test_a_round12_page_reads_as_labelled, … = blind.round_tests(…)`."""
    seqs = root / "seqs"
    labels = sequence_labels(seqs)
    if sequences is None:
        sequences = sorted(name for name, label in labels.items() if not label.get("discover"))

    @pytest.mark.parametrize("label", params(page_labels(root, folders), still_wrong, key="id"))
    def page(
        label: dict[str, Any],
        served: LocalSite,
        browser: PlaywrightCapturer,
        tmp_path: Path,
        clock: Any,
    ) -> None:
        assert_served_page_reads_as_labelled(label, served, browser, tmp_path, clock)

    @pytest.mark.parametrize("sequence", params(list(sequences), seq_still_wrong))
    def sequence(sequence: str, browser: PlaywrightCapturer, tmp_path: Path, clock: Any) -> None:
        wrong = wrong_steps(seqs, labels[sequence], browser, tmp_path, clock)
        assert not wrong, wrong

    return page, sequence


def assert_served_page_reads_as_labelled(
    label: dict[str, Any], served: LocalSite, capturer: Capturer, tmp_path: Path, clock: Any
) -> None:
    """`assert_page_reads_as_labelled` on the label's entry page as `round_fixtures` serves it."""
    entry = f"/{label['folder']}/{label['id']}/{label.get('entry', 'index.html')}"
    assert_page_reads_as_labelled(label, served.url(entry), capturer, tmp_path, clock)


def deps(capturer: Capturer, tmp_path: Path, clock: Any, entities: Path = ENTITIES) -> Deps:
    """A pipeline on a memory store, the shipped alias table and the test's clock."""
    return Deps(
        store=MemoryStore(),
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        aliases=load_aliases(entities.read_text(encoding="utf-8"), path=str(entities)),
        now=clock.now,
        sleep=clock.sleep,
        screenshots=False,
    )


def _keys(entries: list[dict[str, Any]] | None) -> set[str]:
    return {match_key(entry["name"]) for entry in entries or []}


def assert_page_reads_as_labelled(
    label: dict[str, Any], url: str, capturer: Capturer, tmp_path: Path, clock: Any
) -> None:
    """Check the page once (twice when its list waits for confirmation) and judge it."""
    site = Site.model_validate({"id": "blind", "name": label["id"], "url": url})
    pipeline = deps(capturer, tmp_path, clock)
    result = check_site(site, pipeline)
    assert result.outcome is Outcome.NEW, result.error
    if result.confirm_at is not None:  # a suspect list is believed once seen twice
        clock.advance(site.confirm_delay)
        result = check_site(site, pipeline)
    assert result.version is not None
    manifest = result.version.manifest
    current = {p.match_key for p in manifest.partners if not is_ended(p.markers)}
    ended = {p.match_key for p in manifest.partners if is_ended(p.markers)}
    status = {ListStatus.OK: "absent" if not manifest.partners else "ok"}.get(
        manifest.list_status, manifest.list_status.value
    )
    assert status == label["list"], manifest.list_note
    wanted = _keys(label.get("partners"))
    assert current == wanted, (sorted(wanted - current), sorted(current - wanted))
    assert ended == _keys(label.get("terminated"))
    # as the scorer judges: a forbidden string is no hit on a name the label lists (a former
    # name "甲有限公司" of "甲股份有限公司" folds to the same match key)
    labelled = wanted | _keys(label.get("terminated"))
    forbidden = {match_key(text) for text in label.get("forbidden") or []} - labelled
    assert not (current | ended) & forbidden


def event_key(event: Any) -> tuple[str, ...]:
    """An event as the scorer matches it: type and names (and the field of a change)."""
    get = event.get if isinstance(event, dict) else lambda key: getattr(event, key, "") or ""
    kind = str(get("type") or "")
    kind = getattr(kind, "value", kind)
    if kind == "renamed":
        return (kind, match_key(str(get("old"))), match_key(str(get("new"))))
    field = str(get("field") or "") if kind == "field_changed" else ""
    return (kind, match_key(str(get("name"))), field)


def check_institution(site: Site, pipeline: Deps) -> CheckResult:
    """One check of a site configured with `discover:` (a polite delay on the test's clock)."""
    return run_institution(site, pipeline, settings=DISCOVERY).result


def wrong_steps(
    seqs: Path, label: dict[str, Any], capturer: Capturer, tmp_path: Path, clock: Any
) -> list[tuple[str, str, list[tuple[str, ...]], list[tuple[str, ...]]]]:
    """Serve each step in turn, check it (through discovery when the label says `discover`,
    as an institution), and list the steps whose events differ from the label's:
    (step, kind, wanted, got). A step its author labelled `ambiguous` is served and checked
    but not judged (the scorers leave it out too)."""
    sequence = label["id"]
    entities = seqs / sequence / "entities.yaml"  # a sequence may bring its own alias file
    pipeline = deps(capturer, tmp_path, clock, entities if entities.is_file() else ENTITIES)
    discover = bool(label.get("discover"))
    check = check_institution if discover else check_site
    wrong = []
    with LocalSite() as served:
        fields = {"id": "seq", "name": sequence, "url": served.url("/" + label["entry"])}
        site = Site.model_validate({**fields, "discover": {}} if discover else fields)
        for step in label["steps"]:
            served.routes.clear()
            _serve_step(served, seqs / sequence / step["dir"], step.get("status"))
            clock.advance(6 * 3600 if discover else 3600)
            result = check(site, pipeline)
            events = list(result.events)
            if result.confirm_at is not None:  # a suspect list is believed once seen twice
                clock.advance(site.confirm_delay)
                events.extend(check(site, pipeline).events)
            got = sorted(event_key(event) for event in events)
            wanted = sorted(event_key(event) for event in step.get("events") or [])
            if step["kind"] != "initial" and not step.get("ambiguous") and got != wanted:
                wrong.append((step["dir"], step["kind"], wanted, got))
    return wrong


def _serve_step(served: LocalSite, folder: Path, status: int | None) -> None:
    """A step's files; with a `status`, every file answers it (as the scorer's server does);
    `_http.json` overrides paths with a status, body and type of their own."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("_"):
            media = MEDIA.get(path.suffix.lower(), "application/octet-stream")
            if media.startswith("text/") or media in (
                "application/json",
                "application/javascript",
            ):
                media += "; charset=utf-8"  # as the sequence scorer sends them (score_seqs.py)
            at = "/" + path.relative_to(folder).as_posix()
            if status:
                body = f"<html><body><h1>{status}</h1><hr>nginx</body></html>".encode()
                served.file(at, body, "text/html; charset=utf-8", status=status)
            else:
                served.file(at, path.read_bytes(), media)
    overrides = folder / "_http.json"
    if overrides.is_file() and not status:
        for at, answer in json.loads(overrides.read_text(encoding="utf-8")).items():
            served.file(
                at,
                str(answer.get("body", "")).encode(),
                answer.get("type", "application/json;charset=UTF-8"),
                status=int(answer.get("status", 200)),
            )
