"""The XHR/fetch bodies a page loads: evidence when a list is drawn from JSON by a script.

Each distinct body is kept once (a page that polls sends the same one again and again),
within the capture's JSON budgets; a body from another host is refused, not read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response

from archiver.adapters.download import kept, media_type
from archiver.adapters.ledger import CaptureBudget, CaptureLedger
from archiver.adapters.scripts import clean
from archiver.models import HttpResponse
from archiver.urlpolicy import Purpose


class JsonBodies:
    """The JSON (and plain-text) responses of one capture, as kept."""

    def __init__(
        self,
        *,
        budget: CaptureBudget,
        ledger: CaptureLedger,
        own: Callable[[str, Purpose], bool],
    ) -> None:
        self.budget = budget
        self.ledger = ledger
        self.own = own  # whether a final URL may be read (records the refusal if not)
        self.kept: list[HttpResponse] = []
        self.seen: set[tuple[str, str]] = set()
        self.bytes = 0

    async def keep(self, response: Response) -> None:
        """Keep `response`'s body if it is JSON or text, new, the site's own and in budget."""
        budget = self.budget
        try:
            headers = await response.all_headers()
        except PlaywrightError:
            return
        media = media_type(headers.get("content-type", ""))
        if "json" not in media and not media.startswith("text/plain"):
            return
        if not self.own(response.url, Purpose.JSON):
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > budget.max_response_bytes:
            self.ledger.over(f"json: {response.url[:200]} is over the byte cap")
            return
        try:
            body = await response.body()
        except PlaywrightError:
            return
        if not body:
            return
        digest = hashlib.sha256(body).hexdigest()
        if (response.url, digest) in self.seen:
            return  # a page that polls: the same body once
        self.seen.add((response.url, digest))
        self.bytes += len(body)
        if len(body) > budget.max_response_bytes:
            self.ledger.over(f"json: {response.url[:200]} is over the byte cap")
        elif len(self.seen) > budget.max_json_bodies:
            self.ledger.over(f"json: more than {budget.max_json_bodies} bodies")
        elif self.bytes > budget.max_json_bytes:
            self.ledger.over(f"json: more than {budget.max_json_bytes:,} bytes in all")
        else:
            self.kept.append(kept(clean(response.url), response.status, headers, body))
