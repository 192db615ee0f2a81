"""AddressGuard: the forward proxy every Chromium connection goes through.

Playwright's request routing never sees redirect hops (the network stack follows them
below the interception layer, "as designed": microsoft/playwright#3993, #12527), and a
check of DNS answers in a route handler would be raced by Chromium's own lookup. So the
address rule of `archiver.urlpolicy` is enforced one layer down: Chromium is launched with
this proxy (loopback included, ``<-loopback>``), which resolves every host itself, refuses
any connection to an address the policy refuses, and connects to the very address it
checked. Every request, subresource, redirect hop and WebSocket is covered, and DNS
rebinding between a check and a connect is impossible.

It runs on the browser's event loop. A refused CONNECT answers 403 (Chromium:
ERR_TUNNEL_CONNECTION_FAILED); a refused plain-HTTP request is closed unanswered
(ERR_EMPTY_RESPONSE), so no made-up page is ever rendered. The reason is remembered per
host, so a capture that saw the request fail can record why.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import structlog

from archiver.urlpolicy import Reason, refused_address

log = structlog.get_logger("archiver.guard")
HEAD_LIMIT = 64 * 1024
HEAD_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 20.0
PIPE_CHUNK = 64 * 1024
REMEMBER_S = 600.0
_HOP_HEADERS = (b"proxy-connection", b"proxy-authorization", b"connection", b"keep-alive")

Resolver = Callable[[str, int], Awaitable[list[str]]]
Vetter = Callable[[str, int], Awaitable[tuple[list[str], Reason | None]]]


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_addresses(
    host: str,
    port: int,
    *,
    allow_private: bool,
    resolver: Resolver = resolve,
    refuse: Callable[[str], bool] = refused_address,
) -> tuple[list[str], Reason | None]:
    """The addresses to connect to, or the reason none may be used (OSError: no answer).

    A host with any refused answer is refused whole: an attacker's name that answers both
    a public and a private address must not get a second chance at the private one.
    """
    addresses = await resolver(host, port)
    if not allow_private and any(refuse(address) for address in addresses):
        return [], Reason.PRIVATE_ADDRESS
    return addresses, None


class AddressGuard:
    """A minimal HTTP/1.1 forward proxy (CONNECT tunnels and plain requests)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = resolve,
        refuse: Callable[[str], bool] = refused_address,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.refuse = refuse
        self._server: asyncio.Server | None = None
        self._recent: dict[str, tuple[Reason, float]] = {}
        self.address = ""
        self.refusals = 0

    async def start(self) -> str:
        """Listen on a free loopback port; the proxy URL Chromium is given."""
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0, limit=HEAD_LIMIT)
        host, port = self._server.sockets[0].getsockname()[:2]
        self.address = f"{host}:{port}"
        return f"http://{self.address}"

    async def close(self) -> None:
        """Stop listening (tunnels in flight end with their connections)."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None

    async def vet(self, host: str, port: int) -> tuple[list[str], Reason | None]:
        """The address rule for `host`: its checked addresses, or why none may be used."""
        return await checked_addresses(
            host,
            port,
            allow_private=self.allow_private,
            resolver=self.resolver,
            refuse=self.refuse,
        )

    def refusal(self, url: str) -> Reason | None:
        """Why the guard recently refused the host of `url`, if it did."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme in ("https", "wss") else 80)
        found = self._recent.get(f"{host}:{port}")
        if found is None or time.monotonic() - found[1] > REMEMBER_S:
            return None
        return found[0]

    def _remember(self, host: str, port: int, reason: Reason) -> None:
        self.refusals += 1
        now = time.monotonic()
        if len(self._recent) > 1000:
            self._recent = {k: v for k, v in self._recent.items() if now - v[1] < REMEMBER_S}
        self._recent[f"{host.lower()}:{port}"] = (reason, now)
        log.info("fetch_refused", host=host, port=port, reason=reason.value, layer="network")

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
            pass  # a client or server that went away; Chromium reports its own error
        except asyncio.LimitOverrunError:
            pass  # a request head over 64 KiB: not a browser's
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        request_line, _, rest = head.partition(b"\r\n")
        method, target, version = request_line.split(b" ", 2)
        if method == b"CONNECT":
            host, _, port_text = target.decode("ascii").rpartition(":")
            host, port = host.strip("[]"), int(port_text)
            upstream = await self._open(host, port)
            if upstream is None:
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await _pipe_both(reader, writer, *upstream)
            return
        parts = urlsplit(target.decode("ascii"))
        if parts.scheme != "http" or not parts.hostname:
            return  # only plain http arrives here; anything else is closed unanswered
        upstream = await self._open(parts.hostname, parts.port or 80)
        if upstream is None:
            return
        origin_form = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [
            line
            for line in rest.split(b"\r\n")
            if line and line.split(b":", 1)[0].strip().lower() not in _HOP_HEADERS
        ]
        # One request per connection: the next one may be for another host, checked anew.
        out = b"\r\n".join([b" ".join([method, origin_form.encode("ascii"), version]), *headers])
        upstream[1].write(out + b"\r\nConnection: close\r\n\r\n")
        await _pipe_both(reader, writer, *upstream)

    async def _open(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            addresses, reason = await self.vet(host, port)
        except OSError:
            return None  # does not resolve: Chromium reports a failed request
        if reason is None and self.address in {f"{a}:{port}" for a in addresses}:
            reason = Reason.PRIVATE_ADDRESS  # a page asking the proxy to call itself
        if reason is not None:
            self._remember(host, port, reason)
            return None
        for address in addresses:
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(address, port, limit=PIPE_CHUNK), CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                continue
        return None


async def _pipe_both(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_reader: asyncio.StreamReader,
    upstream_writer: asyncio.StreamWriter,
) -> None:
    """Copy bytes both ways until either side closes, then close both."""
    tasks = {
        asyncio.ensure_future(_pipe(client_reader, upstream_writer)),
        asyncio.ensure_future(_pipe(upstream_reader, client_writer)),
    }
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        upstream_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(PIPE_CHUNK):
            writer.write(chunk)
            await writer.drain()
