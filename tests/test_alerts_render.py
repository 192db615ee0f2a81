"""The HTML e-mail as a reader sees it: rendered by headless Chromium at phone and desktop
widths, from the .eml the alerter actually writes (long presigned S3 links included)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from archiver.adapters.browser import find_chromium
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.models import Category, EventType, PartnerEvent
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


pytestmark = pytest.mark.browser

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
SITES = [
    Site(id="zhaolian-cfc", name="招联消费金融", url="https://www.mucfc.com/news/?module=module3"),
    Site(id="bea-china", name="东亚银行（中国）", url="https://www.hkbea.com.cn/"),
]
LONG = (
    "重庆市某某某某某某某某某某某某某某某某某某某科技信息服务有限责任公司"
    "（原某某某某网络小额贷款有限公司）"
)

# Every element's right edge, and every cell whose content is wider than the cell.
OVERFLOW_JS = """
(width) => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) wide.push(el.tagName + ':' + Math.round(box.right));
  }
  const spilled = [...document.querySelectorAll('td, th')]
    .filter(td => td.scrollWidth > td.clientWidth + 1)
    .map(td => td.innerText.slice(0, 30));
  return {scroll: document.documentElement.scrollWidth, wide, spilled};
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=find_chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


def spooled_html(store: ObjectStore, tmp_path: Path, **email: Any) -> list[EmailMessage]:
    """Run real versions through the alerter with the .eml spool; parse what it wrote."""
    settings = AlertSettings.model_validate(
        {"email": {"to": ["compliance@example.org"], **email}, "operator": {"enabled": False}}
    )
    alerter = make_alerter(settings, store, tmp_path / "var", {}, lambda: T0, sites=SITES)
    for index, site in enumerate(SITES):
        before = tuple(partner(f"{site.name}合作机构{i}") for i in range(6))
        after = (
            *before[1:],
            partner("蚂蚁智信（杭州）信息技术有限公司", products=("借呗", "花呗", "网商贷")),
            partner(
                LONG, category=Category.CREDIT_ENHANCEMENT, category_raw="增信服务机构（融资担保）"
            ),
        )
        first = write_version(store, site.id, partners=before, captured_at=T0 - timedelta(days=9))
        events = (
            PartnerEvent(type=EventType.ADDED, name=after[-2].name, match_key=after[-2].match_key),
            PartnerEvent(type=EventType.READDED, name=LONG, match_key=LONG),
            PartnerEvent(
                type=EventType.DROPPED, name=before[0].name, match_key=before[0].match_key
            ),
            PartnerEvent(
                type=EventType.RENAMED,
                name="奇富科技",
                match_key="x",
                old="上海淇毓信息科技有限公司（原360数科）",
                new="奇富科技",
            ),
            PartnerEvent(
                type=EventType.FIELD_CHANGED,
                name=before[1].name,
                match_key=before[1].match_key,
                field="hotline",
                before="400-000-0000",
                after="95188 转 6（工作日 9:00-18:00）",
            ),
        )
        second = write_version(
            store,
            site.id,
            partners=after,
            events=events,
            captured_at=T0 - timedelta(minutes=index),
            previous=first,
        )
        alerter.on_version(site, second, first)
    alerter.flush_digest(force=True)
    alerter.deliver_pending(force=True)
    files = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    return [message_from_bytes(f.read_bytes(), policy=default) for f in files]  # type: ignore[misc]


def check_layout(page: Page, width: int, html: str, shot: Path) -> dict[str, Any]:
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(html)
    page.screenshot(path=str(shot), full_page=True)
    result: dict[str, Any] = page.evaluate(OVERFLOW_JS, width)
    return result


@pytest.mark.parametrize("width", [375, 1024])
def test_partner_mail_fits_a_phone_and_a_desktop(
    browser: Browser, s3_store: ObjectStore, tmp_path: Path, artifacts_dir: Path, width: int
) -> None:
    """Tables of every kind render, nothing overflows horizontally, columns keep a usable width."""
    messages = spooled_html(s3_store, tmp_path)
    assert len(messages) == 2
    html = messages[0].get_body(("html",)).get_content()
    assert "<style" not in html and "X-Amz-Signature" in html  # presigned links, long ones
    page = browser.new_page()
    try:
        layout = check_layout(page, width, html, artifacts_dir / f"alerts-partner-{width}.png")
        assert layout["scroll"] <= width, layout
        assert layout["wide"] == [], layout
        assert layout["spilled"] == [], layout
        text = page.inner_text("body")
        for expected in (
            "新增合作机构（2）",
            "移除合作机构（1）",
            "更名（1）",
            "信息变更（1）",
            "重新加入",
            "借呗",
        ):
            assert expected in text
        columns = page.evaluate(
            "[...document.querySelectorAll('th')].map(th => th.getBoundingClientRect().width)"
        )
        assert len(columns) >= 12 and min(columns) >= 40, columns
        tables = page.evaluate("document.querySelectorAll('table').length")
        assert tables >= 7
    finally:
        page.close()


def test_daily_digest_fits_a_phone(
    browser: Browser, local_store: ObjectStore, tmp_path: Path, artifacts_dir: Path
) -> None:
    """A digest with a summary table and one section per institution, at 375 px."""
    messages = spooled_html(local_store, tmp_path, mode="daily")
    assert len(messages) == 1
    html = messages[0].get_body(("html",)).get_content()
    page = browser.new_page()
    try:
        layout = check_layout(page, 375, html, artifacts_dir / "alerts-digest-375.png")
        assert layout["scroll"] <= 375 and layout["wide"] == [] and layout["spilled"] == [], layout
        headings = page.evaluate("[...document.querySelectorAll('h2')].map(h => h.innerText)")
        assert headings == [
            "东亚银行（中国）：新增 2，移除 1，更名 1，信息变更 1",
            "招联消费金融：新增 2，移除 1，更名 1，信息变更 1",
        ]
    finally:
        page.close()
