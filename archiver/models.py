"""Records that cross stage boundaries. Pure: stdlib only, all frozen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

SCHEMA_VERSION = 2  # 2: belief marks, reader version, confirmations (1 is still read)


class Outcome(StrEnum):
    """What one check of one site produced."""

    NEW = "new"  # first version of this site
    CHANGED = "changed"  # a new version was written
    UNCHANGED = "unchanged"  # same disclosure content as the latest version
    FAILED = "failed"  # nothing believable was seen; no version written


class PageStatus(StrEnum):
    """Classification of what a capture saw, decided before any comparison."""

    OK = "ok"
    HTTP_ERROR = "http_error"
    CONNECTION_ERROR = "connection_error"
    TIMEOUT = "timeout"
    REDIRECT_LOOP = "redirect_loop"
    NOT_HTML = "not_html"
    EMPTY = "empty"
    CHALLENGE = "challenge"  # WAF / anti-bot interstitial
    MAINTENANCE = "maintenance"
    LOGIN_WALL = "login_wall"
    SOFT_404 = "soft_404"  # a 200 page that says "not found"
    SERVER_ERROR = "server_error"  # a 200 page that shows a server error (500, a stack trace)
    UNPARSEABLE = "unparseable"  # image-only content, scanned PDF
    TRUNCATED = "truncated"  # cut short: by the page, or by a capture budget (Capture.truncated)
    SELECTOR_MISSING = "selector_missing"  # the configured selector matched nothing
    COLLAPSE_UNCONFIRMED = "collapse_unconfirmed"  # the list collapsed once, not twice
    BROWSER_ERROR = "browser_error"
    STORE_ERROR = "store_error"  # the archive could not be read or written
    BLOCKED = "blocked"  # the host keeps refusing us (429/503); reported, not hammered
    ROBOTS_DISALLOWED = "robots_disallowed"  # robots.txt forbids the page
    BUDGET_EXHAUSTED = "budget_exhausted"  # the run's page or time budget ran out
    REFUSED = "refused"  # the URL policy forbids the page (foreign host, private address)
    BROWSER_UNAVAILABLE = "browser_unavailable"  # no browser could be started
    GATE_UNAVAILABLE = "gate_unavailable"  # the cluster's politeness gate (Redis) is down
    INTERNAL_ERROR = "internal_error"  # an unexpected exception; the pass went on

    @property
    def is_ok(self) -> bool:
        """True when the content can become a version."""
        return self is PageStatus.OK


class ListStatus(StrEnum):
    """Whether a partner list could be read from what was captured."""

    OK = "ok"  # a list was recognised (it may be empty after a termination notice)
    ABSENT = "absent"  # no list structure on this page (e.g. an announcement index)
    UNPARSEABLE = "unparseable"  # the list is there but only as images / a scanned PDF


class Belief(StrEnum):
    """What the archiver makes of a preserved capture (evidence is kept whatever this says).

    Only a believed version carries partner events and serves as the baseline of the next
    ones; the others are preserved evidence, shown as such.
    """

    BELIEVED = "believed"  # the list was read from a whole page (and confirmed if suspect)
    UNCONFIRMED = "unconfirmed"  # suspect (collapse, count or numbering): a re-check is owed
    DISAGREED = "disagreed"  # the re-check read another list; neither is believed yet
    TRUNCATED = "truncated"  # the document was cut off: never believed, however often seen
    UNPARSEABLE = "unparseable"  # a list is there (images, scans, announced) but unread
    ABSENT = "absent"  # no list on this page

    @property
    def is_believed(self) -> bool:
        """True when the version's list is a version of the partner list."""
        return self is Belief.BELIEVED

    @classmethod
    def of_list(cls, status: ListStatus) -> Belief:
        """The mark of a version that needed no confirmation (schema-1 manifests)."""
        return {
            ListStatus.OK: cls.BELIEVED,
            ListStatus.ABSENT: cls.ABSENT,
            ListStatus.UNPARSEABLE: cls.UNPARSEABLE,
        }[status]


class Category(StrEnum):
    """Partner category, mapped from the raw text the page uses (G0901-inspired)."""

    PLATFORM = "platform"  # 平台运营机构 / 营销获客 / 导流 / 助贷
    CREDIT_ENHANCEMENT = "credit_enhancement"  # 增信服务机构 / 担保增信 / 融资担保 / 保险
    CO_FUNDING = "co_funding"  # 共同出资 / 联合贷
    COLLECTION = "collection"  # 催收 / 贷后 / 逾期清收
    PAYMENT = "payment"  # 支付结算
    RISK = "risk"  # 客户筛选 / 部分风险评价
    TECHNOLOGY = "technology"  # 信息科技
    OTHER = "other"  # a category is given but fits none of the above
    UNSPECIFIED = "unspecified"  # the page gives no category


class Marker(StrEnum):
    """Status markers published inside a partner's cell or remark."""

    RENAMED = "renamed"  # 已更名
    DEREGISTERED = "deregistered"  # 已注销
    SUSPENDED = "suspended"  # 已暂停合作 / 暂停
    TERMINATED = "terminated"  # 已终止 / 终止合作
    FORMERLY = "formerly"  # （原…）


class SourceKind(StrEnum):
    """Where in the captured material a partner record was read."""

    TABLE_ROW = "table_row"
    LIST_ITEM = "list_item"
    PARAGRAPH = "paragraph"
    JSON = "json"
    PDF_PAGE = "pdf_page"
    DOCX = "docx"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Provenance of one partner record."""

    kind: SourceKind
    url: str = ""  # page or attachment URL
    locator: str = ""  # e.g. "table 2 row 5", "page 3", "$.data[4]"


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    """One partner as published, with the keys that make versions comparable."""

    raw: str  # the name cell exactly as published (whitespace collapsed)
    name: str  # display name: markers stripped, NFKC, one bracket width
    match_key: str  # identity across versions and institutions
    qualifier: str = ""  # lifted city/region qualifier, e.g. 杭州
    entity: str = ""  # canonical entity id from config/entities.yaml, if known
    category: Category = Category.UNSPECIFIED
    category_raw: str = ""
    products: tuple[str, ...] = ()
    period: str = ""  # cooperation period as published
    hotline: str = ""
    remark: str = ""
    markers: tuple[Marker, ...] = ()
    former_names: tuple[str, ...] = ()  # （原…） / 已更名 targets
    credit_code: str = ""  # 统一社会信用代码, when the list gives it: who it is, whatever its name
    source: Source | None = None


class EventType(StrEnum):
    """Partner-level changes between two versions."""

    ADDED = "added"
    DROPPED = "dropped"
    RENAMED = "renamed"
    READDED = "readded"
    FIELD_CHANGED = "field_changed"


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerEvent:
    """One partner-level change; `name` is the partner as published now (or last)."""

    type: EventType
    name: str
    match_key: str
    category: Category = Category.UNSPECIFIED
    old: str = ""  # renamed: previous name
    new: str = ""  # renamed: new name
    field: str = ""  # field_changed: which field
    before: str = ""  # field_changed: old value
    after: str = ""  # field_changed: new value
    products: tuple[str, ...] = ()
    note: str = ""  # e.g. "alias: 360数科 -> 奇富科技", "possibly the same as …"


# --- capture ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """A response body the capture kept, with headers as served (minus transfer encodings)."""

    url: str
    status: int
    media_type: str  # lower-case, without parameters, e.g. "text/html"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """A fetch the URL policy refused (`archiver.urlpolicy`), kept in the manifest."""

    url: str
    reason: str  # urlpolicy.Reason: scheme, foreign_host, private_address, over_budget
    purpose: str = ""  # urlpolicy.Purpose: navigation, frame, json, image, attachment, render


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedPage:
    """One rendered page: the entry page or a pagination step."""

    url: str
    html: str  # the rendered DOM (page.content())
    text: str  # visible text of the selected region, excluded elements removed
    title: str = ""
    region_html: str = ""  # outer HTML of the selected region ("" = whole page)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capture:
    """Everything one capture saw of one site."""

    site_id: str
    requested_url: str
    final_url: str
    status: int  # HTTP status of the main document (0 when unknown)
    fetched_at: datetime  # aware UTC
    browser_version: str
    pages: tuple[RenderedPage, ...] = ()  # entry page first, then pagination
    main_response: HttpResponse | None = None
    json_bodies: tuple[HttpResponse, ...] = ()  # XHR/fetch JSON the page loaded
    attachments: tuple[HttpResponse, ...] = ()  # PDF/DOCX/XLSX linked from the page
    images: tuple[HttpResponse, ...] = ()  # large images of an image-only region
    selector_matched: bool = True  # False when the configured selector matched nothing
    duration_s: float = 0.0
    refused: tuple[Refusal, ...] = ()  # fetches the URL policy refused
    truncated: tuple[str, ...] = ()  # budgets this capture went over: never an ok version
    unreached: tuple[str, ...] = ()  # pages of the list that failed (next page 404): never ok
    tls_verified: bool = True  # False when the site's configuration waives TLS checks

    @property
    def text(self) -> str:
        """Visible text of every page, in order."""
        return "\n".join(page.text for page in self.pages)


# --- extracted content -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Disclosure:
    """The comparable form of a capture: canonical text plus partner records."""

    text: str  # canonical text, noise removed
    partners: tuple[Partner, ...] = ()
    digest: str = ""  # sha256 hex over text and partners (see extract.content_digest)
    status: PageStatus = PageStatus.OK
    reason: str = ""  # human words for a non-OK status
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""  # e.g. "the page says 共52家 but 30 were read", "scanned PDF"
    as_of: str = ""  # the 截至 date as written, when the page states one
    suspect: str = ""  # why this content must be seen twice before it is believed
    list_digest: str = ""  # sha256 over the partner list as published (agreement of captures)
    image_digests: tuple[str, ...] = ()  # sha256 of every image in the disclosure region


# --- archive ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BlobRef:
    """An immutable, content-addressed object the manifest points at."""

    role: str  # "dom", "text", "screenshot", "response", "json", "attachment", "diff", ...
    digest: str  # sha256 hex
    media_type: str
    size_bytes: int
    url: str = ""  # where the bytes came from, when they came from the web


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainLink:
    """The previous manifest, by key and by the sha256 of its exact bytes."""

    key: str
    digest: str
    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRef:
    """One document of an institution (an announcement, an attachment, its index), as seen.

    Written into the institution's composite version by `archiver.discovery`; the document's
    own versions live in the chain `archive_id` (``<site-id>--<doc-slug>``).
    """

    url: str  # normalised document URL
    archive_id: str  # the document's own chain; "" for documents that are not archived
    role: Literal["index", "list", "other", "pending"]  # pending = not yet classified
    state: Literal["live", "withdrawn"] = "live"  # withdrawn = answered 404/410 twice
    title: str = ""
    published: str = ""  # YYYY-MM-DD as the index or the page gives it, "" if unknown
    categories: tuple[str, ...] = ()  # Category values the list covers ("" = unspecified)
    listed: bool = False  # linked from the institution's announcement pages in this check
    current: bool = False  # the institution's current list draws on this document
    seq: int = 0  # newest version of the document's chain (0 = none archived)
    version_key: str = ""
    version_digest: str = ""
    partners: int = 0
    first_seen_at: datetime | None = None
    classified_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """One archived version of one site's disclosure. Written once, after its blobs."""

    schema_version: int = SCHEMA_VERSION
    site_id: str
    seq: int  # 1, 2, 3 ... per site; also the version number users type
    captured_at: datetime
    requested_url: str
    final_url: str
    http_status: int
    browser_version: str
    title: str = ""
    content_digest: str  # Disclosure.digest
    blobs: tuple[BlobRef, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    as_of: str = ""  # the list's own 截至 date as written, when stated
    partners: tuple[Partner, ...] = ()
    events: tuple[PartnerEvent, ...] = ()
    departed: tuple[str, ...] = ()  # match keys seen in some earlier version, absent now
    previous: ChainLink | None = None
    text_inserted: int = 0  # characters inserted / deleted against the previous text
    text_deleted: int = 0
    archiver_version: str = ""
    documents: tuple[DocumentRef, ...] = ()  # institutions only: the tracked documents
    refused: tuple[Refusal, ...] = ()  # fetches of this capture the URL policy refused
    tls_verified: bool = True  # False: the site's configuration waived certificate checks
    belief: Belief = Belief.BELIEVED  # schema 1: derived from list_status when read
    belief_note: str = ""  # why the capture is not believed (suspect, cut off, unread)
    reader_version: str = ""  # the reader that read the partners and made the events
    list_digest: str = ""  # sha256 over the partner list as published
    baseline: int | None = None  # the believed version the events were made against
    last_believed: int | None = None  # newest believed version up to this one (itself if so)
    confirms: int | None = None  # the unconfirmed version this capture agreed with
    confirm_after: datetime | None = None  # unconfirmed: when the re-check is due

    def blob(self, role: str) -> BlobRef | None:
        """First blob with this role, if any."""
        return next((ref for ref in self.blobs if ref.role == role), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredVersion:
    """A manifest together with where it lives and the digest of its bytes.

    `corrected_by` names the reader whose re-reading (`archiver reextract`) replaced the
    manifest's partners, events and belief in this view; the bytes stay the manifest's.
    """

    key: str
    digest: str
    manifest: Manifest
    corrected_by: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """One reader's interpretation of one preserved version: derived, never evidence.

    Written by `archiver reextract` under ``sites/<id>/readings/<seq>.json`` when it differs
    from what the manifest recorded; the chain is never touched.
    """

    site_id: str
    seq: int
    manifest_key: str
    manifest_digest: str  # sha256 of the manifest bytes the evidence was taken from
    reader_version: str
    read_at: datetime
    belief: Belief
    belief_note: str = ""
    list_status: ListStatus
    list_note: str = ""
    partners: tuple[Partner, ...] = ()
    events: tuple[PartnerEvent, ...] = ()
    departed: tuple[str, ...] = ()
    baseline: int | None = None
    last_believed: int | None = None
    changed: tuple[str, ...] = ()  # what differs from the manifest: belief, partners, events


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """The result of one check of one site, as reported by `archiver check`."""

    site_id: str
    outcome: Outcome
    started_at: datetime
    duration_s: float
    status: PageStatus = PageStatus.OK
    version: StoredVersion | None = None  # the version written, or the latest when unchanged
    error: str = ""
    events: tuple[PartnerEvent, ...] = field(default=())
    bytes_written: int = 0  # blob and manifest bytes this check added to the store
    belief: Belief | None = None  # the mark of the version written (None when none was)
    confirm_at: datetime | None = None  # a re-check is owed at this time
    index_error: str = ""  # the index could not record this check or its version (reindex)
    check_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # one check, however
    # often it is recorded (a retry after a lost answer, a redelivered task): one row


# --- the derived index (archiver.ports.Index) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One recorded check."""

    site_id: str
    started_at: datetime
    duration_s: float
    outcome: Outcome
    status: str
    seq: int | None
    error: str


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One indexed version."""

    site_id: str
    seq: int
    key: str
    digest: str
    captured_at: datetime
    content_digest: str
    partner_count: int
    event_count: int
    final_url: str
    title: str
    belief: str = "believed"
    corrected_by: str = ""  # the reader whose re-reading replaced the manifest's


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """A partner on a site's newest version."""

    site_id: str
    seq: int
    name: str
    raw: str
    match_key: str
    entity: str
    category: str
    category_raw: str
    products: str
    markers: str
    former_names: str


# --- politeness ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Politeness:
    """How gently one host is treated: the spacing, and when refusals make us give up."""

    delay_s: float = 2.0  # minimum seconds between two requests
    block_after: int = 3  # 429/503 in a row before the host is blocked
    max_backoff_s: float = 600.0  # longest Retry-After waited for; longer blocks the host

    def stricter(self, other: Politeness) -> Politeness:
        """The gentler of two settings, field by field (two sites on one host).

        >>> Politeness(5, 3, 600).stricter(Politeness(1, 2, 900))
        Politeness(delay_s=5, block_after=2, max_backoff_s=600)
        """
        return Politeness(
            delay_s=max(self.delay_s, other.delay_s),
            block_after=min(self.block_after, other.block_after),
            max_backoff_s=min(self.max_backoff_s, other.max_backoff_s),
        )
