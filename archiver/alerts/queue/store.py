"""The durable queue under the outbox: items, claims, receipts and resend requests in the
object store. It knows items only as bytes (`archiver.alerts.outbox` puts alert records in it).

Every write is create-only, so the store arbitrates between processes: the first writer of an
item, of a claim for attempt n, or of number n of a series wins, and everyone else sees
False and steps back. Nothing is overwritten or deleted; the state of a unit is read from the
names of its keys (see `queue.objects`), so a scan needs one listing and no reads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from archiver.alerts.queue.objects import (
    AlertState,
    Claim,
    Failure,
    Keys,
    Receipt,
    Settled,
    UnitState,
    decode,
    encode,
)
from archiver.errors import StoreError
from archiver.ports import ObjectStore

T = TypeVar("T")
JSON = "application/json"


class Queue:
    """Items and their delivery objects under one key prefix of a store."""

    def __init__(self, store: ObjectStore, prefix: str = "outbox/") -> None:
        self.store = store
        self.keys = Keys(prefix)
        self._lock = threading.Lock()
        self._cache: dict[str, object] = {}  # immutable objects already read, by key

    # --- items ---------------------------------------------------------------------------

    def put_item(self, item_id: str, data: bytes, decoded: object = None) -> bool:
        """Queue an item's bytes; False if an item with this id exists (someone queued it)."""
        key = self.keys.record(item_id)
        written = self.store.put(key, data, content_type=JSON, create_only=True)
        if written and decoded is not None:
            self._remember(key, decoded)
        return written

    def has(self, item_id: str) -> bool:
        """Whether the item was queued."""
        return self.store.exists(self.keys.record(item_id))

    def item(self, item_id: str, decode_item: Callable[[bytes], T]) -> T:
        """A queued item, decoded once and then kept (KeyNotFound if there is none)."""
        key = self.keys.record(item_id)
        cached = self._cached(key)
        if cached is not None:
            return cached  # type: ignore[return-value]  # only items are cached under it
        try:
            value = decode_item(self.store.get(key))
        except ValueError as exc:
            raise StoreError(f"outbox record {key} is not valid: {exc}") from exc
        self._remember(key, value)
        return value

    # --- scanning --------------------------------------------------------------------------

    def scan(self, prefixes: Iterable[str] = ("",)) -> dict[str, AlertState]:
        """Every alert under the given sub-prefixes ('' = the whole outbox), from key names."""
        states: dict[str, AlertState] = {}
        for sub in prefixes:
            for key in self.store.list(self.keys.prefix + sub):
                self.keys.parse(key, states)
        return states

    def state(self, alert_id: str) -> AlertState:
        """One alert's state."""
        states = self.scan([f"{alert_id}/"])
        return states.get(alert_id) or AlertState(alert_id)

    def unit(self, alert_id: str, unit: str) -> UnitState:
        """One unit's state."""
        return self.state(alert_id).unit(unit)

    # --- attempts --------------------------------------------------------------------------

    def claim(self, alert_id: str, unit: str, n: int, claim: Claim) -> bool:
        """Try to own attempt n of a unit; only one process ever gets True."""
        key = self.keys.attempt(alert_id, unit, n)
        written = self.store.put(key, encode(claim), content_type=JSON, create_only=True)
        if written:
            self._remember(key, claim)
        return written

    def sent(self, alert_id: str, unit: str, n: int, receipt: Receipt) -> None:
        """Record that attempt n delivered."""
        key = self.keys.attempt(alert_id, unit, n, "sent")
        self.store.put(key, encode(receipt), content_type=JSON, create_only=True)
        self._remember(key, receipt)

    def failed(self, alert_id: str, unit: str, n: int, failure: Failure) -> None:
        """Record that attempt n failed and when to try again."""
        key = self.keys.attempt(alert_id, unit, n, "failed")
        self.store.put(key, encode(failure), content_type=JSON, create_only=True)
        self._remember(key, failure)

    def read_claim(self, alert_id: str, unit: str, n: int) -> Claim:
        """The claim of attempt n."""
        return self._read(Claim, self.keys.attempt(alert_id, unit, n))

    def read_receipt(self, alert_id: str, unit: str, n: int) -> Receipt:
        """The receipt of attempt n."""
        return self._read(Receipt, self.keys.attempt(alert_id, unit, n, "sent"))

    def read_failure(self, alert_id: str, unit: str, n: int) -> Failure:
        """The failure of attempt n."""
        return self._read(Failure, self.keys.attempt(alert_id, unit, n, "failed"))

    def settle(self, alert_id: str, at: datetime) -> None:
        """Mark an alert as fully delivered, so scans stop reading it."""
        data = encode(Settled(at=at))
        self.store.put(self.keys.settled(alert_id), data, content_type=JSON, create_only=True)

    def request_resend(self, alert_id: str, unit: str, claim: Claim) -> int:
        """Ask for one more delivery of a unit; returns the request number."""
        k = len(self.unit(alert_id, unit).resends) + 1
        while not self.store.put(
            self.keys.resend(alert_id, unit, k), encode(claim), content_type=JSON, create_only=True
        ):
            k += 1
        return k

    # --- numbered series (digests) ---------------------------------------------------------

    def digest_numbers(self, stream: str) -> list[int]:
        """Numbers of the items of a series (the digests of a stream), ascending."""
        prefix = self.keys.digests(stream)
        numbers = []
        for key in self.store.list(prefix):
            head, _, tail = key[len(prefix) :].partition("/")
            if tail == "alert.json" and head.isdigit():
                numbers.append(int(head))
        return sorted(numbers)

    # --- cache of immutable objects --------------------------------------------------------

    def _read(self, kind: type[T], key: str) -> T:
        cached = self._cached(key)
        if isinstance(cached, kind):
            return cached
        try:
            value = decode(kind, self.store.get(key))
        except ValueError as exc:
            raise StoreError(f"outbox object {key} is not valid: {exc}") from exc
        self._remember(key, value)
        return value

    def _cached(self, key: str) -> object | None:
        with self._lock:
            return self._cache.get(key)

    def _remember(self, key: str, value: object) -> None:
        with self._lock:
            if len(self._cache) > 4096:  # bounded: everything here can be read again
                self._cache.clear()
            self._cache[key] = value
