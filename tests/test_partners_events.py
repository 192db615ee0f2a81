"""compare(): partner events between versions, as tables of small lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.models import EventType, Manifest, Partner
from archiver.partners import AliasTable, compare, load_aliases, partner_of

CONFIG = Path(__file__).resolve().parents[1] / "config" / "entities.yaml"


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(CONFIG.read_text())


def listed(aliases: AliasTable, *rows: str | tuple[str, dict[str, str]]) -> tuple[Partner, ...]:
    """Partners from names, or (name, {field: value}) for more published fields."""
    result = []
    for row in rows:
        name, fields = (row, {}) if isinstance(row, str) else row
        products = tuple(p for p in fields.pop("products", "").split("、") if p)
        result.append(partner_of(name, aliases=aliases, products=products, **fields))
    return tuple(result)


def version(partners: tuple[Partner, ...], departed: tuple[str, ...] = ()) -> Manifest:
    return Manifest(
        site_id="t",
        seq=1,
        captured_at=datetime(2025, 10, 1, tzinfo=UTC),
        requested_url="https://example.cn/",
        final_url="https://example.cn/",
        http_status=200,
        browser_version="test",
        content_digest="x",
        partners=partners,
        departed=departed,
    )


def events_of(aliases, before, after, departed=()) -> list[tuple[str, ...]]:
    events, _ = compare(version(before, departed), after, aliases=aliases)
    return [(e.type.value, e.name, e.field, e.before, e.after, e.old, e.new) for e in events]


ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
KX = "深圳市凯旋融资担保有限公司"
SN = "黑龙江三农信融资担保有限公司"


def test_first_version_has_no_events(aliases) -> None:
    """Nothing to compare with: no events, nothing departed."""
    assert compare(None, listed(aliases, ANT), aliases=aliases) == ((), ())


NO_EVENT = [
    ("same list", [ANT, FQL], [ANT, FQL]),
    ("reordered", [ANT, FQL, KX], [KX, ANT, FQL]),
    ("bracket width", [ANT], ["蚂蚁智信(杭州)信息技术有限公司"]),
    ("moved region", [ANT], ["杭州蚂蚁智信信息技术有限公司"]),
    ("legal form written long or short", ["哈银消费金融有限责任公司"], ["哈银消费金融有限公司"]),
    ("joint-stock form written short", ["兴业消费金融股份有限公司"], ["兴业消费金融股份公司"]),
    ("quotes", ['黑龙江"三农"信融资担保有限公司'], ["黑龙江三农信融资担保有限公司"]),
    ("duplicate rows", [ANT, FQL], [ANT, FQL, ANT]),
    (
        "formerly note dropped",
        ["上海淇毓信息科技有限公司（原360数科）"],
        ["上海淇毓信息科技有限公司"],
    ),
    (
        "period written another way",
        [(ANT, {"period": "2025年1月1日至2026年12月31日"})],
        [(ANT, {"period": "2025-01-01 ~ 2026-12-31"})],
    ),
    (
        "phone written another way",
        [(ANT, {"hotline": "400-820-1234"})],
        [(ANT, {"hotline": "４００８２０１２３４"})],
    ),
    (
        "hotline column added",
        [ANT, FQL],
        [(ANT, {"hotline": "95188"}), (FQL, {"hotline": "95000"})],
    ),
    (
        "category column dropped (table -> plain list)",
        [(ANT, {"category_raw": "平台运营机构"}), (KX, {"category_raw": "增信服务机构"})],
        [ANT, KX],
    ),
    (
        "category heading decorated another way",
        [(ANT, {"category_raw": "一、平台运营机构（共3家）"})],
        [(ANT, {"category_raw": "平台运营机构："})],
    ),
    (
        "category in a column header's words, then in a lead sentence's (round 8)",
        [(ANT, {"category_raw": "平台运营机构名称"}), (KX, {"category_raw": "增信服务机构名单"})],
        [
            (ANT, {"category_raw": "本行合作的平台运营机构包括"}),
            (KX, {"category_raw": "增信服务机构"}),
        ],
    ),
    (
        "tables regrouped: a way of credit enhancement becomes its kind of institution",
        [(KX, {"category_raw": "融资担保"}), (SN, {"category_raw": "信用保证保险"})],
        [(KX, {"category_raw": "增信服务机构"}), (SN, {"category_raw": "增信服务机构"})],
    ),
    (
        "tables split: the kind of institution becomes the way it serves",
        [(KX, {"category_raw": "增信服务机构"})],
        [(KX, {"category_raw": "融资担保"})],
    ),
    (
        "brand switched to its legal name (an alias, not a former name)",
        ["信也科技", ANT],
        ["上海耳序信息技术有限公司", ANT],
    ),
    (
        "period rewritten with its label in front",
        [(ANT, {"period": "2025.10.01-2026.09.30"})],
        [(ANT, {"period": "合作期限:2025年10月1日至2026年9月30日"})],
    ),
    (
        "a rename note tidied away",
        [ANT, "天星数字科技（北京）有限公司（原名称:北京小米数字科技有限公司,已更名）"],
        [ANT, "天星数字科技（北京）有限公司"],
    ),
    (
        "an ended partner taken off the page",
        [ANT, f"{KX}（已终止合作）"],
        [ANT],
    ),
    (
        "an ended partner first shown",
        [ANT],
        [ANT, (KX, {"remark": "已终止合作"})],
    ),
    (
        "terminated becomes deregistered",
        [ANT, f"{KX}（已终止合作）"],
        [ANT, f"{KX}（已注销）"],
    ),
    (
        "a 备注 column added, or its marks reworded",
        [ANT, (FQL, {"remark": "原名称：上海分期乐科技有限公司"})],
        [(ANT, {"remark": "合作中"}), (FQL, {"remark": "曾用名：上海分期乐科技有限公司"})],
    ),
    (
        "one row's category and products not read in the first export (a wrapped PDF cell)",
        [
            (ANT, {"category_raw": "平台运营机构", "products": "花呗"}),
            FQL,
            (KX, {"category_raw": "增信服务机构", "products": "担保"}),
        ],
        [
            (ANT, {"category_raw": "平台运营机构", "products": "花呗"}),
            (FQL, {"category_raw": "平台运营机构", "products": "分期乐"}),
            (KX, {"category_raw": "增信服务机构", "products": "担保"}),
        ],
    ),
]


@pytest.mark.parametrize(
    ("before", "after"), [c[1:] for c in NO_EVENT], ids=[c[0] for c in NO_EVENT]
)
def test_noise_and_layout_give_no_event(aliases, before, after) -> None:
    """Order, name noise, duplicates, formats and whole columns are not partner news."""
    assert events_of(aliases, listed(aliases, *before), listed(aliases, *after)) == []


CHANGES = [
    ("added", [ANT], [ANT, FQL], [("added", FQL, "", "", "", "", "")]),
    (
        "a 备注 cell says something else",
        [(ANT, {"remark": "服务区域：湖南省内"}), (FQL, {"remark": "联合贷款"})],
        [(ANT, {"remark": "服务区域：全国"}), (FQL, {"remark": "联合贷款"})],
        [("field_changed", ANT, "remark", "服务区域:湖南省内", "服务区域:全国", "", "")],
    ),
    (
        "a 备注 cell renames the row's name",
        [ANT, "贵阳黔云数智科技有限公司"],
        [ANT, ("贵阳黔云数智科技有限公司", {"remark": "已更名为贵州黔云数字科技有限公司"})],
        [
            (
                "renamed",
                "贵州黔云数字科技有限公司",
                "",
                "",
                "",
                "贵阳黔云数智科技有限公司",
                "贵州黔云数字科技有限公司",
            )
        ],
    ),
    ("dropped", [ANT, FQL], [ANT], [("dropped", FQL, "", "", "", "", "")]),
    (
        "category",
        [(ANT, {"category_raw": "平台运营机构"}), (KX, {"category_raw": "增信服务机构"})],
        [(ANT, {"category_raw": "共同出资"}), (KX, {"category_raw": "增信服务机构"})],
        [("field_changed", ANT, "category", "platform", "co_funding", "", "")],
    ),
    (
        "category relabelled as published, same canonical type",
        [(ANT, {"category_raw": "平台运营机构"}), (KX, {"category_raw": "增信服务机构"})],
        [(ANT, {"category_raw": "营销获客机构"}), (KX, {"category_raw": "增信服务机构"})],
        [("field_changed", ANT, "category", "平台运营机构", "营销获客机构", "", "")],
    ),
    (
        "the way of credit enhancement changed",
        [(KX, {"category_raw": "融资担保"})],
        [(KX, {"category_raw": "信用保证保险"})],
        [("field_changed", KX, "category", "融资担保", "信用保证保险", "", "")],
    ),
    (
        "second category added",
        [(ANT, {"category_raw": "平台运营机构"})],
        [(ANT, {"category_raw": "平台运营机构"}), (ANT, {"category_raw": "共同出资"})],
        [("field_changed", ANT, "category", "platform", "co_funding, platform", "", "")],
    ),
    (
        "products",
        [(ANT, {"products": "借呗"})],
        [(ANT, {"products": "借呗、花呗"})],
        [("field_changed", ANT, "products", "借呗", "借呗、花呗", "", "")],
    ),
    (
        "period",
        [(ANT, {"period": "2025-01-01至2026-12-31"})],
        [(ANT, {"period": "2025-01-01至2027-12-31"})],
        [
            (
                "field_changed",
                ANT,
                "period",
                "2025-01-01至2026-12-31",
                "2025-01-01至2027-12-31",
                "",
                "",
            )
        ],
    ),
    (
        "hotline",
        [(ANT, {"hotline": "95188"})],
        [(ANT, {"hotline": "95199"})],
        [("field_changed", ANT, "hotline", "95188", "95199", "", "")],
    ),
    (
        "suspended in the remark column",
        [KX],
        [(KX, {"remark": "已暂停合作，历史客户服务不受影响"})],
        [("dropped", KX, "", "", "", "", "")],
    ),
    (
        "terminated in the name cell",
        [KX],
        [f"{KX}（已终止合作）"],
        [("dropped", KX, "", "", "", "", "")],
    ),
    (
        "the ended mark goes away",
        [ANT, f"{KX}（已终止合作）"],
        [ANT, KX],
        [("readded", KX, "", "", "", "", "")],
    ),
    (
        "back from the ended section into a category",
        [ANT, (KX, {"category_raw": "已终止合作机构", "remark": "已终止合作机构"})],
        [ANT, (KX, {"category_raw": "增信服务机构"})],
        [("readded", KX, "", "", "", "", "")],
    ),
    (
        "renamed from a former name of the alias file",
        ["拍拍贷"],
        ["上海耳序信息技术有限公司"],
        [
            (
                "renamed",
                "上海耳序信息技术有限公司",
                "",
                "",
                "",
                "拍拍贷",
                "上海耳序信息技术有限公司",
            )
        ],
    ),
    (
        "renamed by the alias file",
        ["360数科"],
        ["上海淇毓信息科技有限公司"],
        [
            (
                "renamed",
                "上海淇毓信息科技有限公司",
                "",
                "",
                "",
                "360数科",
                "上海淇毓信息科技有限公司",
            )
        ],
    ),
    (
        "renamed by a (原…) marker, no alias needed",
        ["北京甲乙科技有限公司"],
        ["北京丙丁科技有限公司（原北京甲乙科技有限公司）"],
        [
            (
                "renamed",
                "北京丙丁科技有限公司",
                "",
                "",
                "",
                "北京甲乙科技有限公司",
                "北京丙丁科技有限公司",
            )
        ],
    ),
    (
        "renamed by 已更名为",
        ["北京甲乙科技有限公司"],
        ["北京甲乙科技有限公司（已更名为北京丙丁科技有限公司）"],
        [
            (
                "renamed",
                "北京丙丁科技有限公司",
                "",
                "",
                "",
                "北京甲乙科技有限公司",
                "北京丙丁科技有限公司",
            )
        ],
    ),
    (
        "group name replaced by its entities",
        [ANT, "美团"],
        [ANT, "重庆三快小额贷款有限公司", "重庆两心金诚科技有限公司"],
        [
            (
                "renamed",
                "重庆三快小额贷款有限公司",
                "",
                "",
                "",
                "美团",
                "重庆三快小额贷款有限公司",
            ),
            (
                "renamed",
                "重庆两心金诚科技有限公司",
                "",
                "",
                "",
                "美团",
                "重庆两心金诚科技有限公司",
            ),
        ],
    ),
    (
        "entities replaced by their group name",
        ["重庆三快小额贷款有限公司", "重庆两心金诚科技有限公司"],
        ["美团"],
        [
            ("renamed", "美团", "", "", "", "重庆三快小额贷款有限公司", "美团"),
            ("renamed", "美团", "", "", "", "重庆两心金诚科技有限公司", "美团"),
        ],
    ),
    (
        "same key, different region: two companies",
        ["深圳市中融小额贷款股份有限公司"],
        ["重庆市中融小额贷款股份有限公司"],
        [
            ("added", "重庆市中融小额贷款股份有限公司", "", "", "", "", ""),
            ("dropped", "深圳市中融小额贷款股份有限公司", "", "", "", "", ""),
        ],
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "expected"), [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES]
)
def test_real_changes_give_their_events(aliases, before, after, expected) -> None:
    """Each kind of change gives exactly its events."""
    got = events_of(aliases, listed(aliases, *before), listed(aliases, *after))
    assert sorted(got) == sorted(expected)


def test_group_events_explain_themselves(aliases) -> None:
    """The note names the group and all its entities."""
    events, _ = compare(
        version(listed(aliases, "美团")),
        listed(aliases, "重庆三快小额贷款有限公司", "重庆两心金诚科技有限公司"),
        aliases=aliases,
    )
    assert {e.note for e in events} == {
        "group 美团 is now listed by its entities: "
        "重庆三快小额贷款有限公司、重庆两心金诚科技有限公司"
    }


def test_an_ended_mark_is_a_drop_with_its_words(aliases) -> None:
    """The note of a drop by mark quotes the mark as published."""
    events, _ = compare(
        version(listed(aliases, ANT, KX)),
        listed(aliases, ANT, (KX, {"remark": "2025年9月起已终止合作"})),
        aliases=aliases,
    )
    assert [(e.type, e.note) for e in events] == [
        (EventType.DROPPED, "marked 2025年9月起已终止合作 on the page")
    ]


def test_typo_is_noted_but_never_merged(aliases) -> None:
    """A near-identical name is "possibly the same as …": an added and a dropped event."""
    events, _ = compare(
        version(listed(aliases, "深圳市分期乐网路科技有限公司")),
        listed(aliases, FQL),
        aliases=aliases,
    )
    assert [(e.type, e.note) for e in events] == [
        (EventType.ADDED, "possibly the same as 深圳市分期乐网路科技有限公司"),
        (EventType.DROPPED, f"possibly the same as {FQL}"),
    ]


def test_dropped_partners_are_remembered_and_readded(aliases) -> None:
    """A partner dropped in any earlier version is readded, and leaves `departed`."""
    v1 = listed(aliases, ANT, FQL, KX)
    events, departed = compare(version(v1), listed(aliases, ANT), aliases=aliases)
    assert departed == tuple(sorted({v1[1].match_key, v1[2].match_key}))
    events, departed = compare(
        version(listed(aliases, ANT), departed), listed(aliases, ANT, KX), aliases=aliases
    )
    assert [(e.type, e.name) for e in events] == [(EventType.READDED, KX)]
    assert events[0].note == "was dropped from an earlier version"
    assert departed == (v1[1].match_key,)


def test_departed_keys_of_an_older_normaliser_still_match(aliases) -> None:
    """A departed key written before a normaliser change is re-normalised before matching."""
    events, departed = compare(
        version(listed(aliases, FQL), departed=("蚂蚁智信（杭州）信息技术",)),
        listed(aliases, FQL, ANT),
        aliases=aliases,
    )
    assert [e.type for e in events] == [EventType.READDED]
    assert departed == ()


def test_old_versions_are_reread_with_todays_normaliser(aliases) -> None:
    """An archived partner whose stored key is stale is matched by its raw name."""
    stale = Partner(raw="蚂蚁智信(杭州)信息技术有限公司", name="x", match_key="stale-key")
    events, departed = compare(
        version((stale,)), listed(aliases, "杭州蚂蚁智信信息技术有限公司"), aliases=aliases
    )
    assert (events, departed) == ((), ())


def test_events_follow_the_new_list_then_the_dropped(aliases) -> None:
    """Added, renamed and changed in new-list order; dropped last, in old-list order."""
    before = listed(aliases, "北京甲乙科技有限公司", ANT, KX, FQL)
    after = listed(aliases, FQL, "上海丙丁科技有限公司", ANT)
    assert [e[0:2] for e in events_of(aliases, before, after)] == [
        ("added", "上海丙丁科技有限公司"),
        ("dropped", "北京甲乙科技有限公司"),
        ("dropped", KX),
    ]


def test_a_second_name_of_a_listed_entity_is_added_with_a_note(aliases) -> None:
    """Listing 奇富科技 beside 上海淇毓… is an added row, noted as the same entity."""
    events, _ = compare(
        version(listed(aliases, "上海淇毓信息科技有限公司")),
        listed(aliases, "上海淇毓信息科技有限公司", "奇富科技"),
        aliases=aliases,
    )
    assert [(e.type, e.name, e.note) for e in events] == [
        (
            EventType.ADDED,
            "奇富科技",
            "same entity as 上海淇毓信息科技有限公司 (config/entities.yaml)",
        )
    ]
