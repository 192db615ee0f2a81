"""What was published: page hashes and site summaries, kept in the store. Pure.

The state is derived like everything published: losing it, or finding it from another
version of the program, only costs a full publish. It lets an incremental publish render the
cross-site pages without reading every manifest again, and skip writing pages whose bytes
did not change.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from archiver import codec
from archiver.publish.model import SiteSummary, VersionSummary

FORMAT = 1


@dataclass(slots=True)
class PublishState:
    """Mutable during one publish, then written back."""

    fingerprint: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # path -> page_hash(bytes)
    summaries: dict[str, SiteSummary] = field(default_factory=dict)
    pinyin: dict[str, str] = field(default_factory=dict)
    loaded_hash: str = ""  # page_hash of the bytes it was read from (not stored)


def page_hash(data: bytes) -> str:
    """Short content hash of a published object (enough to tell a change).

    >>> page_hash(b"")
    'e3b0c44298fc1c149afbf4c8'
    """
    return hashlib.sha256(data).hexdigest()[:24]


def encode(state: PublishState) -> bytes:
    """Gzipped JSON (deterministic: no timestamp in the gzip header)."""
    data = {
        "format": FORMAT,
        "fingerprint": state.fingerprint,
        "pages": state.pages,
        "summaries": {key: codec.to_data(value) for key, value in state.summaries.items()},
        "pinyin": state.pinyin,
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return gzip.compress(raw, compresslevel=5, mtime=0)


def decode(data: bytes) -> PublishState | None:
    """The state, or None when it is unreadable or from another format."""
    try:
        loaded: Any = json.loads(gzip.decompress(data))
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            return None
        return PublishState(
            fingerprint=str(loaded["fingerprint"]),
            pages={str(k): str(v) for k, v in loaded["pages"].items()},
            summaries={
                str(k): codec.from_data(SiteSummary, v) for k, v in loaded["summaries"].items()
            },
            pinyin={str(k): str(v) for k, v in loaded["pinyin"].items()},
        )
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return None


def encode_timeline(timeline: tuple[VersionSummary, ...]) -> bytes:
    """sites/<id>/versions.json: the timeline, oldest first."""
    data = {"format": FORMAT, "versions": codec.to_data(timeline)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def decode_timeline(data: bytes) -> tuple[VersionSummary, ...] | None:
    """The timeline, or None when it is unreadable or from another format."""
    try:
        loaded: Any = json.loads(data)
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            return None
        return codec.from_data(tuple[VersionSummary, ...], loaded["versions"])
    except (ValueError, KeyError, TypeError, ValidationError):
        return None
