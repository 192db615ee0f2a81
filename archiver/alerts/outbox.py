"""The alert outbox: alert records (`messages.records`) queued in the generic create-only queue
(`queue.store.Queue`), which keeps their claims, receipts and failures beside them."""

from __future__ import annotations

from archiver.alerts.messages.records import (
    AlertSummary,
    Digest,
    Notice,
    PartnerAlert,
    decode_record,
    encode_record,
)
from archiver.alerts.queue.store import Queue
from archiver.errors import KeyNotFound
from archiver.ports import ObjectStore

AlertRecord = PartnerAlert | Notice | Digest


class Outbox(Queue):
    """Alert records and their delivery objects under one key prefix of a store."""

    def __init__(self, store: ObjectStore, prefix: str = "outbox/") -> None:
        super().__init__(store, prefix)
        self._summaries: dict[str, AlertSummary] = {}  # tiny; kept for every alert scanned

    def put(self, record: AlertRecord) -> bool:
        """Queue a record; False if a record with its id already exists (someone queued it)."""
        return self.put_item(record.id, encode_record(record), decoded=record)

    def record(self, alert_id: str) -> AlertRecord:
        """The record of a queued alert (KeyNotFound if there is none)."""
        return self.item(alert_id, decode_record)

    def summary(self, alert_id: str) -> AlertSummary | None:
        """What a scan needs of a queued alert (read once, then kept); None without a record."""
        with self._lock:
            found = self._summaries.get(alert_id)
        if found is None:
            try:
                found = AlertSummary.of(self.record(alert_id))
            except KeyNotFound:
                return None
            with self._lock:
                self._summaries[alert_id] = found
        return found
