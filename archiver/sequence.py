"""Appending to a create-only numbered series: the one loop behind a site's chain of versions
(`versioning.write`) and a stream's digests (`alerts.messages.digest.assemble`). Pure: the
reading and writing are the caller's functions.

Item n+1 is built from the head (item n) and written create-only under its number; exactly
one writer of a number wins. A loser reads the new head and builds again on top of it (or
finds there is nothing left to write), so concurrent writers never fork the series.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from archiver.errors import StoreError

Head = TypeVar("Head")
Item = TypeVar("Item")
Written = TypeVar("Written")


def append_next(
    head: Callable[[], tuple[int, Head]],
    build: Callable[[int, Head], Item | None],
    write: Callable[[Item], Written | None],
    *,
    attempts: int,
    what: str,
    lost: Callable[[int], None] = lambda number: None,
) -> Written | None:
    """Write the next item of a series; None when `build` finds nothing to write.

    `head()` gives the newest number (0 before the first) and what `build` needs of it;
    `write` is create-only and gives None when another writer holds the number; `lost` is
    told each number lost. StoreError after `attempts` lost races.

    >>> taken = {1}
    >>> def write(n: int) -> int | None:
    ...     return None if n in taken else (taken.add(n) or n)
    >>> append_next(lambda: (max(taken), None), lambda n, _: n, write, attempts=3, what="x")
    2
    """
    for _ in range(attempts):
        number, latest = head()
        item = build(number + 1, latest)
        if item is None:
            return None
        written = write(item)
        if written is not None:
            return written
        lost(number + 1)
    raise StoreError(f"could not write {what} after {attempts} races")
