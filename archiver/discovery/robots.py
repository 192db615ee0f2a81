"""robots.txt, read through the same gated capturer as every page (RFC 9309 semantics).

The rules are Protego's: the longest matching path wins (`Allow: /xxgk/` under `Disallow: /`
opens /xxgk/; the standard library's first-match parser closed it) and `*` and `$` are
wildcards. 4xx (no robots.txt) allows everything; 5xx disallows everything until the next
run; a host that cannot be reached at all is allowed here and fails on its own page load.
"""

from __future__ import annotations

import structlog
from protego import Protego

from archiver.discovery.urls import host_of
from archiver.errors import CaptureError
from archiver.ports import Capturer, CaptureRequest

log = structlog.get_logger("archiver.discovery")
AGENT = "DisclosureArchiver"


class Robots:
    """robots.txt rules per host, fetched once per run."""

    def __init__(self, capturer: Capturer, *, site_id: str, timeout_s: float = 30.0) -> None:
        self.capturer = capturer
        self.site_id = site_id
        self.timeout_s = timeout_s
        self._rules: dict[str, Protego] = {}

    def rules(self, url: str) -> Protego:
        """The parsed rules of the host of `url` (fetched on first use)."""
        host = host_of(url)
        if host not in self._rules:
            self._rules[host] = self._fetch(url)
        return self._rules[host]

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us load `url`."""
        return self.rules(url).can_fetch(url, AGENT)

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay the host asks for, if any."""
        return self.rules(url).crawl_delay(AGENT)

    def _fetch(self, url: str) -> Protego:
        scheme = url.split("://", 1)[0]
        robots_url = f"{scheme}://{host_of(url)}/robots.txt"
        request = CaptureRequest(
            site_id=self.site_id,
            url=robots_url,
            timeout_s=self.timeout_s,
            max_pages=1,
            attachments=False,
        )
        try:
            with self.capturer.open(request) as session:
                capture = session.snapshot()
        except CaptureError as exc:
            log.info("robots_unavailable", site=self.site_id, url=robots_url, error=str(exc))
            return Protego.parse("")
        response = capture.main_response
        return rules_of(
            capture.status,
            response.media_type if response else "",
            response.body if response else b"",
        )


def rules_of(status: int, media_type: str, body: bytes) -> Protego:
    """The rules an answer to /robots.txt gives (RFC 9309 section 2.3.1).

    >>> rules_of(200, "text/plain", b"User-agent: *\\nDisallow: /\\nAllow: /xxgk/").can_fetch(
    ...     "https://bank.cn/xxgk/hzjg.html", AGENT
    ... )
    True
    >>> rules_of(503, "text/html", b"").can_fetch("https://bank.cn/", AGENT)
    False
    """
    if status >= 500:
        return Protego.parse("User-agent: *\nDisallow: /\n")
    if status >= 400 or "html" in media_type:
        return Protego.parse("")  # none, or a soft-404 page served instead of robots.txt
    return Protego.parse(body.decode("utf-8", errors="replace"))
