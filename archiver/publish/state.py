"""What was published: page hashes, published versions and site summaries, kept in the store.

The state is derived like everything published: losing it, or finding it from another
version of the program, only costs a full publish. It lets an incremental publish render the
cross-site pages without reading every manifest again, and skip writing pages whose bytes
did not change. Version pages are immutable, so the state keeps only the newest version
published per site, not a hash per version page.

Each site summary is stored as its own JSON string and kept as read: an incremental publish
re-encodes only the summary that changed, which keeps the state's cost flat as sites grow.
Pure.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from archiver.publish.model import SiteSummary, VersionSummary

FORMAT = 2
_SUMMARY: TypeAdapter[SiteSummary] = TypeAdapter(SiteSummary)
_TIMELINE: TypeAdapter[tuple[VersionSummary, ...]] = TypeAdapter(tuple[VersionSummary, ...])


@dataclass(slots=True)
class PublishState:
    """Mutable during one publish, then written back."""

    fingerprint: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # path -> page_hash(bytes)
    versions: dict[str, int] = field(default_factory=dict)  # site -> newest version published
    summaries: dict[str, SiteSummary] = field(default_factory=dict)
    pinyin: dict[str, str] = field(default_factory=dict)
    loaded_hash: str = ""  # page_hash of the bytes it was read from (not stored)
    _raw: dict[str, tuple[SiteSummary, str]] = field(default_factory=dict)  # as read


def page_hash(data: bytes) -> str:
    """Short content hash of a published object (enough to tell a change).

    >>> page_hash(b"")
    'e3b0c44298fc1c149afbf4c8'
    """
    return hashlib.sha256(data).hexdigest()[:24]


def encode(state: PublishState) -> bytes:
    """Gzipped lines: a JSON header, then "<site id> TAB <summary JSON>" per site, sorted.

    Deterministic (sorted keys, no timestamp in the gzip header), and a summary read from
    the previous state is written back as the very bytes it was read from.
    """
    header = {
        "format": FORMAT,
        "fingerprint": state.fingerprint,
        "pages": state.pages,
        "versions": state.versions,
        "pinyin": state.pinyin,
    }
    lines = [json.dumps(header, ensure_ascii=False, separators=(",", ":"), sort_keys=True)]
    for site_id, summary in sorted(state.summaries.items()):
        kept = state._raw.get(site_id)
        if kept is not None and kept[0] is summary:
            text = kept[1]
        else:
            text = _SUMMARY.dump_json(summary, exclude_defaults=True).decode()
        lines.append(f"{site_id}\t{text}")
    return gzip.compress("\n".join(lines).encode(), compresslevel=1, mtime=0)


def decode(data: bytes) -> PublishState | None:
    """The state, or None when it is unreadable or from another format."""
    try:
        first, *rest = gzip.decompress(data).decode().split("\n")
        header: Any = json.loads(first)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None
        state = PublishState(
            fingerprint=str(header["fingerprint"]),
            pages={str(k): str(v) for k, v in header["pages"].items()},
            versions={str(k): int(v) for k, v in header["versions"].items()},
            pinyin={str(k): str(v) for k, v in header["pinyin"].items()},
            loaded_hash=page_hash(data),
        )
        for line in rest:
            site_id, text = line.split("\t", 1)
            summary = _SUMMARY.validate_json(text)
            state.summaries[site_id] = summary
            state._raw[site_id] = (summary, text)
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
        return None
    return state


def encode_timeline(timeline: tuple[VersionSummary, ...]) -> bytes:
    """sites/<id>/versions.json: the timeline, oldest first (fields at defaults left out)."""
    versions = _TIMELINE.dump_json(timeline, exclude_defaults=True).decode()
    return f'{{"format":{FORMAT},"versions":{versions}}}'.encode()


def decode_timeline(data: bytes) -> tuple[VersionSummary, ...] | None:
    """The timeline, or None when it is unreadable or from another format."""
    try:
        loaded: Any = json.loads(data)
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            return None
        return _TIMELINE.validate_python(loaded["versions"])
    except (ValueError, KeyError, TypeError, ValidationError):
        return None
