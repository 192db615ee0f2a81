"""One check of one institution: discover, check each document, compose the institution.

    check_institution(site, deps) -> CheckResult

1. discovery from the entry page (`crawl.discover`), through a per-host gate and a budget;
2. the registry of documents (`registry.merge`); the announcement index is archived as the
   document ``<site-id>--index``;
3. every tracked list is checked as its own site ``<site-id>--<doc-slug>`` by the core
   pipeline (observers silenced); a 404/410, confirmed after `confirm_delay`, marks it
   withdrawn and keeps its last version;
4. the institution's own chain gets a composite version: the current list (newest per
   category), the current documents' texts, references to every document version and the
   registry, so partner events come from the same `partners.compare` as everywhere else and
   a list that moves to a new announcement unchanged gives none;
5. observers hear about the institution only; a re-check a document owes (its new list seen
   once, not believed yet) is owed by the institution (`confirm_at`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime

import structlog

from archiver import archive, classify, noise, pipeline, readings
from archiver.archive import Blob
from archiver.config import Site
from archiver.discovery import composite, registry
from archiver.discovery.crawl import CrawlResult, discover, status_of
from archiver.discovery.politeness import Budget, GatedCapturer, HostGate
from archiver.discovery.registry import Derived, DocumentEvent
from archiver.discovery.robots import Robots
from archiver.discovery.settings import DiscoverySettings
from archiver.errors import CaptureError, StoreError
from archiver.models import (
    CheckResult,
    DocumentRef,
    ListStatus,
    Manifest,
    Outcome,
    PageStatus,
    StoredVersion,
)
from archiver.pipeline import Deps, check_site, failed_result, finish_check, notify_observers
from archiver.ports import CaptureRequest, Gate
from archiver.urlpolicy import host_of

log = structlog.get_logger("archiver.discovery")
GONE = (404, 410)


@dataclass(frozen=True, slots=True, kw_only=True)
class InstitutionCheck:
    """Everything one institution check did, for reports and benchmarks."""

    result: CheckResult
    document_events: tuple[DocumentEvent, ...] = ()
    documents: tuple[CheckResult, ...] = ()
    pages: int = 0  # page loads through the gate (robots.txt, index pages, documents)
    crawl: CrawlResult | None = None


def settings_of(site: Site) -> DiscoverySettings | None:
    """The site's `discover:` settings, or None for a plain site."""
    found = getattr(site, "discover", None)
    return found if isinstance(found, DiscoverySettings) else None


def is_institution(site: Site) -> bool:
    """Whether the site is checked through discovery."""
    found = settings_of(site)
    return found is not None and found.enabled


def check_institution(
    site: Site,
    deps: Deps,
    *,
    settings: DiscoverySettings | None = None,
    gate: Gate | None = None,
) -> CheckResult:
    """Check one institution once; never raises for a site's faults, only records them."""
    return run_institution(site, deps, settings=settings, gate=gate).result


def make_gate(settings: DiscoverySettings, deps: Deps) -> HostGate:
    """A gate with the settings' delay and backoff, on the deps' clock."""
    return HostGate(
        delay_s=settings.delay,
        now=deps.now,
        sleep=deps.sleep,
        block_after=settings.block_after,
        max_backoff_s=settings.max_backoff,
    )


def run_institution(
    site: Site,
    deps: Deps,
    *,
    settings: DiscoverySettings | None = None,
    gate: Gate | None = None,
) -> InstitutionCheck:
    """`check_institution`, returning the details as well."""
    settings = settings or settings_of(site) or DiscoverySettings()
    started_at = deps.now()
    started = time.perf_counter()
    budget = Budget(pages=settings.max_pages, seconds=settings.max_time, now=deps.now)
    capturer = GatedCapturer(deps.capturer, gate or make_gate(settings, deps), budget)
    try:
        check = _run(
            site,
            deps,
            settings=settings,
            capturer=capturer,
            budget=budget,
            started_at=started_at,
            started=started,
        )
    except StoreError as exc:
        check = InstitutionCheck(
            result=failed_result(site, started_at, started, PageStatus.STORE_ERROR, str(exc)),
            pages=budget.used,
        )
    recorded = finish_check(
        site,
        deps,
        check.result,
        event="institution_checked",
        document_events=[e.type.value for e in check.document_events],
        documents=len(check.documents),
        pages=check.pages,
    )
    return replace(check, result=recorded)


def _run(
    site: Site,
    deps: Deps,
    *,
    settings: DiscoverySettings,
    capturer: GatedCapturer,
    budget: Budget,
    started_at: datetime,
    started: float,
) -> InstitutionCheck:
    previous = archive.head(deps.store, site.id)
    known = registry.from_manifest(previous.manifest if previous else None)
    robots = Robots(capturer, site_id=site.id, timeout_s=site.timeout) if settings.robots else None
    if robots is not None:
        delay = robots.crawl_delay(site.url)
        if delay:
            capturer.gate.set_min_delay(site.url, delay)
    crawl = discover(site, settings, capturer, known=known, now=started_at, robots=robots)
    if crawl.error:
        result = failed_result(site, started_at, started, crawl.error_status, crawl.error)
        return InstitutionCheck(result=result, pages=budget.used, crawl=crawl)
    docs = list(registry.merge(known.values(), crawl, site_id=site.id, now=started_at))
    index_version = _write_index(site, deps, crawl, docs)
    doc_deps = replace(deps, observers=(), capturer=capturer)
    docs, versions, results = _check_documents(
        site, doc_deps, settings=settings, capturer=capturer, budget=budget, docs=docs
    )
    if index_version is not None:
        docs = [_with_version(d, index_version) if d.role == "index" else d for d in docs]
    derived = registry.derive(docs, versions)
    docs = [replace(d, current=d.url in derived.current and d.role == "list") for d in docs]
    ordered = registry.registry_order(docs)
    draft = _composite(site, deps, crawl=crawl, docs=ordered, derived=derived, versions=versions)
    written = composite.write(deps.store, draft, aliases=deps.aliases)
    before = previous.manifest.documents if previous else ()
    doc_events = registry.document_events(before, ordered) if written.version else ()
    confirm_at = owed_confirmation(results)
    if written.version is None:
        result = CheckResult(
            site_id=site.id,
            outcome=Outcome.UNCHANGED,
            started_at=started_at,
            duration_s=time.perf_counter() - started,
            version=written.previous,
            confirm_at=confirm_at,
        )
        return InstitutionCheck(result=result, documents=results, pages=budget.used, crawl=crawl)
    index_error = pipeline.index_version(deps, written.version)
    for event in doc_events:
        log.info("document_event", site=site.id, type=event.type.value, url=event.url)
    version, previous_version = written.version, written.previous
    notify_observers(
        deps, "on_version", lambda o: o.on_version(site, version, previous_version), site.id
    )
    result = CheckResult(
        site_id=site.id,
        outcome=Outcome.CHANGED if written.previous else Outcome.NEW,
        started_at=started_at,
        duration_s=time.perf_counter() - started,
        version=written.version,
        events=written.events,
        bytes_written=written.bytes_written,
        index_error=index_error,
        confirm_at=confirm_at,
    )
    return InstitutionCheck(
        result=result,
        document_events=doc_events,
        documents=results,
        pages=budget.used,
        crawl=crawl,
    )


def owed_confirmation(documents: tuple[CheckResult, ...]) -> datetime | None:
    """When the institution must be checked again: the earliest re-check its documents owe.

    A document whose new list is not believed yet (a suspect change, seen once) keeps the
    institution on its previous list; the re-check that confirms it is what moves the list,
    so the institution owes it as its own, or the change would wait for the next schedule.
    """
    owed = [result.confirm_at for result in documents if result.confirm_at is not None]
    return min(owed) if owed else None


def document_site(site: Site, ref: DocumentRef) -> Site:
    """The Site the core pipeline checks for one document of an institution."""
    title = ref.title or ref.url
    return site.model_copy(
        update={
            "id": ref.archive_id,
            "url": ref.url,
            "name": f"{site.name}: {title}"[:200],
            "selector": None,
            "wait_for": None,
            # the document may sit on a listed host: the entry page's site stays the site's own
            "hosts": (*site.hosts, host_of(site.url)),
        }
    )


def _check_documents(
    site: Site,
    deps: Deps,
    *,
    settings: DiscoverySettings,
    capturer: GatedCapturer,
    budget: Budget,
    docs: list[DocumentRef],
) -> tuple[list[DocumentRef], dict[str, Manifest], tuple[CheckResult, ...]]:
    lists = [d for d in docs if d.role == "list"]
    lists.sort(key=registry.sort_key, reverse=True)
    lists.sort(key=lambda d: d.state != "live")
    to_check = {d.url for d in lists[: settings.max_documents]}
    updated: dict[str, DocumentRef] = {}
    versions: dict[str, Manifest] = {}
    results: list[CheckResult] = []
    for ref in lists:
        new = ref
        if ref.url in to_check and budget.remaining > 0:
            result = check_site(document_site(site, ref), deps)
            results.append(result)
            new = _after_check(site, deps, capturer, ref, result)
        head = archive.head(deps.store, ref.archive_id)
        if head is not None:
            new = _with_version(new, head)
            believed = readings.last_believed(deps.store, head)  # the list, not the evidence
            if believed is not None:
                versions[ref.url] = believed.manifest
        updated[ref.url] = new
    return [updated.get(d.url, d) for d in docs], versions, tuple(results)


def _after_check(
    site: Site, deps: Deps, capturer: GatedCapturer, ref: DocumentRef, result: CheckResult
) -> DocumentRef:
    """The document's state after its check: live, or withdrawn on a confirmed 404/410."""
    if result.outcome is not Outcome.FAILED:
        return replace(ref, state="live", withdrawn_at=None)
    if result.status not in (PageStatus.HTTP_ERROR, PageStatus.SOFT_404):
        return ref  # a timeout or a challenge says nothing about the document
    if ref.state == "withdrawn":
        return ref
    deps.sleep(site.confirm_delay)
    if _gone(site, capturer, ref):
        log.info("document_withdrawn", site=site.id, url=ref.url, kept=ref.version_key)
        return replace(ref, state="withdrawn", withdrawn_at=deps.now())
    return ref


def _gone(site: Site, capturer: GatedCapturer, ref: DocumentRef) -> bool:
    request = CaptureRequest(
        site_id=ref.archive_id,
        url=ref.url,
        timeout_s=site.timeout,
        max_pages=1,
        attachments=False,
        hosts=site.own_hosts,
        verify_tls=site.tls_verify,
    )
    try:
        with capturer.open(request) as session:
            capture = session.snapshot()
    except CaptureError:
        return False
    if capture.status in GONE:
        return True
    status, _ = classify.classify(capture, noise.strip_noise(capture.text, site.ignore))
    return status is PageStatus.SOFT_404


def _with_version(ref: DocumentRef, head: StoredVersion) -> DocumentRef:
    return replace(
        ref,
        seq=head.manifest.seq,
        version_key=head.key,
        version_digest=head.digest,
        partners=len(head.manifest.partners),
    )


def _write_index(
    site: Site, deps: Deps, crawl: CrawlResult, docs: list[DocumentRef]
) -> StoredVersion | None:
    """Archive the announcement index as the document ``<site-id>--index``."""
    index = next(d for d in docs if d.role == "index")
    listed = [d for d in docs if d.listed and d.role != "index"]
    listed.sort(key=lambda d: d.url)
    listed.sort(key=lambda d: d.published, reverse=True)
    lines = [f"{d.published or '—'}  {d.title}  {d.url}" for d in listed]
    blobs = [
        Blob("dom", p.html.encode(), "text/html; charset=utf-8", p.url) for p in crawl.index_pages
    ]
    blobs.extend(Blob("json", r.body, r.media_type, r.url) for r in crawl.json_bodies)
    draft = composite.Draft(
        site_id=index.archive_id,
        captured_at=deps.now(),
        text="\n".join(lines),
        blobs=tuple(blobs),
        requested_url=site.url,
        final_url=crawl.final_url or site.url,
        http_status=crawl.entry_status,
        browser_version=crawl.browser_version,
        title=f"{site.name}: 公告列表",
    )
    written = composite.write(deps.store, draft, aliases=deps.aliases)
    if written.version is not None:
        pipeline.index_version(deps, written.version, current=False)
    return written.version or written.previous


def _composite(
    site: Site,
    deps: Deps,
    *,
    crawl: CrawlResult,
    docs: tuple[DocumentRef, ...],
    derived: Derived,
    versions: dict[str, Manifest],
) -> composite.Draft:
    current = [d for d in docs if d.current]
    sections = []
    for ref in current:
        manifest = versions[ref.url]
        body = archive.text_of(deps.store, manifest)
        sections.append(f"【{ref.title or '公告'}】 {ref.published or ''}\n{ref.url}\n\n{body}")
    blobs = []
    for ref in docs:
        if ref.version_key:
            data = deps.store.get(ref.version_key)
            blobs.append(Blob("document", data, "application/json", ref.url))
    statuses = {versions[d.url].list_status for d in current}
    if ListStatus.OK in statuses:
        list_status = ListStatus.OK
    elif ListStatus.UNPARSEABLE in statuses:
        list_status = ListStatus.UNPARSEABLE
    else:
        list_status = ListStatus.ABSENT
    lists = sum(1 for d in docs if d.role == "list")
    note = f"{len(current)} of {lists} partner-list documents current"
    if derived.note:
        note += f"; {derived.note}"
    return composite.Draft(
        site_id=site.id,
        captured_at=deps.now(),
        text="\n\n".join(sections),
        partners=derived.partners,
        documents=docs,
        blobs=tuple(blobs),
        list_status=list_status,
        list_note=note,
        requested_url=site.url,
        final_url=crawl.final_url or site.url,
        http_status=crawl.entry_status,
        browser_version=crawl.browser_version,
        title=site.name,
    )


__all__ = [
    "InstitutionCheck",
    "check_institution",
    "document_site",
    "run_institution",
    "status_of",
]
