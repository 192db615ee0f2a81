"""robots.txt, read through the same gated capturer as every page (RFC 9309 semantics).

4xx (no robots.txt) allows everything; 5xx disallows everything until the next run; a host
that cannot be reached at all is allowed here and fails on its own page load instead.
"""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

import structlog

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
        self._rules: dict[str, RobotFileParser] = {}

    def rules(self, url: str) -> RobotFileParser:
        """The parsed rules of the host of `url` (fetched on first use)."""
        host = host_of(url)
        if host not in self._rules:
            self._rules[host] = self._fetch(url)
        return self._rules[host]

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us load `url`."""
        return self.rules(url).can_fetch(AGENT, url)

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay the host asks for, if any."""
        delay = self.rules(url).crawl_delay(AGENT)
        return float(delay) if delay is not None else None

    def _fetch(self, url: str) -> RobotFileParser:
        scheme = url.split("://", 1)[0]
        robots_url = f"{scheme}://{host_of(url)}/robots.txt"
        parser = RobotFileParser(robots_url)
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
            parser.parse([])
            return parser
        if capture.status >= 500:
            parser.parse(["User-agent: *", "Disallow: /"])
        elif capture.status >= 400:
            parser.parse([])
        else:
            body = capture.main_response.body if capture.main_response else b""
            if capture.main_response and "html" in capture.main_response.media_type:
                parser.parse([])  # a soft-404 page served instead of robots.txt
            else:
                parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser
