"""The browser edge: recycling, crash recovery, bounded concurrency, finding Chromium."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from archiver.adapters.browser import PlaywrightCapturer, find_chromium
from archiver.errors import BrowserUnavailable
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite

pytestmark = pytest.mark.browser


def request(site: LocalSite, path: str = "/a.html") -> CaptureRequest:
    return CaptureRequest(site_id="t", url=site.url(path), timeout_s=20)


@pytest.fixture
def page_site(local_site: LocalSite) -> LocalSite:
    local_site.page("/a.html", "<h1>合作机构名单</h1><p>蚂蚁智信（杭州）信息技术有限公司</p>")
    return local_site


def test_the_browser_is_recycled_after_n_captures(page_site: LocalSite) -> None:
    capturer = PlaywrightCapturer(allow_private=True, restart_after=2)
    try:
        for _ in range(5):
            with capturer.open(request(page_site)) as session:
                assert "蚂蚁智信" in session.snapshot().text
        assert capturer.restarts == 2
        assert capturer.captures_total == 5
    finally:
        capturer.close()


def test_a_crashed_browser_is_relaunched(page_site: LocalSite) -> None:
    capturer = PlaywrightCapturer(allow_private=True)
    try:
        with capturer.open(request(page_site)) as session:
            session.snapshot()
        browser = capturer._browser
        assert browser is not None
        capturer.run(browser.close())  # the browser goes away between captures
        with capturer.open(request(page_site)) as session:
            assert "蚂蚁智信" in session.snapshot().text
        assert capturer.restarts == 1
    finally:
        capturer.close()


def test_no_more_captures_in_flight_than_the_limit(page_site: LocalSite) -> None:
    capturer = PlaywrightCapturer(allow_private=True, concurrency=2)
    lock = threading.Lock()
    state = {"open": 0, "peak": 0}

    def capture() -> None:
        with capturer.open(request(page_site)) as session:
            with lock:
                state["open"] += 1
                state["peak"] = max(state["peak"], state["open"])
            session.snapshot()
            time.sleep(0.2)  # hold the slot so others must queue
            with lock:
                state["open"] -= 1

    try:
        threads = [threading.Thread(target=capture) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert state["peak"] == 2
        assert capturer.captures_total == 5
    finally:
        capturer.close()


def test_every_capture_gets_a_fresh_context(page_site: LocalSite) -> None:
    page_site.page(
        "/cookie.html",
        "<p id=v></p><script>document.getElementById('v').textContent ="
        " document.cookie || 'none'; document.cookie = 'seen=1';</script>",
    )
    capturer = PlaywrightCapturer(allow_private=True)
    try:
        for _ in range(2):
            with capturer.open(request(page_site, "/cookie.html")) as session:
                assert session.snapshot().text.strip() == "none"
    finally:
        capturer.close()


def test_a_missing_browser_is_one_clear_error(page_site: LocalSite, tmp_path: Path) -> None:
    capturer = PlaywrightCapturer(allow_private=True, executable=str(tmp_path / "no-such-chrome"))
    try:
        with pytest.raises(BrowserUnavailable, match="did not start"):
            with capturer.open(request(page_site)) as session:
                session.snapshot()
    finally:
        capturer.close()


def test_find_chromium_prefers_explicit_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVER_CHROMIUM", "/opt/env-chrome")
    assert find_chromium("/opt/explicit") == "/opt/explicit"
    assert find_chromium() == "/opt/env-chrome"
    monkeypatch.delenv("ARCHIVER_CHROMIUM")
    found = find_chromium()
    assert found is not None and Path(found).exists()


def test_the_user_agent_names_the_archiver(page_site: LocalSite) -> None:
    capturer = PlaywrightCapturer(allow_private=True)
    try:
        with capturer.open(request(page_site)) as session:
            session.snapshot()
    finally:
        capturer.close()
    agent = page_site.user_agents[-1]
    assert "DisclosureArchiver/" in agent
    assert "HeadlessChrome" not in agent
