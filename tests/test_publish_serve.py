"""`archiver serve` and `archiver publish`: the published prefix over HTTP, and the commands."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner

from archiver.adapters.local_store import LocalStore
from archiver.app import App, build
from archiver.publish import cli
from archiver.publish.publisher import Publisher
from archiver.publish.serve import make_server
from archiver.publish.settings import PublishSettings
from archiver.publish.wiring import build_publisher
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

CONFIG = """\
storage:
  kind: local
  path: {root}/archive
state_dir: {root}/var
publish:
  title: 测试档案
sites:
  - id: zhaolian
    name: 招联消费金融
    url: https://www.mucfc.com/
"""


@pytest.fixture
def server(local_store: LocalStore) -> Iterator[str]:
    """A published archive, served on 127.0.0.1."""
    builder = ArchiveBuilder(local_store, start=datetime(2025, 10, 1, tzinfo=UTC))
    builder.version("zhaolian", (partner("蚂蚁智信（杭州）信息技术有限公司"),))
    builder.version("zhaolian", (partner("上海淇毓信息科技有限公司"),))
    Publisher(local_store, PublishSettings()).publish_all()
    httpd = make_server(local_store, "public/", port=0)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class TestServe:
    """The local server."""

    def test_pages_are_served_with_their_media_types(self, server: str) -> None:
        for path, kind in (
            ("/", "text/html; charset=utf-8"),
            ("/sites/zhaolian/v2.html", "text/html; charset=utf-8"),
            ("/sites/zhaolian/", "text/html; charset=utf-8"),
            ("/search.json", "application/json"),
            ("/feed.atom", "application/atom+xml; charset=utf-8"),
            ("/partners/partners.csv", "text/csv; charset=utf-8"),
            ("/static/archive.js", "text/javascript; charset=utf-8"),
        ):
            status, headers, _ = fetch(server + path)
            assert (status, headers["Content-Type"]) == (200, kind), path
            assert headers["X-Content-Type-Options"] == "nosniff"

    def test_raw_files_are_served_sandboxed(self, server: str) -> None:
        _, _, page = fetch(server + "/sites/zhaolian/v2.html")
        raw = page.decode().split('href="../../raw/', 1)[1].split('"', 1)[0]
        status, headers, _ = fetch(f"{server}/raw/{raw}")
        assert status == 200
        assert headers["Content-Security-Policy"].startswith("sandbox")

    @pytest.mark.parametrize(
        ("path", "status"),
        [
            ("/nope.html", 404),
            ("/../blobs/sha256/00/x", 400),
            ("/%2e%2e/sites/zhaolian/versions/00000001.json", 400),
            ("/sites/%2e%2e/%2e%2e/blobs/x", 400),
        ],
    )
    def test_nothing_outside_the_prefix_is_served(
        self, server: str, path: str, status: int
    ) -> None:
        assert fetch(server + path)[0] == status

    def test_head_has_no_body(self, server: str) -> None:
        status, headers, body = fetch(server + "/", method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0

    def test_a_store_error_is_a_502(self, tmp_path: Path) -> None:
        class Broken(LocalStore):
            def get(self, key: str) -> bytes:
                from archiver.errors import StoreError

                raise StoreError("bucket unreachable")

        httpd = make_server(Broken(tmp_path), "public/", port=0)
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            assert fetch(f"http://127.0.0.1:{httpd.server_address[1]}/")[0] == 502
        finally:
            httpd.shutdown()
            httpd.server_close()

    def test_binds_to_loopback_by_default(self, local_store: LocalStore) -> None:
        httpd = make_server(local_store, "public/", port=0)
        try:
            assert httpd.server_address[0] == "127.0.0.1"
        finally:
            httpd.server_close()


class _Source:
    def __init__(self, app: App) -> None:
        self._app = app

    def app(self) -> App:
        return self._app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    config = tmp_path / "sites.yaml"
    config.write_text(CONFIG.format(root=tmp_path), encoding="utf-8")
    built = build(config, {})
    ArchiveBuilder(built.store).version("zhaolian", (partner("重庆度小满小额贷款有限公司"),))
    try:
        yield built
    finally:
        built.close()


class TestCommands:
    """archiver publish."""

    @pytest.fixture(autouse=True)
    def _warnings_only(self) -> None:
        """As the main CLI configures logging for commands other than run."""
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    def test_publish_reports_what_it_wrote(self, app: App) -> None:
        result = CliRunner().invoke(cli.publish, [], obj=_Source(app))
        assert result.exit_code == 0, result.output
        assert result.output.startswith("full: ")
        assert "index: file://" in result.output
        assert "测试档案" in app.store.get("public/index.html").decode()
        again = CliRunner().invoke(cli.publish, ["--json"], obj=_Source(app))
        report = json.loads(again.output)
        assert (report["mode"], report["written"]) == ("full", 0)

    def test_publish_one_site_incrementally(self, app: App) -> None:
        CliRunner().invoke(cli.publish, [], obj=_Source(app))
        ArchiveBuilder(app.store).version("zhaolian", (partner("京东科技控股股份有限公司"),))
        result = CliRunner().invoke(
            cli.publish, ["--site", "zhaolian", "--json"], obj=_Source(app)
        )
        report = json.loads(result.output)
        assert (report["mode"], report["site"]) == ("incremental", "zhaolian")
        assert app.store.exists("public/sites/zhaolian/v2.html")

    def test_an_unknown_site_is_a_usage_error(self, app: App) -> None:
        result = CliRunner().invoke(cli.publish, ["--site", "nope"], obj=_Source(app))
        assert result.exit_code == 2
        assert "unknown site(s): nope" in result.output


@pytest.mark.slow  # starts the archiver as a process: an integration test
@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_serve_command_serves_until_interrupted(app: App, tmp_path: Path, inherited: str) -> None:
    """The real command in its own process: it prints where it listens, serves, stops on ^C,
    also when started with SIGINT ignored (what a script's background job inherits)."""
    build_publisher(app.settings, app.store).publish_all()
    disposition = "SIG_IGN" if inherited == "ignored" else "default_int_handler"
    script = (
        "import faulthandler, signal, sys\n"
        f"signal.signal(signal.SIGINT, signal.{disposition})\n"
        "faulthandler.register(signal.SIGUSR1, all_threads=True)\n"
        "from archiver.app import build\n"
        "from archiver.publish.cli import serve\n"
        "from pathlib import Path\n"
        "class S:\n"
        "    def app(self): return build(Path(sys.argv[1]), {})\n"
        "serve.main(['--port', '0'], obj=S(), standalone_mode=False)\n"
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "sites.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert "serving" in line and "public/" in line, line
            url = line.rsplit(" at ", 1)[1].strip()
            assert url.startswith("http://127.0.0.1:")
            status, _, body = fetch(url)
            assert status == 200 and "招联消费金融" in body.decode()
        finally:
            process.send_signal(signal.SIGINT)  # as Ctrl-C would
            stop_or_explain(process)
    assert process.returncode == 0


def stop_or_explain(process: subprocess.Popen[str]) -> None:
    """Wait for the interrupted server; if it hangs, fail with every thread's stack."""
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)  # faulthandler: dump all threads to stderr
        time.sleep(2)
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"archiver serve did not stop on SIGINT; its threads:\n{stderr[-8000:]}")
