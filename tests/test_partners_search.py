"""Search: a query finds partners by any name they go by."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.partners import PartnerSearch, load_aliases, partner_of

CONFIG = Path(__file__).resolve().parents[1] / "config" / "entities.yaml"
NAMES = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "重庆市蚂蚁小微小额贷款有限公司",
    "重庆市蚂蚁商诚小额贷款有限公司",
    "浙江网商银行股份有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "重庆三快小额贷款有限公司",
    "北京丙丁科技有限公司（原北京甲乙科技有限公司）",
    "深圳市凯旋融资担保有限公司",
)


@pytest.fixture(scope="module")
def search() -> PartnerSearch:
    return PartnerSearch(load_aliases(CONFIG.read_text()))


@pytest.fixture(scope="module")
def partners(search: PartnerSearch):
    return [partner_of(name, aliases=search.aliases) for name in NAMES]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("蚂蚁", {NAMES[0], NAMES[1], NAMES[2], NAMES[3]}),  # the group alias reaches 网商银行
        ("360", {NAMES[4]}),  # 360数科 is a former name in the alias file
        ("奇富", {NAMES[4]}),
        ("借呗", {NAMES[2]}),
        ("美团", {NAMES[6]}),
        ("分期乐", {NAMES[5]}),
        ("乐信", {NAMES[5]}),
        ("蚂蚁智信(杭州)", {NAMES[0]}),  # brackets of either width
        ("杭州蚂蚁智信", {NAMES[0]}),  # the region in front
        ("北京甲乙科技", {NAMES[7]}),  # a former name the list itself gives
        ("ant-zhixin", {NAMES[0]}),  # the entity id
        ("myzx", {NAMES[0]}),  # pinyin initials
        ("fenqile", {NAMES[5]}),  # full pinyin
        ("kaixuan", {NAMES[8]}),
        ("不存在的公司", set()),
        ("", set()),
    ],
)
def test_query_finds_partners(search, partners, query: str, found: set[str]) -> None:
    """Names, former names, entity ids, aliases, group aliases and pinyin all match."""
    assert {p.raw for p in partners if search.matches(query, p)} == found


def test_ranking_puts_the_best_match_first(search, partners) -> None:
    """An exact name beats a substring, which beats an alias, which beats pinyin."""
    hits = search.rank("重庆市蚂蚁小微小额贷款有限公司", partners)
    assert hits[0].partner.raw == NAMES[1]
    assert [h.rank for h in search.rank("蚂蚁", partners)] == sorted(
        h.rank for h in search.rank("蚂蚁", partners)
    )


def test_index_rows_match_like_partners(search) -> None:
    """The CLI searches index rows (plain fields) the same way."""
    assert search.matches_fields("360", name="上海淇毓信息科技有限公司", key="淇毓信息科技")
    assert search.matches_fields("小米数科", name="天星数科", entity="tianxing")
    assert not search.matches_fields("蚂蚁", name="深圳市凯旋融资担保有限公司")
