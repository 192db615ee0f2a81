"""Records <-> canonical JSON bytes (sorted keys, UTF-8, no spaces). Pure.

The bytes of a manifest are what its digest covers, so encoding must be deterministic.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import TypeAdapter

from archiver.models import Belief, ListStatus, Manifest, Partner

T = TypeVar("T")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def to_data(record: object) -> Any:
    """A record (dataclass, tuple of them, ...) as plain JSON-ready data."""
    return _adapter(type(record)).dump_python(record, mode="json")


def from_data(kind: type[T], data: Any) -> T:
    """Validate plain data back into a record of `kind`."""
    result: T = _adapter(kind).validate_python(data)
    return result


def canonical_json(data: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, compact, UTF-8 (Chinese kept readable).

    >>> canonical_json({"b": 1, "a": "招联"})
    b'{"a":"\\xe6\\x8b\\x9b\\xe8\\x81\\x94","b":1}'
    """
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def encode_manifest(manifest: Manifest) -> bytes:
    """The manifest's canonical bytes."""
    return canonical_json(to_data(manifest))


def decode_manifest(data: bytes) -> Manifest:
    """Parse manifest bytes; raises ValueError on anything malformed.

    Schema 1 (before belief marks) is read as it was meant: a readable list was believed,
    the rest was absent or unparseable.
    """
    parsed = json.loads(data)
    if isinstance(parsed, dict) and parsed.get("schema_version", 1) < 2:
        parsed = upgrade_v1(parsed)
    return from_data(Manifest, parsed)


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 manifest's data with the fields schema 2 added.

    >>> upgrade_v1({"list_status": "absent"})["belief"]
    'absent'
    """
    status = ListStatus(data.get("list_status", ListStatus.ABSENT.value))
    return {**data, "belief": Belief.of_list(status).value}


def partners_data(partners: tuple[Partner, ...]) -> list[Any]:
    """Partners as JSON-ready dicts."""
    return [to_data(p) for p in partners]
