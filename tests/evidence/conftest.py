"""Fixtures of the evidence tests: the third party's tools (py-wacz, pywb), a replay server.

pywb and py-wacz live in their own virtualenv (`.venv-tools`, made by `make setup`), as a
third party would install them: apart from the archiver and its dependencies.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


def tools_bin() -> Path:
    """bin/ of the web-archive tools' virtualenv; fails loudly when `make setup` was skipped."""
    venv = Path(os.environ.get("ARCHIVER_TOOLS_VENV", ROOT / ".venv-tools"))
    if not (venv / "bin" / "wayback").exists() or not (venv / "bin" / "wacz").exists():
        pytest.fail(f"pywb and py-wacz are not installed in {venv}: run 'make setup'")
    return venv / "bin"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def wacz_validate() -> Callable[[Path], subprocess.CompletedProcess[str]]:
    """wacz_validate(path): `wacz validate -f PATH`, as the third party runs it."""
    wacz = tools_bin() / "wacz"

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(wacz), "validate", "-f", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    return run


class Replay:
    """A pywb collection holding one WACZ, served on 127.0.0.1."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def url(self, timestamp: str, original: str) -> str:
        """The replay URL of `original` as archived at `timestamp` (YYYYMMDDhhmmss)."""
        return f"{self.base_url}/evidence/{timestamp}/{original}"


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Callable[[Path], Replay]]:
    """replay(wacz_path) -> Replay: `wb-manager add --unpack-wacz` then `wayback`."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(wacz: Path) -> Replay:
        root = tmp_path / "pywb"
        root.mkdir(exist_ok=True)
        subprocess.run(
            [str(tools_bin() / "wb-manager"), "init", "evidence"],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [str(tools_bin() / "wb-manager"), "add", "--unpack-wacz", "evidence", str(wacz)],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=120,
        )
        port = free_port()
        server = subprocess.Popen(
            [str(tools_bin() / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("pywb did not start") from None
                time.sleep(0.2)
        return Replay(base)

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


class S3Proxy:
    """An HTTP proxy on 127.0.0.1 in front of the S3 API server, misbehaving on request.

    strip_if_none_match: forwards writes without their `If-None-Match` header (a server
    that ignores conditional writes). lose_answers: the first PUT of a key containing one of
    these strings reaches the server, then the client gets a 500 (the answer is lost).
    refuse: PUTs of such keys get a 500 without reaching the server.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.strip_if_none_match = False
        self.lose_answers: set[str] = set()
        self.refuse: set[str] = set()
        self.lost: list[str] = []
        proxy = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                proxy.relay(self)

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _relay

            def log_message(self, format: str, *args: Any) -> None:
                """Silence per-request logging."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def relay(self, request: BaseHTTPRequestHandler) -> None:
        """Forward one request upstream, unless a rule says otherwise."""
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        path = request.path
        if request.command == "PUT" and any(part in path for part in self.refuse):
            self._answer(request, 500, b"<Error><Code>InternalError</Code></Error>")
            return
        headers = {
            k: v
            for k, v in request.headers.items()
            if not (self.strip_if_none_match and k.lower() == "if-none-match")
        }
        upstream = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port
        )
        try:
            upstream.request(request.command, path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            lose = next((part for part in self.lose_answers if part in path), None)
            if request.command == "PUT" and lose is not None and answer.status == 200:
                self.lose_answers.discard(lose)
                self.lost.append(path)
                self._answer(request, 500, b"<Error><Code>InternalError</Code></Error>")
                return
            request.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    request.send_header(key, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            if request.command != "HEAD":
                request.wfile.write(data)
        finally:
            upstream.close()

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def s3_proxy(s3_endpoint: str) -> Iterator[S3Proxy]:
    """A misbehaving proxy in front of the session's S3 API server."""
    proxy = S3Proxy(s3_endpoint)
    yield proxy
    proxy.close()


TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


class LocalTsa:
    """An RFC 3161 time-stamp authority on 127.0.0.1, built on `openssl ts -reply`."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.up = True
        self.requests = 0
        self._make_certificates()
        tsa = self
        lock = threading.Lock()

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not tsa.up:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with lock:
                    tsa.requests += 1
                    reply = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                """Silence per-request logging."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        """Where to POST time-stamp queries."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsr"

    @property
    def root(self) -> Path:
        """The root certificate (PEM) a verifier trusts."""
        return self.dir / "ca.pem"

    def reply(self, query: bytes) -> bytes:
        """`openssl ts -reply` for one query."""
        (self.dir / "query.tsq").write_bytes(query)
        self._openssl(
            "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "query.tsq", "-out", "reply.tsr"
        )
        return (self.dir / "reply.tsr").read_bytes()

    def _make_certificates(self) -> None:
        (self.dir / "tsa.cnf").write_text(TSA_CONFIG.format(dir=self.dir))
        (self.dir / "serial").write_text("01\n")
        (self.dir / "tsa.ext").write_text(
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=critical,timeStamping\n"
        )
        self._openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test TSA Root",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
        self._openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
            "-subj", "/CN=Test TSA",
        )  # fmt: skip
        self._openssl(
            "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "tsa.pem", "-days", "30", "-extfile", "tsa.ext",
        )  # fmt: skip

    def _openssl(self, *args: str) -> None:
        subprocess.run([OPENSSL, *args], cwd=self.dir, check=True, capture_output=True, timeout=60)

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[LocalTsa]:
    """A local RFC 3161 TSA (openssl ts) with its own root certificate."""
    directory = tmp_path / "tsa"
    directory.mkdir()
    authority = LocalTsa(directory)
    yield authority
    authority.close()
