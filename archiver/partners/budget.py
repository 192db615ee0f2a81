"""What reading one attachment may cost, and the checks shared by every reader. Pure.

Attachments are hostile input: every reader works within a `Budget` and raises `OverBudget`
past it (the caller turns that into an `unreadable` note, never a shorter list).
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """What reading one attachment may cost."""

    max_unzipped_bytes: int = 200_000_000  # an Office file's parts, unpacked, in all
    max_cells: int = 1_000_000  # workbook cells, empty padding included
    max_rows: int = 200_000  # workbook rows, gaps included
    max_merged: int = 20_000  # merged ranges of one sheet
    max_paragraphs: int = 20_000  # DOCX paragraphs and tables; the partner reader takes ~1 ms
    max_lines: int = 20_000  # a line, so 20,000 is 20 s: lists run to a few thousand lines
    max_table_cells: int = 500_000  # DOCX table cells
    max_pages: int = 500  # PDF pages
    max_seconds: float = 60.0  # wall clock, checked between rows, paragraphs and pages


DEFAULT_BUDGET = Budget()


class OverBudget(ValueError):
    """Reading the attachment would cost more than its Budget allows."""


class Clock:
    """The wall-clock deadline of one reading."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget.max_seconds

    def tick(self) -> None:
        """Raise OverBudget once the deadline has passed."""
        if time.monotonic() > self.deadline:
            raise OverBudget(f"reading took more than {self.budget.max_seconds:g}s")


def rectangular(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """Rows padded to one width."""
    width = max((len(row) for row in rows), default=0)
    return tuple(tuple(row) + ("",) * (width - len(row)) for row in rows)


def check_zip(body: bytes, budget: Budget) -> None:
    """A clear message for a damaged Office file (the libraries' are cryptic), and a zip bomb
    refused by its declared sizes before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > budget.max_unzipped_bytes:
                raise OverBudget(
                    f"unpacks to {unpacked:,} bytes, over {budget.max_unzipped_bytes:,}"
                )
            bad = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise ValueError("not a valid Office file (damaged zip)") from exc
    if bad is not None:
        raise ValueError(f"damaged entry {bad} in the Office file")
