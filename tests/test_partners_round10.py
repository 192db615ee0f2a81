"""Blind round 10, HTML pages: one focused test per rule the round taught."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.partners import AliasTable, extract
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite
from benchmarks import bench_noise


def ended(markup: str) -> dict[str, bool]:
    page = f"<html><body><h1>互联网助贷业务合作机构名单</h1>{markup}</body></html>"
    return {p.name: bool(p.markers) for p in bench_noise.read(page).partners}


def test_asterisk_notes_that_start_with_a_date_or_end_in_a_later_clause_mark_their_names() -> None:
    rows = (
        "<tr><td>1</td><td>甲乙网络科技有限公司</td><td>平台运营机构</td></tr>"
        "<tr><td>2</td><td>深圳榕树信息科技有限公司<sup>*</sup></td><td>平台运营机构</td></tr>"
        "<tr><td>3</td><td>重庆兴农融资担保集团有限公司<sup>**</sup></td><td>增信服务机构</td></tr>"
        "<tr><td>4</td><td>丙丁信息技术有限公司<sup>△</sup></td><td>平台运营机构</td></tr>"
    )
    notes = (
        "<div class='note'>"
        "<p>* 自2025年10月10日起暂停与该机构的新增业务合作，存量业务正常服务。</p>"
        "<p>** 该机构合作期限为2023年8月20日至2025年8月19日，已到期终止，不再续签。</p>"
        "<p>△ 该机构为2025年新增合作机构，合作期限三年。</p></div>"
    )
    table = f"<table><tr><th>序号</th><th>机构名称</th><th>合作类型</th></tr>{rows}</table>{notes}"
    assert ended(table) == {
        "甲乙网络科技有限公司": False,
        "深圳榕树信息科技有限公司": True,
        "重庆兴农融资担保集团有限公司": True,
        "丙丁信息技术有限公司": False,
    }


NAMES = [
    "蚂蚁智信（杭州）信息技术有限公司",
    "度小满科技（北京）有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "北京三快在线科技有限公司",
    "上海数禾信息科技有限公司",
    "福州三六零融资担保有限公司",
]

# A script draws one page of a paged JSON API and a numbered pager (no "下一页" control):
# the current page is marked by `{current}` on its button, or not at all when it is empty.
PAGED_APP = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构</title></head>
<body><div id="root"></div><script>
function load(p){{fetch("/api/page-"+p+".json").then(function(r){{return r.json();}})
.then(function(j){{var rows=j.records.map(function(n){{return "<tr><td>"+n+"</td></tr>";}});
var pager="";for(var i=1;i<=j.pages;i++){{pager+='<button class="item'+
(i===j.page?' {current}':'')+'" data-p="'+i+'">'+i+'</button>';}}
document.getElementById("root").innerHTML="<h1>互联网助贷业务合作机构名单</h1><table>"+
"<tr><th>合作机构名称</th></tr>"+rows.join("")+"</table><div class='pages'>"+pager+"</div>";
document.querySelectorAll("[data-p]").forEach(function(b){{
b.onclick=function(){{load(+b.getAttribute("data-p"));}};}});}});}}
load(1);</script></body></html>"""

# A server-side pager: page links in <li>, the current page's <li> marked, no "下一页".
LINKED_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构</title></head>
<body><h1>互联网助贷业务合作机构名单</h1><table><tr><th>合作机构名称</th></tr>{rows}</table>
<ul class="page">{pager}</ul></body></html>"""


@pytest.fixture(scope="module")
def capturer() -> Iterator[PlaywrightCapturer]:
    browser = PlaywrightCapturer(allow_private=True, concurrency=1)
    yield browser
    browser.close()


def _read(capturer: PlaywrightCapturer, url: str) -> list[str]:
    request = CaptureRequest(site_id="t", url=url, timeout_s=20, next_texts=("下一页",))
    with capturer.open(request) as session:
        capture = session.snapshot()
    return sorted(p.name for p in extract(capture, aliases=AliasTable()).partners)


def _serve_paged_api(site: LocalSite, current: str) -> None:
    site.page("/index.html", PAGED_APP.format(current=current))
    chunks = [NAMES[0:3], NAMES[3:6], NAMES[6:]]
    for page, records in enumerate(chunks, start=1):
        body = {"page": page, "pages": len(chunks), "records": records}
        data = json.dumps(body, ensure_ascii=False).encode()
        site.file(f"/api/page-{page}.json", data, "application/json")


@pytest.mark.browser
@pytest.mark.parametrize("current", ["active", "item-active", "on"])
def test_a_numbered_pager_without_next_control_is_followed_page_by_page(
    capturer: PlaywrightCapturer, local_site: LocalSite, current: str
) -> None:
    _serve_paged_api(local_site, current)
    assert _read(capturer, local_site.url("/index.html")) == sorted(NAMES)


@pytest.mark.browser
def test_a_numbered_pager_with_no_current_page_marked_is_followed_in_order(
    capturer: PlaywrightCapturer, local_site: LocalSite
) -> None:
    """Buttons 1 2 3 redrawn by a script, none marked: page 1 is shown first, so the pages
    after it are 2, then 3 (blind round 19, inline-js-array; round 10 left them unread)."""
    _serve_paged_api(local_site, "")
    assert _read(capturer, local_site.url("/index.html")) == sorted(NAMES)


@pytest.mark.browser
def test_a_linked_numbered_pager_marked_on_its_list_items_is_followed(
    capturer: PlaywrightCapturer, local_site: LocalSite
) -> None:
    chunks = [NAMES[0:4], NAMES[4:]]
    for page, names in enumerate(chunks, start=1):
        pager = "".join(
            f'<li class="{"active" if n == page else ""}"><a href="/list_{n}.html">{n}</a></li>'
            for n in range(1, len(chunks) + 1)
        )
        rows = "".join(f"<tr><td>{name}</td></tr>" for name in names)
        local_site.page(f"/list_{page}.html", LINKED_PAGE.format(rows=rows, pager=pager))
    assert _read(capturer, local_site.url("/list_1.html")) == sorted(NAMES)


def names(markup: str) -> list[str]:
    return sorted(p.name for p in bench_noise.read(markup).partners)


def test_a_signer_with_its_date_above_the_footer_of_a_layout_table_page_is_the_publisher() -> None:
    # hand-written: the list's table and the signature inside one layout table, tags unclosed
    page = (
        "<html><body><table width=900><tr><td><table width=100%><tr><td>名单<tr><td>"
        "<table border=1><tr><td>序号<td>合作机构名称<td>合作类型"
        "<tr><td>1<td>甲乙网络科技有限公司<td>平台运营机构"
        "<tr><td>2<td>戊己融资担保有限公司<td>增信服务机构</table>"
        "<p>丙丁农村商业银行股份有限公司 2025年9月<div class=foot>鲁ICP备12345678号"
        "</body></html>"
    )
    assert names(page) == ["戊己融资担保有限公司", "甲乙网络科技有限公司"]


def test_a_bank_alone_as_the_last_row_of_a_list_table_stays_a_partner() -> None:
    page = (
        "<html><body><h1>互联网助贷业务合作机构名单</h1><table><tr><th>合作机构名称</th></tr>"
        "<tr><td>甲乙网络科技有限公司</td></tr><tr><td>丙丁银行股份有限公司</td></tr></table>"
        "<div class='ft'>Copyright © 庚辛银行股份有限公司 ICP备1号</div></body></html>"
    )
    assert names(page) == ["丙丁银行股份有限公司", "甲乙网络科技有限公司"]


@pytest.mark.parametrize(
    ("heading", "labels"),
    [
        ("<h4>表三 保管银行</h4>", ("保管人", "保管账户开户行")),
        ("", ("保管人", "保管账户开户行")),
        ("<h4>四、资金托管机构</h4>", ("名称", "账户")),
        ("", ("受托人", "成立日期")),
    ],
    ids=["heading-and-labels", "labels-only", "heading-only", "trustee-labels"],
)
def test_a_custodian_or_trustee_table_beside_the_partner_table_names_no_partner(
    heading: str, labels: tuple[str, str]
) -> None:
    partners = (
        "<table><tr><th>序号</th><th>机构名称</th><th>服务内容</th></tr>"
        "<tr><td>1</td><td>甲乙网络科技有限公司</td><td>获客</td></tr>"
        "<tr><td>2</td><td>戊己融资担保有限公司</td><td>融资担保增信</td></tr></table>"
    )
    other = (
        f"{heading}<table><tr><th>{labels[0]}</th><th>{labels[1]}</th></tr>"
        "<tr><td>丙丁银行股份有限公司</td><td>丙丁银行深圳分行营业部</td></tr></table>"
    )
    page = (
        "<html><body><h2>庚辛信托有限责任公司关于合作机构的公告</h2>"
        f"<h4>表一 助贷合作机构</h4>{partners}{other}</body></html>"
    )
    assert names(page) == ["戊己融资担保有限公司", "甲乙网络科技有限公司"]


def _card(tag: str, brand: str, legal: str, label: str = "机构全称") -> str:
    return (
        f"<div class='item'><div class='top'><em>{tag}</em><b>{brand}</b></div>"
        f"<div class='body'><p>{label}</p><p>{legal}</p><p>客服电话</p><p>95000</p></div></div>"
    )


def test_a_cards_brand_above_its_labelled_legal_name_is_no_partner_of_its_own() -> None:
    cards = (
        _card("平台运营机构", "甲乙金融", "上海甲乙金融信息服务有限公司")
        + _card("增信服务机构", "丙丁保险", "丙丁在线财产保险股份有限公司", "公司全称：")
        + _card("平台运营机构", "戊己科技", "深圳戊己网络科技有限公司")
    )
    page = f"<html><body><h1>互联网助贷业务合作机构公示</h1>{cards}</body></html>"
    read = {p.name: p.category_raw for p in bench_noise.read(page).partners}
    assert read == {
        "上海甲乙金融信息服务有限公司": "平台运营机构",
        "丙丁在线财产保险股份有限公司": "增信服务机构",
        "深圳戊己网络科技有限公司": "平台运营机构",
    }


def test_a_brand_with_no_full_name_label_under_it_is_left_as_read() -> None:
    items = "<li>甲乙金融</li><li>上海丙丁信息服务有限公司</li>"
    page = f"<html><body><h1>互联网助贷业务合作机构名单</h1><ol>{items}</ol></body></html>"
    assert names(page) == sorted(["甲乙金融", "上海丙丁信息服务有限公司"])


@pytest.mark.parametrize(
    "clause", ["合作关系不变", "其他合作事项保持不变", "业务正常开展", "合作不受影响"]
)
def test_a_clause_saying_nothing_else_changes_after_a_rename_is_no_name(clause: str) -> None:
    items = (
        "<li>甲乙网络科技有限公司</li>"
        f"<li>上海丙丁信息科技有限公司已更名为戊己科技（上海）有限公司，{clause}。</li>"
    )
    page = f"<html><body><h1>互联网助贷业务合作机构名单</h1><ol>{items}</ol></body></html>"
    read = {p.name: p.former_names for p in bench_noise.read(page).partners}
    assert read == {
        "甲乙网络科技有限公司": (),
        "戊己科技（上海）有限公司": ("上海丙丁信息科技有限公司",),
    }
