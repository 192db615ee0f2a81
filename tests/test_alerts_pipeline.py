"""The whole path: a page on 127.0.0.1 changes, real Chromium captures it, the pipeline
archives it, the Alerter (a CheckObserver) mails it through aiosmtpd. Noise mails nobody."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.alerts.alerter import Alerter
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.models import Outcome
from archiver.pipeline import Deps, check_site
from archiver.ports import ObjectStore
from archiver.testing import LocalSite
from tests.support.alerts import SmtpSink, make_alerter

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>公告</title></head>
<body><div class="top">今天是{today}</div>
<div id="content"><h1>互联网助贷业务合作机构名单</h1><p>浏览量：{views}</p>
<table><tr><th>序号</th><th>合作机构名称</th><th>合作机构类别</th></tr>{rows}</table></div>
</body></html>"""


def page(*rows: tuple[str, str], views: int = 1, today: str = "2025年10月1日") -> str:
    cells = "".join(
        f"<tr><td>{i}</td><td>{name}</td><td>{kind}</td></tr>"
        for i, (name, kind) in enumerate(rows, 1)
    )
    return PAGE.format(rows=cells, views=views, today=today)


ANT = ("蚂蚁智信（杭州）信息技术有限公司", "平台运营机构")
LEXIN = ("深圳市分期乐网络科技有限公司", "平台运营机构")
QIFU = ("上海淇毓信息科技有限公司", "平台运营机构")
GUARANTOR = ("深圳市凯旋融资担保有限公司", "增信服务机构")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture
def world(  # noqa: PLR0917 - pytest passes fixtures by name
    local_site: LocalSite,
    local_store: ObjectStore,
    capturer: PlaywrightCapturer,
    sink: SmtpSink,
    tmp_path: Path,
    clock: Any,
) -> Iterator[tuple[Site, Deps, Alerter]]:
    site = Site(id="test-bank", name="测试银行", url=local_site.url("/list.html"))
    index = SqliteIndex(tmp_path / "index.sqlite")
    settings = AlertSettings.model_validate(
        {
            "email": {
                "smtp": {"host": "127.0.0.1", "port": sink.port, "starttls": False},
                "from": "archiver@example.org",
                "to": ["compliance@example.org"],
            },
            "operator": {"to": ["ops@example.org"]},
        }
    )
    alerter = make_alerter(
        settings, local_store, tmp_path / "var", {}, clock.now, sites=[site], history=index
    )
    deps = Deps(
        store=local_store,
        capturer=capturer,
        index=index,
        now=clock.now,
        sleep=clock.sleep,
        observers=(alerter,),
    )
    yield site, deps, alerter
    index.close()


def test_a_partner_change_is_mailed_once_and_noise_never(
    world: tuple[Site, Deps, Alerter], local_site: LocalSite, sink: SmtpSink, clock: Any
) -> None:
    """First version: no mail. Added + dropped partner: one mail. Counter and date: none."""
    site, deps, alerter = world
    local_site.page("/list.html", page(ANT, LEXIN, GUARANTOR))
    assert check_site(site, deps).outcome is Outcome.NEW
    clock.advance(3600)
    local_site.page("/list.html", page(ANT, LEXIN, GUARANTOR, views=812, today="2025年10月2日"))
    assert check_site(site, deps).outcome is Outcome.UNCHANGED
    clock.advance(3600)
    local_site.page("/list.html", page(ANT, QIFU, GUARANTOR, views=813))
    result = check_site(site, deps)
    assert result.outcome is Outcome.CHANGED, result
    received = sink.wait_for(1)
    assert len(received) == 1
    message = received[0].message
    assert message["Subject"] == "[测试银行] 助贷合作机构名单变更：新增 1，移除 1"
    text = message.get_body(("plain",)).get_content()
    assert "上海淇毓信息科技有限公司" in text and "深圳市分期乐网络科技有限公司" in text
    assert "最后确认" in text  # the unchanged check saw v1 after it was first captured
    clock.advance(3600)
    local_site.page("/list.html", page(ANT, QIFU, GUARANTOR, views=9000, today="2025年10月3日"))
    assert check_site(site, deps).outcome is Outcome.UNCHANGED
    assert alerter.deliver_pending(force=True).sent == 0
    assert len(sink.messages) == 1


def test_a_failing_site_tells_the_operator_once(
    world: tuple[Site, Deps, Alerter], local_site: LocalSite, sink: SmtpSink, clock: Any
) -> None:
    """Three failed checks in a row (HTTP 500) give one operator mail, to operators only."""
    site, deps, alerter = world
    local_site.page("/list.html", "<h1>Internal Server Error</h1>", status=500)
    for _ in range(4):
        assert check_site(site, deps).outcome is Outcome.FAILED
        clock.advance(600)
    assert alerter.deliver_pending().sent == 1
    received = sink.wait_for(1)
    assert received[0].rcpt_tos == ("ops@example.org",)
    assert received[0].message["Subject"] == "[archiver 运维] 1 个站点需要处理：连续检查失败 1"
    clock.advance(7200)
    assert check_site(site, deps).outcome is Outcome.FAILED
    assert alerter.deliver_pending().sent == 0
