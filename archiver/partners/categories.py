"""Raw category words (平台运营机构, 担保增信, 贷后催收 …) -> the Category enum. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from archiver.models import Category
from archiver.partners.names import clean_text, simplified

# The earliest keyword in the text decides, so "营销获客、担保增信" is a platform first.
_KEYWORDS: tuple[tuple[Category, str], ...] = (
    (Category.COLLECTION, r"催收|贷后|逾期清收|清收|催告|不良资产|资产处置|委外|collection"),
    (
        Category.CO_FUNDING,
        r"共同出资|联合贷|联合放款|联合出资|出资|资金方|资金合作|co-?fund|joint lend",
    ),
    (
        Category.CREDIT_ENHANCEMENT,
        r"增信|担保|保证保险|信用保险|保险|财险|风险分担|兜底|credit enhance|guarant|insur",
    ),
    (Category.PAYMENT, r"支付(?!宝)|结算|代扣"),  # 支付宝 is a brand, not a category
    (Category.RISK, r"客户筛选|风险评价|风险评估|风控|征信|反欺诈|信用评估|身份核验|数据服务"),
    (Category.TECHNOLOGY, r"信息科技|技术服务|科技服务|系统开发|技术支持|云服务"),
    (
        Category.PLATFORM,
        r"平台运营|营销获客|获客|导流|引流|助贷|流量|营销|推荐|平台|运营|渠道|场景"
        r"|platform|operator|marketing|acquisition",
    ),
)
_PATTERN = re.compile(
    "|".join(f"(?P<c{i}>{words})" for i, (_, words) in enumerate(_KEYWORDS)), re.IGNORECASE
)
# Phrases that name the whole list, not one category of it.
_GENERIC = re.compile(
    r"互联网助贷业务|互联网助贷|互联网贷款业?务?|互联网消费贷款|助贷业务合作|合作机构名单"
    r"|业务合作机构|合作机构|机构名单|名单"
)


# A kind of loan ("个人消费贷款", "小微企业经营贷"): what a product is, never a partner's category.
_LOAN_KIND = re.compile(r"(?:贷款|消费贷|经营贷|信用贷|分期付?款?|信用卡|按揭)$")


@lru_cache(maxsize=32768)
def category_of(raw: str) -> Category:
    """The category a raw label names; UNSPECIFIED for "", OTHER for an unknown label.

    >>> category_of("平台运营机构"), category_of("担保增信类"), category_of("贷后催收服务")
    (<Category.PLATFORM: 'platform'>, <Category.CREDIT_ENHANCEMENT: 'credit_enhancement'>, \
<Category.COLLECTION: 'collection'>)
    >>> category_of("互联网助贷业务合作机构名单"), category_of("助贷"), category_of("咨询")
    (<Category.UNSPECIFIED: 'unspecified'>, <Category.PLATFORM: 'platform'>, \
<Category.OTHER: 'other'>)
    >>> category_of("个人消费贷款"), category_of("小微企业经营贷")  # kinds of loan, no partner
    (<Category.UNSPECIFIED: 'unspecified'>, <Category.UNSPECIFIED: 'unspecified'>)
    >>> category_of("CREDIT_ENH"), category_of("PLATFORM")
    (<Category.UNSPECIFIED: 'unspecified'>, <Category.PLATFORM: 'platform'>)
    """
    text = _GENERIC.sub("", simplified(clean_text(raw))).strip(" ：:（）、,，")
    if not text:
        return Category.UNSPECIFIED
    if re.fullmatch(r"[\d\s.,]+", text):
        return Category.UNSPECIFIED  # a code ("1", "2") the page does not explain
    found = _PATTERN.search(text)
    if found is None or found.lastgroup is None:
        if re.fullmatch(r"[A-Z][A-Z0-9_\-]*", text):
            return Category.UNSPECIFIED  # an enum's code ("CREDIT_ENH"): no published label
        if _LOAN_KIND.search(text):
            return Category.UNSPECIFIED  # "产品类型：个人消费贷款" types the loan, not the partner
        return Category.OTHER if _is_label(text) else Category.UNSPECIFIED
    return _KEYWORDS[int(found.lastgroup[1:])][0]


# Decoration around a published label that is not its wording: ordinals, counts, colons.
_ORDINAL = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|第[一二三四五六七八九十\d]+[类部分]?[、：:]?)"
)
# a count in digits or in words ("（共3家）", "（共五家）", "十二家")
COUNT_NUMBER = r"(?:\d+|[一二三四五六七八九十两百零〇]+)"
_COUNT = re.compile(rf"[（(]?共?\s*{COUNT_NUMBER}\s*家[）)]?|[（(]\s*\d+\s*[）)]")
# a note on the order in brackets: "（共8家，排名不分先后）", "（按拼音排序）"
_ORDER_NOTE = re.compile(r"[（(][^（）()]*(?:不分先后|排名|排序|顺序)[^（）()]*[）)]")
# a column header's or a lead sentence's words: "平台运营机构名称", "本行合作的…机构包括"
_TRAILING_WORDS = re.compile(
    r"(?:名称|全称|名单|列表|清单|一览表?|明细|信息|如下|包括|主要有|有|为|更新|调整|变更|的)+$"
)
_LEADING_CLAUSE = re.compile(r"^(?:关于|其中|目前|现有|当前)?.{0,12}?的(?=.{2,}$)|^关于")


def category_label(raw: str) -> str:
    """A category as published, its wording kept and its decoration dropped.

    Two labels that differ here are a change of category as published, even when both fold
    to one canonical type (平台运营机构 and 营销获客机构 are both platforms).

    >>> category_label("二、平台运营机构（共3家）："), category_label("(1) 增信服務機構")
    ('平台运营机构', '增信服务机构')
    >>> category_label("一、平台运营机构（共五家）")
    '平台运营机构'
    >>> category_label("一、平台运营机构（共8家，排名不分先后）")
    '平台运营机构'

    A header's or a sentence's words around the label are decoration too:

    >>> category_label("平台运营机构名称"), category_label("本行合作的增信服务机构包括：")
    ('平台运营机构', '增信服务机构')
    >>> category_label("提供增信服务的机构"), category_label("融资担保")
    ('提供增信服务的机构', '融资担保')

    So are a notice's title words, and where the partnering word stands:

    >>> category_label("关于催收合作机构名单的"), category_label("关于合作催收机构名单更新的")
    ('催收机构', '催收机构')

    """
    text = re.sub(r"\s+", "", simplified(clean_text(raw)))
    text = _COUNT.sub("", _ORDER_NOTE.sub("", _ORDINAL.sub("", text))).strip("：:；;，,。、")
    for decoration in (_TRAILING_WORDS, _LEADING_CLAUSE, _PARTNERING):
        bare = decoration.sub("", text).strip("：:；;，,。、")
        if bare != text and names_category(bare):
            text = bare  # only when the words left still name the category
    return text


# "催收合作机构" and "合作催收机构": the partnering word says nothing of the kind
_PARTNERING = re.compile(r"合作(?=.{2,})")


# How a label names a kind of institution rather than a way of serving: "…机构", "…类",
# a regulator's headline words. 融资担保 or 信用保证保险 (a 增信方式 cell) is a detail
# of 增信服务机构.
_KIND_LEVEL = re.compile(
    r"(?:机构|类|方|公司|平台|服务商|合作商)$|平台运营|营销获客|增信服务|联合出资|共同出资|贷后催收"
)


# Words that reword a label without changing what it names ("平台运营服务机构", "增信服务提供机构")
_FILLER = re.compile(r"^表\s*[\d一二三四五六七八九十]+[:：.、]?|服务|提供|合作|的|机构$")


def wording_key(raw: str) -> str:
    """A published label with its filler words folded: rewording a heading with the same
    meaning is no change of category; naming another kind is.

    >>> wording_key("平台运营服务机构") == wording_key("一、平台运营机构")
    True
    >>> wording_key("增信服务提供机构") == wording_key("增信服务机构（共3家）")
    True
    >>> wording_key("营销获客机构") == wording_key("平台运营机构")
    False
    >>> wording_key("表1平台运营机构")
    '平台运营'
    """
    return _FILLER.sub("", category_label(raw)) or category_label(raw)


def is_detail_label(raw: str) -> bool:
    """True when a published category names a way of serving (融资担保, 信用保证保险) rather
    than a kind of institution (增信服务机构, 营销获客机构, 担保类).

    A change between a detail and a kind of the same canonical type is a gain or loss of
    detail (tables regrouped), not a change of category.

    >>> is_detail_label("融资担保"), is_detail_label("信用保证保险")
    (True, True)
    >>> is_detail_label("增信服务机构"), is_detail_label("营销获客机构")
    (False, False)
    >>> is_detail_label("担保类"), is_detail_label("二、平台运营")
    (False, False)
    """
    label = category_label(raw)
    return bool(label) and names_category(label) and _KIND_LEVEL.search(label) is None


def names_category(raw: str) -> bool:
    """True when a label names a category (heading or column), not just the whole list.

    >>> names_category("二、增信服务机构（共10家）"), names_category("合作机构名单")
    (True, False)
    """
    return category_of(raw) not in (Category.UNSPECIFIED, Category.OTHER)


def _is_label(text: str) -> bool:
    """Short words only: a sentence in a category cell is not a category."""
    return 0 < len(text) <= 12 and not re.search(r"[。；;!?！？]|\d{4}", text)
