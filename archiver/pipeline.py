"""One check of one site: capture -> extract -> compare -> archive -> tell observers.

The only module that knows the order of the stages. A check is a function of (site, deps),
so any process (the daemon, `archiver check`, a future queue worker) can run it; a second
writer of the same site is harmless because manifests are written create-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import structlog

from archiver import (
    archive,
    belief,
    codec,
    completeness,
    extract,
    readings,
    reextract,
    versioning,
)
from archiver.archive import Blob
from archiver.config import Site
from archiver.errors import CaptureError, IndexError_, StoreError
from archiver.evidence import warc
from archiver.models import (
    Capture,
    CheckResult,
    Disclosure,
    Outcome,
    PageStatus,
    StoredVersion,
)
from archiver.partners import AliasTable
from archiver.ports import (
    Capturer,
    CaptureRequest,
    CaptureSession,
    CheckObserver,
    Index,
    ObjectStore,
)

log = structlog.get_logger("archiver.pipeline")


@dataclass(frozen=True, kw_only=True)
class Deps:
    """Everything a check needs from the outside world."""

    store: ObjectStore
    capturer: Capturer
    index: Index
    aliases: AliasTable = field(default_factory=AliasTable)
    now: Callable[[], datetime]
    sleep: Callable[[float], None] = time.sleep
    screenshots: bool = True
    observers: tuple[CheckObserver, ...] = ()


def capture_request(site: Site) -> CaptureRequest:
    """What the browser must do for this site."""
    return CaptureRequest(
        site_id=site.id,
        url=site.url,
        timeout_s=site.timeout,
        wait_for=site.wait_for,
        selector=site.selector,
        exclude=site.exclude,
        max_pages=site.pagination.max_pages,
        next_texts=site.pagination.next,
        attachments=site.attachments,
        max_attachments=site.max_attachments,
        user_agent=site.user_agent,
        hosts=site.own_hosts,
        verify_tls=site.tls_verify,
    )


def check_site(site: Site, deps: Deps) -> CheckResult:
    """Check one site once; never raises for a site's faults, only records them."""
    started_at = deps.now()
    started = time.perf_counter()
    bound = log.bind(site=site.id)
    try:
        result = _check(site, deps, started_at, started)
    except CaptureError as exc:
        status = _status_of(exc)
        result = failed_result(site, started_at, started, status, str(exc))
    except StoreError as exc:
        result = failed_result(site, started_at, started, PageStatus.STORE_ERROR, str(exc))
    except Exception as exc:  # noqa: BLE001 - no site can stop its own archiving (DESIGN 7)
        bound.exception("check_crashed", error_type=type(exc).__name__)
        result = internal_error(site, started_at, started, exc)
    if result.outcome is Outcome.UNCHANGED and result.version is not None:
        missed = catch_up(deps, result.version)
        if missed and not result.index_error:
            result = replace(result, index_error=missed)
    return finish_check(site, deps, result)


def finish_check(
    site: Site, deps: Deps, result: CheckResult, *, event: str = "check_finished", **details: Any
) -> CheckResult:
    """How every check ends, of a page or of an institution: recorded in the index, logged
    once with `details`, and told to the observers. An index that cannot record it is not
    fatal: the result says so (`index_error`), and `archiver check` exits 3."""
    result = record_check(deps, result)
    log.info(
        event,
        site=site.id,
        outcome=result.outcome.value,
        status=result.status.value,
        version=result.version.manifest.seq if result.version else None,
        events=len(result.events),
        **details,
        error=result.error or None,
        duration_s=round(result.duration_s, 3),
    )
    notify_observers(deps, "on_check", lambda o: o.on_check(site, result), site.id)
    return result


def _check(site: Site, deps: Deps, started_at: datetime, started: float) -> CheckResult:
    """Capture; nothing new in the disclosure: unchanged; else judge and preserve.

    Never sleeps: a suspect capture is preserved as `unconfirmed` and the result says when
    the re-check is due (`confirm_at`); the daemon and `archiver check` schedule it.
    """
    request = capture_request(site)
    with deps.capturer.open(request) as session:
        capture, content = _capture(site, deps, session)
        if not content.status.is_ok:
            return failed_result(site, started_at, started, content.status, content.reason)
        head = archive.head(deps.store, site.id)
        now = deps.now()
        same = head is not None and head.manifest.content_digest == content.digest
        if head is not None and same and not _confirmation_due(head, now):
            return _unchanged(site, started_at, started, head)
        reread = _rereader(site, deps)
        baseline = readings.last_believed(deps.store, head)
        if baseline is not None:
            baseline = reread(baseline)
        capture = session.complete(capture)
        judgement = belief.judge(
            content,
            cut_off=completeness.cut_off(capture),
            head=head.manifest if head else None,
            baseline=baseline.manifest.partners if baseline else None,
            now=now,
            confirm_delay_s=site.confirm_delay,
            baseline_as_of=baseline.manifest.as_of if baseline else "",
            edition_of=_edition_repeated(deps, baseline, content),
        )
        if head is not None and (judgement.wait or (same and judgement.confirms is None)):
            return _unchanged(site, started_at, started, head)  # nothing new to record
        log.info(
            "capture_judged",
            site=site.id,
            belief=judgement.belief.value,
            note=judgement.note or None,
            confirms=judgement.confirms,
            confirm_at=judgement.confirm_after.isoformat() if judgement.confirm_after else None,
        )
        screenshot = None if same else _screenshot(site, deps, session)
    return _archive(
        site=site,
        deps=deps,
        capture=capture,
        content=content,
        judgement=judgement,
        screenshot=screenshot,
        previous=head,
        rewrite=same,
        reread=reread,
        started_at=started_at,
        started=started,
    )


def _edition_repeated(
    deps: Deps, baseline: StoredVersion | None, content: Disclosure
) -> int | None:
    """The earlier believed version a capture dated before the baseline repeats, if any."""
    if baseline is None or not belief.older_edition(content.as_of, baseline.manifest.as_of):
        return None
    return readings.same_edition_before(deps.store, baseline, content.list_digest, content.as_of)


def _rereader(site: Site, deps: Deps) -> Callable[[StoredVersion], StoredVersion]:
    """`reextract.read_now` for this check, each baseline re-read at most once."""
    done: dict[str, StoredVersion] = {}

    def reread(stored: StoredVersion) -> StoredVersion:
        if stored.key not in done:
            done[stored.key] = reextract.read_now(deps.store, site, stored, aliases=deps.aliases)
        return done[stored.key]

    return reread


def _confirmation_due(head: StoredVersion, now: datetime) -> bool:
    """The head is a suspect capture whose re-check is due: the same evidence again confirms."""
    return readings.is_suspect(head.manifest.belief) and belief.confirmation_due(
        head.manifest, now
    )


def _capture(site: Site, deps: Deps, session: CaptureSession) -> tuple[Capture, Disclosure]:
    began = time.perf_counter()
    capture = session.snapshot()
    log.info(
        "capture_finished",
        site=site.id,
        http_status=capture.status,
        pages=len(capture.pages),
        attachments=len(capture.attachments),
        images=len(capture.images),
        duration_s=round(time.perf_counter() - began, 3),
    )
    began = time.perf_counter()
    content = extract.disclosure(
        capture,
        aliases=deps.aliases,
        ignore=site.ignore,
        own_names=tuple(name for name in (site.legal_name, site.name) if name),
        selector=site.selector,
        excludes=site.exclude,
    )
    log.info(
        "extract_finished",
        site=site.id,
        status=content.status.value,
        list_status=content.list_status.value,
        partners=len(content.partners),
        chars=len(content.text),
        duration_s=round(time.perf_counter() - began, 3),
    )
    return capture, content


def _screenshot(site: Site, deps: Deps, session: CaptureSession) -> bytes | None:
    if not deps.screenshots:
        return None
    began = time.perf_counter()
    png = session.screenshot()
    log.info(
        "screenshot_taken",
        site=site.id,
        bytes=len(png or b""),
        duration_s=round(time.perf_counter() - began, 3),
    )
    return png


def _archive(
    *,
    site: Site,
    deps: Deps,
    capture: Capture,
    content: Disclosure,
    judgement: belief.Judgement,
    screenshot: bytes | None,
    previous: StoredVersion | None,
    rewrite: bool,
    reread: Callable[[StoredVersion], StoredVersion],
    started_at: datetime,
    started: float,
) -> CheckResult:
    """Write the version (blobs first, manifest last), index it, tell the observers."""
    draft = versioning.Draft(
        site_id=site.id,
        captured_at=capture.fetched_at,
        requested_url=capture.requested_url,
        final_url=capture.final_url,
        http_status=capture.status,
        browser_version=capture.browser_version,
        title=capture.pages[0].title if capture.pages else "",
        text=content.text,
        content_digest=content.digest,
        partners=content.partners,
        list_status=content.list_status,
        list_note=content.list_note,
        as_of=content.as_of,
        blobs=tuple(evidence(capture, screenshot)),
        refused=capture.refused,
        tls_verified=capture.tls_verified,
        belief=judgement.belief,
        belief_note=judgement.note,
        list_digest=content.list_digest,
        confirms=judgement.confirms,
        confirm_after=judgement.confirm_after,
        rewrite=rewrite,
    )
    written = versioning.write(
        deps.store,
        draft,
        previous=previous,
        aliases=deps.aliases,
        reread=reread,
    )
    stored = written.version
    if stored is None:  # another writer archived the same content first
        assert written.previous is not None
        return _unchanged(site, started_at, started, written.previous)
    index_error = index_version(deps, stored)
    # Readers compare a believed list with the last believed one (what its events are
    # against); preserved evidence is compared with the version before it (images, notes).
    shown = written.baseline if stored.manifest.belief.is_believed else None
    before = shown or written.previous
    notify_observers(deps, "on_version", lambda o: o.on_version(site, stored, before), site.id)
    return CheckResult(
        site_id=site.id,
        outcome=Outcome.CHANGED if written.previous else Outcome.NEW,
        started_at=started_at,
        duration_s=time.perf_counter() - started,
        version=stored,
        events=written.events,
        bytes_written=written.bytes_written,
        belief=stored.manifest.belief,
        confirm_at=readings.owes_confirmation(stored),
        index_error=index_error,
    )


def evidence(capture: Capture, screenshot: bytes | None) -> list[Blob]:
    """The blobs that show what was captured: DOM and visible text per page, the response
    as served, the JSON the page loaded, attachments, list images, the screenshot, and all
    of it again as WARC records (the `warc` blob)."""
    blobs = []
    for page in capture.pages:
        blobs.append(Blob("dom", page.html.encode(), "text/html; charset=utf-8", page.url))
        blobs.append(
            Blob("visible_text", page.text.encode(), "text/plain; charset=utf-8", page.url)
        )
    main = capture.main_response
    if main is not None:
        blobs.append(
            Blob("response", main.body, main.media_type or "application/octet-stream", main.url)
        )
        headers = codec.canonical_json(
            {"status": main.status, "headers": [list(h) for h in main.headers]}
        )
        blobs.append(Blob("response_headers", headers, "application/json", main.url))
    blobs.extend(Blob("json", r.body, r.media_type, r.url) for r in capture.json_bodies)
    blobs.extend(
        Blob("attachment", r.body, r.media_type, r.url)
        for r in capture.attachments
        if r is not capture.main_response
    )
    blobs.extend(Blob("image", r.body, r.media_type, r.url) for r in capture.images)
    if screenshot:
        blobs.append(Blob("screenshot", screenshot, "image/png"))
    blobs.append(warc.blob(capture))
    return blobs


def _unchanged(
    site: Site, started_at: datetime, started: float, latest: StoredVersion
) -> CheckResult:
    return CheckResult(
        site_id=site.id,
        outcome=Outcome.UNCHANGED,
        started_at=started_at,
        duration_s=time.perf_counter() - started,
        version=latest,
        belief=latest.manifest.belief,
        confirm_at=readings.owes_confirmation(latest),
    )


def failed_result(
    site: Site, started_at: datetime, started: float, status: PageStatus, error: str
) -> CheckResult:
    """The result of a check that saw nothing believable."""
    return CheckResult(
        site_id=site.id,
        outcome=Outcome.FAILED,
        started_at=started_at,
        duration_s=time.perf_counter() - started,
        status=status,
        error=error,
    )


def internal_error(
    site: Site, started_at: datetime, started: float, exc: BaseException
) -> CheckResult:
    """The failed check an unexpected exception becomes: its type and first line."""
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    error = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return failed_result(site, started_at, started, PageStatus.INTERNAL_ERROR, error)


def index_version(deps: Deps, stored: StoredVersion, *, current: bool = True) -> str:
    """Index a version just archived; '' when done, else why not. An index that cannot is
    logged and said, never fatal: the version is in the bucket (`archiver reindex`)."""
    try:
        deps.index.record_version(stored, current=current)
    except IndexError_ as exc:
        log.exception(
            "version_index_failed",
            site=stored.manifest.site_id,
            version=stored.manifest.seq,
            error=str(exc),
        )
        return str(exc)
    return ""


def catch_up(deps: Deps, head: StoredVersion) -> str:
    """Index the versions up to `head` the index lacks; '' when it has them, else why not.

    A writer that died between its manifest and the index (a killed worker), or an index that
    was down, leaves the bucket ahead of the index; the next check that finds the page
    unchanged closes the gap, so no `reindex` is needed for it (the bucket is the truth).
    """
    site_id, newest = head.manifest.site_id, head.manifest.seq
    try:
        indexed = deps.index.latest_version(site_id)
        start = indexed.seq + 1 if indexed is not None else 1
        if start > newest:
            return ""
        log.warning("index_catching_up", site=site_id, version=newest, first=start)
        for seq in range(start, newest):
            missed = index_version(deps, archive.read_seq(deps.store, site_id, seq))
            if missed:
                return missed
    except (IndexError_, StoreError) as exc:
        log.warning("index_catch_up_failed", site=site_id, version=newest, error=str(exc))
        return str(exc) if isinstance(exc, IndexError_) else ""
    return index_version(deps, head)


def record_check(deps: Deps, result: CheckResult) -> CheckResult:
    """Record the check in the index; an index that cannot (full disk, database down) is
    logged and said in the result, which still reaches the observers and the command."""
    try:
        deps.index.record_check(result)
    except Exception as exc:
        log.exception("check_record_failed", site=result.site_id, error_type=type(exc).__name__)
        if result.index_error:
            return result
        return replace(result, index_error=str(exc) or type(exc).__name__)
    return result


def _status_of(exc: CaptureError) -> PageStatus:
    try:
        return PageStatus(exc.reason)
    except ValueError:
        return PageStatus.BROWSER_ERROR


def notify_observers(
    deps: Deps, hook: str, call: Callable[[CheckObserver], None], site_id: str
) -> None:
    """Tell every observer; an observer's bug is logged, never fatal to an archived check."""
    for observer in deps.observers:
        try:
            call(observer)
        except Exception as exc:
            log.exception("observer_failed", site=site_id, hook=hook, error=str(exc))
