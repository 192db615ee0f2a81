"""Downloader: attachments, list images and raw bodies, streamed under the URL policy and caps.

Playwright's APIRequestContext buffers a whole body in its node driver (a 300 MB "PDF" ran
it out of memory, and every later capture of the process failed), and follows redirects
where no policy sees them. This client follows redirects itself, checks every hop with
`UrlPolicy` (host rule) and `checked_addresses` (address rule, on the DNS answers), connects
to the very address it checked (Host header and TLS SNI keep the name, so certificates are
still verified against it), and stops reading at a byte cap and at a decompressed cap: it
decodes gzip/deflate itself, a bounded slice at a time, so a 400 KB gzip bomb never grows.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from archiver import doctypes
from archiver.adapters.guard import Vetter
from archiver.models import HttpResponse, Refusal
from archiver.urlpolicy import Purpose, Reason, UrlPolicy

MAX_REDIRECTS = 10
REDIRECTS = (301, 302, 303, 307, 308)
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    """What one download gave: a response, a refusal, a budget overrun or a plain failure."""

    response: HttpResponse | None = None
    refusal: Refusal | None = None
    over_budget: str = ""  # which cap, in words; the body is then empty
    error: str = ""  # network failure, in words
    redirect_loop: bool = False


class _OverBudget(Exception):
    """A cap was reached while reading."""


class Downloader:
    """One capture's downloads: its policy, its cookies, its user agent, its caps."""

    def __init__(
        self,
        policy: UrlPolicy,
        *,
        user_agent: str,
        cookies: Callable[[str], Awaitable[str]],
        timeout_s: float,
        max_bytes: int,
        max_decoded_bytes: int,
        vet: Vetter,
        verify_tls: bool = True,
    ) -> None:
        self.policy = policy
        self.user_agent = user_agent
        self.cookies = cookies
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.max_decoded_bytes = max_decoded_bytes
        self.verify_tls = verify_tls
        self.vet = vet

    async def get(self, url: str, purpose: Purpose, *, referer: str = "") -> Fetched:
        """GET `url` for `purpose`, following redirects that pass the policy."""
        current = url
        async with httpx.AsyncClient(
            verify=self.verify_tls,
            follow_redirects=False,
            trust_env=False,  # no proxy or netrc from the environment
            timeout=httpx.Timeout(self.timeout_s),
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                try:
                    addresses, refused = await self._addresses(current, purpose)
                    if refused is not None:
                        return Fetched(refusal=refused)
                    fetched, location = await self._one(
                        client, current, addresses[0], purpose, referer
                    )
                except (httpx.HTTPError, OSError) as exc:
                    return Fetched(error=f"{current}: {type(exc).__name__}: {exc}"[:300])
                if location is None:
                    return fetched
                referer, current = current, urljoin(current, location)
        return Fetched(
            redirect_loop=True, error=f"{url} redirects more than {MAX_REDIRECTS} times"
        )

    async def _addresses(self, url: str, purpose: Purpose) -> tuple[list[str], Refusal | None]:
        """The checked addresses to connect to, or the refusal (OSError: no DNS answer)."""
        reason = self.policy.check(url, purpose)
        addresses: list[str] = []
        if reason is None:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses, reason = await self.vet(parts.hostname or "", port)
        if reason is None:
            if not addresses:
                raise OSError(f"no address for {url}")
            return addresses, None
        return [], Refusal(url=url, reason=reason.value, purpose=purpose.value)

    async def _one(
        self, client: httpx.AsyncClient, url: str, address: str, purpose: Purpose, referer: str
    ) -> tuple[Fetched, str | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        pinned_host = f"[{address}]" if ":" in address else address
        pinned = urlunsplit(
            (parts.scheme, f"{pinned_host}:{port}", parts.path or "/", parts.query, "")
        )
        headers = {
            "Host": parts.netloc.rsplit("@", 1)[-1],
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
        }
        cookie = await self.cookies(url)
        if cookie:
            headers["Cookie"] = cookie
        if referer:
            headers["Referer"] = referer
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        request = client.build_request("GET", pinned, headers=headers, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECTS and location:
                return Fetched(), location
            kept_headers = {k.lower(): v for k, v in response.headers.items()}
            try:
                body = await self._read(response)
            except _OverBudget as exc:
                over = f"{purpose.value} {url}: {exc}"
                refusal = Refusal(url=url, reason=Reason.OVER_BUDGET.value, purpose=purpose.value)
                return Fetched(refusal=refusal, over_budget=over), None
            return Fetched(response=kept(url, response.status_code, kept_headers, body)), None
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _OverBudget(f"{int(declared):,} bytes declared, over the {self.max_bytes:,} cap")
        decoder = _Decoder(response.headers.get("content-encoding", ""), self.max_decoded_bytes)
        raw = 0
        for_body: list[bytes] = []
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            if raw > self.max_bytes:
                raise _OverBudget(f"over the {self.max_bytes:,}-byte cap")
            for_body.append(decoder.feed(chunk))
        for_body.append(decoder.flush())
        return b"".join(for_body)


class _Decoder:
    """gzip/deflate decoding that never produces more than `limit` bytes in all."""

    def __init__(self, encoding: str, limit: int) -> None:
        coding = encoding.strip().lower().split(",")[-1].strip()
        self.limit = limit
        self.produced = 0
        self.inflater: zlib._Decompress | None = None
        if coding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self.inflater = zlib.decompressobj()

    def feed(self, data: bytes) -> bytes:
        if self.inflater is None:
            return self._count(data)
        out: list[bytes] = []
        while data:
            piece = self.inflater.decompress(data, self.limit - self.produced + 1)
            out.append(self._count(piece))
            data = self.inflater.unconsumed_tail
        return b"".join(out)

    def flush(self) -> bytes:
        if self.inflater is None:
            return b""
        return self._count(self.inflater.flush(self.limit - self.produced + 1))

    def _count(self, piece: bytes) -> bytes:
        self.produced += len(piece)
        if self.produced > self.limit:
            raise _OverBudget(f"decompresses to more than {self.limit:,} bytes")
        return piece


def kept(url: str, status: int, headers: dict[str, str], body: bytes) -> HttpResponse:
    """A response as archived: headers as served, minus transfer encodings and cookies."""
    kept_headers = tuple(
        sorted((k.lower(), v) for k, v in headers.items() if k.lower() not in DROPPED_HEADERS)
    )
    return HttpResponse(
        url=url,
        status=status,
        media_type=media_type(headers.get("content-type", "")) or doctypes.media_type_of_name(url),
        headers=kept_headers,
        body=body,
    )


def media_type(content_type: str) -> str:
    """``text/html; charset=gbk`` -> ``text/html``."""
    return content_type.split(";", 1)[0].strip().lower()
