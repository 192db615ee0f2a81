"""Signs checkpoints over every chain head and writes them into the published prefix.

Files are written create-only (under the bucket's Object Lock retention when configured),
the signature and time-stamp before the checkpoint, the `latest.json` pointer last. One
writer signs (the daemon, or `archiver check` / `archiver checkpoint`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archiver import archive, keys
from archiver.errors import ArchiverError, KeyNotFound, StoreError
from archiver.evidence import checkpoint as cp
from archiver.evidence import signing, timestamp
from archiver.evidence.settings import SIGNING_KEY_ENV
from archiver.ports import ObjectStore

log = structlog.get_logger("archiver.evidence")


class SigningKeyError(ArchiverError):
    """ARCHIVER_SIGNING_KEY is missing or unusable."""


def key_from(environ: Mapping[str, str]) -> Ed25519PrivateKey | None:
    """The signing key from ARCHIVER_SIGNING_KEY (PEM text, or the path of a PEM file)."""
    value = environ.get(SIGNING_KEY_ENV, "").strip()
    if not value:
        return None
    if "-----BEGIN" in value:
        pem = value.encode()
    else:
        try:
            pem = Path(value).read_bytes()
        except OSError as exc:
            raise SigningKeyError(
                f"{SIGNING_KEY_ENV}: cannot read {value}: {exc.strerror}"
            ) from exc
    try:
        return signing.load_private(pem)
    except signing.KeyError_ as exc:
        raise SigningKeyError(f"{SIGNING_KEY_ENV}: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Signed:
    """A checkpoint as written."""

    name: str
    key: str  # store key of the checkpoint file
    checkpoint: cp.Checkpoint
    data: bytes
    stamped: bool
    stamp_error: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Stored:
    """A checkpoint read back from the store."""

    name: str
    checkpoint: cp.Checkpoint
    data: bytes


class Notary:
    """Makes the next checkpoint of one store."""

    def __init__(
        self,
        store: ObjectStore,
        key: Ed25519PrivateKey,
        *,
        prefix: str,
        now: Callable[[], datetime],
        timestamp_url: str | None = None,
    ) -> None:
        self.store = store
        self.key = key
        self.prefix = prefix  # e.g. "public/checkpoints/"
        self.now = now
        self.timestamp_url = timestamp_url

    def heads(self) -> tuple[cp.Head, ...]:
        """The newest version of every chain (sites and institutions' documents)."""
        heads = []
        for chain in archive.site_ids(self.store, documents=True):
            stored = archive.head(self.store, chain)
            if stored is not None:
                heads.append(
                    cp.Head(
                        chain=chain, seq=stored.manifest.seq, key=stored.key, sha256=stored.digest
                    )
                )
        return tuple(heads)

    def latest(self) -> Stored | None:
        """The newest checkpoint in the store (by name, which is its time)."""
        names = [k[len(self.prefix) :] for k in self.store.list(self.prefix)]
        found = sorted(name for name in names if cp.is_name(name))
        if not found:
            return None
        data = self.store.get(self.prefix + found[-1])
        try:
            return Stored(name=found[-1], checkpoint=cp.decode(data), data=data)
        except ValueError as exc:
            raise StoreError(f"checkpoint {self.prefix}{found[-1]} is not valid: {exc}") from exc

    def sign(self, *, force: bool = False) -> Signed | None:
        """Sign the next checkpoint; None when no head moved since the last one (unless forced)."""
        began = time.perf_counter()
        heads = self.heads()
        previous = self.latest()
        if previous is not None and previous.checkpoint.chains == heads and not force:
            log.info("checkpoint_skipped", reason="no chain moved", seq=previous.checkpoint.seq)
            return None
        created_at = self.now()
        if previous is not None and created_at <= previous.checkpoint.created_at:
            raise StoreError(
                f"the clock says {created_at.isoformat()}, before the last checkpoint "
                f"{previous.name}: refusing to sign out of order"
            )
        checkpoint = cp.Checkpoint(
            seq=previous.checkpoint.seq + 1 if previous else 1,
            created_at=created_at,
            key_id=signing.key_id(self.key),
            previous=cp.link(previous.name, previous.checkpoint, previous.data)
            if previous
            else None,
            chains=heads,
        )
        data = cp.encode(checkpoint)
        name = cp.name_of(created_at)
        self._create(
            cp.beside(name, cp.SIGNATURE), signing.sign(self.key, data), "application/octet-stream"
        )
        stamp_error = ""
        if self.timestamp_url:
            try:
                reply = timestamp.request(self.timestamp_url, data)
                self._create(cp.beside(name, cp.TIMESTAMP), reply, timestamp.REPLY_TYPE)
            except timestamp.TimestampError as exc:
                stamp_error = str(exc)
                log.exception("checkpoint_not_timestamped", seq=checkpoint.seq, error=stamp_error)
        self._create(name, data, "application/json")
        self._publish_key()
        self.store.put(
            self.prefix + cp.LATEST,
            cp.pointer(name, checkpoint, data),
            content_type="application/json",
        )
        log.info(
            "checkpoint_signed",
            seq=checkpoint.seq,
            name=name,
            chains=len(heads),
            stamped=bool(self.timestamp_url) and not stamp_error,
            duration_s=round(time.perf_counter() - began, 3),
        )
        return Signed(
            name=name,
            key=self.prefix + name,
            checkpoint=checkpoint,
            data=data,
            stamped=bool(self.timestamp_url) and not stamp_error,
            stamp_error=stamp_error,
        )

    def _create(self, name: str, data: bytes, content_type: str) -> None:
        if not self.store.put(
            self.prefix + name, data, content_type=content_type, create_only=True
        ):
            raise StoreError(
                f"{self.prefix}{name} already exists with other bytes: not overwritten"
            )

    def _publish_key(self) -> None:
        pem = signing.public_pem(self.key)
        key = self.prefix + cp.PUBLIC_KEY
        try:
            if self.store.get(key) == pem:
                return
        except KeyNotFound:
            pass
        self.store.put(key, pem, content_type="application/x-pem-file")
        log.info(
            "signing_key_published",
            key=key,
            key_id=signing.key_id(self.key),
            sha256=keys.sha256_hex(pem),
        )
