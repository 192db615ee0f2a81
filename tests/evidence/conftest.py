"""Fixtures of the evidence tests: the third party's tools (py-wacz, pywb), a replay server.

pywb and py-wacz live in their own virtualenv (`.venv-tools`, made by `make setup`), as a
third party would install them: apart from the archiver and its dependencies.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
