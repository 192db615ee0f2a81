"""Shapes blind round 19 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind19.py; its documents in
tests/test_partners_round19_docs.py)."""

from __future__ import annotations

import json

import pytest

from archiver.models import ListStatus
from archiver.testing import LocalSite
from benchmarks import bench_noise
from tests.test_partners_round18 import ANT, JD, PICC, QY, ZA, _page, _read

DXM = "度小满科技（北京）有限公司"
FQL = "深圳市分期乐网络科技有限公司"


@pytest.mark.parametrize("label", ["所属集团", "所属集团名称", "母公司", "实际控制人"])
def test_the_group_a_partner_belongs_to_is_no_partner(label: str) -> None:
    """平台运营机构 | 所属集团: the groups beside the partners are other companies, and the
    label, though it ends like a company name ("…集团"), is a label (blind round 19,
    group-column)."""
    body = (
        f"<table><tr><th>序号</th><th>平台运营机构</th><th>{label}</th><th>合作期限</th></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>蚂蚁科技集团股份有限公司</td><td>2025-2027</td></tr>"
        f"<tr><td>2</td><td>{JD}</td><td>京东集团股份有限公司</td><td>2025-2027</td></tr></table>"
    )
    assert _read(body) == {ANT: "平台运营机构", JD: "平台运营机构"}


@pytest.mark.parametrize("mark", [" / ", "／", "/"])
def test_an_english_name_after_a_slash_is_the_same_partners_translation(mark: str) -> None:
    """ "上海淇毓信息科技有限公司 / Shanghai Qiyu Information Technology Co., Ltd.": one partner,
    not two (blind round 19, bilingual; round 18 split "甲/乙" for joint operations)."""
    body = (
        "<table><tr><th>序号<br>No.</th><th>机构名称<br>Institution</th></tr>"
        f"<tr><td>1</td><td>{QY}{mark}Shanghai Qiyu Information Technology Co., Ltd.</td></tr>"
        f"<tr><td>2</td><td>{ZA}<br>ZhongAn Online P&amp;C Insurance Co., Ltd.</td></tr></table>"
    )
    assert set(_read(body)) == {QY, ZA}


def test_a_signature_in_english_and_chinese_is_the_publishers() -> None:
    """The page closes with "Hang Seng Bank (China) Limited 恒生银行（中国）有限公司": the
    publisher's name in both languages, with its region in brackets, is no partner
    (blind round 19, bilingual)."""
    body = (
        f"<table><tr><th>机构名称</th></tr><tr><td>{ANT}</td></tr><tr><td>{QY}</td></tr></table>"
        "<p>Eastbay Bank (China) Limited 东湾银行（中国）有限公司</p>"
    )
    assert set(_read(body)) == {ANT, QY}


def test_tabs_named_by_years_read_only_the_newest_years_list() -> None:
    """ "2025年名单 | 2026年名单" tabs over two panes: the newest year is the list in force, the
    other an earlier edition, whichever pane the page shows and whatever the tabs' order
    (blind round 19, year-tabs)."""
    body = (
        "<ul class='tabs'><li data-t='y25'>2025年名单</li><li data-t='y26'>2026年度</li></ul>"
        f"<div id='y25'><ol><li>{ANT}</li><li>{DXM}</li></ol></div>"
        f"<div id='y26'><ol><li>{ANT}</li><li>{QY}</li></ol></div>"
    )
    assert set(_read(body)) == {ANT, QY}


def test_a_name_cut_short_on_screen_is_read_whole_from_its_tooltip() -> None:
    """Cards whose link shows "上海淇毓信息…" and holds the whole name in its title: the page
    shows the whole name on hover, so it is the name (blind round 19, a-title-ellipsis); a
    card grid closed by the bank's name is signed by the publisher."""
    cards = "".join(
        f"<div class='item'><a href='/p/{i}.html' title='{name}'>{name[:6]}…</a>"
        "<span>平台运营机构</span></div>"
        for i, name in enumerate((ANT, QY, FQL))
    )
    body = f"<div class='list'>{cards}</div><p>苏杭银行股份有限公司</p>"
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", FQL: "平台运营机构"}


def test_an_announcement_that_sends_readers_to_a_column_carries_no_list() -> None:
    """ "…互联网助贷业务合作机构名单请见信息公开栏目。" in a notice about opening hours: the list
    is elsewhere, so this page says nothing about it (absent, not unparseable; blind round 19,
    no-list-announcement)."""
    body = (
        "<p>尊敬的客户：自2026年1月1日起，我行部分网点营业时间调整为9:00-17:00。"
        "互联网助贷业务合作机构名单请见“信息公开”栏目。</p>"
    )
    read = bench_noise.read(_page(body, title="关于调整营业时间的公告"))
    assert read.partners == ()
    assert read.list_status is ListStatus.ABSENT, read.list_note


# An inline array drawn five rows at a time by a plain script, with page links 1 2 3 that mark
# no page as current (the shape of a hand-written CMS page).
_INLINE_PAGER = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构名单</title>
</head><body><h1>互联网助贷业务合作机构名单</h1><table id="t"><tbody></tbody></table>
<p class="pg"></p><script>var rows = {rows};
function show(p) {{ var h = "";
  rows.slice((p - 1) * 2, p * 2).forEach(function (r) {{ h += "<tr><td>" + r + "</td></tr>"; }});
  document.querySelector("#t tbody").innerHTML = h;
  var links = "";
  for (var i = 1; i <= Math.ceil(rows.length / 2); i++)
    links += '<a href="javascript:void(0)" onclick="show(' + i + ')">' + i + "</a> ";
  document.querySelector(".pg").innerHTML = "共" + rows.length + "条 " + links; }}
show(1);</script></body></html>"""


@pytest.mark.browser
def test_page_links_that_mark_no_current_page_are_followed_from_the_first(
    local_site: LocalSite, capturer: object
) -> None:
    """共5条 1 2 3, plain links, none marked: the capture shows page 1 first and turns to 2,
    then 3, so every row is read (blind round 19, inline-js-array)."""
    from archiver.adapters.browser import PlaywrightCapturer
    from archiver.partners import AliasTable, extract
    from archiver.ports import CaptureRequest

    assert isinstance(capturer, PlaywrightCapturer)
    names = [ANT, QY, DXM, FQL, PICC]
    local_site.page("/list.html", _INLINE_PAGER.format(rows=json.dumps(names)))
    request = CaptureRequest(
        site_id="t", url=local_site.url("/list.html"), timeout_s=20, next_texts=("下一页",)
    )
    with capturer.open(request) as session:
        capture = session.snapshot()
    assert sorted(p.name for p in extract(capture, aliases=AliasTable()).partners) == sorted(names)
