"""Exit codes of every `archiver` command, in one place (README "Exit codes" lists them). Pure.

A pass that ran is a success even when some sites failed (their pages are the institutions'
problem, and the summary line names them); what the operator must act on is not.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """Why an `archiver` command ended."""

    OK = 0  # done; failed sites are reported in the summary, not in the exit code
    ERROR = 1  # an error the command could not get past (e.g. `verify` found a broken chain)
    USAGE = 2  # the configuration or the command line is wrong
    STORE = 3  # the archive (or its index) could not be read or written (credentials, bucket,
    # permissions, the index database down)
    ALERTS_OWED = 4  # alerts could not be delivered; they wait in the outbox
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)


def worst(*codes: Exit) -> Exit:
    """The exit code that matters most when several apply (the store before the alerts).

    >>> worst(Exit.OK, Exit.ALERTS_OWED, Exit.STORE)
    <Exit.STORE: 3>
    >>> worst()
    <Exit.OK: 0>
    """
    order = (Exit.INTERRUPTED, Exit.USAGE, Exit.STORE, Exit.ALERTS_OWED, Exit.ERROR, Exit.OK)
    return min(codes, key=order.index, default=Exit.OK)
