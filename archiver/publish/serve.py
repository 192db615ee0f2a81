"""`archiver serve`: the published prefix over HTTP, read through the store port.

URL paths map to keys under the publish prefix only (`/sites/a/v3.html` -> `public/sites/a/
v3.html`), so the archive's blobs and manifests are never served and the pages' relative
links work exactly as on a bucket website. Binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import posixpath
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import structlog

from archiver.errors import KeyNotFound, StoreError
from archiver.keys import check_key
from archiver.ports import ObjectStore
from archiver.publish import raw

log = structlog.get_logger("archiver.publish.serve")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".atom": "application/atom+xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain",  # archived text may be GBK: let the browser detect the charset
    ".gz": "application/gzip",
    **{suffix: media for media, suffix in raw.AS_IS.items()},
}
RAW_POLICY = "sandbox; default-src 'none'; img-src 'self'"


def content_type(path: str) -> str:
    """The media type a published path is served with.

    >>> content_type("raw/ab/abcd.html.txt")
    'text/plain'
    >>> content_type("sites/a/v3.html")
    'text/html; charset=utf-8'
    """
    suffix = posixpath.splitext(path)[1].lower()
    return TYPES.get(suffix, raw.DOWNLOAD)


def key_for(prefix: str, url_path: str) -> str | None:
    """The store key a URL path names, or None if it names nothing servable.

    >>> key_for("public/", "/")
    'public/index.html'
    >>> key_for("public/", "/sites/a/")
    'public/sites/a/index.html'
    >>> key_for("public/", "/%2e%2e/blobs/sha256/ab/x") is None
    True
    >>> key_for("public/", "/a%00b") is None, key_for("public/", "/a%0d%0ab") is None
    (True, True)
    """
    path = unquote(urlsplit(url_path).path).lstrip("/")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return None  # "/a%00b": a NUL or a newline names no published page
    if not path or path.endswith("/"):
        path += "index.html"
    try:
        return check_key(prefix + path)
    except StoreError:
        return None


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host headers the server answers: its own address and, on loopback, localhost.

    A page on another site can make a browser send requests to 127.0.0.1 under a name it
    controls (DNS rebinding) and read the answers; checking Host refuses them.

    >>> sorted(allowed_hosts("127.0.0.1", 8000))
    ['127.0.0.1:8000', 'localhost:8000']
    """
    names = {host}
    if host in ("127.0.0.1", "::1", "localhost"):
        names |= {"127.0.0.1", "localhost", "[::1]"} if host != "127.0.0.1" else {"localhost"}
    return frozenset(f"{name}:{port}" for name in names)


def make_server(
    store: ObjectStore,
    prefix: str,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    hosts: frozenset[str] | None = None,
) -> ThreadingHTTPServer:
    """An HTTP server for the published prefix (call serve_forever() on it).

    `hosts` are the Host headers it answers (default: its own address, see
    `allowed_hosts`); a server bound to every interface (0.0.0.0) answers any Host.
    """
    accepted: frozenset[str] | None = hosts

    class Handler(BaseHTTPRequestHandler):
        server_version = "archiver-serve"

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, *, body: bool) -> None:
            if accepted is not None and (self.headers.get("Host") or "").lower() not in accepted:
                self._plain(400, "unknown host")
                return
            key = key_for(prefix, self.path)
            if key is None:
                self._plain(400, "bad path")
                return
            try:
                data = store.get(key)
            except KeyNotFound:
                self._plain(404, "not found")
                return
            except (StoreError, OSError, ValueError) as exc:
                log.warning("serve_failed", key=key, error=str(exc))
                self._plain(502, "the store could not be read")
                return
            path = key[len(prefix) :]
            self.send_response(200)
            self.send_header("Content-Type", content_type(path))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-cache")
            if path.startswith("raw/"):
                self.send_header("Content-Security-Policy", RAW_POLICY)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _plain(self, status: int, text: str) -> None:
            payload = f"{status} {text}\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("serve_request", line=format % args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    if accepted is None and host not in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
        accepted = allowed_hosts(host, server.server_address[1])
    return server
