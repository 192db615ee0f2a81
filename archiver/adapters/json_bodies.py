"""The XHR/fetch bodies a page loads: evidence when a list is drawn from JSON by a script.

Each distinct body is kept once (a page that polls sends the same one again and again),
within the capture's JSON budgets; a body from another host is refused, not read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

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
        self.failed: list[tuple[str, int]] = []  # (URL, HTTP status) of data requests that failed
        self.seen: set[tuple[str, str]] = set()
        self.bytes = 0

    async def keep(self, response: Response) -> None:
        """Keep `response`'s body if it is JSON or text, new, the site's own and in budget."""
        budget = self.budget
        if response.status >= 400:
            self.failed.append((clean(response.url), response.status))
            return
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

    def unreached(self) -> list[str]:
        """The failed data requests of a set the page loaded in part: page 2 of
        api/list-<n>.json answered 502 while page 1 came (`failed_pages`)."""
        return failed_pages(self.failed, [body.url for body in self.kept])


_NUMBER = re.compile(r"\d+")


def failed_pages(failed: list[tuple[str, int]], loaded: list[str]) -> list[str]:
    """The failed requests of a data set of which another page loaded: the same path and
    query keys with other numbers (list-2.json beside list-1.json, ?page=3 beside ?page=1).
    A failing request of its own (a counter, an analytics beacon) is no part of the list.

    >>> failed_pages([("https://b.cn/api/list-2.json", 502)], ["https://b.cn/api/list-1.json"])
    ['a page of the list failed: https://b.cn/api/list-2.json answered HTTP 502']
    >>> failed_pages([("https://b.cn/stat/hit?id=3", 500)], ["https://b.cn/api/list?page=1"])
    []
    """
    families = {_family(url) for url in loaded}
    return [
        f"a page of the list failed: {url} answered HTTP {status}"
        for url, status in dict.fromkeys(failed)
        if _family(url) in families
    ]


def _family(url: str) -> tuple[str, str, tuple[str, ...]]:
    parts = urlsplit(url)
    keys = tuple(sorted(pair.split("=", 1)[0] for pair in parts.query.split("&") if pair))
    return parts.netloc, _NUMBER.sub("#", parts.path), keys
