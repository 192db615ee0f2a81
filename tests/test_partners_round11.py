"""Shapes blind round 11 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind11.py)."""

from __future__ import annotations

from benchmarks import bench_noise

ANT = "蚂蚁智信（杭州）信息技术有限公司"
JD = "北京京东叁佰陆拾度电子商务有限公司"
PICC = "中国人民财产保险股份有限公司"
KX = "深圳市凯旋融资担保有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def test_a_cards_label_and_badge_are_words_of_their_own() -> None:
    card = (
        '<div class="card"><div class="card-hd"><span class="brand">{brand}</span>'
        '<span class="tag tag-p">{category}</span></div>'
        '<div class="card-bd"><p><label>机构全称</label>{name}</p>'
        "<p><label>客服电话</label>95118</p></div></div>"
    )
    body = "".join(
        card.format(brand=brand, category=category, name=name)
        for brand, category, name in (
            ("京东金融", "平台运营机构", JD),
            ("蚂蚁", "平台运营机构", ANT),
            ("中国人保", "增信服务机构", PICC),
        )
    )
    assert _read(body) == {JD: "平台运营机构", ANT: "平台运营机构", PICC: "增信服务机构"}


def test_a_footnote_about_a_rows_former_name_is_no_partner() -> None:
    body = (
        "<table><tr><th>序号</th><th>合作机构</th><th>合作类型</th></tr>"
        f"<tr><td>1</td><td>{ANT}<sup>①</sup></td><td>平台运营机构</td></tr>"
        f"<tr><td>2</td><td>{KX}</td><td>增信服务机构</td></tr></table>"
        "<p>① 该机构原名称为“杭州蚂蚁信息服务有限公司”，已完成名称变更，合作关系不变。</p>"
        "<p>注：上述机构合作期间均为2025年1月1日至2026年12月31日。</p>"
    )
    assert set(_read(body)) == {ANT, KX}


def test_a_statement_about_kinds_of_institution_is_no_partner() -> None:
    body = (
        "<p>本行合作的增信服务机构均为持牌融资担保公司或保险公司。</p>"
        "<p>一、平台运营机构</p>"
        f"<p>1. {ANT}</p><p>二、增信服务机构</p><p>1. {KX}</p>"
    )
    assert _read(body) == {ANT: "平台运营机构", KX: "增信服务机构"}


def test_a_headings_decoration_is_not_its_category() -> None:
    body = f"<p>▍平台运营机构</p><p>1. {ANT}</p><p>■ 增信服务机构</p><p>1. {KX}</p>"
    assert _read(body) == {ANT: "平台运营机构", KX: "增信服务机构"}


def test_an_article_naming_its_publisher_only_in_its_lead_and_byline() -> None:
    body = (
        '<div class="meta"><span>原创</span> <span>江南银行</span> <span>2025-10-01</span></div>'
        "<p>根据监管要求，现将江南银行股份有限公司互联网助贷业务合作机构名单公示如下：</p>"
        f"<p>1. {ANT}</p><p>2. {KX}</p>"
        "<p>往期推荐</p><p><a href='#'>关于江南银行手机银行暂停服务的公告</a></p>"
    )
    assert set(_read(body, title="名单公示")) == {ANT, KX}


def test_a_brand_line_above_numbered_entities_groups_them() -> None:
    body = (
        "<pre>序号 机构名称 合作类型\n蚂蚁集团\n"
        f"1 {ANT} 平台运营机构\n京东\n2 {JD} 平台运营机构\n3 {KX} 增信服务机构</pre>"
    )
    assert set(_read(body)) == {ANT, JD, KX}


def test_an_unnumbered_brand_among_unnumbered_names_stays_a_partner() -> None:
    body = f"<p>平台运营机构：</p><p>度小满金融</p><p>{ANT}</p><p>{JD}</p>"
    assert set(_read(body)) == {"度小满金融", ANT, JD}


def test_service_numbers_of_every_published_shape_are_hotlines() -> None:
    body = (  # a PDF's text: one line a row, the columns apart by spaces
        "<pre>序号 合作类型 机构名称 客服电话\n"
        f"1 平台运营机构 {ANT} 4001-531-531\n"
        f"2 平台运营机构 {JD} 10100360\n"
        f"3 增信服务机构 {KX} 95188转3</pre>"
    )
    read = bench_noise.read(_page(body)).partners
    assert {p.name: (p.hotline, p.remark) for p in read} == {
        ANT: ("4001-531-531", ""),
        JD: ("10100360", ""),
        KX: ("95188转3", ""),
    }


def test_an_items_number_in_an_element_of_its_own_is_not_part_of_the_name() -> None:
    items = "".join(
        f"<li><span class='idx'>{n}</span>{name}<em>（{kind}）</em></li>"
        for n, (name, kind) in enumerate(((ANT, "平台运营机构"), (KX, "增信服务机构")), 1)
    )
    assert _read(f"<ol>{items}</ol>") == {ANT: "平台运营机构", KX: "增信服务机构"}


def test_a_note_giving_a_listed_names_former_name_is_a_rename() -> None:
    body = (
        f"<table><tr><th>机构名称</th><th>合作类型</th></tr><tr><td>{ANT}<sup>*</sup></td>"
        f"<td>平台运营机构</td></tr><tr><td>{KX}</td><td>增信服务机构</td></tr></table>"
        f"<p>* 注：{ANT}原名为杭州甲乙信息服务有限公司，已于2025年7月完成工商变更登记。</p>"
    )
    read = {p.name: p.former_names for p in bench_noise.read(_page(body)).partners}
    assert read == {ANT: ("杭州甲乙信息服务有限公司",), KX: ()}


def _coded(*rows: tuple[str, str]) -> str:
    cells = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>{code}</td><td>平台运营机构</td></tr>"
        for n, (name, code) in enumerate(rows, 1)
    )
    head = "<tr><th>序号</th><th>机构名称</th><th>统一社会信用代码</th><th>合作类型</th></tr>"
    return _page(f"<table>{head}{cells}</table>")


def test_a_new_name_on_the_same_credit_code_is_a_rename() -> None:
    """Round 11: a name changed silently, its row's 统一社会信用代码 kept, is one partner."""
    before = bench_noise.read(
        _coded((ANT, "91330106MA2CDKXX3B"), ("上海甲乙金融科技有限公司", "91310000MA1FL1D95C"))
    ).partners
    after = bench_noise.read(
        _coded((ANT, "91330106MA2CDKXX3B"), ("上海甲乙数字科技有限公司", "91310000MA1FL1D95C"))
    ).partners
    assert [p.credit_code for p in after] == ["91330106MA2CDKXX3B", "91310000MA1FL1D95C"]
    assert bench_noise.events_between(before, after) == ["renamed 上海甲乙数字科技有限公司"]


def test_another_name_on_another_code_is_still_a_drop_and_an_add() -> None:
    before = bench_noise.read(_coded(("上海甲乙金融科技有限公司", "91310000MA1FL1D95C"))).partners
    after = bench_noise.read(_coded(("上海丙丁数字科技有限公司", "91310000MA1FL2X01A"))).partners
    assert sorted(bench_noise.events_between(before, after)) == [
        "added 上海丙丁数字科技有限公司",
        "dropped 上海甲乙金融科技有限公司",
    ]
