"""extract() on HTML shapes of issue 15's sixth reader pass (engineer A's failure classes of
blind round 9), written here in shapes of our own: each test fails on the reader before its
rule."""

from __future__ import annotations

from tests.test_partners_structure import _ended, _extract, read

ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
KX = "深圳市凯旋融资担保有限公司"
PICC = "中国人民财产保险股份有限公司"
TITLE = "互联网助贷业务信息披露"


def _table(header: tuple[str, ...], *rows: tuple[str, ...]) -> str:
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


# --- class 1: tables that are not partner lists -------------------------------------------------


def test_a_table_the_lead_says_names_no_partners_is_not_read() -> None:
    body = (
        "<h2>关于谨防不法分子冒用本公司名义的风险提示</h2>"
        "<p>经核查，下列公司未经本公司授权，与本公司不存在任何业务合作关系：</p>"
        + _table(("序号", "机构名称", "涉及渠道"), ("1", FQL, "短信"), ("2", KX, "电话"))
    )
    found = _extract(body, title="关于谨防不法分子冒用本公司名义的风险提示")
    assert found.partners == ()
    assert found.list_status == "absent"


def test_a_list_under_a_lead_that_disowns_it_is_not_read() -> None:
    body = (
        "<h3>一、合作机构</h3>"
        f"<ol><li>{ANT}</li></ol>"
        "<h3>二、风险提示</h3>"
        "<p>以下机构冒用我行名义开展贷款营销，与我行无任何合作关系：</p>"
        f"<ol><li>{FQL}</li><li>{KX}</li></ol>"
    )
    assert read(body, title=TITLE) == (ANT,)


def test_a_partner_table_after_a_warning_that_points_nowhere_is_read() -> None:
    body = (
        "<p>请谨防不法分子冒用我行名义开展贷款诈骗。</p>"
        "<p>以下为我行互联网助贷业务合作机构名单：</p>"
        + _table(
            ("序号", "合作机构名称", "合作类别"), ("1", ANT, "平台运营"), ("2", KX, "增信服务")
        )
    )
    assert read(body) == (ANT, KX)


def test_a_table_under_a_heading_of_shareholders_is_not_read() -> None:
    body = (
        "<h3>一、合作机构</h3>"
        + _table(("序号", "合作机构名称"), ("1", ANT))
        + "<h3>二、主要股东情况</h3>"
        + _table(("序号", "名称", "持股比例"), ("1", FQL, "30%"))
        + "<h3>三、增信服务机构</h3>"
        + _table(("序号", "合作机构名称"), ("1", KX))
    )
    assert read(body, title=TITLE) == (ANT, KX)


def test_the_header_of_a_product_table_is_no_name() -> None:
    body = (
        "<h3>（一）合作机构名单</h3>"
        + _table(("序号", "机构名称", "合作角色"), ("1", ANT, "平台运营机构"))
        + _table(
            ("产品名称", "年化利率区间", "额度", "期限", "合作平台"),
            ("甲e贷", "7.2%-23.9%", "最高20万元", "3-36期", "某某APP"),
        )
        + "<h3>（二）已终止合作机构</h3>"
        + _table(("机构名称", "终止日期"), (FQL, "2025-06-30"))
    )
    found = _extract(body, title=TITLE)
    assert tuple(p.name for p in found.partners) == (ANT, FQL)
    assert _ended(found) == {ANT: False, FQL: True}


# --- class 2: the publisher's own name ----------------------------------------------------------


def test_the_lenders_name_alone_under_the_table_without_a_date_is_its_signature() -> None:
    body = (
        _table(("合作机构", "合作类型"), (ANT, "平台运营机构"), (KX, "增信服务机构"))
        + "<p>甲乙消费金融股份有限公司</p>"
    )
    assert read(body) == (ANT, KX)


def test_a_lender_named_in_a_list_of_paragraphs_is_still_a_partner() -> None:
    body = f"<h3>联合贷款合作机构</h3><p>{ANT}</p><p>甲乙银行股份有限公司</p>"
    assert read(body) == (ANT, "甲乙银行股份有限公司")


def test_the_brand_in_a_service_line_under_pictures_of_the_list_is_the_publisher() -> None:
    body = '<div><img src="a.jpg" alt=""><img src="b.jpg" alt=""></div>'
    body += "<div>甲乙消费金融 · 客服热线 400-089-6599</div>"
    found = _extract(body, title="合作机构名单")
    assert found.partners == ()


def test_spaces_inside_half_width_brackets_of_a_card_title_keep_the_name_whole() -> None:
    cards = "".join(
        f'<div class="card"><div class="t">{name}</div><div><label>合作类型</label>'
        f"<span>平台运营机构</span></div><div><label>客服电话</label><span>{tel}</span></div></div>"
        for name, tel in (("蚂蚁智信( 杭州 )信息技术有限公司", "95188"), (FQL, "4006866066"))
    )
    found = _extract(f"<div class='list'>{cards}</div>")
    assert [(p.name, p.hotline) for p in found.partners] == [(ANT, "95188"), (FQL, "4006866066")]


def test_a_wechat_bylines_tag_before_the_publishers_account_is_no_partner() -> None:
    body = (
        "<div id='meta_content'><span>原创</span> <a id='js_name'>甲乙银行</a> "
        "<em>2025-10-09 18:30</em></div>"
        "<p>根据监管要求，甲乙银行股份有限公司现将互联网助贷业务合作机构名单公示如下：</p>"
        f"<p><strong>平台运营机构</strong><br>1.{ANT}<br>2.{FQL}</p><p>如有疑问请致电我行客服。</p>"
    )
    assert read(body, title="关于公示互联网助贷业务合作机构名单的公告") == (ANT, FQL)


# --- class 3: cards carry the fields of the table they replace ----------------------------------


def _card(name: str, *lines: str) -> str:
    body = "".join(f"<p>{line}</p>" for line in lines)
    head = f"<div class='card-hd'><span>{name}</span></div>"
    return f"<div class='card'>{head}<div class='card-bd'>{body}</div></div>"


def test_a_cards_code_or_address_line_does_not_cut_the_card_from_its_fields() -> None:
    deck = _card(
        ANT, "统一社会信用代码：91330100MA2CFQ1W7D", "合作类型：平台运营机构", "备注：合作中"
    )
    deck += _card(FQL, "注册地址：深圳市南山区", "合作类型：平台运营机构", "备注：已终止合作")
    found = _extract(f"<div class='card-list'>{deck}</div>")
    assert [(p.name, p.category_raw) for p in found.partners] == [
        (ANT, "平台运营机构"),
        (FQL, "平台运营机构"),
    ]
    assert _ended(found) == {ANT: False, FQL: True}


def test_a_cards_way_of_credit_enhancement_is_its_category_not_a_section() -> None:
    deck = "".join(
        _card(name, f"增信方式：{way}")
        for name, way in (
            (KX, "融资担保"),
            ("阳光财产保险股份有限公司", "保证保险"),
            (PICC, "保证保险"),
        )
    )
    found = _extract(f"<h2>增信服务机构</h2><div class='card-list'>{deck}</div>")
    assert [p.category_raw for p in found.partners] == ["融资担保", "保证保险", "保证保险"]


def test_cards_of_equal_fields_read_as_a_grid_take_their_cells_labels_as_the_header() -> None:
    def card(name: str, *lines: str) -> str:
        body = "".join(f"<p>{line}</p>" for line in lines)
        return f"<div class='card'><div class='card-hd'><span>{name}</span></div>{body}</div>"

    deck = card(
        ANT, "统一社会信用代码：91330100MA2CFQ1W7D", "合作类型：平台运营机构", "备注：合作中"
    )
    deck += card(FQL, "注册地址：深圳市南山区", "合作类型：平台运营机构", "备注：已终止合作")
    found = _extract(f"<div class='card-list'>{deck}</div>")
    assert [(p.name, p.category_raw) for p in found.partners] == [
        (ANT, "平台运营机构"),
        (FQL, "平台运营机构"),
    ]
    assert _ended(found) == {ANT: False, FQL: True}


def test_a_list_items_category_and_start_date_in_one_bracket_are_its_fields() -> None:
    items = f"<li><b>{ANT}</b>（平台运营机构，合作起始日2024-03-01）</li>"
    items += f"<li><b>{KX}</b>（增信服务机构，合作起始日2023-05-10）</li>"
    found = _extract(f"<h3>（一）合作中机构</h3><ul>{items}</ul>")
    assert [(p.name, p.category_raw, p.period) for p in found.partners] == [
        (ANT, "平台运营机构", "2024-03-01"),
        (KX, "增信服务机构", "2023-05-10"),
    ]


# --- class 4: a sentence of its own that states a partner's mark --------------------------------


def test_a_sentence_beside_the_list_suspends_the_partner_it_names_and_is_no_name() -> None:
    body = (
        f"<h3>增信服务机构</h3><ol><li>{KX}</li><li>{PICC}</li></ol>"
        f"<p>我行与{KX}的增信合作自2025年11月1日起暂停。</p>"
    )
    found = _extract(body)
    assert [p.name for p in found.partners] == [KX, PICC]
    assert _ended(found) == {KX: True, PICC: False}


def test_the_lenders_own_voice_before_a_name_is_running_text() -> None:
    body = f"<h3>增信服务机构</h3><ol><li>{PICC}</li></ol><p>我行与{KX}的增信合作将另行公告</p>"
    assert read(body) == (PICC,)


# --- class 5: each div is judged a div table once per walk ---------------------------------------


def test_a_divs_div_table_verdict_is_kept_for_the_walk_and_asked_once() -> None:
    from lxml import html

    from archiver.partners.dom import cell_text
    from archiver.partners.htmltables import DivGrids, grid_of

    page = html.fromstring(
        "<table><tr><td><div id='inner'><p>甲公司</p></div></td><td>乙</td></tr>"
        "<tr><td>丙</td><td>丁</td></tr></table>"
    )
    inner = page.get_element_by_id("inner")
    seen: DivGrids = {}
    assert grid_of(page, "table", cell_text, seen) is not None  # no div table inside: a grid
    assert seen == {inner: None}  # the verdict kept
    seen[inner] = (("a", "b"), ("c", "d"))  # a kept verdict is not asked again
    assert grid_of(page, "table", cell_text, seen) is None


def test_a_notice_of_additions_ends_the_partner_it_says_leaves_the_list() -> None:
    body = (
        "<p>经我行审批，新增以下互联网助贷业务合作机构：</p>"
        f"<p>1. {ANT}（平台运营机构）；</p><p>2. {KX}（增信服务机构）。</p>"
        f"<p>同时，{FQL}因合作到期，自2025年11月30日起退出我行合作机构名单。</p>"
    )
    found = _extract(body, title="关于新增互联网助贷业务合作机构的公告")
    assert [(p.name, p.category_raw) for p in found.partners] == [
        (ANT, "平台运营机构"),
        (KX, "增信服务机构"),
        (FQL, ""),
    ]
    assert _ended(found) == {ANT: False, KX: False, FQL: True}
