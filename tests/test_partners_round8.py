"""Reader rules found by blind round 8 after its first score, each in a shape of our own that
fails on the reader before its rule (the round's own pages are its regression tests)."""

from __future__ import annotations

from archiver.partners.annotations import is_ended
from tests.test_partners_structure import ANT, FQL, KX, PICC, _extract


def _table(*rows: tuple[str, ...]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table border='1'>{cells}</table>"


def test_a_heading_of_another_section_ends_the_ended_partners_section() -> None:
    """ "三、已终止合作机构" governs its own table, not "四、合作产品信息" and the platforms the
    product table names again."""
    body = (
        "<p><b>一、平台运营机构</b></p>"
        + _table(("序号", "机构名称"), ("1", ANT), ("2", FQL))
        + "<p><b>二、增信服务机构</b></p>"
        + _table(("序号", "机构名称"), ("1", PICC))
        + "<p><b>三、已终止合作机构</b></p>"
        + _table(("序号", "机构名称", "终止合作日期"), ("1", KX, "2025-06-30"))
        + "<p><b>四、合作产品信息</b></p>"
        + _table(("产品名称", "合作平台", "年化利率区间"), ("借呗", ANT, "7.2%-23.4%"))
    )
    partners = _extract(body).partners
    assert {p.name: is_ended(p.markers) for p in partners} == {
        ANT: False,
        FQL: False,
        PICC: False,
        KX: True,
    }
    # the product table has a header of its own: not the ended table continued, no rows
    assert [p.category_raw for p in partners if p.name == ANT] == ["平台运营机构"]


def test_a_note_under_the_list_states_a_rename_with_the_old_name_after_yuan() -> None:
    """注：原“甲”已更名为“乙”: the card under the new name was 甲 (a rename, not a new partner)."""
    new = "北京玖富数科信息技术有限公司"
    body = (
        "<div class='org-grid'>"
        f"<div class='org-card'><div class='org-tag'>平台运营机构</div><div>{ANT}</div></div>"
        f"<div class='org-card'><div class='org-tag'>平台运营机构</div><div>{new}</div></div>"
        "</div><p class='note'>注：原“北京玖富普惠信息技术有限公司”已更名为“北京玖富数科信息技术有"
        "限公司”。</p>"
    )
    former = {p.name: p.former_names for p in _extract(body).partners}
    assert former == {ANT: (), new: ("北京玖富普惠信息技术有限公司",)}


def test_a_definition_list_describes_each_partner_in_its_dd() -> None:
    """<dt>name</dt><dd>category</dd>: the category is the name's, not a heading of the next."""
    body = (
        f"<dl><dt>{ANT}</dt><dd>平台运营机构</dd><dt>{FQL}</dt><dd>平台运营机构</dd>"
        f"<dt>{PICC}</dt><dd>增信服务机构</dd><dt>{KX}</dt><dd>增信服务机构</dd></dl>"
    )
    categories = {p.name: p.category_raw for p in _extract(body).partners}
    assert categories == {
        ANT: "平台运营机构",
        FQL: "平台运营机构",
        PICC: "增信服务机构",
        KX: "增信服务机构",
    }


def test_a_card_with_a_logo_and_a_remark_field_is_one_partner_line() -> None:
    """A card: logo (brand alt), name, category, "备注：…": its category and remark are its own."""

    def card(name: str, brand: str, category: str, remark: str) -> str:
        return (
            f"<div class='card'><img src='/l.png' alt='{brand}'><div class='name'>{name}</div>"
            f"<div class='type'>{category}</div><div class='remark'>备注：{remark}</div></div>"
        )

    body = (
        "<div class='cards'>"
        + card(ANT, "蚂蚁", "平台运营机构", "获客引流")
        + card(FQL, "分期乐", "平台运营机构", "获客引流")
        + card(KX, "凯旋", "增信服务机构", "融资担保")
        + card(PICC, "人保", "增信服务机构", "信用保证保险")
        + "</div>"
    )
    read = {p.name: (p.category_raw, p.remark) for p in _extract(body).partners}
    assert read == {
        ANT: ("平台运营机构", "获客引流"),
        FQL: ("平台运营机构", "获客引流"),
        KX: ("增信服务机构", "融资担保"),
        PICC: ("增信服务机构", "信用保证保险"),
    }


def test_list_items_of_name_and_product_spans_under_a_header_line() -> None:
    """<li><span>甲公司</span><span>借呗</span></li> under "机构名称 | 合作产品" in a category
    pane: the name alone, the pane's category (the header line is no heading)."""
    rows = "".join(
        f"<li><span class='nm'>{name}</span><span class='pd'>{product}</span></li>"
        for name, product in ((ANT, "借呗"), (FQL, "分期乐"))
    )
    body = (
        "<h3>平台运营机构</h3><div class='lh'><span>机构名称</span><span>合作产品/增信方式</span>"
        f"</div><ul class='org-list'>{rows}</ul>"
    )
    read = {p.name: p.category_raw for p in _extract(body).partners}
    assert read == {ANT: "平台运营机构", FQL: "平台运营机构"}


def test_labels_calls_to_action_and_disclaimers_beside_the_list_are_not_partners() -> None:
    """A card's "·保证保险" tag, "关注甲乙银行" under an article, and the publisher's disclaimer
    ("…有限公司与上述机构的合作不构成…") are no partners."""
    body = (
        f"<h3>增信服务机构</h3><ul><li>{PICC}</li><li>·保证保险</li><li>{KX}</li>"
        "<li>·融资担保</li></ul><p>甲乙银行股份有限公司与上述机构的合作不构成对其任何其他业务"
        "的认可或担保</p><p>关注甲乙银行</p>"
    )
    assert {p.name for p in _extract(body).partners} == {PICC, KX}


def test_a_legend_that_starts_with_its_sign_ends_the_flagged_names_only() -> None:
    """ "*标注机构已…终止…合作" ends the names flagged *, not those flagged ** (another note)."""
    body = (
        "<h3>平台运营机构</h3>"
        + _table(("序号", "机构名称"), ("1", ANT), ("2", f"{FQL}<sup>*</sup>"), ("3", f"{KX}**"))
        + "<p>注：</p><p>*标注机构已于2025年11月30日与本行终止互联网助贷业务合作，本行继续服务存量"
        "客户。</p><p>**该机构为集团旗下主体。</p>"
    )
    ended = {p.name: is_ended(p.markers) for p in _extract(body).partners}
    assert ended == {ANT: False, FQL: True, KX: False}
