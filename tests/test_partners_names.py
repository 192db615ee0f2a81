"""Names, categories and cells: the pure transforms, as tables of cases."""

from __future__ import annotations

import pytest

from archiver.models import Category, Marker
from archiver.partners.annotations import parse_name
from archiver.partners.categories import category_of
from archiver.partners.cells import Column, column_of, is_noise, period_key, phones_in
from archiver.partners.names import clean_text, looks_like_org, match_key

SAME_PARTNER = [
    # (one way of writing it, another way) — DOMAIN.md §3
    ("蚂蚁智信（杭州）信息技术有限公司", "蚂蚁智信(杭州)信息技术有限公司"),
    ("蚂蚁智信（杭州）信息技术有限公司", "杭州蚂蚁智信信息技术有限公司"),
    ("蚂蚁智信（杭州）信息技术有限公司", "蚂蚁智信 （杭州） 信息技术有限公司"),
    ("哈尔滨哈银消费金融有限责任公司", "哈银消费金融有限责任公司"),
    ("兴业消费金融股份公司", "兴业消费金融股份有限公司"),
    ("招联消费金融股份有限公司", "招联消费金融有限公司"),
    ("湖南长银五八消费金融股份有限公司", "长银五八消费金融有限公司"),
    ("上海尚诚消费金融股份有限公司", "尚诚消费金融有限公司"),
    ("内蒙古蒙商消费金融股份有限公司", "蒙商消费金融有限公司"),
    ("陕西长银消费金融有限公司", "陕西长银消费金融有限责任公司"),
    ('黑龙江"三农"信融资担保有限公司', "黑龙江三农信融资担保有限公司"),
    ("黑龙江“三农”信融资担保有限公司", "黑龙江三农信融资担保有限公司"),
    ("度小满科技（北京）有限公司", "北京度小满科技有限公司"),
    ("广东省深圳市凯旋融资担保有限公司", "深圳市凯旋融资担保有限公司"),
    ("韩亚银行（中国）有限公司", "韩亚银行有限公司"),
    ("桔\u2f26数字科技有限公司", "桔子数字科技有限公司"),  # Kangxi radical 子
    ("ＯＰＰＯ欢太", "OPPO 欢太"),
    ("XX（集团）股份有限公司", "XX集团股份有限公司"),
    ("上海淇毓信息科技有限公司（原360数科）", "上海淇毓信息科技有限公司"),
    ("陕西昊悦融资担保有限公司（已暂停合作）", "陕西昊悦融资担保有限公司"),
    ("和君纵达数据科技股份有限公司*", "和君纵达数据科技股份有限公司"),
]
DIFFERENT_PARTNERS = [
    ("北京银行股份有限公司", "上海银行股份有限公司"),  # the region is the name
    ("湖北消费金融股份有限公司", "河北消费金融股份有限公司"),
    ("重庆市蚂蚁小微小额贷款有限公司", "重庆市蚂蚁商诚小额贷款有限公司"),
    ("北京农村商业银行股份有限公司", "上海农村商业银行股份有限公司"),
    ("中国平安财产保险股份有限公司", "中国平安财产保险股份有限公司深圳分公司"),
    ("云南国际信托有限公司", "国际信托有限公司"),
]


@pytest.mark.parametrize(("left", "right"), SAME_PARTNER)
def test_name_noise_folds_to_one_match_key(left: str, right: str) -> None:
    """Bracket width, spaces, legal form, moved region, quotes and markers are noise."""
    assert parse_name(left).match_key == parse_name(right).match_key


@pytest.mark.parametrize(("left", "right"), DIFFERENT_PARTNERS)
def test_different_partners_keep_different_keys(left: str, right: str) -> None:
    """A region that is the only distinguishing part stays in the key."""
    assert match_key(left) != match_key(right)


PARSED = [
    # raw, remark -> name, qualifier, markers, former names
    ("蚂蚁智信(杭州)信息技术有限公司", "", "蚂蚁智信（杭州）信息技术有限公司", "杭州", (), ()),
    ("杭州蚂蚁智信信息技术有限公司", "", "杭州蚂蚁智信信息技术有限公司", "杭州", (), ()),
    (
        "上海淇毓信息科技有限公司（原360数科）",
        "",
        "上海淇毓信息科技有限公司",
        "上海",
        (Marker.FORMERLY,),
        ("360数科",),
    ),
    ("奇富科技（原名：360数科）", "", "奇富科技", "", (Marker.FORMERLY,), ("360数科",)),
    (
        "北京甲乙科技有限公司（已更名为北京丙丁科技有限公司）",
        "",
        "北京丙丁科技有限公司",
        "北京",
        (Marker.RENAMED,),
        ("北京甲乙科技有限公司",),
    ),
    (
        "北京甲乙科技有限公司更名为北京丙丁科技有限公司",
        "",
        "北京丙丁科技有限公司",
        "北京",
        (Marker.RENAMED,),
        ("北京甲乙科技有限公司",),
    ),
    (
        "上海耳序信息技术有限公司【已更名】",
        "",
        "上海耳序信息技术有限公司",
        "上海",
        (Marker.RENAMED,),
        (),
    ),
    (
        "重庆金程信息科技有限公司（已注销）",
        "",
        "重庆金程信息科技有限公司",
        "重庆",
        (Marker.DEREGISTERED,),
        (),
    ),
    (
        "上海哈啰普惠科技有限公司 暂停合作",
        "",
        "上海哈啰普惠科技有限公司",
        "上海",
        (Marker.SUSPENDED,),
        (),
    ),
    (
        "陕西昊悦融资担保有限公司",
        "已暂停合作，历史客户服务不受影响",
        "陕西昊悦融资担保有限公司",
        "陕西",
        (Marker.SUSPENDED,),
        (),
    ),
    (
        "北京微财科技有限公司（已终止合作）",
        "",
        "北京微财科技有限公司",
        "北京",
        (Marker.TERMINATED,),
        (),
    ),
    (
        "深圳市凯旋融资担保有限公司",
        "2025年10月1日起终止合作",
        "深圳市凯旋融资担保有限公司",
        "深圳",
        (Marker.TERMINATED,),
        (),
    ),
    ("甲公司", "原名：乙公司", "甲公司", "", (Marker.FORMERLY,), ("乙公司",)),
    ("甲公司", "原合作协议到期后续签", "甲公司", "", (), ()),  # 原 here is not a former name
    (
        "【已暂停】深圳市分期乐网络科技有限公司",
        "",
        "深圳市分期乐网络科技有限公司",
        "深圳",
        (Marker.SUSPENDED,),
        (),
    ),
    ("深圳市分期乐网络科技有限公司（乐信）", "", "深圳市分期乐网络科技有限公司", "深圳", (), ()),
    ("抖音", "", "抖音", "", (), ()),
    (  # "原乙已更名为甲" in the bracket: the old name is 乙, not the whole statement
        "福州三六零融资担保集团有限公司（原福州三六零融资担保有限公司已更名为福州三六零融资担保集团有限公司）",
        "",
        "福州三六零融资担保集团有限公司",
        "福州",
        (Marker.FORMERLY,),
        ("福州三六零融资担保有限公司",),
    ),
]


@pytest.mark.parametrize("case", PARSED, ids=[c[0] for c in PARSED])
def test_name_cell_taken_apart(case) -> None:
    """Markers and former names leave the name; the region is lifted into the qualifier."""
    raw, remark, *expected = case
    parts = parse_name(raw, remark)
    assert [parts.name, parts.qualifier, parts.markers, parts.former_names] == expected


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("蚂蚁智信(杭州)信息技术 有限公司", "蚂蚁智信（杭州）信息技术有限公司"),
        ("【已暂停】甲", "（已暂停）甲"),
        ("OPPO  Finance\u3000公司", "OPPO Finance公司"),
        ("\u2f00\u200b家", "一家"),  # Kangxi 一, zero-width space
        ("\xa0甲\xa0乙\xa0", "甲乙"),
    ],
)
def test_clean_text(text: str, cleaned: str) -> None:
    """NFKC, one bracket width, no spaces between CJK characters, invisibles gone."""
    assert clean_text(text) == cleaned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("深圳市凯旋融资担保有限公司", True),
        ("奇富科技", True),
        ("京东金融", True),
        ("北京银行", True),
        ("和君纵达律师事务所", True),
        ("融资担保公司", False),
        ("商业银行", False),
        ("信息科技", False),
        ("截至2025年9月30日", False),
        ("抖音", False),
    ],
)
def test_looks_like_org(text: str, expected: bool) -> None:
    """An organisation name ends in an organisation word and says whose it is."""
    assert looks_like_org(text) is expected


CATEGORIES = [
    ("平台运营机构", Category.PLATFORM),
    ("营销获客", Category.PLATFORM),
    ("导流", Category.PLATFORM),
    ("助贷", Category.PLATFORM),
    ("增信服务机构", Category.CREDIT_ENHANCEMENT),
    ("担保增信", Category.CREDIT_ENHANCEMENT),
    ("融资担保", Category.CREDIT_ENHANCEMENT),
    ("保证保险", Category.CREDIT_ENHANCEMENT),
    ("共同出资", Category.CO_FUNDING),
    ("联合贷款", Category.CO_FUNDING),
    ("催收服务", Category.COLLECTION),
    ("贷后管理", Category.COLLECTION),
    ("逾期清收", Category.COLLECTION),
    ("支付结算", Category.PAYMENT),
    ("客户筛选", Category.RISK),
    ("部分风险评价", Category.RISK),
    ("信息科技", Category.TECHNOLOGY),
    ("营销获客、担保增信", Category.PLATFORM),  # the first one named decides
    ("一、平台运营机构（13家）", Category.PLATFORM),
    ("Platform Operator", Category.PLATFORM),
    ("Credit Enhancement Provider", Category.CREDIT_ENHANCEMENT),
    ("咨询", Category.OTHER),
    ("", Category.UNSPECIFIED),
    ("互联网助贷业务合作机构名单", Category.UNSPECIFIED),
]


@pytest.mark.parametrize(("raw", "category"), CATEGORIES)
def test_category_of(raw: str, category: Category) -> None:
    """G0901-style labels map to the enum; the list's own title names no category."""
    assert category_of(raw) is category


@pytest.mark.parametrize(
    ("label", "column"),
    [
        ("序号", Column.SEQ),
        ("No.", Column.SEQ),
        ("合作机构名称", Column.NAME),
        ("机构名称", Column.NAME),
        ("合作机构", Column.NAME),
        ("公司名称", Column.NAME),
        ("合作机构名称（全称）", Column.NAME),
        ("合作机构类别", Column.CATEGORY),
        ("类型", Column.CATEGORY),
        ("合作类型", Column.CATEGORY),
        ("服务类型", Column.CATEGORY),
        ("产品名称", Column.PRODUCT),
        ("合作期间", Column.PERIOD),
        ("合作期限", Column.PERIOD),
        ("合同约定的合作期间", Column.PERIOD),
        ("客服电话", Column.HOTLINE),
        ("联系电话", Column.HOTLINE),
        ("备注", Column.REMARK),
        ("关联方名称", None),
        ("股东名称", None),
        ("年化利率区间", None),
    ],
)
def test_column_of(label: str, column: Column | None) -> None:
    """Header labels in any wording name their column; other tables' names do not."""
    assert column_of(label)[0] is column


def test_a_category_named_column_holds_names_of_that_category() -> None:
    """渣打-style headers: the column 增信服务机构 lists credit enhancers."""
    assert column_of("增信服务机构") == (Column.NAME, "增信服务机构")


@pytest.mark.parametrize(
    "text",
    [
        "合计",
        "小计：23家",
        "共52家",
        "注：以上排名不分先后",
        "以下空白",
        "—",
        "无",
        "2025-09-30",
        "2025年9月30日",
        "更新时间：2025-09-30",
        "95188",
        "客服电话：400-820-1234",
        "12",
        "版权所有 © 2025",
        "合作机构名称",
        "截至2025年9月30日",
    ],
)
def test_noise_is_never_a_partner(text: str) -> None:
    """Totals, notes, dates, phones, numbers, labels and site chrome are noise."""
    assert is_noise(text)


@pytest.mark.parametrize("text", ["深圳市凯旋融资担保有限公司", "抖音", "360借条", "奇富科技"])
def test_names_are_not_noise(text: str) -> None:
    """Names, brands and product names with digits are not noise."""
    assert not is_noise(text)


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("和君纵达数据科技股份有限公司 400-820-1234", ("400-820-1234",)),
        ("客服电话：95188 / 0571-88158090", ("95188", "0571-88158090")),
        ("手机 13912345678", ("13912345678",)),
        ("360借条", ()),
        ("2025-01-01至2026-12-31", ()),
    ],
)
def test_phones_in(text: str, phones: tuple[str, ...]) -> None:
    """Phone numbers are found; digits in names and dates are not phones."""
    assert phones_in(text) == phones


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2025年1月1日至2027年12月31日", "2025-01-01至2027-12-31"),
        ("2025年1月1日至2027年12月31日", "2025.01.01 - 2027.12.31"),
        ("2025年1月1日至2027年12月31日", "2025/1/1 ~ 2027/12/31"),
        ("2025年10月起", "2025-10起"),
    ],
)
def test_date_formats_of_a_period_are_one_period(left: str, right: str) -> None:
    """The date-format zoo folds: a period written another way is the same period."""
    assert period_key(left) == period_key(right)


def test_a_changed_period_is_a_different_period() -> None:
    """A later end date is a change."""
    assert period_key("2025-01-01至2026-12-31") != period_key("2025-01-01至2027-12-31")
