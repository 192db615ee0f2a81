"""Issue 10, the parts that need no browser: URL policy, downloads, config, serve, CSV, daemon."""

from __future__ import annotations

import asyncio
import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver import config
from archiver.adapters.download import Downloader, Fetched
from archiver.adapters.guard import AddressGuard
from archiver.adapters.local_store import LocalStore
from archiver.cli import spreadsheet_safe
from archiver.errors import ConfigError
from archiver.models import CheckResult, Outcome, PageStatus
from archiver.pipeline import Deps, check_site
from archiver.publish.serve import make_server
from archiver.testing import LocalSite, Route
from archiver.urlpolicy import Purpose, Reason, UrlPolicy, refused_address
from tests.support.hostile import gzip_bomb, streamed

# --- the URL policy -----------------------------------------------------------------------

POLICY = UrlPolicy.for_site("https://www.bank.com.cn/list.html", ("files.bankcdn.net",))


@pytest.mark.parametrize(
    ("url", "purpose", "expected"),
    [
        ("https://m.bank.com.cn/a.pdf", Purpose.ATTACHMENT, None),
        ("https://files.bankcdn.net/x/list.pdf", Purpose.ATTACHMENT, None),
        ("https://a.files.bankcdn.net/x/list.pdf", Purpose.ATTACHMENT, None),
        ("https://bankcdn.net/x/list.pdf", Purpose.ATTACHMENT, Reason.FOREIGN_HOST),
        ("https://evilbank.com.cn/", Purpose.NAVIGATION, Reason.FOREIGN_HOST),
        ("https://bank.com.cn.evil.net/", Purpose.FRAME, Reason.FOREIGN_HOST),
        ("http://internal/creds.txt?x=.pdf", Purpose.ATTACHMENT, Reason.FOREIGN_HOST),
        ("http://169.254.169.254/latest/meta-data", Purpose.JSON, Reason.FOREIGN_HOST),
        ("file:///etc/passwd", Purpose.NAVIGATION, Reason.SCHEME),
        ("ftp://www.bank.com.cn/a.pdf", Purpose.ATTACHMENT, Reason.SCHEME),
        ("javascript:alert(1)", Purpose.NAVIGATION, Reason.SCHEME),
        ("https://cdn.jsdelivr.net/npm/x.js", Purpose.RENDER, None),
        ("data:image/png;base64,iVBO", Purpose.RENDER, None),
        ("chrome-extension://mhjf/index.css", Purpose.RENDER, None),
        ("data:text/html,hi", Purpose.FRAME, Reason.SCHEME),
    ],
)
def test_host_rule(url: str, purpose: Purpose, expected: Reason | None) -> None:
    assert POLICY.check(url, purpose) == expected


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("1.2.3.4", False),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("10.0.0.1", True),
        ("172.16.3.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.100.100.200", True),  # Alibaba Cloud metadata (shared address space)
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00:ec2::254", True),  # AWS metadata over IPv6
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 around 127.0.0.1
        ("2400:3200::1", False),
        ("not-an-ip", True),
    ],
)
def test_address_rule(address: str, refused: bool) -> None:
    assert refused_address(address) is refused


# --- the downloader -------------------------------------------------------------------------


def download(
    url: str,
    *,
    refuse: str = "",
    max_bytes: int = 1_000_000,
    max_decoded: int = 5_000_000,
    site: str = "",
) -> Fetched:
    """One download with a guard that treats `refuse` as the only private address."""
    guard = AddressGuard(allow_private=not refuse, refuse=lambda a: a == refuse)

    async def cookies(_: str) -> str:
        return "k=v"

    downloader = Downloader(
        UrlPolicy.for_site(site or url),
        user_agent="test",
        cookies=cookies,
        timeout_s=10,
        max_bytes=max_bytes,
        max_decoded_bytes=max_decoded,
        vet=guard.vet,
    )
    return asyncio.run(downloader.get(url, Purpose.ATTACHMENT))


@pytest.fixture
def internal() -> Iterator[LocalSite]:
    with LocalSite(host="127.0.0.2") as site:
        yield site


def test_a_redirect_hop_to_another_host_is_refused_before_it_is_fetched(
    local_site: LocalSite, internal: LocalSite
) -> None:
    internal.file("/creds.txt", b"secret", "text/plain")
    local_site.redirect("/go.pdf", internal.url("/creds.txt?x=.pdf"))
    fetched = download(local_site.url("/go.pdf"))
    assert fetched.response is None
    assert fetched.refusal is not None and fetched.refusal.reason == "foreign_host"
    assert internal.hits["/creds.txt"] == 0


def test_a_redirect_hop_to_a_private_address_is_refused_on_an_own_host(
    local_site: LocalSite, internal: LocalSite
) -> None:
    """The host is the site's own (listed by IP here), the address is private: refused."""
    internal.file("/a.pdf", b"%PDF secret", "application/pdf")
    local_site.redirect("/go.pdf", internal.url("/a.pdf"))
    guard = AddressGuard(allow_private=False, refuse=lambda a: a == "127.0.0.2")

    async def cookies(_: str) -> str:
        return ""

    downloader = Downloader(
        UrlPolicy(sites=("127.0.0.1", "127.0.0.2")),
        user_agent="t",
        cookies=cookies,
        timeout_s=10,
        max_bytes=10_000,
        max_decoded_bytes=10_000,
        vet=guard.vet,
    )
    fetched = asyncio.run(downloader.get(local_site.url("/go.pdf"), Purpose.ATTACHMENT))
    assert fetched.refusal is not None and fetched.refusal.reason == "private_address"
    assert internal.hits["/a.pdf"] == 0


def test_a_download_carries_the_capture_user_agent(local_site: LocalSite) -> None:
    local_site.file("/a.pdf", b"%PDF-1.4 ok", "application/pdf")
    fetched = download(local_site.url("/a.pdf"))
    assert fetched.response is not None and fetched.response.body == b"%PDF-1.4 ok"
    assert local_site.user_agents[-1] == "test"


def test_a_body_over_the_byte_cap_is_over_budget_without_a_length(
    local_site: LocalSite,
) -> None:
    local_site.set("/big.pdf", Route(content_type="application/pdf", stream=streamed(5_000_000)))
    fetched = download(local_site.url("/big.pdf"), max_bytes=1_000_000)
    assert fetched.response is None and "cap" in fetched.over_budget


def test_a_gzip_bomb_stops_at_the_decompressed_cap(local_site: LocalSite) -> None:
    bomb = gzip_bomb(50_000_000)
    local_site.set(
        "/bomb.pdf",
        Route(body=bomb, content_type="application/pdf", headers=(("Content-Encoding", "gzip"),)),
    )
    fetched = download(local_site.url("/bomb.pdf"), max_decoded=5_000_000)
    assert fetched.response is None and "decompresses" in fetched.over_budget


def test_gzip_within_the_caps_is_decoded(local_site: LocalSite) -> None:
    import gzip

    local_site.set(
        "/a.csv",
        Route(
            body=gzip.compress("名称\n甲公司\n".encode()),
            content_type="text/csv",
            headers=(("Content-Encoding", "gzip"),),
        ),
    )
    fetched = download(local_site.url("/a.csv"))
    assert fetched.response is not None
    assert fetched.response.body.decode() == "名称\n甲公司\n"


# --- no site stops its own archiving ---------------------------------------------------


class _Exploding:
    """A capturer whose session raises what no adapter translates (a bug, a MemoryError)."""

    def open(self, request: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    def close(self) -> None:
        """Nothing to close."""


class _FullDiskIndex:
    def __init__(self) -> None:
        self.recorded: list[CheckResult] = []

    def record_check(self, result: CheckResult) -> None:
        raise OSError(28, "No space left on device")


def test_an_unexpected_exception_is_a_recorded_internal_error(tmp_path: Path) -> None:
    from archiver.adapters.sqlite_index import SqliteIndex

    site = config.Site(id="s", name="s", url="http://127.0.0.1:9/")
    index = SqliteIndex(tmp_path / "index.sqlite")
    deps = Deps(
        store=LocalStore(tmp_path / "a"),
        capturer=_Exploding(),  # type: ignore[arg-type]
        index=index,
        now=lambda: __import__("datetime").datetime.now(__import__("datetime").UTC),
    )
    result = check_site(site, deps)
    assert result.outcome is Outcome.FAILED
    assert result.status is PageStatus.INTERNAL_ERROR
    assert result.error.startswith("RecursionError")
    assert index.last_check("s") is not None
    index.close()


def test_a_full_disk_under_the_index_does_not_stop_the_check(tmp_path: Path) -> None:
    site = config.Site(id="s", name="s", url="http://127.0.0.1:9/")
    deps = Deps(
        store=LocalStore(tmp_path / "a"),
        capturer=_Exploding(),  # type: ignore[arg-type]
        index=_FullDiskIndex(),  # type: ignore[arg-type]
        now=lambda: __import__("datetime").datetime.now(__import__("datetime").UTC),
    )
    assert check_site(site, deps).status is PageStatus.INTERNAL_ERROR


# --- configuration --------------------------------------------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.load(text, path="sites.yaml")
    return caught.value.problems


def test_duplicate_keys_are_errors_with_their_lines() -> None:
    found = problems(
        "sites:\n"
        "  - id: a\n"
        "    name: A\n"
        "    url: https://a.cn/\n"
        "    url: https://b.cn/\n"
        "sites: []\n"
    )
    assert found == [
        "sites.yaml:5: sites[0].url: duplicate key (first at line 4; only one may be given)",
        "sites.yaml:6: sites: duplicate key (first at line 1; only one may be given)",
    ]


@pytest.mark.parametrize(
    ("site", "message"),
    [
        ('id: "a\\n"', "sites.yaml:2: sites[0] ('a\\n').id: site id 'a\\n' must be lower-case"),
        ("timeout: 0s", "timeout must be between 1s and 10m, got 0s"),
        ("discover: {follow: ['file:///etc']}", "follow must start with http:// or https://"),
        ("discover: {hosts: ['https://m.a.cn/']}", "hosts must be host names like"),
        ("hosts: ['m.a.cn/x']", "hosts must be host names like"),
    ],
)
def test_site_values_are_validated(site: str, message: str) -> None:
    base = {"id": "id: a", "name": "name: A", "url": "url: https://a.cn/"}
    key = site.split(":", 1)[0]
    base[key] = site
    text = "sites:\n  - " + "\n    ".join(base.values()) + "\n"
    assert any(message in line for line in problems(text)), problems(text)


def test_a_dot_publish_prefix_is_refused() -> None:
    assert any("prefix must be" in p for p in problems("publish: {prefix: ./}\n"))


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_duplicates_exit_2_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text("sites: []\nsites: []\n", encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-m", "archiver", "-c", str(path), "config", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 2
    assert f"{path}:2: sites: duplicate key" in ran.stderr


# --- serve, CSV ---------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    store = LocalStore(tmp_path / "archive")
    store.put("public/index.html", b"<h1>ok</h1>", content_type="text/html")
    httpd = make_server(store, "public/", port=0)
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


def answer(port: int, path: str, host: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_serve_answers_400_to_control_characters(served: int) -> None:
    assert answer(served, "/") == 200
    assert answer(served, "/a%00b") == 400
    assert answer(served, "/a%0d%0aSet-Cookie:x") == 400


def test_serve_checks_the_host_header(served: int) -> None:
    assert answer(served, "/", host=f"localhost:{served}") == 200
    assert answer(served, "/", host="evil.example") == 400


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_would_be_formulas_are_quoted(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


# --- the daemon exits when there is no browser ----------------------------------------


@pytest.mark.slow
def test_the_daemon_exits_non_zero_after_n_checks_without_a_browser(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"storage: {{kind: local, path: '{tmp_path / 'archive'}'}}\n"
        f"state_dir: '{tmp_path / 'var'}'\n"
        "network: {allow_private: true}\n"
        f"browser: {{executable: '{tmp_path / 'no-chromium'}', exit_after_unavailable: 2}}\n"
        "defaults: {every: 1m, jitter: 0s}\n"
        "sites:\n"
        "  - {id: a, name: A, url: 'http://127.0.0.1:9/a'}\n"
        "  - {id: b, name: B, url: 'http://127.0.0.1:9/b'}\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        [sys.executable, "-m", "archiver", "-c", str(path), "--log-format", "json", "run"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert ran.returncode == 1
    assert "browser_unavailable_exit" in ran.stderr
    assert "守护进程已停止：连续 2 次检查没有可用的浏览器" in ran.stderr
