"""Alert record -> the units it owes, each with a ready-to-run send function.

A partner alert owes one unit per immediate channel; a digest owes one unit per part (readers
who may see the same members get the same message) or one per chat channel. Messages are
composed inside the send function, at send time, so links are fresh when it finally goes out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from archiver.alerts.messages import compose
from archiver.alerts.messages.compose import ChatText, Message
from archiver.alerts.messages.links import AlertLinks, LinkMaker
from archiver.alerts.messages.records import Digest, Family, Notice, PartnerAlert
from archiver.alerts.outbox import Outbox
from archiver.alerts.queue.delivery import Delivered
from archiver.alerts.routing import addressing
from archiver.alerts.routing.channels import EMAIL
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.ports import ChatTransport, MailTransport

log = structlog.get_logger("archiver.alerts")
AlertRecord = PartnerAlert | Notice | Digest


@dataclass(frozen=True, slots=True)
class Unit:
    """One delivery the outbox owes, ready to run."""

    name: str
    transport: str
    send: Callable[[], Delivered]
    fields: dict[str, Any] = field(default_factory=dict)


class Dispatcher:
    """Knows the channels, the readers and the templates; owns no state."""

    def __init__(
        self,
        settings: AlertSettings,
        outbox: Outbox,
        links: LinkMaker,
        mail: MailTransport,
        chats: Sequence[ChatTransport],
        *,
        site: Callable[[str], Site | None],
        now: Callable[[], datetime],
        zone: ZoneInfo,
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self.links = links
        self.mail = mail
        self.chats = list(chats)
        self.site = site
        self.now = now
        self.zone = zone

    def units(
        self, alert_id: str, record: AlertRecord, *, individually: bool = False
    ) -> list[Unit]:
        """The units of an alert; `individually` also gives batched channels their own."""
        if isinstance(record, Digest):
            return self._digest_units(record)
        fields: dict[str, Any] = {"site": record.site_id}
        if isinstance(record, PartnerAlert):
            fields["version"] = record.version.seq
            message: Callable[[], Message] = partial(self._partner_message, record)
            chat: Callable[[], ChatText] = partial(self._partner_chat, record)
            readers = addressing.recipients(self.settings, self.site(record.site_id))
        else:
            fields["problem"] = record.problem.value
            message = partial(compose.operator_message, [record], self.zone)
            chat = partial(compose.operator_chat, [record], self.zone)
            readers = addressing.operator_recipients(self.settings)
        units = []
        for plan in record.channels:
            if plan.batched and not individually:
                continue
            unit = self._unit(
                alert_id,
                plan.name,
                channel=plan.name,
                message=message,
                chat=chat,
                to=readers,
                fields=fields,
            )
            if unit is not None:
                units.append(unit)
        return units

    def preview(self, record: AlertRecord) -> Message:
        """The message a record produces now."""
        if isinstance(record, PartnerAlert):
            return self._partner_message(record)
        if isinstance(record, Notice):
            return compose.operator_message([record], self.zone)
        if record.family is Family.OPERATOR:
            return compose.operator_message(self._notices(record.members), self.zone)
        return compose.digest_message(record, self._partner_items(record.members), self.zone)

    # --- units -------------------------------------------------------------------------------

    def _digest_units(self, record: Digest) -> list[Unit]:
        fields: dict[str, Any] = {"digest": record.id, "members": len(record.members)}
        if record.family is Family.OPERATOR or record.channel != EMAIL:
            unit = self._unit(
                record.id,
                record.channel,
                channel=record.channel,
                message=partial(self.preview, record),
                chat=partial(self._digest_chat, record),
                to=addressing.operator_recipients(self.settings),
                fields=fields,
            )
            return [unit] if unit else []
        readers = {}
        for member in record.members:
            plan = self.outbox.summary(member)
            readers[member] = addressing.recipients(
                self.settings, self.site(plan.site_id) if plan else None
            )
        units = []
        for part in addressing.split(readers, one_part=self.mail.name == "spool"):
            message = partial(self._digest_message, record, part.members)
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
        chat: Callable[[], ChatText] | None,
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

    # --- sending -----------------------------------------------------------------------------

    def _send_mail(
        self, alert_id: str, unit: str, message: Callable[[], Message], to: tuple[str, ...]
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
        self, alert_id: str, unit: str, transport: ChatTransport, chat: Callable[[], ChatText]
    ) -> Delivered:
        text = chat()
        transport.send(text.title, text.body)
        return Delivered(compose.message_id(alert_id, unit, self.settings.email.sender))

    # --- content -----------------------------------------------------------------------------

    def _partner_message(self, record: PartnerAlert) -> Message:
        return compose.partner_message(record, self.links.for_alert(record), self.zone)

    def _partner_chat(self, record: PartnerAlert) -> ChatText:
        return compose.partner_chat(record, self.links.for_alert(record), self.zone)

    def _digest_message(self, record: Digest, members: Iterable[str]) -> Message:
        return compose.digest_message(record, self._partner_items(members), self.zone)

    def _digest_chat(self, record: Digest) -> ChatText:
        if record.family is Family.OPERATOR:
            return compose.operator_chat(self._notices(record.members), self.zone)
        return compose.digest_chat(record, self._partner_items(record.members), self.zone)

    def _partner_items(self, members: Iterable[str]) -> list[tuple[PartnerAlert, AlertLinks]]:
        records = [self.outbox.record(member) for member in members]
        return [(r, self.links.for_alert(r)) for r in records if isinstance(r, PartnerAlert)]

    def _notices(self, members: Iterable[str]) -> list[Notice]:
        return [r for m in members if isinstance(r := self.outbox.record(m), Notice)]
