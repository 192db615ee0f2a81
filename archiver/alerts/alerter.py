"""Alerter: the CheckObserver that queues alerts in the outbox and delivers them.

    pipeline --on_version--> partner alert (site, version) --create-only--> outbox
             --on_check----> operator notice (rate-limited)  --create-only--> outbox
    daemon / `archiver check` --deliver_pending / flush_digest--> digests, then every owed unit
                                                                 --> SMTP | .eml spool | Apprise

The observer never raises into the pipeline: a failure to queue is logged and repaired by
`reconcile`, which re-derives missing partner alerts from the archived versions.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as time_of_day
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from archiver import archive
from archiver.alerts import compose, digest, operator, routing
from archiver.alerts.compose import Message
from archiver.alerts.delivery import Attempt, Delivered, Outcome, Sender
from archiver.alerts.links import LinkMaker
from archiver.alerts.outbox import Outbox
from archiver.alerts.records import (
    AlertState,
    ChannelPlan,
    Claim,
    Digest,
    EventRow,
    Family,
    Notice,
    PartnerAlert,
    VersionRef,
    month_of,
    partner_id,
    stream_of,
)
from archiver.alerts.settings import AlertSettings, Mode, Problem
from archiver.alerts.spool import SpoolTransport
from archiver.alerts.transport import ChatTransport, MailTransport, chat_channels
from archiver.config import Site
from archiver.errors import AlertError, ArchiverError, ConfigError, KeyNotFound
from archiver.models import Category, CheckResult, StoredVersion
from archiver.models import Outcome as CheckOutcome
from archiver.ports import ObjectStore

if TYPE_CHECKING:
    from archiver.config import Settings

log = structlog.get_logger("archiver.alerts")
EMAIL = "email"
FULL_SCAN_EVERY = timedelta(hours=1)


class CheckRow(Protocol):
    """One recorded check (archiver.index.CheckRow fits)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def outcome(self) -> CheckOutcome: ...
    @property
    def seq(self) -> int | None: ...


class CheckLog(Protocol):
    """Recent checks of a site, newest first (archiver.index.Index fits)."""

    def checks(self, site_id: str, *, limit: int = ...) -> Sequence[CheckRow]:
        """Newest checks first."""
        ...


@dataclass(frozen=True, slots=True)
class Plan:
    """What a scan needs to know about an alert, kept in memory after one read."""

    kind: str  # "partner", "operator" or "digest"
    site_id: str
    detected_at: datetime
    immediate: tuple[str, ...] = ()
    batched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Stream:
    """A digest stream and when it is due."""

    family: Family
    channel: str
    mode: Mode
    interval_s: float = 0.0
    at: time_of_day | None = None  # daily streams


@dataclass(frozen=True, slots=True)
class Unit:
    """One delivery the outbox owes, ready to run."""

    name: str
    transport: str
    send: Callable[[], Delivered]
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PassReport:
    """What one delivery pass did."""

    attempts: tuple[Attempt, ...] = ()
    digests: tuple[str, ...] = ()

    @property
    def sent(self) -> int:
        """Units delivered in this pass."""
        return sum(1 for a in self.attempts if a.outcome is Outcome.SENT)

    @property
    def failed(self) -> int:
        """Units that failed in this pass (they stay queued)."""
        return sum(1 for a in self.attempts if a.outcome is Outcome.FAILED)


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One unit of one alert, for `archiver outbox list`."""

    unit: str
    state: str  # sent, pending, retrying, sending, in digest, waiting for digest
    attempts: int = 0
    at: datetime | None = None  # sent at / retry at
    error: str = ""


@dataclass(frozen=True, slots=True)
class AlertStatus:
    """One alert, for `archiver outbox list`."""

    id: str
    kind: str
    site_id: str
    summary: str
    queued_at: datetime
    units: tuple[UnitStatus, ...]

    @property
    def pending(self) -> bool:
        """Whether something is still owed."""
        return any(u.state not in ("sent", "in digest") for u in self.units)


def mail_transport(
    settings: AlertSettings, state_dir: Path, environ: Mapping[str, str]
) -> MailTransport:
    """SMTP when configured (password from ARCHIVER_SMTP_PASSWORD), else the .eml spool."""
    smtp = settings.email.smtp
    if smtp is None:
        return SpoolTransport(state_dir / "outbox")
    from archiver.adapters.smtp import SmtpTransport  # noqa: PLC0415 - only when configured

    username = smtp.username or environ.get("ARCHIVER_SMTP_USERNAME") or None
    password = environ.get("ARCHIVER_SMTP_PASSWORD")
    if username and not password:
        raise ConfigError(
            [
                f"alerts.email.smtp: username {username!r} is set but ARCHIVER_SMTP_PASSWORD "
                "is not in the environment"
            ]
        )
    return SmtpTransport(
        host=smtp.host,
        port=smtp.effective_port,
        security=smtp.security,
        username=username,
        password=password,
        timeout_s=smtp.timeout,
        ca_file=smtp.ca_file,
        local_hostname=smtp.local_hostname,
    )


def chat_transports(settings: AlertSettings, environ: Mapping[str, str]) -> list[ChatTransport]:
    """One Apprise transport per URL in ARCHIVER_APPRISE_URLS (none when unset)."""
    value = environ.get("ARCHIVER_APPRISE_URLS", "")
    if not settings.chat.enabled or not value.strip():
        return []
    try:
        from archiver.adapters.chat import AppriseTransport  # noqa: PLC0415 - optional extra
    except ImportError as exc:
        raise ConfigError(
            ["ARCHIVER_APPRISE_URLS is set but apprise is not installed (pip install apprise)"]
        ) from exc
    transports: list[ChatTransport] = []
    problems = []
    for name, url in chat_channels(value):
        if name == EMAIL or any(t.name == name for t in transports):
            problems.append(f"ARCHIVER_APPRISE_URLS: channel name {name!r} is used twice")
            continue
        try:
            transports.append(AppriseTransport(name, url))
        except ValueError as exc:
            problems.append(f"ARCHIVER_APPRISE_URLS: {exc}")
    if problems:
        raise ConfigError(problems)
    return transports


class Alerter:
    """Queues partner and operator alerts durably and delivers each exactly once."""

    def __init__(
        self,
        settings: AlertSettings,
        store: ObjectStore,
        state_dir: Path,
        environ: Mapping[str, str],
        now: Callable[[], datetime],
        *,
        sites: Iterable[Site] = (),
        history: CheckLog | None = None,
        publish_prefix: str = "public/",
        sleep: Callable[[float], None] = time.sleep,
        mail: MailTransport | None = None,
        chats: Sequence[ChatTransport] | None = None,
        worker: str | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.now = now
        self.history = history
        self.zone = settings.zone
        self.outbox = Outbox(store, settings.outbox_prefix)
        self.links = LinkMaker(
            store, publish_prefix=publish_prefix, diff_links=settings.diff_links
        )
        self.mail = mail if mail is not None else mail_transport(settings, state_dir, environ)
        self.chats = list(chats) if chats is not None else chat_transports(settings, environ)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.sender = Sender(
            self.outbox, retry=settings.retry, now=now, worker=self.worker, sleep=sleep
        )
        self._lock = threading.Lock()
        self._sites: dict[str, Site] = {site.id: site for site in sites}
        self._plans: dict[str, Plan] = {}
        self._failures: dict[str, int] = {}
        self._seen: dict[str, tuple[int, datetime]] = {}
        self._down_until: dict[str, datetime] = {}
        self._dirty: set[str] = set()
        self._full_scan_at: datetime | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: ObjectStore,
        environ: Mapping[str, str],
        now: Callable[[], datetime],
        *,
        history: CheckLog | None = None,
    ) -> Alerter:
        """The alerter of a whole configuration (what `archiver.app` builds)."""
        return cls(
            settings.alerts,
            store,
            settings.state_dir,
            environ,
            now,
            sites=settings.sites,
            history=history,
            publish_prefix=settings.publish.prefix,
        )

    def describe(self) -> str:
        """Where alerts go, for the start-up log line."""
        chats = ", ".join(chat.describe() for chat in self.chats) or "none"
        return f"mail: {self.mail.describe()}; chat: {chats}; outbox: {self.store.describe()}"

    # --- CheckObserver -----------------------------------------------------------------------

    def on_version(
        self, site: Site, version: StoredVersion, previous: StoredVersion | None
    ) -> None:
        """Queue the version's partner alert (and an operator notice if the list broke)."""
        self._remember(site)
        manifest = version.manifest
        try:
            if operator.turned_unparseable(manifest, previous.manifest if previous else None):
                self._notice(
                    site,
                    operator.Finding(
                        Problem.UNPARSEABLE,
                        manifest.list_note or "名单变为图片或扫描件，无法读取",
                    ),
                    page_url=manifest.final_url,
                )
            if not manifest.events:
                return
            with self._lock:
                seen = self._seen.get(site.id)
            seen_at = seen[1] if seen and previous and seen[0] == previous.manifest.seq else None
            record = self._partner_alert(site, version, previous, previous_seen_at=seen_at)
            queued = self._queue(record)
        except ArchiverError as exc:
            with self._lock:
                self._dirty.add(site.id)
            log.warning("alert_queue_failed", site=site.id, version=manifest.seq, error=str(exc))
            return
        if queued and any(not plan.batched for plan in record.channels):
            # Deliver right away from the check's thread: the latency users see is one send.
            self._deliver({record.id: AlertState(record.id, recorded=True)}, force=False)

    def on_check(self, site: Site, result: CheckResult) -> None:
        """Track failures and staleness; queue rate-limited operator notices."""
        self._remember(site)
        if result.outcome is CheckOutcome.UNCHANGED and result.version is not None:
            with self._lock:
                self._seen[site.id] = (result.version.manifest.seq, result.started_at)
        failures = self._count_failures(site.id, result)
        if not self.settings.operator.enabled:
            return
        now = self.now()
        findings = operator.problems(
            result, failures=failures, settings=self.settings.operator, now=now
        )
        page_url = result.version.manifest.final_url if result.version else site.url
        for finding in findings:
            try:
                self._notice(site, finding, page_url=page_url)
            except ArchiverError as exc:
                log.warning("operator_notice_failed", site=site.id, error=str(exc))

    # --- delivery ----------------------------------------------------------------------------

    def deliver_pending(self, *, force: bool = False) -> PassReport:
        """Assemble digests that are due, then deliver everything owed (the daemon's job).

        `force` ignores back-off waits and transports marked down (`archiver outbox flush`).
        """
        now = self.now()
        with self._lock:
            dirty, self._dirty = set(self._dirty), set()
        if dirty:
            self.reconcile([self._sites[s] for s in dirty if s in self._sites])
        states = self._scan(now)
        made = self._assemble(states, now, scheduled=True)
        for record in made:
            states[record.id] = AlertState(record.id, recorded=True)
        attempts = self._deliver(states, force=force)
        return PassReport(tuple(attempts), tuple(record.id for record in made))

    def flush_digest(self, now: datetime | None = None, *, force: bool = False) -> list[Digest]:
        """End of a run: assemble every run-mode digest now (daily ones only when due).

        `force` assembles daily digests too, whatever the time. Delivery is left to
        `deliver_pending`.
        """
        moment = now or self.now()
        states = self.outbox.scan(self._prefixes(moment, full=False))
        return self._assemble(states, moment, scheduled=False, force=force)

    def reconcile(self, sites: Iterable[Site] | None = None) -> int:
        """Queue alerts for recent versions that have events but no alert (after a crash)."""
        with self._lock:
            chosen = list(sites) if sites is not None else list(self._sites.values())
        horizon = self.now() - timedelta(seconds=self.settings.catch_up)
        queued = 0
        for site in chosen:
            self._remember(site)
            try:
                current = archive.head(self.store, site.id)
                while current is not None and current.manifest.captured_at >= horizon:
                    link = current.manifest.previous
                    previous = archive.read(self.store, link.key) if link else None
                    alert_id = partner_id(
                        site.id, current.manifest.seq, current.manifest.captured_at
                    )
                    missing = current.manifest.events and not self.outbox.has(alert_id)
                    if missing and self._queue(self._partner_alert(site, current, previous, None)):
                        log.warning("alert_reconciled", site=site.id, version=current.manifest.seq)
                        queued += 1
                    current = previous
            except ArchiverError as exc:
                with self._lock:
                    self._dirty.add(site.id)
                log.warning("alert_reconcile_failed", site=site.id, error=str(exc))
        return queued

    # --- operator commands (archiver outbox ...) ---------------------------------------------

    def status(self, *, everything: bool = False) -> list[AlertStatus]:
        """Alerts in the outbox, oldest first; by default only those not settled."""
        states = self.outbox.scan([""])
        streams = {s: digest.covered(self.outbox, s) for s in self._stream_names(states)}
        rows = []
        for alert_id, state in sorted(states.items()):
            if not state.recorded or (state.quiet and not everything):
                continue
            row = self._status(alert_id, state, streams)
            if row is not None and (everything or row.pending):
                rows.append(row)
        return rows

    def resend(self, alert_id: str, *, again: bool = False) -> list[Attempt]:
        """Deliver an alert now, ignoring back-off; with `again`, send a delivered one again."""
        state = self.outbox.state(alert_id)
        if not state.recorded:
            raise AlertError(f"no alert {alert_id!r} in the outbox (see `archiver outbox list`)")
        units = self._units(alert_id, self.outbox.record(alert_id), individually=True)
        owed = [unit for unit in units if state.unit(unit.name).pending]
        if not owed and not again:
            raise AlertError(
                f"{alert_id} was already delivered on {', '.join(u.name for u in units)}; "
                "use --again to send another copy"
            )
        if again and not owed:
            claim = self._claim_note()
            for unit in units:
                self.outbox.request_resend(alert_id, unit.name, claim)
            state = self.outbox.state(alert_id)
        attempts = []
        for unit in units:
            attempts.append(
                self.sender.deliver(
                    alert_id,
                    unit.name,
                    state.unit(unit.name),
                    unit.send,
                    force=True,
                    fields=unit.fields,
                )
            )
        return attempts

    def preview(self, alert_id: str) -> Message:
        """The message an alert produces now (for `archiver outbox show`)."""
        record = self.outbox.record(alert_id)
        if isinstance(record, PartnerAlert):
            return compose.partner_message(record, self.links.for_alert(record), self.zone)
        if isinstance(record, Notice):
            return compose.operator_message([record], self.zone)
        if record.family is Family.OPERATOR:
            return compose.operator_message(self._notices(record.members), self.zone)
        return compose.digest_message(record, self._partner_items(record.members), self.zone)

    # --- queueing ----------------------------------------------------------------------------

    def _remember(self, site: Site) -> None:
        with self._lock:
            self._sites[site.id] = site

    def _site_name(self, site_id: str) -> str:
        with self._lock:
            site = self._sites.get(site_id)
        return site.name if site else site_id

    def _channels(self, family: Family) -> tuple[ChannelPlan, ...]:
        plans = []
        if self.settings.email.enabled:
            batched = family is Family.OPERATOR or self.settings.email.mode is not Mode.IMMEDIATE
            plans.append(ChannelPlan(name=EMAIL, batched=batched))
        if family is Family.PARTNER or self.settings.chat.operator:
            batched = family is Family.OPERATOR or self.settings.chat.mode is not Mode.IMMEDIATE
            plans.extend(ChannelPlan(name=chat.name, batched=batched) for chat in self.chats)
        return tuple(plans)

    def _partner_alert(
        self,
        site: Site,
        version: StoredVersion,
        previous: StoredVersion | None,
        previous_seen_at: datetime | None,
    ) -> PartnerAlert:
        manifest = version.manifest
        known = {p.match_key: p for p in previous.manifest.partners} if previous else {}
        known.update({p.match_key: p for p in manifest.partners})
        rows = []
        for event in manifest.events:
            partner = known.get(event.match_key)
            category = event.category
            if category is Category.UNSPECIFIED and partner is not None:
                category = partner.category
            rows.append(
                EventRow(
                    type=event.type,
                    name=event.name,
                    category=category,
                    category_raw=partner.category_raw if partner else "",
                    products=event.products or (partner.products if partner else ()),
                    old=event.old,
                    new=event.new,
                    field=event.field,
                    before=event.before,
                    after=event.after,
                    note=event.note,
                )
            )
        return PartnerAlert(
            id=partner_id(site.id, manifest.seq, manifest.captured_at),
            site_id=site.id,
            site_name=site.name,
            page_url=manifest.final_url or site.url,
            version=_ref(version),
            previous=_ref(previous) if previous else None,
            previous_seen_at=previous_seen_at,
            events=tuple(rows),
            list_note=manifest.list_note,
            channels=self._channels(Family.PARTNER),
            queued_at=self.now(),
        )

    def _queue(self, record: PartnerAlert) -> bool:
        queued = self.outbox.put(record)
        log.info(
            "alert_queued" if queued else "alert_already_queued",
            site=record.site_id,
            version=record.version.seq,
            alert=record.id,
            events=len(record.events),
            channels=[plan.name for plan in record.channels],
        )
        return queued

    def _notice(self, site: Site, finding: operator.Finding, *, page_url: str) -> None:
        if finding.problem not in self.settings.operator.problems:
            return
        notice = operator.raise_notice(
            self.outbox,
            finding,
            site_id=site.id,
            site_name=site.name,
            page_url=page_url or site.url,
            channels=self._channels(Family.OPERATOR),
            now=self.now(),
            repeat_after_s=self.settings.operator.repeat_after,
        )
        event = "operator_notice_queued" if notice else "operator_notice_suppressed"
        log.info(event, site=site.id, problem=finding.problem.value, detail=finding.detail)

    def _count_failures(self, site_id: str, result: CheckResult) -> int:
        if self.history is not None:
            count = 0
            for row in self.history.checks(site_id, limit=self.settings.operator.failures):
                if row.outcome is not CheckOutcome.FAILED:
                    break
                count += 1
            return count
        with self._lock:
            count = (
                self._failures.get(site_id, 0) + 1 if result.outcome is CheckOutcome.FAILED else 0
            )
            self._failures[site_id] = count
        return count

    # --- scanning and digests ----------------------------------------------------------------

    def _prefixes(self, now: datetime, *, full: bool) -> list[str]:
        if full:
            return [""]
        last_month = now.replace(day=1) - timedelta(days=1)
        return [f"{month_of(last_month)}/", f"{month_of(now)}/", "digests/"]

    def _scan(self, now: datetime) -> dict[str, AlertState]:
        with self._lock:
            full = self._full_scan_at is None or now - self._full_scan_at >= FULL_SCAN_EVERY
            if full:
                self._full_scan_at = now
        return self.outbox.scan(self._prefixes(now, full=full))

    def _plan(self, alert_id: str) -> Plan | None:
        with self._lock:
            plan = self._plans.get(alert_id)
        if plan is not None:
            return plan
        try:
            record = self.outbox.record(alert_id)
        except KeyNotFound:
            return None
        if isinstance(record, Digest):
            plan = Plan("digest", "", record.created_at, immediate=(record.channel,))
        else:
            plan = Plan(
                record.record,
                record.site_id,
                record.detected_at,
                immediate=tuple(c.name for c in record.channels if not c.batched),
                batched=tuple(c.name for c in record.channels if c.batched),
            )
        with self._lock:
            self._plans[alert_id] = plan
        return plan

    def _streams(self) -> list[Stream]:
        email, chat, ops = self.settings.email, self.settings.chat, self.settings.operator
        streams = []
        if email.enabled and email.mode is not Mode.IMMEDIATE:
            streams.append(
                Stream(Family.PARTNER, EMAIL, email.mode, email.digest_interval, email.digest_time)
            )
        if chat.mode is not Mode.IMMEDIATE:
            streams.extend(
                Stream(Family.PARTNER, c.name, chat.mode, chat.digest_interval, chat.digest_time)
                for c in self.chats
            )
        if ops.enabled:
            streams.extend(
                Stream(Family.OPERATOR, plan.name, Mode.RUN, ops.min_interval)
                for plan in self._channels(Family.OPERATOR)
            )
        return streams

    def _stream_names(self, states: Mapping[str, AlertState]) -> set[str]:
        names = {stream_of(s.family, s.channel) for s in self._streams()}
        for alert_id in states:
            if alert_id.startswith("digests/"):
                names.add(alert_id.split("/")[1])
        return names

    def _assemble(
        self,
        states: Mapping[str, AlertState],
        now: datetime,
        *,
        scheduled: bool,
        force: bool = False,
    ) -> list[Digest]:
        waiting: dict[tuple[Family, str], list[tuple[str, datetime]]] = {}
        batched: dict[str, Plan] = {}
        for alert_id, state in states.items():
            if not state.recorded or state.quiet or alert_id.startswith("digests/"):
                continue
            plan = self._plan(alert_id)
            if plan is None or not plan.batched:
                continue
            batched[alert_id] = plan
            for channel in plan.batched:
                waiting.setdefault((Family(plan.kind), channel), []).append(
                    (alert_id, plan.detected_at)
                )
        configured = {(s.family, s.channel): s for s in self._streams()}
        made = []
        covered: dict[tuple[Family, str], set[str]] = {}
        for key, members in sorted(waiting.items()):
            # A channel whose mode changed since its alerts were queued still gets them.
            stream = configured.get(key) or Stream(key[0], key[1], Mode.RUN)
            record = self._assemble_one(stream, members, now, scheduled=scheduled, force=force)
            if record is not None:
                made.append(record)
            covered[key] = digest.covered(self.outbox, stream_of(*key))
        for alert_id, plan in batched.items():
            family = Family(plan.kind)
            in_digests = all(alert_id in covered[(family, c)] for c in plan.batched)
            delivered = all(not states[alert_id].unit(c).pending for c in plan.immediate)
            if in_digests and delivered:
                self.outbox.settle(alert_id, now)
        return made

    def _assemble_one(
        self,
        stream: Stream,
        members: list[tuple[str, datetime]],
        now: datetime,
        *,
        scheduled: bool,
        force: bool,
    ) -> Digest | None:
        if stream.mode is Mode.DAILY and not force:
            slot = digest.last_slot(now, stream.at or time_of_day(8), self.zone)

            def due(latest: Digest | None) -> bool:
                return latest is None or latest.slot < slot

        else:
            slot = now
            interval = timedelta(seconds=stream.interval_s if scheduled else 0)

            def due(latest: Digest | None) -> bool:
                return latest is None or latest.created_at <= now - interval

        return digest.assemble(
            self.outbox,
            family=stream.family,
            channel=stream.channel,
            candidates=[alert_id for alert_id, detected in members if detected < slot or force],
            slot=slot,
            now=now,
            due=due,
        )

    # --- delivering --------------------------------------------------------------------------

    def _deliver(self, states: Mapping[str, AlertState], *, force: bool) -> list[Attempt]:
        now = self.now()
        with self._lock:
            down = {name for name, until in self._down_until.items() if until > now and not force}
        attempts = []
        for alert_id, state in sorted(states.items()):
            if not state.recorded or state.quiet:
                continue
            try:
                attempts.extend(self._deliver_alert(alert_id, state, down, force=force))
            except ArchiverError as exc:
                log.warning("alert_delivery_pass_failed", alert=alert_id, error=str(exc))
        return attempts

    def _deliver_alert(
        self, alert_id: str, state: AlertState, down: set[str], *, force: bool
    ) -> list[Attempt]:
        plan = self._plan(alert_id)
        if plan is None or (not plan.immediate and plan.kind != "digest"):
            return []
        units = self._units(alert_id, self.outbox.record(alert_id))
        attempts = []
        # Settled once nothing is owed; never while a planned channel is missing from the
        # environment (it may come back) or while batched channels wait for a digest.
        done = not plan.batched and (plan.kind == "digest" or len(units) == len(plan.immediate))
        for unit in units:
            unit_state = state.unit(unit.name)
            if not unit_state.pending:
                continue
            if unit.transport in down:
                done = False
                continue
            attempt = self.sender.deliver(
                alert_id, unit.name, unit_state, unit.send, force=force, fields=unit.fields
            )
            attempts.append(attempt)
            if (
                attempt.outcome is not Outcome.SENT
                or len(unit_state.sent) + 1 < unit_state.required
            ):
                done = False
            if attempt.outcome is Outcome.FAILED and attempt.unreachable:
                down.add(unit.transport)
                with self._lock:
                    self._down_until[unit.transport] = attempt.retry_at or self.now()
        if done:
            self.outbox.settle(alert_id, self.now())
        return attempts

    def _units(
        self, alert_id: str, record: PartnerAlert | Notice | Digest, *, individually: bool = False
    ) -> list[Unit]:
        """The deliveries an alert owes now; `individually` includes batched channels."""
        if isinstance(record, Digest):
            return self._digest_units(record)
        channels = [c.name for c in record.channels if individually or not c.batched]
        units = []
        for channel in channels:
            fields: dict[str, Any] = {"site": record.site_id}
            if isinstance(record, PartnerAlert):
                fields["version"] = record.version.seq
                message = partial(self._partner_message, record)
                chat = partial(self._partner_chat, record)
                to = routing.recipients(self.settings, self._sites.get(record.site_id))
            else:
                fields["problem"] = record.problem.value
                message = partial(compose.operator_message, [record], self.zone)
                chat = partial(compose.operator_chat, [record], self.zone)
                to = routing.operator_recipients(self.settings)
            unit = self._unit(
                alert_id,
                channel,
                channel=channel,
                message=message,
                chat=chat,
                to=to,
                fields=fields,
            )
            if unit is not None:
                units.append(unit)
        return units

    def _digest_units(self, record: Digest) -> list[Unit]:
        fields: dict[str, Any] = {"digest": record.id, "members": len(record.members)}
        if record.family is Family.OPERATOR:
            notices = partial(self._notices, record.members)
            message = lambda: compose.operator_message(notices(), self.zone)  # noqa: E731
            chat = lambda: compose.operator_chat(notices(), self.zone)  # noqa: E731
            to = routing.operator_recipients(self.settings)
            unit = self._unit(
                record.id,
                record.channel,
                channel=record.channel,
                message=message,
                chat=chat,
                to=to,
                fields=fields,
            )
            return [unit] if unit else []
        if record.channel != EMAIL:
            items = partial(self._partner_items, record.members)
            chat = lambda: compose.digest_chat(record, items(), self.zone)  # noqa: E731
            unit = self._unit(
                record.id,
                record.channel,
                channel=record.channel,
                message=None,
                chat=chat,
                to=(),
                fields=fields,
            )
            return [unit] if unit else []
        readers = {}
        for member in record.members:
            plan = self._plan(member)
            site = self._sites.get(plan.site_id) if plan else None
            readers[member] = routing.recipients(self.settings, site)
        units = []
        for part in routing.split(readers, one_part=self.mail.name == "spool"):
            items = partial(self._partner_items, part.members)
            message = partial(self._digest_message, record, items)
            unit = self._unit(
                record.id,
                part.unit,
                channel=EMAIL,
                message=message,
                chat=None,
                to=part.recipients,
                fields={**fields, "part_members": len(part.members)},
            )
            if unit is not None:
                units.append(unit)
        return units

    def _unit(
        self,
        alert_id: str,
        unit: str,
        *,
        channel: str,
        message: Callable[[], Message] | None,
        chat: Callable[[], compose.ChatText] | None,
        to: Sequence[str],
        fields: dict[str, Any],
    ) -> Unit | None:
        if channel == EMAIL and message is not None:
            send = partial(self._send_mail, alert_id, unit, message, tuple(to))
            return Unit(unit, self.mail.name, send, fields)
        transport = next((c for c in self.chats if c.name == channel), None)
        if transport is None or chat is None:
            log.debug("alert_channel_gone", alert=alert_id, channel=channel)
            return None
        send = partial(self._send_chat, alert_id, unit, transport, chat)
        return Unit(unit, transport.name, send, fields)

    def _send_mail(
        self,
        alert_id: str,
        unit: str,
        message: Callable[[], Message],
        to: tuple[str, ...],
    ) -> Delivered:
        sender = self.settings.email.sender
        message_id = compose.message_id(alert_id, unit, sender)
        if not to and self.mail.name != "spool":
            log.warning("alert_no_recipients", alert=alert_id, unit=unit)
            return Delivered(message_id, note="no recipients configured")
        data = compose.email_bytes(
            message(),
            sender=sender,
            recipients=to,
            message_id=message_id,
            date=self.now(),
            alert_id=alert_id,
            hide_recipients=self.settings.email.hide_recipients,
        )
        receipt = self.mail.send(data, sender=sender, recipients=to, message_id=message_id)
        if receipt.refused:
            log.warning("alert_recipients_refused", alert=alert_id, refused=list(receipt.refused))
        if receipt.where:
            log.info("alert_spooled", alert=alert_id, path=receipt.where)
        return Delivered(
            message_id,
            recipients=receipt.accepted,
            refused=len(receipt.refused),
            where=receipt.where,
        )

    def _send_chat(
        self,
        alert_id: str,
        unit: str,
        transport: ChatTransport,
        chat: Callable[[], compose.ChatText],
    ) -> Delivered:
        text = chat()
        transport.send(text.title, text.body)
        return Delivered(compose.message_id(alert_id, unit, self.settings.email.sender))

    def _partner_message(self, record: PartnerAlert) -> Message:
        return compose.partner_message(record, self.links.for_alert(record), self.zone)

    def _partner_chat(self, record: PartnerAlert) -> compose.ChatText:
        return compose.partner_chat(record, self.links.for_alert(record), self.zone)

    def _digest_message(
        self, record: Digest, items: Callable[[], list[tuple[PartnerAlert, Any]]]
    ) -> Message:
        return compose.digest_message(record, items(), self.zone)

    def _partner_items(self, members: Iterable[str]) -> list[tuple[PartnerAlert, Any]]:
        items = []
        for member in members:
            record = self.outbox.record(member)
            if isinstance(record, PartnerAlert):
                items.append((record, self.links.for_alert(record)))
        return items

    def _notices(self, members: Iterable[str]) -> list[Notice]:
        return [r for m in members if isinstance(r := self.outbox.record(m), Notice)]

    def _claim_note(self) -> Claim:
        now = self.now()
        return Claim(by=self.worker, claimed_at=now, lease_until=now)

    # --- status ------------------------------------------------------------------------------

    def _status(
        self, alert_id: str, state: AlertState, covered: Mapping[str, set[str]]
    ) -> AlertStatus | None:
        try:
            record = self.outbox.record(alert_id)
        except KeyNotFound:
            return None
        units = []
        for unit in self._units(alert_id, record):
            units.append(self._unit_status(alert_id, unit.name, state))
        if not isinstance(record, Digest):
            family = Family(record.record)
            for plan in record.channels:
                if plan.batched:
                    stream = stream_of(family, plan.name)
                    inside = alert_id in covered.get(stream, set())
                    units.append(
                        UnitStatus(plan.name, "in digest" if inside else "waiting for digest")
                    )
        if isinstance(record, PartnerAlert):
            summary = compose.subject(record)
            site_id, queued = record.site_id, record.queued_at
        elif isinstance(record, Notice):
            summary = f"{compose.PROBLEM_LABELS[record.problem]}：{record.detail}"
            site_id, queued = record.site_id, record.queued_at
        else:
            summary = f"{record.family.value} digest of {len(record.members)} alerts"
            site_id, queued = "", record.created_at
        return AlertStatus(alert_id, record.record, site_id, summary, queued, tuple(units))

    def _unit_status(self, alert_id: str, unit: str, state: AlertState) -> UnitStatus:
        unit_state = state.unit(unit)
        attempts = len(unit_state.attempts)
        if not unit_state.pending:
            receipt = self.outbox.read_receipt(alert_id, unit, max(unit_state.sent))
            return UnitStatus(unit, "sent", attempts, receipt.at)
        if unit_state.open_attempt is not None:
            return UnitStatus(unit, "sending", attempts)
        if unit_state.last in unit_state.failed:
            failure = self.outbox.read_failure(alert_id, unit, unit_state.last)
            return UnitStatus(unit, "retrying", attempts, failure.retry_at, failure.error)
        return UnitStatus(unit, "pending", attempts)


def _ref(stored: StoredVersion) -> VersionRef:
    manifest = stored.manifest
    screenshot = manifest.blob("screenshot")
    return VersionRef(
        seq=manifest.seq,
        key=stored.key,
        digest=stored.digest,
        content_digest=manifest.content_digest,
        captured_at=manifest.captured_at,
        partner_count=len(manifest.partners),
        screenshot_digest=screenshot.digest if screenshot else "",
    )
