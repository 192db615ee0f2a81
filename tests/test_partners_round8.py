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
    ended = {p.name: is_ended(p.markers) for p in _extract(body).partners}
    assert ended == {ANT: False, FQL: False, PICC: False, KX: True}


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
