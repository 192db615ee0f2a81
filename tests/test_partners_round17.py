"""Shapes blind round 17 and its quiet-change corpus found read wrong, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind17.py)."""

from __future__ import annotations

import pytest

from benchmarks import bench_noise

ANT = "蚂蚁智信（杭州）信息技术有限公司"
QY = "上海淇毓信息科技有限公司"
ZA = "众安在线财产保险股份有限公司"
PICC = "中国人民财产保险股份有限公司"
SX = "重庆三峡融资担保集团股份有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str) -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body)).partners}


def test_names_of_a_row_of_spans_read_glued_are_each_a_partner() -> None:
    """A redesign's grid: each row a div of spans, nothing between them, so the row reads as
    one line "甲有限公司乙有限公司". Each whole name is a partner; a branch stays one name."""
    rows = (
        f"<div class='row'><span class='col'>{ANT}</span><span class='col'>{QY}</span></div>"
        f"<div class='row'><span class='col'>{ZA}</span>"
        f"<span class='col'>{PICC}北京市分公司</span><span class='col'>{SX}</span></div>"
    )
    read = _read(f"<h3>合作机构</h3><div class='grid'>{rows}</div>")
    assert set(read) == {ANT, QY, ZA, f"{PICC}北京市分公司", SX}


@pytest.mark.parametrize("note", ["（共2家，排名不分先后）", "（排名不分先后）", "（按拼音排序）"])
def test_a_heading_with_a_note_on_the_order_names_its_category(note: str) -> None:
    """ "一、平台运营机构（共2家，排名不分先后）": the note in brackets is about the order of the
    names, the heading still gives them their category."""
    body = (
        f"<h3>一、平台运营机构{note}</h3><table><tr><td>{ANT}</td><td>{QY}</td></tr></table>"
        f"<h3>二、增信服务机构（共1家）</h3><table><tr><td>{ZA}</td></tr></table>"
    )
    assert _read(body) == {ANT: "平台运营机构", QY: "平台运营机构", ZA: "增信服务机构"}
