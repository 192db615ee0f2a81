"""Untrusted pages: nothing leaks, nothing dies, nothing is skipped in silence (issue 10).

The corpus (`tests.support.hostile`) is served on 127.0.0.1 next to an "internal" server on
127.0.0.2 holding a secret; one `archiver check` pass runs every attack next to a normal
page, then `archiver publish`, and not one byte of the secret may be anywhere in the store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.guard import AddressGuard
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite
from tests.support.hostile import SECRET, config_yaml, install, list_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def archiver(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVER_SMTP_PASSWORD": "pw-should-not-reach-chromium"}
    return subprocess.run(
        [sys.executable, "-m", "archiver", "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )


def secret_files(*roots: Path) -> list[str]:
    """Every file under `roots` holding the secret's bytes (UTF-8 or UTF-16)."""
    needles = (SECRET.encode(), SECRET.encode("utf-16-le"))
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and any(n in path.read_bytes() for n in needles):
                found.append(str(path))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One pass of `archiver check` over the whole corpus, then `archiver publish`."""
    root = tmp_path_factory.mktemp("hostile")
    with LocalSite() as bank, LocalSite(host="127.0.0.2") as internal:
        sites = install(bank, internal, root / "secret.html")
        config = root / "sites.yaml"
        config.write_text(config_yaml(bank, sites, root), encoding="utf-8")
        checked = archiver(config, "check", "--json")
        published = archiver(config, "publish")
        lines = [line for line in checked.stdout.splitlines() if line.strip()]
        results = {r["site"]: r for r in map(json.loads, lines)}
        yield {
            "root": root,
            "config": config,
            "checked": checked,
            "published": published,
            "results": results,
            "internal_hits": dict(internal.hits),
            "bank_hits": dict(bank.hits),
        }


def manifest(corpus: dict[str, object], site: str) -> dict[str, object]:
    shown = archiver(corpus["config"], "show", site, "--json")  # type: ignore[arg-type]
    assert shown.returncode == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


def test_the_pass_finishes_and_every_site_is_recorded(corpus: dict[str, object]) -> None:
    """No attack aborts the pass or hides a site: 14 results, none an internal error."""
    checked = corpus["checked"]
    assert isinstance(checked, subprocess.CompletedProcess)
    assert checked.returncode == 0, checked.stderr[-2000:]
    results = corpus["results"]
    assert isinstance(results, dict)
    assert len(results) == 14
    assert not [s for s, r in results.items() if r["status"] == "internal_error"]
    published = corpus["published"]
    assert isinstance(published, subprocess.CompletedProcess)
    assert published.returncode == 0, published.stderr[-2000:]


def test_no_secret_byte_is_anywhere_in_the_store(corpus: dict[str, object]) -> None:
    """Frames, attachments, redirects, XHR and file: links to the secrets leave no trace."""
    root = corpus["root"]
    assert isinstance(root, Path)
    assert secret_files(root / "archive", root / "var") == []


def test_refused_fetches_never_reach_the_internal_host(corpus: dict[str, object]) -> None:
    """The host rule refuses before any request: the frame and the attachment (also behind a
    redirect hop the downloader follows itself) are never fetched."""
    hits = corpus["internal_hits"]
    assert isinstance(hits, dict)
    assert hits.get("/frame.html", 0) == 0
    assert hits.get("/creds.txt", 0) == 0


def test_the_normal_page_is_archived_in_the_same_pass(corpus: dict[str, object]) -> None:
    results = corpus["results"]
    assert isinstance(results, dict)
    for site in ("normal", "surrogate", "deep", "frame", "attach", "nextfile", "redirect"):
        assert results[site]["outcome"] == "new", (site, results[site]["error"])


@pytest.mark.parametrize(
    ("site", "url_part", "reason", "purpose"),
    [
        ("frame", "127.0.0.2", "foreign_host", "frame"),
        ("attach", "127.0.0.2", "foreign_host", "attachment"),
        ("nextfile", "file://", "scheme", "navigation"),
        ("redirect", "/creds.txt", "foreign_host", "attachment"),
        ("redirect", "/secret.json", "foreign_host", "json"),
    ],
)
def test_refused_fetches_are_recorded_in_the_manifest(
    corpus: dict[str, object], site: str, url_part: str, reason: str, purpose: str
) -> None:
    refused = manifest(corpus, site)["refused"]
    assert isinstance(refused, list)
    assert any(
        url_part in r["url"] and r["reason"] == reason and r["purpose"] == purpose for r in refused
    ), refused


@pytest.mark.parametrize("site", ["big", "gzip", "huge", "flood"])
def test_a_capture_over_a_budget_is_truncated_never_ok(
    corpus: dict[str, object], site: str
) -> None:
    """What the capture got is preserved, marked truncated, and never believed."""
    results = corpus["results"]
    assert isinstance(results, dict)
    assert results[site]["outcome"] == "new"
    assert results[site]["belief"] == "truncated"
    assert "budget" in str(manifest(corpus, site)["belief_note"])


def test_a_page_that_redirects_off_its_host_is_refused(corpus: dict[str, object]) -> None:
    results = corpus["results"]
    assert isinstance(results, dict)
    assert (results["away"]["outcome"], results["away"]["status"]) == ("failed", "refused")


def test_office_bombs_become_unparseable_or_read_within_budget(
    corpus: dict[str, object],
) -> None:
    results = corpus["results"]
    assert isinstance(results, dict)
    assert results["xlsx"]["outcome"] == "new"
    note = manifest(corpus, "xlsx")["list_note"]
    assert "over the reading budget" in str(note)
    assert results["docx"]["outcome"] == "new"  # the page's own list is read
    assert "over the reading budget" in str(manifest(corpus, "docx")["list_note"])


def test_a_lone_surrogate_is_archived_as_the_replacement_character(
    corpus: dict[str, object],
) -> None:
    root = corpus["root"]
    assert isinstance(root, Path)
    texts = [
        p.read_bytes()
        for p in (root / "archive" / "blobs").rglob("*")
        if p.is_file() and "说明".encode() in p.read_bytes()
    ]
    assert any("\ufffd说明".encode() in t for t in texts)


def test_operator_alerts_are_raised_for_truncated_captures(corpus: dict[str, object]) -> None:
    root = corpus["root"]
    assert isinstance(root, Path)
    notices = [
        p.read_text(encoding="utf-8")
        for p in (root / "archive").rglob("*.json")
        if "outbox" in p.parts and '"truncated"' in p.read_text(encoding="utf-8")
    ]
    assert notices


# --- the address rule, without allow_private ---------------------------------------------


def test_private_addresses_are_refused_by_default(tmp_path: Path) -> None:
    """Without network.allow_private, a site on 127.0.0.1 is refused and never requested."""
    with LocalSite() as bank:
        bank.page("/list.html", list_page())
        config = tmp_path / "sites.yaml"
        config.write_text(
            f"storage: {{kind: local, path: '{tmp_path / 'archive'}'}}\n"
            f"state_dir: '{tmp_path / 'var'}'\n"
            f"sites:\n  - {{id: local, name: local, url: '{bank.url('/list.html')}'}}\n",
            encoding="utf-8",
        )
        checked = archiver(config, "check", "--json")
        assert checked.returncode == 0, checked.stderr
        result = json.loads(checked.stdout)
        assert (result["outcome"], result["status"]) == ("failed", "refused")
        assert bank.hits["/list.html"] == 0


def test_the_guard_refuses_redirect_hops_of_any_resource(tmp_path: Path) -> None:
    """An image on the page redirects to a private address: the guard proxy refuses the hop
    (the router never sees redirects), and the capture records it."""
    with LocalSite() as bank, LocalSite(host="127.0.0.2") as internal:
        internal.file("/meta.png", b"\x89PNG secret", "image/png")
        bank.redirect("/logo.png", internal.url("/meta.png"))
        bank.page("/list.html", list_page('<img src="/logo.png">'))
        capturer = PlaywrightCapturer(concurrency=1)
        # 127.0.0.1 stands for a public address here; 127.0.0.2 for the private one
        capturer.guard = AddressGuard(allow_private=False, refuse=lambda a: a == "127.0.0.2")
        try:
            request = CaptureRequest(site_id="t", url=bank.url("/list.html"), max_pages=1)
            with capturer.open(request) as session:
                capture = session.snapshot()
        finally:
            capturer.close()
        assert internal.hits["/meta.png"] == 0
        assert capture.status == 200 and capture.pages
        assert any(
            r.reason == "private_address" and "/meta.png" in r.url for r in capture.refused
        ), capture.refused


def test_every_capture_records_a_script_fetch_redirected_off_the_host() -> None:
    """A page's fetch() is redirected to another host, where the hop fails (CORS): Chromium
    requested the hop, and Playwright sometimes shows only the first request's failure. Ten
    captures in a row each record the refused hop (one in three missed it before)."""
    with LocalSite() as bank, LocalSite(host="127.0.0.2") as internal:
        internal.file("/secret.json", b'{"data": 1}', "application/json")
        bank.redirect("/api.json", internal.url("/secret.json"))
        bank.page(
            "/list.html",
            list_page(
                '<script>fetch("/api.json").catch(() => 0).finally(() => {'
                " const p = document.createElement('p'); p.id = 'done';"
                " p.textContent = '加载完成'; document.body.append(p); });</script>"
            ),
        )
        capturer = PlaywrightCapturer(allow_private=True, concurrency=1)
        request = CaptureRequest(
            site_id="t", url=bank.url("/list.html"), max_pages=1, wait_for="#done"
        )
        recorded = []
        try:
            for _ in range(10):
                with capturer.open(request) as session:
                    capture = session.snapshot()
                recorded.append(
                    any(
                        "/secret.json" in r.url
                        and r.reason == "foreign_host"
                        and r.purpose == "json"
                        for r in capture.refused
                    )
                )
        finally:
            capturer.close()
    assert all(recorded), recorded


# --- healing -------------------------------------------------------------------------------


def test_a_killed_driver_is_replaced_and_the_next_capture_works() -> None:
    with LocalSite() as bank:
        bank.page("/list.html", list_page())
        capturer = PlaywrightCapturer(allow_private=True, concurrency=1)
        request = CaptureRequest(site_id="t", url=bank.url("/list.html"), max_pages=1)
        others = {p.pid for p in _drivers()}  # other tests' browsers (module-scoped) live on
        try:
            with capturer.open(request) as session:
                assert session.snapshot().pages
            drivers = [p for p in _drivers() if p.pid not in others]  # this capturer's only
            assert drivers
            for driver in drivers:
                driver.kill()
            psutil.wait_procs(drivers, timeout=10)
            with capturer.open(request) as session:
                capture = session.snapshot()
        finally:
            capturer.close()
        assert capture.pages and "上海淇毓" in capture.text
        assert capturer.restarts >= 1


def _drivers() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if _is_driver(p)]


def _is_driver(process: psutil.Process) -> bool:
    try:
        return "run-driver" in " ".join(process.cmdline())
    except psutil.Error:  # exited meanwhile, or a zombie
        return False


def test_chromium_gets_no_secret_from_the_environment() -> None:
    capturer = PlaywrightCapturer(
        environ={"PATH": "/usr/bin", "ARCHIVER_SMTP_PASSWORD": "pw", "AWS_SECRET_ACCESS_KEY": "k"}
    )
    assert capturer.environ == {"PATH": "/usr/bin"}
