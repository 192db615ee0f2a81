"""A ZIP attachment holding the list (名单.zip: the PDF, a workbook, a readme). Pure.

The ZIP itself is the evidence (the capture keeps it as an attachment); the documents inside
are read one by one, each as an attachment of its own (`documents.read_attachment`), cited
as ``<zip URL>#<member name>``. A ZIP is hostile input twice over, so it is opened within
bounds, checked before and while anything is unpacked: the number of members, the bytes
they unpack to in all (declared and actually read), each member's compression ratio (a zip
bomb), no member path that climbs out (``../``, absolute) and no encrypted member. A ZIP
inside the ZIP is not followed. Over a bound, the whole archive is `unreadable` with a note
saying which, never a shorter list.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from archiver import doctypes
from archiver.models import HttpResponse
from archiver.partners.budget import DEFAULT_BUDGET, Budget, OverBudget
from archiver.partners.documents import Reading, file_name, read_attachment

MAX_MEMBERS = 200  # entries of the archive, folders and readmes included
MAX_RATIO = 100  # unpacked / packed bytes of one member; text lists pack ~5-10 to 1
_UTF8_NAMES = 0x800  # general purpose flag: the member's name is UTF-8
_ENCRYPTED = 0x1
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Member:
    """One document inside the archive, unpacked."""

    name: str  # its path inside the archive, decoded
    body: bytes


def read_all(response: HttpResponse, budget: Budget = DEFAULT_BUDGET) -> list[Reading]:
    """The readings of one attachment: itself, or for a ZIP each document inside it."""
    if not doctypes.is_zip(response.body):
        return [read_attachment(response, budget)]
    name = file_name(response.url)
    try:
        members, notes = unpack(response.body, budget)
    except OverBudget as exc:
        note = f"attachment {name} is over the reading budget: {exc}"
        return [Reading(response.url, note=note, unreadable=True)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        note = f"attachment {name} could not be read as ZIP: {str(exc)[:120]}"
        return [Reading(response.url, note=note, unreadable=True)]
    readings = [Reading(response.url, note=f"attachment {name}: {note}") for note in notes]
    for member in members:
        url = f"{response.url.split('#', 1)[0]}#{quote(member.name)}"
        media = doctypes.media_type_of_name(member.name)
        inner = HttpResponse(url=url, status=200, media_type=media, body=member.body)
        readings.append(read_attachment(inner, budget))
    if not members:
        what = "no document (PDF, Word or Excel) inside"
        readings.append(Reading(response.url, note=f"attachment {name}: {what}", unreadable=True))
    return readings


def unpack(body: bytes, budget: Budget = DEFAULT_BUDGET) -> tuple[list[Member], list[str]]:
    """The documents of a ZIP, and notes on what was left out (a readme is left silently).

    Raises OverBudget past a bound and ValueError for an unsafe or encrypted member."""
    members: list[Member] = []
    notes: list[str] = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_MEMBERS:
            raise OverBudget(f"{len(entries)} members, over {MAX_MEMBERS}")
        declared = sum(entry.file_size for entry in entries)
        if declared > budget.max_unzipped_bytes:
            raise OverBudget(f"unpacks to {declared:,} bytes, over {budget.max_unzipped_bytes:,}")
        unpacked = 0
        for entry in entries:
            name = _name(entry)
            if entry.is_dir():
                continue
            _check_safe(entry, name)
            kind = doctypes.by_name(name)
            if kind is doctypes.ZIP:
                notes.append(f"{name} is a ZIP inside the ZIP, not opened")
                continue
            if kind is None or kind is doctypes.TXT:
                continue  # a readme (说明.txt), a picture of the seal: not a list document
            data = b"".join(_chunks(archive, entry, budget.max_unzipped_bytes - unpacked))
            unpacked += len(data)
            members.append(Member(name, data))
    return members, notes


def _name(entry: zipfile.ZipInfo) -> str:
    """A member's name as its author saw it: Chinese Windows writes GBK without the UTF-8
    flag, which zipfile reads as cp437."""
    if entry.flag_bits & _UTF8_NAMES:
        return entry.filename
    try:
        return entry.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return entry.filename


def _check_safe(entry: zipfile.ZipInfo, name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ValueError(f"member {name[:80]!r} has an unsafe path")
    if entry.flag_bits & _ENCRYPTED:
        raise ValueError(f"member {name[:80]!r} is encrypted")
    if entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
        raise OverBudget(
            f"member {name[:80]!r} packs {entry.file_size:,} bytes into "
            f"{entry.compress_size:,} (over {MAX_RATIO} to 1)"
        )


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, room: int) -> Iterator[bytes]:
    """A member's bytes, never more than it declares nor than the room left in the budget
    (a header that lies about the size is caught here, not trusted)."""
    limit = min(entry.file_size, room)
    taken = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(min(_CHUNK, limit - taken + 1)):
            taken += len(chunk)
            if taken > limit:
                raise OverBudget(f"member {entry.filename[:80]!r} unpacks past its bounds")
            yield chunk
