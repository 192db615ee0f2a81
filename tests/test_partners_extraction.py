"""extract(): hand-written pages in shapes the generated corpus does not use, and every
failure path (corrupt attachments, odd JSON, nothing to read)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from archiver.models import Capture, HttpResponse, ListStatus, RenderedPage, SourceKind
from archiver.partners import AliasTable, extract, load_aliases, match_key

CONFIG = Path(__file__).resolve().parents[1] / "config" / "entities.yaml"
URL = "https://www.example-bank.cn/xxpl/2025/0930/list.html"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
QY = "上海淇毓信息科技有限公司"
KX = "深圳市凯旋融资担保有限公司"
SN = "黑龙江三农信融资担保有限公司"


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(CONFIG.read_text())


def page(
    html: str, *, title: str = "互联网助贷业务合作机构名单", region: str = ""
) -> RenderedPage:
    """A rendered page as the browser keeps it (text approximated with lxml)."""
    root = lxml.html.fromstring(html)
    return RenderedPage(
        url=URL, html=html, text=root.text_content(), title=title, region_html=region
    )


def capture(*pages: RenderedPage, **kept: object) -> Capture:
    return Capture(
        site_id="t",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime(2025, 10, 31, tzinfo=UTC),
        browser_version="test",
        pages=pages,
        **kept,  # type: ignore[arg-type]
    )


def response(name: str, body: bytes, media_type: str) -> HttpResponse:
    return HttpResponse(
        url=f"https://www.example-bank.cn/upload/{name}",
        status=200,
        media_type=media_type,
        body=body,
    )


def keys(extraction) -> list[str]:
    return [p.match_key for p in extraction.partners]


def wanted(*names: str) -> list[str]:
    return [match_key(n) for n in names]


HELD_OUT = [
    (
        "items end with semicolons and a full stop",
        "<div class=content><p>现将合作机构公布如下：</p>"
        f"<p>1、{ANT}；</p><p>2、{FQL}；</p><p>3、{QY}。</p></div>",
        [ANT, FQL, QY],
    ),
    (
        "definition list with category terms",
        f"<dl><dt>平台运营机构</dt><dd>{ANT}</dd><dd>{FQL}</dd><dt>增信服务机构</dt><dd>{KX}</dd></dl>",
        [ANT, FQL, KX],
    ),
    (
        "names linked to their web sites, footnote row",
        "<table><tr><td><b>序号</b></td><td><b>合作方</b></td><td><b>合作内容</b></td></tr>"
        f'<tr><td>1</td><td><a href="https://www.antgroup.com">{ANT}</a></td><td>营销获客</td></tr>'
        f'<tr><td>2</td><td><a href="https://www.lexin.com">{FQL}</a></td><td>营销获客</td></tr>'
        '<tr><td colspan="3">注：以上排名不分先后。</td></tr></table>',
        [ANT, FQL],
    ),
    (
        "title row above the header row",
        '<table border="1"><tr><td colspan="3">'
        "XX银行互联网助贷业务合作机构名单（截至2025年9月30日）</td></tr>"
        "<tr><td>序号</td><td>机构名称</td><td>机构类型</td></tr>"
        f"<tr><td>1</td><td>{QY}</td><td>平台运营机构</td></tr>"
        f"<tr><td>2</td><td>{SN}</td><td>增信服务机构</td></tr></table>",
        [QY, SN],
    ),
    (
        "several names on one line separated by ideographic spaces",
        f"<p><b>平台运营机构</b></p><p>{ANT}\u3000{FQL}\u3000{QY}</p>",
        [ANT, FQL, QY],
    ),
    (
        "name — product on one line",
        f"<h3>合作机构及产品</h3><p>1. {ANT}——蚂蚁信用贷</p><p>2. {FQL}——分期乐</p>",
        [ANT, FQL],
    ),
    (
        "category in brackets after the name",
        f"<p>合作机构名单：</p><p>1.{ANT}（平台运营机构）</p><p>2.{KX}（增信服务机构）</p>",
        [ANT, KX],
    ),
    (
        "category only on the first row of each group, no rowspan",
        "<table><tr><th>类别</th><th>序号</th><th>名称</th></tr>"
        f"<tr><td>平台运营机构</td><td>1</td><td>{ANT}</td></tr>"
        f"<tr><td></td><td>2</td><td>{FQL}</td></tr>"
        f"<tr><td>增信服务机构</td><td>3</td><td>{KX}</td></tr>"
        f"<tr><td></td><td>4</td><td>{SN}</td></tr></table>",
        [ANT, FQL, KX, SN],
    ),
    (
        "product-centred with a co-funding column",
        "<table><tr><th>合作产品</th><th>平台运营机构</th><th>增信服务机构</th></tr>"
        f"<tr><td>微业贷</td><td>深圳前海微众银行股份有限公司</td><td>{KX}</td></tr>"
        f"<tr><td>信用贷</td><td>{ANT}</td><td>—</td></tr></table>",
        ["深圳前海微众银行股份有限公司", KX, ANT],
    ),
    (
        "brand names under a heading (what NIFA complained about)",
        "<h4>一、平台运营机构</h4><p>1. 抖音</p><p>2. 美团</p><p>3. 京东金融</p>",
        ["抖音", "美团", "京东金融"],
    ),
    (
        "a table drawn with div and span (Element-UI / Vue)",
        '<div class="el-table"><div class="tr"><span class="td">序号</span>'
        '<span class="td">合作机构名称</span><span class="td">统一社会信用代码</span>'
        '<span class="td">合作机构类别</span></div>'
        f'<div class="tr"><span class="td">1</span><span class="td">{ANT}</span>'
        '<span class="td">91330106MA2B2XXXXX</span>'
        '<span class="td">平台运营机构</span></div>'
        f'<div class="tr"><span class="td">2</span><span class="td">{KX}</span>'
        '<span class="td">914403007XXXXXXXXX</span>'
        '<span class="td">增信服务机构</span></div></div>',
        [ANT, KX],
    ),
    (
        "list items made of div cells",
        f'<ul class="list"><li><div class="no">1</div><div class="name">{ANT}</div>'
        '<div class="type">平台运营机构</div></li>'
        f'<li><div class="no">2</div><div class="name">{SN}</div>'
        '<div class="type">增信服务机构</div></li></ul>',
        [ANT, SN],
    ),
    (
        "a section of partners whose cooperation ended, history kept",
        f"<p>一、平台运营机构</p><p>1. {ANT}</p><p>2. {FQL}</p>"
        f"<p>二、已终止合作的机构</p><p>1. {QY}</p>",
        [ANT, FQL, QY],
    ),
    (
        "a section whose category is none of the usual ones",
        f"<p>一、平台运营机构</p><p>1. {ANT}</p><p>二、其他合作机构</p><p>1. {KX}</p>",
        [ANT, KX],
    ),
    (
        "label：value fields on one line, separated by semicolons",
        f"<p>1. 合作机构：{ANT}；合作产品：借呗；合作期限：2025-01-01至2026-12-31</p>"
        f"<p>2. 合作机构：{FQL}；合作产品：分期乐；合作期限：2025-01-01至2026-12-31</p>",
        [ANT, FQL],
    ),
    (
        "Word table: every cell a paragraph of spans",
        "<table class=MsoNormalTable border=1><tr><td><p align=center><span>序号</span></p></td>"
        "<td><p><span>合作机构名称</span></p></td><td><p><span>合作机构类别</span></p></td></tr>"
        f"<tr><td><p><span lang=EN-US>1</span></p></td><td><p><span>{ANT}</span></p></td>"
        "<td><p><span>平台运营机构</span></p></td></tr></table>",
        [ANT],
    ),
    (
        "items split by <br> with &nbsp; after the number",
        f"<div>现将合作机构名单公示如下：<br>1.&nbsp;{ANT}<br>2.&nbsp;{FQL}<br>"
        "以上排名不分先后。</div>",
        [ANT, FQL],
    ),
    (
        "an empty first header cell (a checkbox column)",
        "<table><tr><th></th><th>合作机构</th><th>合作业务类型</th></tr>"
        f"<tr><td><input type=checkbox></td><td>{ANT}</td><td>助贷</td></tr>"
        f"<tr><td></td><td>{KX}</td><td>融资担保</td></tr></table>",
        [ANT, KX],
    ),
    (
        "products in brackets after the name",
        f"<h3>平台运营机构</h3><p>1. {ANT}（合作产品：借呗、花呗）</p>"
        f"<p>2. {FQL}（产品名称：分期乐）</p>",
        [ANT, FQL],
    ),
    (
        "attachment file names and contact lines after the list",
        f"<p>一、平台运营机构</p><p>1. {ANT}</p><p>二、增信服务机构</p><p>1. {KX}</p><p>附件：</p>"
        "<p>1. 合作机构名单.pdf</p><p>2. 合作协议范本.docx</p>"
        "<p>联系地址：北京市西城区金融大街1号</p><p>咨询电话：95000</p>",
        [ANT, KX],
    ),
    (
        "a Chinese name with its English translation in the same cell",
        "<table><tr><th>No.</th><th>Partner 合作机构</th><th>Type 类型</th></tr>"
        f"<tr><td>1</td><td>{ANT}<br>Ant Zhixin (Hangzhou) Information Technology Co., Ltd.</td>"
        "<td>平台运营机构 Platform</td></tr></table>",
        [ANT],
    ),
    (
        "categories as table captions",
        f"<table><caption>平台运营机构</caption><tr><th>序号</th><th>名称</th></tr><tr><td>1</td>"
        f"<td>{ANT}</td></tr></table><table><caption>增信服务机构</caption><tr><th>序号</th>"
        f"<th>名称</th></tr><tr><td>1</td><td>{KX}</td></tr></table>",
        [ANT, KX],
    ),
    (
        "a brand column beside the operating entity",
        "<table><tr><th>合作平台</th><th>运营主体</th></tr>"
        f"<tr><td>支付宝</td><td>{ANT}</td></tr><tr><td>分期乐</td><td>{FQL}</td></tr></table>",
        [ANT, FQL],
    ),
    (
        "a numbered list in a layout table cell with prose around it",
        "<table><tr><td>根据监管要求，现将我行互联网助贷业务合作机构名单公告如下，排名不分先后：<br>"
        f"（一）平台运营机构<br>1. {ANT}<br>2. {FQL}<br>（二）增信服务机构<br>1. {KX}<br>"
        "特此公告。<br>示例银行股份有限公司<br>2025年9月30日</td></tr></table>",
        [ANT, FQL, KX],
    ),
]


@pytest.mark.parametrize(
    ("html", "names"), [c[1:] for c in HELD_OUT], ids=[c[0] for c in HELD_OUT]
)
def test_held_out_pages_read_every_partner(aliases, html: str, names: list[str]) -> None:
    """Shapes written by hand, unlike the generated corpus: every partner, nothing else."""
    result = extract(capture(page(f"<html><body>{html}</body></html>")), aliases=aliases)
    assert result.list_status is ListStatus.OK
    assert keys(result) == wanted(*names)


def held_out(name: str, aliases: AliasTable):
    html = next(case[1] for case in HELD_OUT if case[0] == name)
    return extract(capture(page(f"<html><body>{html}</body></html>")), aliases=aliases)


def test_rows_under_a_terminated_section_carry_the_marker(aliases) -> None:
    """ "已终止合作的机构" marks every partner under it; the others keep their category."""
    result = held_out("a section of partners whose cooperation ended, history kept", aliases)
    assert [(p.category.value, [m.value for m in p.markers]) for p in result.partners] == [
        ("platform", []),
        ("platform", []),
        ("platform", ["terminated"]),
    ]


def test_an_unusual_section_gets_category_other(aliases) -> None:
    """ "其他合作机构" starts its own section: its partners are not platforms."""
    result = held_out("a section whose category is none of the usual ones", aliases)
    assert [p.category.value for p in result.partners] == ["platform", "other"]


def test_fields_on_one_line_are_read(aliases) -> None:
    """Products and periods given as label：value pairs on the partner's line."""
    result = held_out("label：value fields on one line, separated by semicolons", aliases)
    assert [(p.products, p.period) for p in result.partners] == [
        (("借呗",), "2025-01-01至2026-12-31"),
        (("分期乐",), "2025-01-01至2026-12-31"),
    ]


def test_a_label_glued_to_the_category_bracket_is_no_part_of_the_name(aliases) -> None:
    """ "甲公司（助贷服务机构）合作业务：…" with no space between the parts (markup without
    whitespace between its spans) reads as the same list as the spaced one."""
    items = "".join(
        f"<li><strong>{name}</strong><span>（{kind}）</span><em>合作业务：某信托计划</em></li>"
        for name, kind in ((FQL, "助贷服务机构"), (KX, "增信服务机构"))
    )
    result = extract(capture(page(f"<ul>{items}</ul>")), aliases=aliases)
    assert [(p.name, p.category_raw) for p in result.partners] == [
        (FQL, "助贷服务机构"),
        (KX, "增信服务机构"),
    ]


def test_fields_separated_by_commas_on_a_numbered_line(aliases) -> None:
    """ "1. 甲公司，平台运营机构，客服电话：…" holds its fields as a spaced line does; a mark
    in brackets beside one name ends that partner, never the whole list; a sentence is not
    cut at its commas ("…，请拨打本公司…" is no name)."""
    lines = (
        f"<p>1. {FQL}，平台运营机构，客服电话：400-010-1616</p>"
        f"<p>2. {KX}（已终止合作），增信服务机构，客服电话：95592</p>"
        "<p>本公司合作机构均经过严格准入，如遇暴力催收，请拨打本公司投诉电话400-029-6699。</p>"
    )
    result = extract(capture(page(f"<h3>合作机构公示</h3>{lines}")), aliases=aliases)
    assert [(p.name, p.category_raw, p.hotline) for p in result.partners] == [
        (FQL, "平台运营机构", "400-010-1616"),
        (KX, "增信服务机构", "95592"),
    ]
    assert [bool(p.markers) for p in result.partners] == [False, True]


def test_a_rename_in_a_numbered_clause_of_a_note_is_stated(aliases) -> None:
    """ "注：1.甲已更名为乙；2.本名单自公告之日起施行…": the rename is the page's statement,
    whatever the alias file knows (the same page must give `renamed` on every install)."""
    old, new = "北京微播视界科技有限公司", "北京抖音信息服务有限公司"
    html = (
        f"<table><tr><th>序号</th><th>机构名称</th></tr><tr><td>1</td><td>{ANT}</td></tr>"
        f"<tr><td>2</td><td>{new}</td></tr></table><p>注：1.{old}已更名为{new}；"
        "2.本名单自公告之日起施行，原公告同时废止。</p>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert [(p.name, p.former_names) for p in result.partners] == [(ANT, ()), (new, (old,))]


def test_a_clause_after_a_sentence_list_is_no_name(aliases) -> None:
    """ "…增信服务机构为甲、乙，均为经…批准设立的财产保险公司": the clause ends in 公司 but
    says something of the names; it is not a third one."""
    html = (
        "<p>我司互联网助贷业务的增信服务机构为中国人民财产保险股份有限公司、中国大地财产保险"
        "股份有限公司，均为经国家金融监督管理总局批准设立的财产保险公司。</p>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "中国人民财产保险股份有限公司",
        "中国大地财产保险股份有限公司",
    ]


def test_brackets_and_brand_columns_give_products(aliases) -> None:
    """Products named in brackets, or in a brand column beside the entity, are products."""
    bracketed = held_out("products in brackets after the name", aliases)
    assert [p.products for p in bracketed.partners] == [("借呗", "花呗"), ("分期乐",)]
    brands = held_out("a brand column beside the operating entity", aliases)
    assert [(p.products, p.category.value) for p in brands.partners] == [
        (("支付宝",), "platform"),
        (("分期乐",), "platform"),
    ]


def test_captions_name_the_category_of_their_table(aliases) -> None:
    """<caption>增信服务机构</caption> is the heading of its table."""
    result = held_out("categories as table captions", aliases)
    assert [p.category.value for p in result.partners] == ["platform", "credit_enhancement"]


def test_category_fills_down_blank_cells(aliases) -> None:
    """A category cell left blank under a filled one belongs to the same category."""
    result = held_out("category only on the first row of each group, no rowspan", aliases)
    assert [p.category.value for p in result.partners] == [
        "platform",
        "platform",
        "credit_enhancement",
        "credit_enhancement",
    ]


def test_category_named_columns_give_their_category(aliases) -> None:
    """渣打-style: a column headed 增信服务机构 lists credit enhancers; products attach."""
    result = held_out("product-centred with a co-funding column", aliases)
    found = {p.name: (p.category.value, p.products) for p in result.partners}
    assert found[KX] == ("credit_enhancement", ("微业贷",))
    assert found[ANT] == ("platform", ("信用贷",))


def test_region_html_is_preferred_to_the_whole_page(aliases) -> None:
    """With a configured selector the reader sees only that region."""
    whole = (
        f"<html><body><ul><li>{FQL}</li></ul>"
        f"<div id=list><ol><li>{ANT}</li></ol></div></body></html>"
    )
    region = f"<div id=list><ol><li>{ANT}</li></ol></div>"
    result = extract(capture(page(whole, region=region)), aliases=aliases)
    assert keys(result) == wanted(ANT)


def test_ignore_patterns_are_removed_before_reading(aliases) -> None:
    """A site's ignore regexes drop text (here a rotating suffix) before names are read."""
    html = f"<table><tr><th>合作机构名称</th></tr><tr><td>{ANT}[ref:8f3a]</td></tr></table>"
    result = extract(capture(page(html)), aliases=aliases, ignore=(r"\[ref:\w+\]", "(unbalanced"))
    assert [p.raw for p in result.partners] == [ANT]


def test_own_institution_is_not_its_own_partner(aliases) -> None:
    """The publisher's own name (configured, or in the title) is never a partner."""
    html = f"<h3>平台运营机构</h3><ol><li>{ANT}</li><li>吉林亿联银行股份有限公司</li></ol>"
    result = extract(
        capture(page(html, title="公告")), aliases=aliases, own_names=("吉林亿联银行股份有限公司",)
    )
    assert keys(result) == wanted(ANT)
    titled = extract(
        capture(page(html, title="吉林亿联银行股份有限公司关于合作机构名单的公告")),
        aliases=aliases,
    )
    assert keys(titled) == wanted(ANT)


OWN = "荆楚江汉银行股份有限公司"
LISTED = f"<h3>平台运营机构</h3><ol><li>{ANT}</li><li>{FQL}</li></ol>"


@pytest.mark.parametrize(
    ("where", "html"),
    [
        ("footer copyright", f"{LISTED}<p>{OWN}</p><div class=foot>{OWN} 版权所有 ICP备1号</div>"),
        ("copyright mark first", f"{LISTED}<p>{OWN}</p><div>Copyright © 2025 {OWN}</div>"),
        ("logo alt", f"<a class=logo><img alt=荆楚江汉银行></a>{LISTED}<p>荆楚江汉银行</p>"),
        (
            "header bar",
            f"<div class=hd>荆楚江汉银行</div><h1>公告</h1>{LISTED}<p>荆楚江汉银行</p>",
        ),
        ("heading", f"<h1>荆楚江汉银行关于合作机构名单的公示</h1>{LISTED}<p>{OWN}</p>"),
        (
            "the notice names itself",
            f"<p>{OWN}（以下简称“我行”）现将名单公示如下：</p>{LISTED}<p>2025-08-29{OWN}</p>",
        ),
    ],
)
def test_the_sites_own_name_outside_the_title_is_no_partner(aliases, where, html) -> None:
    """The publisher says who it is in its footer, logo, heading or first sentence: that
    name, wherever else it appears (a signer, a dated byline), is never its own partner."""
    result = extract(
        capture(page(f"<html><body>{html}</body></html>", title="公告")), aliases=aliases
    )
    assert keys(result) == wanted(ANT, FQL), where


def test_a_group_sibling_of_the_publisher_stays_a_partner(aliases) -> None:
    """Another legal name of the same group is another institution."""
    sibling = "荆楚江汉消费金融有限公司"
    html = f"<h3>平台运营机构</h3><ol><li>{ANT}</li><li>{sibling}</li></ol><p>© {OWN}</p>"
    result = extract(capture(page(html, title="公告")), aliases=aliases)
    assert keys(result) == wanted(ANT, sibling)


def test_partner_banks_in_cards_and_a_logo_wall_stay_partners(aliases) -> None:
    """Only the site's first logo and a heading that announces something say who publishes:
    co-lending banks shown as cards with their logos are partners."""
    bank = "青溪农村商业银行股份有限公司"
    html = (
        f"<img class=logo alt=荆楚江汉银行><h1>荆楚江汉银行合作机构名单</h1>"
        f"<h3>联合贷款合作机构</h3><div class=card><img class=logo alt={bank}><h2>{bank}</h2>"
        f"</div><div class=card><h2>{ANT}</h2></div>"
    )
    result = extract(capture(page(html, title="公告")), aliases=aliases)
    assert match_key(bank) in keys(result)


def test_names_in_a_sentence_list_with_and_or_be(aliases) -> None:
    """ "平台运营机构为甲、乙和丙，增信服务机构为丁": 为 introduces a list, 和 parts two
    names, and a sentence that ends one partnership marks it ended."""
    text = (
        f"<p>本行合作的平台运营机构为{ANT}、北京瑞和融资担保有限公司和{FQL}，"
        f"增信服务机构为{KX}。本行已于2025年9月30日终止与杭州甲乙网络技术有限公司的合作。</p>"
    )
    result = extract(capture(page(text)), aliases=aliases)
    current = [p for p in result.partners if not p.markers]
    assert [p.match_key for p in current] == wanted(ANT, "北京瑞和融资担保有限公司", FQL, KX)
    assert [p.category_raw for p in current][-1] == "增信服务机构"
    ended = [p for p in result.partners if p.markers]
    assert [p.match_key for p in ended] == wanted("杭州甲乙网络技术有限公司")


def test_a_name_struck_through_without_words_is_ended(aliases) -> None:
    """<s>, <del> or a line-through style with nothing beside the name: ended; a struck
    name with its own words keeps what the words say."""
    html = (
        f"<h3>平台运营机构</h3><ol><li>{ANT}</li><li><s>{FQL}</s></li>"
        f"<li><span style='text-decoration: line-through'>{KX}</span></li>"
        "<li><del>杭州甲乙网络技术有限公司</del>（已暂停合作）</li></ol>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    marks = {p.match_key: [m.value for m in p.markers] for p in result.partners}
    assert marks == {
        match_key(ANT): [],
        match_key(FQL): ["terminated"],
        match_key(KX): ["terminated"],
        match_key("杭州甲乙网络技术有限公司"): ["suspended"],
    }


def test_a_two_item_list_of_guarantors_is_no_tab_bar(aliases) -> None:
    """Two items that each name a category's kind of firm (融资担保) are partners, not the
    tabs of the paragraphs after them; the signer above the date is the publisher."""
    html = (
        "<p>（二）增信服务机构</p><ol><li>湖北楚天融资担保有限公司</li>"
        "<li>北京国信普惠融资担保有限公司</li></ol><p>特此公告。</p>"
        "<p>鸿泰信托股份有限公司<br>2026年10月12日</p>"
        "<div class=footer>版权所有 © 2026 鸿泰信托股份有限公司</div>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted("湖北楚天融资担保有限公司", "北京国信普惠融资担保有限公司")


def test_the_sites_navigation_labels_are_no_partners(aliases) -> None:
    """A sidebar of the site's own sections ("新闻中心") read under a list is furniture."""
    html = f"<h3>平台运营机构</h3><ul><li>{ANT}</li><li>新闻中心</li><li>信息披露</li></ul>"
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted(ANT)


def test_as_of_date_is_kept(aliases) -> None:
    """截至… is reported as published."""
    html = f"<p>截止日期：2025-09-30</p><h4>平台运营机构</h4><ol><li>{ANT}</li></ol>"
    assert extract(capture(page(html)), aliases=aliases).as_of == "2025-09-30"


def test_partner_records_cite_their_source(aliases) -> None:
    """Each partner says where it was read: kind, URL and locator."""
    html = (
        f"<table><tr><th>合作机构名称</th></tr><tr><td>{ANT}</td></tr></table>"
        f"<ol><li>{FQL}</li></ol>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    sources = [(p.source.kind, p.source.locator) for p in result.partners if p.source]
    assert sources == [(SourceKind.TABLE_ROW, "table 1 row 2"), (SourceKind.LIST_ITEM, "line 1")]
    assert all(p.source and p.source.url == URL for p in result.partners)


def test_entities_come_from_the_alias_file(aliases) -> None:
    """Partner.entity is the alias file's id when the name is known, else empty."""
    html = (
        f"<h4>平台运营机构</h4><ol><li>{ANT}</li><li>奇富科技（原360数科）</li><li>{KX}</li></ol>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert [p.entity for p in result.partners] == ["ant-zhixin", "qifu", ""]


# --- JSON ------------------------------------------------------------------------------------


SHELL = page("<html><body><div id=app>加载中</div></body></html>", title="合作机构")


def json_capture(*bodies: bytes) -> Capture:
    return capture(
        SHELL,
        json_bodies=tuple(
            response(f"api{i}.json", body, "application/json") for i, body in enumerate(bodies)
        ),
    )


def test_json_array_of_partners_is_read(aliases) -> None:
    """Nested arrays with a name-like key; epoch-ms dates become a period (China time)."""
    body = json.dumps(
        {
            "result": {
                "records": [
                    {
                        "orgName": ANT,
                        "orgType": "1",
                        "beginDate": 1759248000000,
                        "endDate": 1822320000000,
                    },
                    {"orgName": KX, "orgType": "2"},
                ]
            }
        },
        ensure_ascii=False,
    ).encode()
    result = extract(json_capture(body), aliases=aliases)
    assert keys(result) == wanted(ANT, KX)
    assert result.partners[0].period == "2025-10-01至2027-10-01"
    assert result.partners[0].category_raw == "1"
    assert result.partners[0].category.value == "unspecified"  # a code the page never explains
    assert result.partners[0].source is not None
    assert result.partners[0].source.locator == "$.result.records[0]"


def test_jsonp_and_string_lists_are_read(aliases) -> None:
    """JSONP is unwrapped; a list of plain names under a partner key counts."""
    body = (
        "jQuery123(" + json.dumps({"partners": [ANT, FQL]}, ensure_ascii=False) + ");"
    ).encode()
    assert keys(extract(json_capture(body), aliases=aliases)) == wanted(ANT, FQL)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b"{}",
        b"null",
        b'{"data": null}',
        b"not json",
        b"\xff\xfe\x00garbage",
        json.dumps(
            {
                "docs": [
                    {
                        "DOCTITLE": "关于互联网贷款合作机构名单的公告",
                        "DOCRELTIME": "2025-09-30",
                        "URL": "/a.html",
                    }
                ]
            },
            ensure_ascii=False,
        ).encode(),
        json.dumps(
            {"links": [{"name": "中国人民银行", "url": "http://www.pbc.gov.cn"}]},
            ensure_ascii=False,
        ).encode(),
        json.dumps(
            {
                "rows": [
                    {
                        "name": "示例银行股份有限公司北京分行",
                        "address": "北京市西城区金融大街1号",
                        "tel": "010-66668888",
                    }
                ]
            },
            ensure_ascii=False,
        ).encode(),
    ],
    ids=[
        "empty",
        "empty-list",
        "empty-object",
        "null",
        "null-data",
        "not-json",
        "binary",
        "announcement-index",
        "link-list",
        "branch-list",
    ],
)
def test_json_without_partners_gives_none(aliases, body: bytes) -> None:
    """Empty, broken, index and link JSON never crash and never invent partners."""
    result = extract(json_capture(body), aliases=aliases)
    assert result.partners == ()
    assert result.list_status is ListStatus.ABSENT


# --- attachments -----------------------------------------------------------------------------


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("互联网助贷业务合作机构名单", level=1)
    grid = document.add_table(rows=1, cols=2)
    grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "合作机构名称", "合作机构类别"
    for name, category in ((ANT, "平台运营机构"), (KX, "增信服务机构")):
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = name, category
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "合作机构名称", "合作机构类别"])
    sheet.append([1, ANT, "平台运营机构"])
    sheet.append([2, FQL, None])
    sheet.merge_cells("C2:C3")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK_PAGE = page("<html><body><p>名单详见附件。</p></body></html>")


def test_docx_and_xlsx_attachments_are_read_and_their_text_kept(aliases) -> None:
    """Tables in Word and Excel files; merged cells repeat; the text goes to the archive."""
    result = extract(
        capture(
            LINK_PAGE,
            attachments=(
                response("名单.docx", docx_bytes(), DOCX),
                response("名单.xlsx", xlsx_bytes(), XLSX),
            ),
        ),
        aliases=aliases,
    )
    assert keys(result) == wanted(ANT, KX, FQL)
    assert [p.category.value for p in result.partners] == [
        "platform",
        "credit_enhancement",
        "platform",
    ]
    assert [url.rsplit("/", 1)[-1] for url, _ in result.document_texts] == [
        "名单.docx",
        "名单.xlsx",
    ]
    assert ANT in result.document_texts[0][1]


def test_a_hidden_sheet_is_not_read(aliases) -> None:
    """Last quarter's list left on a hidden sheet is not what a reader of the file sees."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["合作机构名称"])
    book.active.append([ANT])
    old = book.create_sheet("上季度")
    old.append(["合作机构名称"])
    old.append([KX])
    old.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    result = extract(
        capture(LINK_PAGE, attachments=(response("名单.xlsx", buffer.getvalue(), XLSX),)),
        aliases=aliases,
    )
    assert keys(result) == wanted(ANT)


def test_csv_attachment_is_read(aliases) -> None:
    """A CSV in GBK, as Excel on Chinese Windows writes it."""
    body = f"合作机构名称,合作机构类别\r\n{ANT},平台运营机构\r\n".encode("gbk")
    result = extract(
        capture(LINK_PAGE, attachments=(response("list.csv", body, "text/csv"),)), aliases=aliases
    )
    assert keys(result) == wanted(ANT)


def broken_zip(good: bytes) -> bytes:
    """A zip whose central directory survives but whose first entry is damaged."""
    data = bytearray(good)
    data[40:80] = b"\x00" * 40
    return bytes(data)


CORRUPT = [
    (
        "truncated PDF",
        "a.pdf",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        "application/pdf",
        "could not be read as PDF",
    ),
    (
        "random bytes named .pdf",
        "b.pdf",
        b"\x89\x00garbage" * 50,
        "application/pdf",
        "could not be read as PDF",
    ),
    ("damaged DOCX", "c.docx", broken_zip(docx_bytes()), DOCX, "could not be read as DOCX"),
    ("truncated XLSX", "d.xlsx", xlsx_bytes()[:300], XLSX, "could not be read as XLSX"),
    (
        "XLSX that is not a zip",
        "e.xlsx",
        b"PK\x03\x04" + b"\x00" * 100,
        XLSX,
        "could not be read as XLSX",
    ),
    (
        "old Word .doc",
        "f.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "application/msword",
        "Word 97-2003 (.doc), which is not read",
    ),
    ("empty body", "g.pdf", b"", "application/pdf", "attachment g.pdf is empty"),
    ("an image", "h.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", "is an image"),
    ("unknown format", "i.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip", "unknown format"),
]


@pytest.mark.parametrize(
    ("name", "body", "media", "note"), [c[1:] for c in CORRUPT], ids=[c[0] for c in CORRUPT]
)
def test_unreadable_attachment_gives_a_note_not_a_crash(aliases, name, body, media, note) -> None:
    """The list may be inside, so the status is unparseable, never an empty list."""
    result = extract(
        capture(LINK_PAGE, attachments=(response(name, body, media),)), aliases=aliases
    )
    assert result.list_status is ListStatus.UNPARSEABLE
    assert note in result.list_note
    assert result.partners == ()


def test_unreadable_attachment_beside_a_readable_list_is_noted(aliases) -> None:
    """A list on the page is read; the broken attachment is still mentioned."""
    html = f"<h4>平台运营机构</h4><ol><li>{ANT}</li></ol>"
    result = extract(
        capture(
            page(html), attachments=(response("x.pdf", b"%PDF-1.4 broken", "application/pdf"),)
        ),
        aliases=aliases,
    )
    assert result.list_status is ListStatus.OK
    assert keys(result) == wanted(ANT)
    assert "x.pdf" in result.list_note


# --- status ----------------------------------------------------------------------------------


def test_nothing_captured_is_absent(aliases) -> None:
    """No page, no response: nothing to read, and no crash."""
    assert extract(capture(), aliases=aliases).list_status is ListStatus.ABSENT


def test_a_page_of_only_prose_is_absent(aliases) -> None:
    """A notice that mentions partners in sentences has no list."""
    html = f"<p>近日，我行与{ANT}签署战略合作协议，双方将在消费金融领域开展合作。</p>"
    result = extract(capture(page(html, title="我行与蚂蚁集团签署战略合作协议")), aliases=aliases)
    assert (result.list_status, result.partners) == (ListStatus.ABSENT, ())


def test_a_lazy_loaded_image_list_is_unparseable(aliases) -> None:
    """An image where the list should be (data-src, no size given) is not an empty list."""
    html = (
        "<h1>互联网助贷业务合作机构名单</h1>"
        '<p><img data-src="/u/2025/list.jpg" src="/u/blank.gif"></p>'
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert result.list_status is ListStatus.UNPARSEABLE
    assert "image" in result.list_note


def test_decorative_images_do_not_make_a_page_unparseable(aliases) -> None:
    """Logos, icons and QR codes are not list images."""
    html = (
        '<img src="/img/logo.png"><img src="/img/qrcode.png" width="90">'
        "<p>关于调整营业时间的公告</p>"
    )
    assert (
        extract(capture(page(html, title="公告")), aliases=aliases).list_status
        is ListStatus.ABSENT
    )


def test_truncation_against_a_section_count(aliases) -> None:
    """A heading that says (共3家) over a list of two is cut short."""
    html = f"<h4>增信服务机构（共3家）</h4><ol><li>{KX}</li><li>{SN}</li></ol>"
    result = extract(capture(page(html)), aliases=aliases)
    assert result.truncated == "the page states 共3家 but 2 partners were read"


def test_pages_without_rendering_are_decoded_from_the_response(aliases) -> None:
    """A capture that kept only the response body (GBK, charset in <meta>) is still read."""
    html = (
        '<html><head><meta charset="gbk"><title>合作机构名单</title></head><body>'
        f"<table><tr><th>合作机构名称</th></tr><tr><td>{ANT}</td></tr></table></body></html>"
    )
    main = HttpResponse(url=URL, status=200, media_type="text/html", body=html.encode("gbk"))
    result = extract(capture(main_response=main), aliases=aliases)
    assert keys(result) == wanted(ANT)


def test_zip_check_catches_damaged_office_files() -> None:
    """The damaged DOCX used above really is damaged (guards the fixture itself)."""
    with zipfile.ZipFile(io.BytesIO(broken_zip(docx_bytes()))) as archive:
        assert archive.testzip() is not None


def test_json_category_from_the_enclosing_object_or_key(aliases) -> None:
    """{"category": …, "partners": […]} and {"增信服务机构": […]} give their rows a category."""
    body = json.dumps(
        {
            "data": [{"category": "平台运营机构", "partners": [{"name": ANT}, {"name": FQL}]}],
            "增信服务机构": [KX],
        },
        ensure_ascii=False,
    ).encode()
    result = extract(json_capture(body), aliases=aliases)
    assert [(p.name, p.category.value) for p in result.partners] == [
        (ANT, "platform"),
        (FQL, "platform"),
        (KX, "credit_enhancement"),
    ]


def test_json_partner_cards_with_logos_under_named_groups_are_read(aliases) -> None:
    """{"groupName": …, "orgs": [{"orgName": …, "logo": …}]}: a logo is no link elsewhere."""
    body = json.dumps(
        {
            "data": {
                "groups": [
                    {"groupName": "平台运营机构", "orgs": [{"orgName": ANT, "logo": "/l/1.png"}]},
                    {"groupName": "增信服务机构", "orgs": [{"orgName": KX, "logo": "/l/2.png"}]},
                ]
            }
        },
        ensure_ascii=False,
    ).encode()
    result = extract(json_capture(body), aliases=aliases)
    assert [(p.name, p.category.value) for p in result.partners] == [
        (ANT, "platform"),
        (KX, "credit_enhancement"),
    ]


def test_a_former_name_column_declares_the_former_name(aliases) -> None:
    """A 曾用名 column: the partner's former name, so a switch to the new name is a rename."""
    html = (
        "<table><tr><th>序号</th><th>机构名称</th><th>曾用名</th></tr>"
        "<tr><td>1</td><td>桔子数字科技有限公司</td><td>北京桔子分期电子商务有限公司</td></tr>"
        f"<tr><td>2</td><td>{ANT}</td><td>—</td></tr></table>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert [p.former_names for p in result.partners] == [("北京桔子分期电子商务有限公司",), ()]


def test_codes_and_labels_under_a_name_are_not_partners(aliases) -> None:
    """A credit code printed under the name in the same cell is not a second partner."""
    html = (
        "<table><tr><th>合作机构名称</th></tr>"
        f"<tr><td>{ANT}<br>统一社会信用代码：91330106MA2B2XXXXX</td></tr>"
        f"<tr><td>{KX}<br>91440300MA5XXXXXXX</td></tr></table>"
    )
    assert keys(extract(capture(page(html)), aliases=aliases)) == wanted(ANT, KX)


def test_an_update_notice_lists_new_and_ended_partners(aliases) -> None:
    """ "新增合作机构：…" and "终止合作机构：…" in one notice; the ended one is marked."""
    html = f"<p>新增合作机构：{ANT}、{FQL}</p><p>终止合作机构：{KX}</p>"
    result = extract(capture(page(html, title="关于调整合作机构名单的公告")), aliases=aliases)
    assert [(p.name, [m.value for m in p.markers]) for p in result.partners] == [
        (ANT, []),
        (FQL, []),
        (KX, ["terminated"]),
    ]


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("自2025年10月1日起，我行已终止与全部合作机构的互联网助贷业务合作。", True),
        ("我司已终止与所有助贷平台的合作", True),
        ("我行决定停止互联网助贷业务", True),
        ("截至2025年10月31日，我行暂无互联网助贷业务合作机构。", True),
        ("合作机构名单：无", True),
        ("自即日起终止与上海甲乙科技有限公司的助贷业务合作。", False),  # one partner, not all
        ("不再与上海甲乙科技有限公司合作", False),
        ("关于调整互联网助贷业务合作机构名单的公告", False),
    ],
)
def test_termination_means_the_whole_business(text: str, ended: bool) -> None:
    """Only a notice about all partners makes an empty list believable."""
    from archiver.partners.verdict import is_termination_notice

    assert is_termination_notice([text]) is ended


def test_preformatted_and_run_on_lists_are_split_into_items(aliases) -> None:
    """<pre> keeps its lines; "1. 甲 2. 乙" written on one line is two items."""
    pre = f"<h4>平台运营机构</h4><pre>1   {ANT}   95188\n2   {FQL}   400-000-1234</pre>"
    result = extract(capture(page(pre)), aliases=aliases)
    assert [(p.match_key, p.hotline) for p in result.partners] == [
        (match_key(ANT), "95188"),
        (match_key(FQL), "400-000-1234"),
    ]
    run_on = f"<h4>增信服务机构</h4><p>1. {KX} 2. {SN}</p>"
    assert keys(extract(capture(page(run_on)), aliases=aliases)) == wanted(KX, SN)


def test_labelled_fields_after_a_bracketed_category_are_read(aliases) -> None:
    """ "名称（类别），产品：…" list items: the name stops at the comma, the rest are fields."""
    html = (
        "<h1>互联网助贷业务合作机构名单</h1><ol>"
        "<li>蚂蚁智信（杭州）信息技术有限公司（平台运营机构），产品：借呗</li>"
        "<li>上海淇毓信息科技有限公司（平台运营机构），产品：360借条，客服电话：95188</li>"
        "<li>深圳市凯旋融资担保有限公司（增信服务机构）</li></ol>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted(
        "蚂蚁智信（杭州）信息技术有限公司",
        "上海淇毓信息科技有限公司",
        "深圳市凯旋融资担保有限公司",
    )
    assert [(p.category_raw, p.products, p.hotline) for p in result.partners] == [
        ("平台运营机构", ("借呗",), ""),
        ("平台运营机构", ("360借条",), "95188"),
        ("增信服务机构", (), ""),
    ]


@pytest.mark.parametrize(
    "markup",
    [
        # bootstrap-style: each tab names its pane by id; the panes come in the other order
        '<ul class="nav-tabs"><li><a href="#g">平台运营机构</a></li>'
        '<li><a href="#c">增信服务机构</a></li></ul><div class="tab-content">'
        f'<div id="c" style="display:none"><table><tr><td>1</td><td>{KX}</td></tr></table></div>'
        f'<div id="g"><table><tr><td>1</td><td>{ANT}</td></tr><tr><td>2</td><td>{FQL}</td></tr>'
        "</table></div></div>",
        # layui-style: tabs and panes match by position
        '<ul class="layui-tab-title"><li>平台运营机构</li><li>增信服务机构</li></ul>'
        '<div class="layui-tab-content">'
        f'<div class="layui-tab-item"><p>1、{ANT}</p><p>2、{FQL}</p></div>'
        f'<div class="layui-tab-item"><p>1、{KX}</p></div></div>',
    ],
    ids=["by-reference", "by-position"],
)
def test_each_tab_pane_takes_its_own_tab_label(markup: str, aliases) -> None:
    """Tabs that name categories head their own panes, not the last label for all."""
    html = f"<html><body><h1>互联网助贷业务合作机构名单</h1>{markup}</body></html>"
    result = extract(capture(page(html)), aliases=aliases)
    categories = {p.match_key: p.category.value for p in result.partners}
    assert categories == {
        match_key(ANT): "platform",
        match_key(FQL): "platform",
        match_key(KX): "credit_enhancement",
    }


def test_a_rename_stated_in_a_note_gives_the_new_name_its_former_one(aliases) -> None:
    """ "注：甲已更名为乙。" below the table: 乙 is listed, and its former name is 甲."""
    html = (
        "<html><body><h1>互联网助贷业务合作机构名单</h1><table>"
        "<tr><th>序号</th><th>合作机构名称</th></tr>"
        f"<tr><td>1</td><td>{ANT}</td></tr><tr><td>2</td><td>广东凯旋融资担保有限公司</td></tr>"
        "</table><p>注：深圳市凯旋融资担保有限公司已更名为广东凯旋融资担保有限公司。</p>"
        "</body></html>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    by_name = {p.name: p for p in result.partners}
    assert set(by_name) == {ANT, "广东凯旋融资担保有限公司"}
    assert by_name["广东凯旋融资担保有限公司"].former_names == ("深圳市凯旋融资担保有限公司",)


# --- lists written as sentences, notes, pictures ---------------------------------------------


def test_a_paragraph_of_lists_with_counts_is_read_with_its_categories(aliases) -> None:
    """Two lists with counts in one paragraph, as a bank writes them."""
    html = (
        "<html><body><p>现将合作机构公告如下：平台运营机构共2家，包括："
        f"{ANT}、{FQL}；增信服务机构：{KX}、{QY}。</p></body></html>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted(ANT, FQL, KX, QY)
    assert [p.category.value for p in result.partners][:3] == [
        "platform",
        "platform",
        "credit_enhancement",
    ]


def test_a_note_under_the_list_marks_a_partner_ended(aliases) -> None:
    """ "注：甲已注销，…" under a list: 甲 is shown but no longer a partner."""
    html = (
        f"<html><body><ol><li>{ANT}</li><li>{FQL}注</li></ol>"
        f"<p>注：{FQL}已注销，本行已停止与其开展新增业务。</p></body></html>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert [(p.name, [m.value for m in p.markers]) for p in result.partners] == [
        (ANT, []),
        (FQL, ["deregistered"]),
    ]


def test_the_alt_text_of_a_list_picture_is_read_but_not_a_logos(aliases) -> None:
    alt = f"平台运营机构：{ANT}、{FQL}；增信服务机构：{KX}。"
    html = (
        f"<html><body><img src='/logo.png' alt='某某银行股份有限公司'>"
        f"<img src='/list.png' alt='{alt}'></body></html>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted(ANT, FQL, KX)


def test_a_table_with_two_partners_per_row_is_read_column_by_column(aliases) -> None:
    """序号|机构名称|序号|机构名称, numbered down the left half, then the right."""
    html = (
        "<html><body><table><tr><th>序号</th><th>机构名称</th><th>序号</th><th>机构名称</th></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>3</td><td>{KX}</td></tr>"
        f"<tr><td>2</td><td>{FQL}</td><td></td><td></td></tr></table></body></html>"
    )
    result = extract(capture(page(html)), aliases=aliases)
    assert keys(result) == wanted(ANT, FQL, KX)
    assert not result.truncated
