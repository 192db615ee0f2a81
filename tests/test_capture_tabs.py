"""Tabs whose panes a page fetches only when clicked (adapters/lazy_tabs.py, js/tabs.js): each
list tab is clicked once and the page rendered again, so the partners behind it are read;
a tab that is a link to another document is never clicked, and a click that leaves the page
ends the clicking. Real Chromium, pages served on 127.0.0.1 (blind rounds 17 and 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.models import ListStatus
from archiver.partners import extract, load_aliases
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite

CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
QY = "上海淇毓信息科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"

_TABLE = (
    "<table><tr><th>序号</th><th>机构名称</th></tr>"
    "<tr><td>1</td><td>{0}</td></tr><tr><td>2</td><td>{1}</td></tr></table>"
)


def _tabbed(second_tab: str, script: str) -> str:
    return (
        "<h2>互联网助贷业务合作机构名单</h2>"
        '<ul class="tabs"><li class="on" data-tab="pt">平台运营机构</li>'
        f"{second_tab}</ul>"
        f'<div id="tab-pt" class="pane">{_TABLE.format(ANT, QY)}</div>'
        '<div id="tab-zx" class="pane" style="display:none"><p>加载中...</p></div>'
        f"<script>{script}</script>"
    )


_FETCH_ON_CLICK = """
document.querySelectorAll('.tabs li').forEach(function (li) {
  li.onclick = function () {
    document.querySelectorAll('.tabs li').forEach(function (o) { o.className = ''; });
    li.className = 'on';
    document.querySelectorAll('.pane').forEach(function (p) { p.style.display = 'none'; });
    var pane = document.getElementById('tab-' + li.dataset.tab);
    pane.style.display = 'block';
    if (li.dataset.src && !li.dataset.loaded) {
      fetch(li.dataset.src).then(function (r) { return r.text(); })
        .then(function (t) { pane.innerHTML = t; li.dataset.loaded = 1; });
    }
  };
});
"""


def _read(local_site: LocalSite, capturer: PlaywrightCapturer, path: str) -> dict[str, str]:
    request = CaptureRequest(site_id="t", url=local_site.url(path), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert result.list_status is ListStatus.OK, result.list_note
    return {p.name: p.category_raw for p in result.partners}


@pytest.mark.browser
def test_a_tab_whose_pane_is_fetched_when_clicked_is_read(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    local_site.page("/xxpl/frag/zx.html", _TABLE.format(ZA, PICC))
    tab = '<li data-tab="zx" data-src="frag/zx.html">增信服务机构</li>'
    local_site.page("/xxpl/list.html", _tabbed(tab, _FETCH_ON_CLICK))
    assert _read(local_site, capturer, "/xxpl/list.html") == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
        ZA: "增信服务机构",
        PICC: "增信服务机构",
    }


@pytest.mark.browser
def test_a_tab_that_links_another_page_is_not_clicked(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """A tab bar whose other tab is a link to another page: that page is another document
    (discovery's business), not a pane of this one; the list read is the one shown."""
    local_site.page("/xxpl/zx.html", f"<h2>增信服务机构</h2>{_TABLE.format(ZA, PICC)}")
    tab = '<li data-tab="zx"><a href="zx.html">增信服务机构</a></li>'
    local_site.page("/xxpl/list.html", _tabbed(tab, ""))
    assert _read(local_site, capturer, "/xxpl/list.html") == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
    }


@pytest.mark.browser
def test_a_tab_click_that_leaves_the_page_ends_the_clicking(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """A tab whose handler sets location.href: the page it reaches is not read as a pane."""
    local_site.page("/xxpl/zx.html", f"<h2>增信服务机构</h2>{_TABLE.format(ZA, PICC)}")
    tab = '<li data-tab="zx" onclick="location.href=\'zx.html\'">增信服务机构</li>'
    local_site.page("/xxpl/list.html", _tabbed(tab, ""))
    assert _read(local_site, capturer, "/xxpl/list.html") == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
    }


@pytest.mark.browser
def test_tabs_whose_panes_are_in_the_page_already_add_no_render(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    """Every pane in the markup, hidden by style (blind round 16's ab-tabs-category-move): a
    click shows nothing the page did not hold, so the capture stays one render and the left
    navigation never reads as a pane's list."""
    nav = '<ul class="leftnav"><li>公司治理</li><li class="on">合作机构</li><li>年度报告</li></ul>'
    body = _tabbed('<li data-tab="zx">增信服务机构</li>', _FETCH_ON_CLICK).replace(
        "<p>加载中...</p>", _TABLE.format(ZA, PICC)
    )
    local_site.page("/xxpl/list.html", nav + body)
    request = CaptureRequest(site_id="t", url=local_site.url("/xxpl/list.html"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    assert len(capture.pages) == 1
    result = extract(capture, aliases=load_aliases(CONFIG.read_text()))
    assert {p.name: p.category_raw for p in result.partners} == {
        ANT: "平台运营机构",
        QY: "平台运营机构",
        ZA: "增信服务机构",
        PICC: "增信服务机构",
    }
