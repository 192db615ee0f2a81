"""Shapes blind round 16 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind16.py)."""

from __future__ import annotations

import io
import quopri
import zipfile

import pytest

from archiver.models import ListStatus, Marker
from archiver.partners import AliasTable, compare, extract
from benchmarks import bench_noise
from tests.support.capture import visible_text
from tests.test_partners_documents import FONT, aliases, capture, pdf, response
from tests.test_partners_events import version as manifest
from tests.test_partners_round15 import _served

__all__ = ["aliases"]  # the module's fixture, shared

ANT = "蚂蚁智信（杭州）信息技术有限公司"
DXM = "度小满科技（北京）有限公司"
QY = "上海淇毓信息科技有限公司"
FQL = "深圳市分期乐网络科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"
SH = "上海数禾信息科技有限公司"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def _table(*rows: tuple[str, ...]) -> str:
    cells = ("".join(f"<td>{cell}</td>" for cell in row) for row in rows)
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


@pytest.mark.parametrize(
    "heading", ["三、互联网助贷合作产品信息", "附：合作产品一览", "表3 合作产品信息"]
)
def test_a_product_section_after_the_categories_gives_its_cards_no_category(heading: str) -> None:
    """ "三、合作产品信息" (or an annex, or a numbered table) after "二、增信服务机构", its
    products as cards ("产品类型：个人消费贷款"): the platforms keep their category; the loan's
    kind is no partner's."""
    cards = "".join(
        f"<div class='card'><p>{name}</p><p>产品名称：{product}</p>"
        "<p>产品类型：个人消费贷款</p></div>"
        for name, product in ((ANT, "借呗"), (QY, "360借条"))
    )
    body = (
        f"<h3>一、平台运营机构</h3><p>{ANT}</p><p>{QY}</p>"
        f"<h3>二、增信服务机构</h3><p>{ZA}</p>"
        f"<h3>{heading}</h3>{cards}"
    )
    partners = bench_noise.read(_page(body)).partners
    assert {(p.name, p.category.value) for p in partners} == {
        (ANT, "platform"),
        (QY, "platform"),
        (ZA, "credit_enhancement"),
    }


def test_regulators_slogans_and_kinds_of_company_are_no_partners() -> None:
    """A complaints table's regulator, the slogan beside the logo, and "依法设立的融资担保公司
    或保险公司" in a rule are no partners; the list under them is read."""
    body = (
        "<div class='hd'>某某银行 <span>陇原人民自己的银行</span></div>"
        + _table(
            ("序号", "机构名称", "类型"), ("1", ANT, "平台运营机构"), ("2", ZA, "增信服务机构")
        )
        + "<p>表3 投诉受理渠道</p>"
        + _table(("受理单位", "电话"), ("国家金融监督管理总局甘肃监管局", "12378"))
        + "<p>增信服务机构应当为</p><p>依法设立的融资担保公司或保险公司。</p>"
    )
    assert set(_read(body)) == {ANT, ZA}


def test_a_consumer_finance_companys_funding_banks_are_another_list() -> None:
    body = (
        "<h3>一、互联网助贷业务合作机构</h3>"
        + _table(("序号", "机构名称", "合作类型"), ("1", FQL, "平台运营机构"))
        + "<h3>二、资金合作银行（联合贷款/银团资金）</h3>"
        + _table(("序号", "银行名称", "合作方式"), ("1", "湖北银行股份有限公司", "同业借款"))
    )
    assert _read(body) == {FQL: "平台运营机构"}


def test_the_lead_that_names_whose_list_follows_is_the_publisher() -> None:
    body = (
        "<div>招联消费金融股份有限公司（“招联”）互联网助贷业务合作机构如下：</div>"
        f"<div class='card'><div>{DXM}</div><div>平台运营机构 · 合作产品：有钱花</div></div>"
        f"<div class='card'><div>{ZA}</div><div>增信服务机构</div></div>"
    )
    assert set(_read(body)) == {DXM, ZA}


def test_a_status_and_remark_column_marks_ended_partners() -> None:
    """ "状态/备注" is the remark column: "已终止", "合作到期，不再续约" end their partner."""
    body = _table(
        ("序号", "机构名称", "类型", "状态/备注"),
        ("1", ANT, "平台运营机构", "合作中"),
        ("2", SH, "平台运营机构", "已终止"),
        ("3", ZA, "增信服务机构", "2025年10月31日合作到期，不再续约"),
    )
    partners = {p.name: p for p in bench_noise.read(_page(body)).partners}
    assert not partners[ANT].markers
    assert Marker.TERMINATED in partners[SH].markers
    assert Marker.TERMINATED in partners[ZA].markers


def test_a_line_of_mojibake_on_a_readable_page_leaves_the_list_readable(
    aliases: AliasTable,
) -> None:
    """A pasted note in the wrong charset on a page that reads well otherwise: the list is
    read, and a page with no list says so (it is not a page decoded in the wrong charset)."""
    mojibake = "<p>" + "\ufffd" * 24 + "</p>"
    markup = _page(_table(("序号", "机构名称"), ("1", ANT), ("2", QY)) + mojibake)
    found = extract(_served(markup.encode(), visible_text(markup)), aliases=aliases)
    assert found.list_status is ListStatus.OK
    assert {p.name for p in found.partners} == {ANT, QY}
    notice = "<p>本行将于2026年7月1日起调整部分网点的营业时间，届时将在各网点张贴通知。</p>"
    markup = _page(notice + mojibake, "关于调整营业时间的公告")
    found = extract(_served(markup.encode(), visible_text(markup)), aliases=aliases)
    assert found.list_status is ListStatus.ABSENT


def test_a_list_inside_a_menu_div_left_open_is_read() -> None:
    """ "<div class=nav>" never closed: the article and its table sit inside the menu."""
    rows = "".join(f"<tr><td>{n}<td>{name}<td>平台运营机构" for n, name in ((1, ANT), (2, QY)))
    markup = (
        "<html><body><div class='hd'>某银行<div class='nav'><ul><li>首页<li>公告</ul>"
        "<div class='main'><h2>互联网助贷业务合作机构名单</h2>"
        f"<table><tr><td>序号<td>机构名称<td>类型{rows}</table></body></html>"
    )
    assert {p.name for p in bench_noise.read(markup).partners} == {ANT, QY}


def test_a_credit_code_in_brackets_after_the_name_is_no_part_of_it() -> None:
    items = "".join(
        f"<li><span>{name}</span> <span>（统一社会信用代码：{code}）</span></li>"
        for name, code in ((QY, "91310115MA1K3J3P4M"), (FQL, "91440300MA5DC1YQ6X"))
    )
    found = bench_noise.read(_page(f"<h2>平台运营机构</h2><ul>{items}</ul>"))
    assert [(p.name, p.credit_code) for p in found.partners] == [
        (QY, "91310115MA1K3J3P4M"),
        (FQL, "91440300MA5DC1YQ6X"),
    ]


def test_a_former_name_line_of_a_wrapped_remark_is_no_partner(aliases: AliasTable) -> None:
    """A PDF row whose 备注 wrapped above and below it: "原名称：深圳市前海乐信" alone."""
    body = pdf(
        "序号 机构名称 机构类型 备注",
        f"1 {ANT} 平台运营机构",
        "原名称：深圳市前海乐信",
        "2 深圳市分期乐融资担保有限公司 增信服务机构 融资担保有限公司，2024",
        "年12月更名",
    )
    found = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert {p.name for p in found.partners} == {ANT, "深圳市分期乐融资担保有限公司"}


def test_names_between_you_and_provide_in_a_sentence_are_a_list() -> None:
    body = (
        f"<p>一、平台运营机构：{ANT}。</p>"
        f"<p>二、增信服务机构：我行互联网助贷业务的增信服务由{ZA}、{PICC}提供，均为持牌保险机构。</p>"
    )
    assert {name: category[-6:] for name, category in _read(body).items()} == {
        ANT: "平台运营机构",
        ZA: "增信服务机构",
        PICC: "增信服务机构",
    }


def _docx_with_a_nested_table() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("某银行互联网助贷业务合作机构名单")
    outer = document.add_table(rows=2, cols=1)
    outer.cell(0, 0).text = "合作机构名单（截至2025年9月30日）"
    inner = outer.cell(1, 0).add_table(rows=3, cols=3)
    for row, values in enumerate(
        (("序号", "机构名称", "机构类型"), ("1", ANT, "平台运营机构"), ("2", ZA, "增信服务机构"))
    ):
        for column, value in enumerate(values):
            inner.cell(row, column).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_list_in_a_table_nested_in_a_layout_table_is_read(aliases: AliasTable) -> None:
    found = extract(
        capture(response("名单.docx", _docx_with_a_nested_table(), DOCX)), aliases=aliases
    )
    assert {p.name: p.category_raw for p in found.partners} == {
        ANT: "平台运营机构",
        ZA: "增信服务机构",
    }


_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _opendocument(mimetype: str, body: str) -> bytes:
    """A real OpenDocument file: "mimetype" stored first, then content.xml."""
    rows = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell><text:p>{cell}</text:p></table:table-cell>" for cell in row)
        + '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>'
        for row in (
            ("序号", "机构名称", "机构类型"),
            ("1", ANT, "平台运营机构"),
            ("2", ZA, "增信服务机构"),
        )
    )
    content = (
        f"<office:document-content {_NAMESPACES}><office:body>{body}"
        f'<table:table table:name="名单">{rows}</table:table>'
        + "</office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "mimetype", "lead"),
    [
        ("名单.ods", "application/vnd.oasis.opendocument.spreadsheet", ""),
        ("名单.odt", "application/vnd.oasis.opendocument.text", "<text:h>合作机构名单</text:h>"),
        ("download?id=7", "application/vnd.oasis.opendocument.spreadsheet", ""),
    ],
)
def test_an_opendocument_attachment_is_read(
    aliases: AliasTable, name: str, mimetype: str, lead: str
) -> None:
    """.ods and .odt (LibreOffice, WPS), known by their bytes whatever the URL says."""
    body = _opendocument(mimetype, lead)
    found = extract(capture(response(name, body, "application/octet-stream")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == {
        ANT: "平台运营机构",
        ZA: "增信服务机构",
    }


def test_a_switch_to_traditional_characters_is_no_partner_change(aliases: AliasTable) -> None:
    """The site's 繁體 switch: the same companies in traditional characters, no event."""
    rows = (("序号", "机构名称"), ("1", ANT), ("2", "重庆度小满融资担保有限公司"))
    traditional = (
        ("序號", "機構名稱"),
        ("1", "螞蟻智信（杭州）信息技術有限公司"),
        ("2", "重慶度小滿融資擔保有限公司"),
    )
    before = bench_noise.read(_page(_table(*rows))).partners
    after = bench_noise.read(_page(_table(*traditional), "互聯網助貸業務合作機構名單")).partners
    assert len(after) == 2
    assert compare(manifest(before), after, aliases=aliases) == ((), ())


def test_an_advert_in_an_article_is_no_partner() -> None:
    advert = "<section><p>广告</p><p>开通手机银行，领取10元立减金&gt;&gt;</p></section>"
    body = f"<h3>平台运营机构</h3><p>1. {ANT}</p><p>2. {QY}</p>{advert}"
    assert set(_read(body)) == {ANT, QY}


def test_a_note_naming_a_former_name_without_a_verb_is_a_rename() -> None:
    """ "注：甲原名乙。": the former name follows 原名 with nothing between."""
    body = _table(("序号", "机构名称"), ("1", "北京抖音信息服务有限公司"))
    body += "<p>注：北京抖音信息服务有限公司原名北京微播视界科技有限公司。</p>"
    (partner,) = bench_noise.read(_page(body)).partners
    assert partner.former_names == ("北京微播视界科技有限公司",)


def test_a_saved_web_page_attachment_is_read_whoever_saved_it(aliases: AliasTable) -> None:
    """An .mht (MHTML) whose HTML carries no Office markers: a saved page, read as one."""
    rows = "".join(f"<tr><td>{n}</td><td>{name}</td></tr>" for n, name in ((1, ANT), (2, ZA)))
    header = "<tr><td>序号</td><td>机构名称</td></tr>"
    html = f"<html><body><p>合作机构名单</p><table>{header}{rows}</table>"
    part = quopri.encodestring(html.encode()).decode()
    body = (
        'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b1"\n\n--b1\n'
        "Content-Location: file:///C:/t/list.htm\nContent-Transfer-Encoding: quoted-printable\n"
        f'Content-Type: text/html; charset="utf-8"\n\n{part}\n--b1--\n'
    ).encode()
    found = extract(
        capture(response("名单.mht", body, "application/octet-stream")), aliases=aliases
    )
    assert {p.name for p in found.partners} == {ANT, ZA}


def _two_page_pdf(first: list[str], second: list[str]) -> bytes:
    """A real two-page PDF, each page's lines then its "第 n 页 共 2 页" footer."""
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_font("zh", fname=FONT)
    for number, lines in enumerate((first, second), 1):
        document.add_page()
        document.set_font("zh", size=11)
        for line in lines:
            document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        document.set_y(-20)
        document.cell(0, 8, f"第 {number} 页 共 2 页", align="C")
    return bytes(document.output())


def test_a_row_split_by_a_page_break_is_one_row(aliases: AliasTable) -> None:
    """Row 2's every cell went on over the page's footer: "增信服务 | 众安在线财产保险股 |
    个人贷款保" then "机构 | 份有限公司 | 证保险" on the next page."""
    body = _two_page_pdf(
        [
            "序号 机构类型 机构名称 合作产品",
            f"1 平台运营机构 {ANT} 借呗",
            "2 增信服务 众安在线财产保险股 个人贷款保",
        ],
        ["机构 份有限公司 证保险", f"3 增信服务机构 {PICC} 个人贷款保证保险"],
    )
    found = extract(capture(response("名单.pdf", body, "application/pdf")), aliases=aliases)
    assert {p.name: p.category_raw for p in found.partners} == {
        ANT: "平台运营机构",
        ZA: "增信服务机构",
        PICC: "增信服务机构",
    }


def test_a_two_column_notice_lists_its_partners_in_running_text(aliases: AliasTable) -> None:
    """A notice set in two columns: the list is a sentence wrapped at the column's edge
    ("…分别为：" at a line's end, the names on the lines after it)."""
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    left = [
        "为贯彻落实监管要求，本行对互联网助贷业",
        "务合作机构实行名单制管理，现公示如下。",
        "一、平台运营机构。与本行合作的平台运营",
        "机构共2家，分别为：蚂蚁智信（杭州）信",
        "息技术有限公司、度小满科技（北京）有限",
        "公司。",
        "二、增信服务机构。为本行提供增信服务的",
        "机构共2家，分别为：",
        "众安在线财产保险股份有限公司、中国人民",
        "财产保险股份有限公司。",
    ]
    right = [
        "三、本名单实行动态管理，本行将根据合作",
        "情况及时更新并公示。",
        "某某银行股份有限公司",
        "2025年10月10日",
    ]
    document = FPDF()
    document.add_font("zh", fname=FONT)
    document.add_page()
    document.set_font("zh", size=11)
    for column, lines in ((10, left), (110, right)):
        for number, line in enumerate(lines):
            document.set_xy(column, 20 + number * 7)
            document.cell(90, 7, line)
    body = bytes(document.output())
    found = extract(capture(response("公告.pdf", body, "application/pdf")), aliases=aliases)
    assert {p.name for p in found.partners} == {ANT, DXM, ZA, PICC}


def test_a_numbered_table_title_of_partners_ends_the_product_table_above_it() -> None:
    """ "表1 产品信息" set aside as another table; "表2 …合作机构名单" over rows of divs (a
    redesign of the same tables) is the list again."""
    rows = (("产品名称", "年化利率区间（单利）", "期限"), ("富民·易贷", "7.2%-23.9%", "3-36个月"))
    partners = (
        ("序号", "合作机构", "合作类型"),
        ("1", DXM, "平台运营机构"),
        ("2", ZA, "增信服务机构"),
    )

    def divs(table: tuple[tuple[str, ...], ...]) -> str:
        return "".join(
            "<div class='row'>" + "".join(f"<span>{c}</span>" for c in row) + "</div>"
            for row in table
        )

    body = f"<p>表1 互联网贷款产品信息</p>{divs(rows)}"
    body += f"<p>表2 互联网助贷业务合作机构名单</p>{divs(partners)}"
    assert _read(body) == {DXM: "平台运营机构", ZA: "增信服务机构"}
