"""What one capture may take in, and its ledger: the fetches refused and the budgets gone over.

A capture that went over a budget says so in `Capture.truncated` and is never an ok version;
refused fetches are kept in `Capture.refused` (the first `MAX_REFUSALS`, the rest counted).
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from archiver.adapters.scripts import clean
from archiver.models import Refusal
from archiver.urlpolicy import Purpose, Reason

log = structlog.get_logger("archiver.browser")

MAX_REFUSALS = 200  # kept per capture; the rest are counted


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureBudget:
    """What one capture may take in; over any of these it is `truncated`, never ok."""

    max_dom_chars: int = 20_000_000  # rendered DOM of every page and frame, in all
    max_text_chars: int = 5_000_000  # visible text of every page and frame, in all
    max_json_bodies: int = 100  # distinct XHR/fetch bodies kept
    max_json_bytes: int = 20_000_000  # their bytes, in all
    max_response_bytes: int = 20_000_000  # one kept response body (JSON, the raw page)
    max_attachment_bytes: int = 50_000_000  # one attachment or image, as sent
    max_decoded_bytes: int = 200_000_000  # one attachment after gzip/deflate


class CaptureLedger:
    """The refused fetches and the budgets gone over of one capture of `site_id`."""

    def __init__(self, site_id: str) -> None:
        self.site_id = site_id
        self.refused: dict[tuple[str, str], Refusal] = {}
        self.refusals_dropped = 0
        self.truncated: list[str] = []
        self.unreached: list[str] = []

    def refuse(self, url: str, reason: Reason, purpose: Purpose) -> None:
        """Record a refused fetch (once per URL and reason)."""
        key = (url, reason.value)
        if key in self.refused:
            return
        if len(self.refused) >= MAX_REFUSALS:
            self.refusals_dropped += 1
            return
        self.refused[key] = Refusal(url=clean(url)[:2000], reason=reason.value, purpose=purpose)
        log.info(
            "fetch_refused",
            site=self.site_id,
            url=url[:300],
            reason=reason.value,
            purpose=purpose.value,
        )

    def over(self, what: str) -> None:
        """Record a budget this capture went over."""
        if what not in self.truncated:
            self.truncated.append(what)
            log.warning("capture_over_budget", site=self.site_id, budget=what)

    def missed(self, what: str) -> None:
        """Record a page of the list the capture could not reach (a next page that failed)."""
        if what not in self.unreached:
            self.unreached.append(what)
            log.warning("capture_page_unreached", site=self.site_id, page=what)

    def close(self) -> None:
        """Count the refusals that were not listed as a budget gone over."""
        if self.refusals_dropped:
            self.over(f"{self.refusals_dropped} more refused fetches were not listed")
