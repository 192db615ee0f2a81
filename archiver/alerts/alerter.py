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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import structlog

from archiver import archive, localtime
from archiver.alerts.messages import changes, digest, operator
from archiver.alerts.messages.compose import Message
from archiver.alerts.messages.links import LinkMaker
from archiver.alerts.messages.records import (
    Digest,
    Family,
    PartnerAlert,
    month_of,
    partner_id,
    stream_of,
)
from archiver.alerts.outbox import Outbox
from archiver.alerts.queue.delivery import Attempt, DeliveryOutcome, Sender
from archiver.alerts.queue.objects import AlertState, Claim
from archiver.alerts.routing import channels
from archiver.alerts.routing.dispatch import Dispatcher
from archiver.alerts.settings import AlertSettings
from archiver.alerts.status import AlertStatus, status_rows
from archiver.config import Site
from archiver.errors import AlertError, ArchiverError
from archiver.models import CheckResult, StoredVersion
from archiver.models import Outcome as CheckOutcome
from archiver.ports import ChatTransport, CheckLog, MailTransport, ObjectStore

if TYPE_CHECKING:
    from archiver.config import Settings

log = structlog.get_logger("archiver.alerts")
FULL_SCAN_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PassReport:
    """What one delivery pass did."""

    attempts: tuple[Attempt, ...] = ()
    digests: tuple[str, ...] = ()

    @property
    def sent(self) -> int:
        """Units delivered in this pass."""
        return sum(1 for a in self.attempts if a.outcome is DeliveryOutcome.SENT)

    @property
    def failed(self) -> int:
        """Units that failed in this pass (they stay queued)."""
        return sum(1 for a in self.attempts if a.outcome is DeliveryOutcome.FAILED)


class Alerter:
    """Queues partner and operator alerts durably and delivers each exactly once."""

    def __init__(
        self,
        settings: AlertSettings,
        store: ObjectStore,
        now: Callable[[], datetime],
        *,
        mail: MailTransport,
        chats: Sequence[ChatTransport] = (),
        sites: Iterable[Site] = (),
        history: CheckLog | None = None,
        publish_prefix: str = "public/",
        public_copies: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        worker: str | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.now = now
        self.history = history
        self.zone = zone or localtime.zone()
        self.outbox = Outbox(store, settings.outbox_prefix)
        self.mail = mail
        self.chats = list(chats)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.sender = Sender(
            self.outbox, retry=settings.retry, now=now, worker=self.worker, sleep=sleep
        )
        self._lock = threading.Lock()
        self._sites: dict[str, Site] = {site.id: site for site in sites}
        self.dispatcher = Dispatcher(
            settings,
            self.outbox,
            LinkMaker(
                store,
                publish_prefix=publish_prefix,
                diff_links=settings.diff_links,
                public_copies=public_copies,
            ),
            self.mail,
            self.chats,
            site=self._sites.get,
            now=now,
            zone=self.zone,
        )
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
        now: Callable[[], datetime],
        *,
        mail: MailTransport,
        chats: Sequence[ChatTransport] = (),
        history: CheckLog | None = None,
    ) -> Alerter:
        """The alerter of a whole configuration (what `archiver.app` builds)."""
        return cls(
            settings.alerts,
            store,
            now,
            mail=mail,
            chats=chats,
            sites=settings.sites,
            history=history,
            publish_prefix=settings.publish.prefix,
            public_copies=settings.storage.public_base_url is not None,
            zone=settings.zone,
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
        before = previous.manifest if previous else None
        try:
            for finding in operator.version_problems(manifest, before):
                if finding.problem in self.settings.operator.problems:
                    self._notice(site, finding, page_url=manifest.final_url)
            if not manifest.events and changes.image_change(manifest, before) is None:
                return
            with self._lock:
                seen = self._seen.get(site.id)
            seen_at = seen[1] if seen and previous and seen[0] == previous.manifest.seq else None
            record = changes.partner_alert(
                site,
                version,
                previous,
                channels=channels.plans(self.settings, self.chats, Family.PARTNER),
                queued_at=self.now(),
                previous_seen_at=seen_at,
            )
            queued = self._queue(record)
        except ArchiverError as exc:
            with self._lock:
                self._dirty.add(site.id)
            log.warning("alert_queue_failed", site=site.id, version=manifest.seq, error=str(exc))
            return
        if queued and any(not plan.batched for plan in record.channels):
            # Deliver from the check's thread: what users wait for is then one send.
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
        found = operator.problems(
            result, failures=failures, settings=self.settings.operator, now=self.now()
        )
        page_url = result.version.manifest.final_url if result.version else site.url
        for finding in found:
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

        `force` assembles daily digests too, whatever the time. `deliver_pending` sends them.
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
                queued += self._reconcile_site(site, horizon)
            except ArchiverError as exc:
                with self._lock:
                    self._dirty.add(site.id)
                log.warning("alert_reconcile_failed", site=site.id, error=str(exc))
        return queued

    # --- operator commands (archiver outbox ...) ---------------------------------------------

    def status(self, *, everything: bool = False) -> list[AlertStatus]:
        """Alerts in the outbox, oldest first; by default only those still owed."""
        streams = [stream_of(s.family, s.channel) for s in self._streams()]
        return status_rows(self.outbox, self.dispatcher, streams, everything=everything)

    def resend(self, alert_id: str, *, again: bool = False) -> list[Attempt]:
        """Deliver an alert now, ignoring back-off; with `again`, send a delivered one again.

        An alert that went out in a digest is sent on its own.
        """
        state = self.outbox.state(alert_id)
        if not state.recorded:
            raise AlertError(f"no alert {alert_id!r} in the outbox (see `archiver outbox list`)")
        units = self.dispatcher.units(alert_id, self.outbox.record(alert_id), individually=True)
        owed = [unit for unit in units if state.unit(unit.name).pending]
        if not owed and not again:
            names = ", ".join(u.name for u in units) or "no channel"
            raise AlertError(f"{alert_id} was already delivered ({names}); use --again")
        if not owed:
            now = self.now()
            request = Claim(
                by=self.worker, claimed_at=now, lease_until=now, nonce=uuid.uuid4().hex
            )
            for unit in units:
                self.outbox.request_resend(alert_id, unit.name, request)
            state = self.outbox.state(alert_id)
        return [
            self.sender.deliver(
                alert_id, u.name, state.unit(u.name), u.send, force=True, fields=u.fields
            )
            for u in units
        ]

    def preview(self, alert_id: str) -> Message:
        """The message an alert produces now (for `archiver outbox show`)."""
        return self.dispatcher.preview(self.outbox.record(alert_id))

    # --- internals ---------------------------------------------------------------------------

    def _remember(self, site: Site) -> None:
        with self._lock:
            self._sites[site.id] = site

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

    def _reconcile_site(self, site: Site, horizon: datetime) -> int:
        queued = 0
        current = archive.head(self.store, site.id)
        while current is not None and current.manifest.captured_at >= horizon:
            manifest = current.manifest
            link = manifest.previous
            previous = archive.read(self.store, link.key) if link else None
            alert_id = partner_id(site.id, manifest.seq, manifest.captured_at)
            images = changes.image_change(manifest, previous.manifest if previous else None)
            if (manifest.events or images) and not self.outbox.has(alert_id):
                # a believed version is told against the version its events were made against
                against = previous
                if manifest.belief.is_believed and manifest.baseline is not None:
                    against = archive.read_seq(self.store, site.id, manifest.baseline)
                record = changes.partner_alert(
                    site,
                    current,
                    against,
                    channels=channels.plans(self.settings, self.chats, Family.PARTNER),
                    queued_at=self.now(),
                )
                if self._queue(record):
                    log.warning("alert_reconciled", site=site.id, version=manifest.seq)
                    queued += 1
            current = previous
        return queued

    def _notice(self, site: Site, finding: operator.Finding, *, page_url: str) -> None:
        notice = operator.raise_notice(
            self.outbox,
            finding,
            site_id=site.id,
            site_name=site.name,
            page_url=page_url or site.url,
            channels=channels.plans(self.settings, self.chats, Family.OPERATOR),
            now=self.now(),
            repeat_after_s=self.settings.operator.repeat_after,
        )
        event = "operator_notice_queued" if notice else "operator_notice_suppressed"
        log.info(event, site=site.id, problem=finding.problem.value, detail=finding.detail)

    def _count_failures(self, site_id: str, result: CheckResult) -> int:
        """Consecutive failed checks, this one included: from the index when there is one
        and it recorded this check (else counted here, so notices go on when it is down)."""
        if self.history is not None and not result.index_error:
            count = 0
            for row in self.history.checks(site_id, limit=self.settings.operator.failures):
                if row.outcome is not CheckOutcome.FAILED:
                    break
                count += 1
            return count
        failed = result.outcome is CheckOutcome.FAILED
        with self._lock:
            self._failures[site_id] = self._failures.get(site_id, 0) + 1 if failed else 0
            return self._failures[site_id]

    def _prefixes(self, now: datetime, *, full: bool) -> list[str]:
        if full:
            return [""]
        last_month = now.replace(day=1) - timedelta(days=1)
        return [f"{month_of(last_month)}/", f"{month_of(now)}/", "digests/"]

    def _scan(self, now: datetime) -> dict[str, AlertState]:
        """Recent months and digests each pass; the whole outbox hourly and at start."""
        with self._lock:
            full = self._full_scan_at is None or now - self._full_scan_at >= FULL_SCAN_EVERY
            if full:
                self._full_scan_at = now
        return self.outbox.scan(self._prefixes(now, full=full))

    def _streams(self) -> list[digest.Stream]:
        ops = [plan.name for plan in channels.plans(self.settings, self.chats, Family.OPERATOR)]
        return digest.streams(self.settings, [chat.name for chat in self.chats], ops)

    def _assemble(
        self,
        states: Mapping[str, AlertState],
        now: datetime,
        *,
        scheduled: bool,
        force: bool = False,
    ) -> list[Digest]:
        return digest.assemble_due(
            self.outbox,
            states,
            self._streams(),
            zone=self.zone,
            now=now,
            scheduled=scheduled,
            force=force,
        )

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
        plan = self.outbox.summary(alert_id)
        if plan is None or (not plan.immediate and plan.kind != "digest"):
            return []
        units = self.dispatcher.units(alert_id, self.outbox.record(alert_id))
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
            finished = len(unit_state.sent) + 1 >= unit_state.required
            done = done and attempt.outcome is DeliveryOutcome.SENT and finished
            if attempt.outcome is DeliveryOutcome.FAILED and attempt.unreachable:
                down.add(unit.transport)
                with self._lock:
                    self._down_until[unit.transport] = attempt.retry_at or self.now()
        if done:
            self.outbox.settle(alert_id, self.now())
        return attempts
