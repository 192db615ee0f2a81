"""A programmable web site on 127.0.0.1, for the tests, the benchmarks and `make demo`.

    with LocalSite() as site:
        site.page("/list.html", "<table>…</table>")
        site.url("/list.html")  # -> "http://127.0.0.1:<port>/list.html"

Routes can change between steps, answer with any status, delay, redirect or serve bytes in
any encoding, so one check after another sees exactly the page a test wants.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    handler: Callable[[str], Route] | None = field(default=None)  # computed per request
    stream: Callable[[], Iterable[bytes]] | None = field(default=None)  # body made lazily


class LocalSite:
    """A threaded HTTP server whose routes the caller sets and changes at will."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self._lock = threading.Lock()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site._answer(self, head_only=False)

            def do_HEAD(self) -> None:
                site._answer(self, head_only=True)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                site._answer(self, head_only=False)

            def log_message(self, format: str, *args: Any) -> None:
                """Silence per-request logging."""

        self.server = ThreadingHTTPServer((host, port), _Handler)
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return self.base_url + path

    def page(
        self,
        path: str,
        html: str,
        *,
        status: int = 200,
        encoding: str = "utf-8",
        delay_s: float = 0.0,
        content_type: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Serve `html` (encoded as asked) at `path`."""
        ctype = content_type or f"text/html; charset={encoding}"
        self.set(
            path,
            Route(
                body=html.encode(encoding),
                status=status,
                content_type=ctype,
                headers=headers,
                delay_s=delay_s,
            ),
        )

    def file(self, path: str, data: bytes, content_type: str, *, status: int = 200) -> None:
        """Serve raw bytes at `path`."""
        self.set(path, Route(body=data, status=status, content_type=content_type))

    def redirect(self, path: str, to: str, *, status: int = 302) -> None:
        """Answer `path` with a redirect to `to`."""
        self.set(path, Route(status=status, headers=(("Location", to),)))

    def dynamic(self, path: str, handler: Callable[[str], Route]) -> None:
        """Answer `path` with whatever `handler(request_path)` returns at request time."""
        self.set(path, Route(handler=handler))

    def set(self, path: str, route: Route) -> None:
        """Install or replace the route for `path` (query strings match exactly if given)."""
        with self._lock:
            self.routes[path] = route

    def remove(self, path: str) -> None:
        """Make `path` answer 404."""
        with self._lock:
            self.routes.pop(path, None)

    def _answer(self, request: BaseHTTPRequestHandler, *, head_only: bool) -> None:
        split = urlsplit(request.path)
        with self._lock:
            self.hits[split.path] += 1
            self.user_agents.append(request.headers.get("User-Agent", ""))
            route = (
                self.routes.get(request.path)
                or self.routes.get(split.path)
                or self.routes.get(unquote(split.path))  # as a web server decodes it
            )
        if route is not None and route.handler is not None:
            route = route.handler(request.path)
        if route is None:
            route = Route(body=b"<h1>404 Not Found</h1>", status=404)
        if route.delay_s:
            time.sleep(route.delay_s)
        try:
            request.send_response(route.status)
            request.send_header("Content-Type", route.content_type)
            if route.stream is None:
                request.send_header("Content-Length", str(len(route.body)))
            else:  # no length: the body ends when the connection closes
                request.send_header("Connection", "close")
                request.close_connection = True
            for name, value in route.headers:
                request.send_header(name, value)
            request.end_headers()
            if not head_only and route.stream is not None:
                for chunk in route.stream():
                    request.wfile.write(chunk)
            elif not head_only:
                request.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser gave up (a timeout test); nothing to answer

    def start(self) -> LocalSite:
        """Serve in a background thread."""
        # shutdown() waits for the loop's next poll: 50 ms, not serve_forever's 0.5 s default
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
