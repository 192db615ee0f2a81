"""Signed checkpoints over every chain head, themselves a chain. Pure.

A checkpoint names the newest version of every chain (chain id, seq, key, the sha256 of the
manifest's exact bytes) and the previous checkpoint (name, seq, sha256 of its exact bytes).
Its bytes are canonical JSON; the Ed25519 signature of exactly those bytes sits beside it
(`.sig`), and optionally an RFC 3161 time-stamp of them (`.tsr`):

    public/checkpoints/20251001T080000.000000Z.json   the checkpoint, create-only
    public/checkpoints/20251001T080000.000000Z.sig    64-byte Ed25519 signature
    public/checkpoints/20251001T080000.000000Z.tsr    RFC 3161 time-stamp response (optional)
    public/checkpoints/latest.json                    {"name", "seq", "sha256"} of the newest
    public/checkpoints/key.pub                        the public key (PEM)

Whoever kept a checkpoint can prove any later rewrite of the history it covers: the rewritten
chain no longer reaches the manifest digest that checkpoint signed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archiver import codec, keys

FORMAT = "disclosure-archiver/checkpoint/1"
LATEST = "latest.json"
PUBLIC_KEY = "key.pub"
SIGNATURE = ".sig"
TIMESTAMP = ".tsr"
_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z\.json$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Head:
    """The newest version of one chain when the checkpoint was made."""

    chain: str
    seq: int
    key: str
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """The previous checkpoint, by name and by the sha256 of its exact bytes."""

    name: str
    seq: int
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """One signed statement: these were the heads of every chain at `created_at`."""

    format: str = FORMAT
    seq: int
    created_at: datetime
    key_id: str
    previous: Link | None = None
    chains: tuple[Head, ...] = ()

    def head(self, chain: str) -> Head | None:
        """The head this checkpoint signed for a chain, if it covers it."""
        return next((h for h in self.chains if h.chain == chain), None)


def encode(checkpoint: Checkpoint) -> bytes:
    """The canonical bytes that are signed, time-stamped and published."""
    return codec.canonical_json(codec.to_data(checkpoint))


def decode(data: bytes) -> Checkpoint:
    """Parse checkpoint bytes; ValueError when they are not a checkpoint of this format."""
    try:
        parsed: Any = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from exc
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    try:
        return codec.from_data(Checkpoint, parsed)
    except ValueError as exc:
        raise ValueError(str(exc).splitlines()[0]) from exc


def name_of(created_at: datetime) -> str:
    """File name of a checkpoint: its UTC time, so names sort in time order.

    >>> name_of(datetime(2025, 10, 1, 8, 0, tzinfo=UTC))
    '20251001T080000.000000Z.json'
    """
    return created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ") + ".json"


def is_name(name: str) -> bool:
    """Whether a file name is a checkpoint's (not latest.json, key.pub, .sig or .tsr)."""
    return bool(_NAME.match(name))


def beside(name: str, suffix: str) -> str:
    """The signature or time-stamp file of a checkpoint.

    >>> beside('20251001T080000.000000Z.json', '.sig')
    '20251001T080000.000000Z.sig'
    """
    return name.removesuffix(".json") + suffix


def pointer(name: str, checkpoint: Checkpoint, data: bytes) -> bytes:
    """latest.json: which checkpoint is the newest (unsigned: the checkpoint is)."""
    return codec.canonical_json(
        {"name": name, "seq": checkpoint.seq, "sha256": keys.sha256_hex(data)}
    )


def link(name: str, checkpoint: Checkpoint, data: bytes) -> Link:
    """The link the next checkpoint records to this one."""
    return Link(name=name, seq=checkpoint.seq, sha256=keys.sha256_hex(data))
