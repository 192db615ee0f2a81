"""Capture -> partner records, from every format the capture kept. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from archiver.models import Capture, ListStatus, Partner
from archiver.partners.aliases import AliasTable


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """What the partner reader found."""

    partners: tuple[Partner, ...] = ()
    list_status: ListStatus = ListStatus.ABSENT
    list_note: str = ""
    document_texts: tuple[tuple[str, str], ...] = ()  # (attachment URL, its text)
    truncated: str = ""  # non-empty: why the list looks cut short


def extract(capture: Capture, *, aliases: AliasTable, ignore: tuple[str, ...] = ()) -> Extraction:
    """Every partner in the capture (transitional: no formats recognised yet)."""
    del capture, aliases, ignore
    return Extraction()
