"""Shapes blind round 13 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind13.py)."""

from __future__ import annotations

from archiver.models import ListStatus, Marker
from benchmarks import bench_noise

ANT = "蚂蚁智信（杭州）信息技术有限公司"
JD = "北京京东叁佰陆拾度电子商务有限公司"
MT = "北京三快在线科技有限公司"
QY = "上海淇毓信息科技有限公司"
ZA = "众安在线财产保险股份有限公司"
QF = "福州奇富融资担保有限公司"
OLD_QF = "福州三六零融资担保有限公司"
JF = "北京玖富普惠信息技术有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _partners(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def _table(*rows: tuple[str, ...]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table border="1">{cells}</table>'


LIST = _table(
    ("序号", "机构名称", "合作类型"),
    ("1", ANT, "平台运营机构"),
    ("2", MT, "平台运营机构"),
    ("3", ZA, "增信服务机构"),
)


def test_a_name_wrapped_after_its_place_in_a_cell_is_one_name() -> None:
    """An Alt+Enter inside a name cell ("北京京东叁佰陆拾" / "度电子商务有限公司"): the first
    line starts with a place and names no company yet, so it is the head of the name."""
    body = _table(
        ("序号", "机构名称", "合作类型"),
        ("1", "北京京东叁佰陆拾<br>度电子商务有限公司", "平台运营机构"),
        ("2", "蚂蚁智信（杭州）<br>信息技术有限公司", "平台运营机构"),
    )
    assert _partners(body) == {JD: "平台运营机构", ANT: "平台运营机构"}


def test_shareholders_named_after_a_company_name_field_are_no_partners() -> None:
    """A quarterly report: "公司名称：甲。主要股东：乙、丙、丁。" above its partner table."""
    lead = (
        "<p>公司名称：湘江消费金融股份有限公司。主要股东：湘江银行股份有限公司、"
        "城市金服（北京）信息技术有限公司、长沙通程控股股份有限公司。</p>"
    )
    title = "湘江消费金融股份有限公司2025年第三季度信息披露报告"
    assert _partners(lead + "<p>三、互联网助贷业务合作机构</p>" + LIST, title) == {
        ANT: "平台运营机构",
        MT: "平台运营机构",
        ZA: "增信服务机构",
    }


def test_a_hidden_tab_of_ended_partners_beside_a_tab_of_those_in_force_is_ended() -> None:
    """Tabs "现行合作机构 | 已终止合作机构", panes found by data-tab: the second pane's names
    are ended, not current."""
    body = (
        '<ul class="tabs"><li data-tab="now">现行合作机构</li><li data-tab="gone">已终止合作机构'
        '</li></ul><div id="now">'
        + LIST
        + '</div><div id="gone" style="display:none">'
        + _table(("序号", "机构名称", "终止日期"), ("1", JF, "2025-09-30"))
        + "</div>"
    )
    read = {p.name: p.markers for p in bench_noise.read(_page(body)).partners}
    assert read[JF] == (Marker.TERMINATED,)
    assert read[ANT] == read[MT] == read[ZA] == ()


def test_a_superscript_note_number_ties_a_name_to_its_numbered_note() -> None:
    """ "甲公司<sup>2</sup>" and below "2. 自…起暂停与该机构的新增业务合作": suspended; note 1
    (a group remark) and note 3 (a rename) mean other things."""
    body = (
        _table(
            ("序号", "机构名称", "机构类别"),
            ("1", f"{QY}<sup>1</sup>", "平台运营机构"),
            ("2", f"{MT}<sup>2</sup>", "平台运营机构"),
            ("3", f"{QF}<sup>3</sup>", "增信服务机构"),
        )
        + "<p>注：</p><p>1. 上海淇毓信息科技有限公司为奇富科技旗下运营主体。</p>"
        "<p>2. 自2025年11月1日起暂停与该机构的新增业务合作，存量业务继续服务。</p>"
        f"<p>3. 原“{OLD_QF}”，已于2025年8月更名。</p>"
    )
    read = {p.name: p for p in bench_noise.read(_page(body)).partners}
    assert set(read) == {QY, MT, QF}
    assert read[MT].markers == (Marker.SUSPENDED,)
    assert read[QY].markers == ()
    assert OLD_QF in read[QF].former_names


def test_the_lender_introducing_itself_is_not_its_own_partner() -> None:
    """ "甲消费金融是甲集团旗下持牌消费金融公司，…本公司…" and, after the cards, the lender's
    own block (name, hotline, address)."""
    cards = "".join(
        f'<div class="card"><span class="tag">平台运营机构</span><div class="nm">{name}</div>'
        f'<div class="row"><span>客服电话</span><span>{tel}</span></div></div>'
        for name, tel in ((MT, "10107888"), (ANT, "95188"))
    )
    body = (
        "<p>甬城消费金融是甬城集团旗下持牌消费金融公司。为保护消费者权益，现公示本公司互联网"
        "助贷业务合作机构如下：</p>" + cards + '<div class="about"><p>甬城消费金融有限公司</p>'
        "<p>客服热线：4000-188-999</p><p>注册地：浙江省宁波市鄞州区</p></div>"
    )
    assert set(_partners(body)) == {MT, ANT}


def test_a_wechat_articles_account_is_its_publisher() -> None:
    body = (
        '<div id="meta_content"><span>原创</span> <a id="js_name">塞北银行</a> '
        "<em>2025年10月28日</em></div><p>根据监管要求，塞北银行对互联网助贷业务合作机构实行"
        "名单制管理，现将名单公布如下。</p><p>▍平台运营机构</p>"
        f"<p>1</p><p>{ANT}</p><p>2</p><p>{MT}</p>"
        '<p style="text-align:right">塞北银行</p><p>2025年10月28日</p>'
    )
    assert set(_partners(body)) == {ANT, MT}


def test_a_product_table_with_a_long_rate_label_is_not_read() -> None:
    """Its header is no partner header (产品名称 … 年化利率（单利）区间 … 展业平台), even when
    the partner table above it has as many columns."""
    partners = _table(
        ("序号", "合作机构名称", "合作机构类型", "合作期限"),
        ("1", ANT, "平台运营机构", "2025-10-01至2026-09-30"),
        ("2", MT, "平台运营机构", "2025-10-01至2026-09-30"),
        ("3", ZA, "增信服务机构", "2025-10-01至2026-09-30"),
    )
    body = partners + _table(
        ("产品名称", "产品类型", "年化利率（单利）区间", "展业平台"),
        ("美团生活费", "个人消费贷款", "7.2%-24%", "美团"),
        ("放心借", "个人消费贷款", "7.2%-24%", "抖音"),
    )
    assert set(_partners(body)) == {ANT, MT, ZA}


def test_a_change_log_under_the_list_gives_renames_and_ends_never_partners() -> None:
    body = LIST.replace(ZA, QF) + _table(
        ("变更日期", "变更事项", "涉及机构", "说明"),
        ("2025-11-20", "终止合作", JF, "合作终止，存量业务正常服务"),
        ("2025-08-25", "机构更名", f"{OLD_QF} → {QF}", "工商变更登记，合作关系不变"),
        ("2025-07-01", "新增", MT, "平台运营机构"),
    )
    read = {p.name: p for p in bench_noise.read(_page(body)).partners}
    assert set(read) == {ANT, MT, QF, JF}
    assert read[JF].markers == (Marker.TERMINATED,)
    assert read[QF].former_names == (OLD_QF,)
    assert read[MT].products == () and read[MT].markers == ()


def test_the_issuing_department_under_a_plain_text_list_is_no_partner() -> None:
    body = (
        "<pre>序号  机构名称                        合作类型\n"
        f" 1    {ANT}          平台运营机构\n"
        f" 2    {ZA}           增信服务机构\n"
        "发布单位：辽东银行股份有限公司网络金融部      2025年10月\n</pre>"
    )
    assert set(_partners(body)) == {ANT, ZA}


def test_a_hidden_earlier_version_said_to_be_replaced_is_not_read() -> None:
    body = (
        '<div class="ver" id="v2">' + LIST + "</div>"
        '<div class="ver" id="v1" style="display:none"><p>生效日期：2025年6月30日'
        "（已被2025年11月版替代）</p>" + _table(("序号", "机构名称"), ("1", JF)) + "</div>"
    )
    assert set(_partners(body)) == {ANT, MT, ZA}


def test_a_site_in_traditional_characters_knows_its_own_name() -> None:
    body = (
        '<div class="hd">華南商業銀行（中國）有限公司 <span>首頁 信息披露</span></div>'
        + _table(
            ("序號", "機構名稱", "合作類型"),
            ("1", "螞蟻智信（杭州）信息技術有限公司", "平台運營機構"),
        )
        + '<div class="ft">華南商業銀行（中國）有限公司 版權所有</div>'
    )
    assert set(_partners(body, title="合作機構名單 - 華南商業銀行（中國）")) == {
        "螞蟻智信（杭州）信息技術有限公司"
    }


def test_a_call_for_partner_applications_announces_no_list() -> None:
    body = (
        "<p>为稳健发展互联网贷款业务，燕赵银行股份有限公司现面向社会公开征集互联网助贷业务"
        "合作机构，有关事项公告如下。</p><h3>一、征集范围</h3>"
        "<p>（一）平台运营机构：依法设立、具备互联网平台运营资质的机构；</p>"
        "<p>（二）增信服务机构：融资担保公司、保险公司等依法持牌的机构。</p>"
        "<h3>二、报名方式</h3><p>有意向的机构请于2025年10月10日前报送申请材料。</p>"
    )
    read = bench_noise.read(_page(body, title="燕赵银行互联网助贷业务合作机构征集公告"))
    assert read.partners == ()
    assert read.list_status is ListStatus.ABSENT


def test_a_lenders_tip_under_its_list_is_no_partner() -> None:
    """ "甲消费金融有限公司提示：请勿相信…" under a JSON-built list: the lender speaking."""
    body = (
        f"<h3>平台运营机构</h3><ul><li>{ANT} 借呗 95188</li><li>{MT} 美团借钱 10107888</li></ul>"
        '<div class="tips">渝州消费金融有限公司提示：请勿相信任何收取前期费用的贷款广告。</div>'
    )
    assert set(_partners(body)) == {ANT, MT}


def test_a_mega_menus_links_are_no_labelled_field() -> None:
    """<a>公司存款</a><a>普惠金融</a> in a menu: a menu entry, not "公司存款：普惠金融"."""
    menu = (
        '<div class="mega"><ul><li>公司金融<div class="sub"><a>公司存款</a><a>普惠金融</a>'
        "</div></li></ul></div>"
    )
    assert set(_partners(menu + LIST)) == {ANT, MT, ZA}
