"""What one cell or one short line of a disclosure is: a column label, a phone, a period,
noise, or a partner name. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

from archiver import dates
from archiver.dates import DATE
from archiver.partners.categories import names_category
from archiver.partners.names import clean_text, looks_like_org, simplified


class Column(StrEnum):
    """The role of a table column (or of a "label：value" pair in a card)."""

    SEQ = "seq"
    NAME = "name"
    CATEGORY = "category"
    PRODUCT = "product"
    PERIOD = "period"
    HOTLINE = "hotline"
    REMARK = "remark"


_LABEL_PUNCTUATION = re.compile(r"[\s:：*＊()（）\[\]【】/、]|全称|必填|\d+$")
_CATEGORY_LABEL = re.compile(
    r"类别|类型|分类|种类|角色|模式|(?<!联系)方式|形式|服务内容|合作内容|业务类型"
    r"|type|category|role|business|cooperation",
    re.IGNORECASE,
)
_SEQ_LABEL = re.compile(r"^(?:序号|编号|排序|序列|序|no\.?|number|#)$", re.IGNORECASE)
_HOTLINE_LABEL = re.compile(r"电话|热线|联系方式|客服|phone|tel", re.IGNORECASE)
_PERIOD_LABEL = re.compile(
    r"期限|期间|合作时间|起止|有效期|起始|开始时间|合作日期|到期|(?:开始|结束|终止|截止)(?:日期|时间|日)"
    r"|term|period|valid",
    re.IGNORECASE,
)
# The words of an instruction or a rule ("…以签署日期为准", "应在备注栏注明…", "不得填写…").
_INSTRUCTION = re.compile(r"为准|应当|应在|应填|应按|应以|不得|须填|注明|填写|填报")
_PRODUCT_LABEL = re.compile(
    r"产品|业务名称|项目名称|贷款品种|信托计划|计划名称|product", re.IGNORECASE
)
# "备注", "合作状态", and both in one header ("状态/备注", "备注说明")
_REMARK_LABEL = re.compile(
    r"^(?:备注|说明|(?:合作)?状态|其他|附注|remarks?|notes?|status){1,2}$", re.IGNORECASE
)
# A table column of former names: read as a remark that says "原名称：…" (a preset).
_FORMER_LABEL = re.compile(r"^(?:曾用名|曾用名称|原名|原名称|原机构名称|原公司名称|更名前名称)$")
FORMER_NAMES = "原名称"


def former_names_column(label: str) -> bool:
    """True when a table header labels a column of former names.

    >>> former_names_column("曾用名"), former_names_column("机构名称")
    (True, False)
    """
    return _FORMER_LABEL.match(_LABEL_PUNCTUATION.sub("", clean_text(label))) is not None


_NOT_PARTNER_LABEL = re.compile(
    r"关联|股东|董事|监事|高管|分支|网点|营业部|借款人|出资人|发起人|子公司|附属|控股|投资人|发行人"
    r"|供应商|采购|中标|招标|客户名称|联系人|负责人|代码|编码|证号|执照|许可证|地址|网址|网站|官网"
    r"|邮箱|资本|成立|法定代表人|法人|登记|发布|主办|承办|编制|制表|填报|报送|出具"
    r"|提示|声明|警示"  # "甲有限公司提示：…": a company speaking, no column
)
# A column of the organisation a partner belongs to (所属集团 | 母公司 | 控股股东): other
# companies beside each partner, never partners themselves, though the label reads as one.
_OWNER_LABEL = re.compile(r"(?:所属|隶属|归属)(?:集团|公司|企业)|母公司|实际控制人|集团(?:名称)?$")
# A label of what a card or a row says about a company besides the partnership (its code,
# address, representative): a field to pass over, never a name or a partner's field.
_ATTRIBUTE_LINE = re.compile(
    r"^\s*(?:[^:：\s]{0,8})(?:代码|编码|证号|执照|许可证|注册地|地址|网址|网站|官网|邮箱|注册资本"
    r"|成立(?:日期|时间)|法定代表人|法人代表|登记机关|联系人|负责人)\s*[:：]"
)


def is_attribute_line(text: str) -> bool:
    """A "label：value" line about a company besides the partnership (its code, address).

    >>> is_attribute_line("统一社会信用代码：9164"), is_attribute_line("合作类型：平台")
    (True, False)
    """
    return _ATTRIBUTE_LINE.match(clean_text(text)) is not None


_NAME_LABEL = re.compile(
    r"机构|公司|合作方|单位|伙伴|企业|服务商|名称|平台|主体|助贷方|合作对象|partner|name",
    re.IGNORECASE,
)

# Words that say a text is about partner lists (a page title, a heading, an intro).
PARTNER_WORDS = re.compile(
    r"合作机构|合作方|名单|助贷|平台运营|增信|催收|合作产品|合作平台|贷后|担保|合作单位|服务机构"
    r"|partners?\b|loan facilitation|platform operator|credit enhancement"
    r"|合作機構|名單|助貸|平台運營|擔保|服務機構|貸後",  # traditional characters
    re.IGNORECASE,
)
# "一、" "（二）": how Chinese documents number their sections.
SECTION_NUMBER = re.compile(
    r"^\s*(?:第?[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])"
)
PHONE = re.compile(
    r"(?<![\d-])(?:(?:(?:400|800)(?:[-\s]?\d){7}|1010[-\s]?\d{4})(?:转\d{1,5})?"
    r"|9[56]\d{3}(?:\d{1,3})?(?:[-转]\d{1,2})?"  # 95055, "95055-2" (press 2), 95188转3
    r"|0\d{2,3}[-\s]?\d{7,8}(?:[-转]\d{1,5})?|1[3-9]\d{9})(?![\d-])"
)
# A unified social credit code (统一社会信用代码, GB 32100): 18 characters, the registering
# authority and the kind, six digits of the region, then nine of the organisation code and
# a check character, never I, O, S, V or Z. It says who a partner is, never what it offers.
CREDIT_CODE = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"
)


def credit_code_in(texts: Iterable[str]) -> str:
    """The one unified social credit code among a row's texts ("" when none, or several:
    then whose is whose is not said).

    >>> credit_code_in(["1", "甲科技有限公司", "91330106MA2CDKXX3B", "95188"])
    '91330106MA2CDKXX3B'
    >>> credit_code_in(["甲公司 91330106MA2CDKXX3B 乙公司 91110302MA00GP6X4E"])
    ''
    """
    found = {code for text in texts for code in CREDIT_CODE.findall(clean_text(text).upper())}
    return found.pop() if len(found) == 1 else ""


_DATE_ONLY = re.compile(
    rf"^(?:更新|发布|公告|统计)?(?:日期|时间)?[:：]?\s*[（(]?{DATE}[)）]?\s*(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$"
)

_TOTAL = re.compile(
    r"^(?:合计|小计|总计|共计|总数|以上|以下空白|以下无|本页|共\s*\d+\s*[家个户条])|^\d+\s*家$"
)
_NOTE = re.compile(
    r"^(?:注|备注|说明|附注|附件|数据来源|资料来源|来源|更新时间|更新日期|发布时间|发布日期|截至|截止"
    r"|统计截至|特此公告|特此说明|地址|邮编|网址|打印|关闭|返回|上一篇|下一篇|分享|字号|责任编辑"
    r"|浏览|点击|阅读)(?=$|[\s:：\d一二三四五六七八九十（(、.])"
)
_SITE_NOISE = re.compile(
    r"版权所有|copyright|©|icp|备案号|公网安备|技术支持|主办单位|承办单位|当前位置|您的位置|首页",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|csv|png|jpe?g|gif|zip|rar)$", re.IGNORECASE)
_BLANK = re.compile(r"^[-—–/\\\s·.…_=无暂空略N/A]*$")
_NUMBERS = re.compile(r"^[\d\s.、,，:：()（）-]+$")


@lru_cache(maxsize=32768)
def column_of(label: str) -> tuple[Column | None, str]:
    """The column a header label names, and the category it implies ("" if none).

    >>> column_of("状态/备注"), column_of("合作状态")
    ((<Column.REMARK: 'remark'>, ''), (<Column.REMARK: 'remark'>, ''))
    >>> column_of("合作机构类别"), column_of("客服电话")
    ((<Column.CATEGORY: 'category'>, ''), (<Column.HOTLINE: 'hotline'>, ''))
    >>> column_of("增信服务机构"), column_of("平台运营机构名称")
    ((<Column.NAME: 'name'>, '增信服务机构'), (<Column.NAME: 'name'>, '平台运营机构'))
    >>> column_of("重庆甲乙消费金融有限公司提示"), column_of("温馨提示")
    ((None, ''), (None, ''))
    >>> column_of("本公司产品名称")  # the publisher's products, never a name
    (<Column.PRODUCT: 'product'>, '')
    >>> column_of("Partner Name (Chinese)"), column_of("Type")
    ((<Column.NAME: 'name'>, ''), (<Column.CATEGORY: 'category'>, ''))
    """
    text = _LABEL_PUNCTUATION.sub("", simplified(clean_text(label)))
    too_long = len(text) > (40 if text.isascii() else 16)  # English labels are longer
    if not text or too_long or looks_like_org(text) or _NOT_PARTNER_LABEL.search(text):
        return None, ""
    if _OWNER_LABEL.search(text):
        return None, ""
    if _SEQ_LABEL.match(text):
        return Column.SEQ, ""
    if _CATEGORY_LABEL.search(text):
        return Column.CATEGORY, ""
    if _HOTLINE_LABEL.search(text):
        return Column.HOTLINE, ""
    if _PERIOD_LABEL.search(text):
        return Column.PERIOD, ""
    own = re.sub(r"^(?:本公司|我公司|我司|本行|我行)的?", "", text)  # "本公司产品名称"
    if _PRODUCT_LABEL.search(own) and not re.search(r"机构|公司|合作方", own):
        return Column.PRODUCT, ""
    if _REMARK_LABEL.match(text):
        return Column.REMARK, ""
    if names_category(text) and re.search(r"机构|公司|平台|方$|商$", text):
        return Column.NAME, re.sub(r"(?<=.{4})(?:名称|名单)$", "", text)  # 平台运营机构名称
    if _NAME_LABEL.search(text):
        return Column.NAME, ""
    return None, ""


def names_owner(label: str) -> bool:
    """A column label of the group or parent a partner belongs to: a label, though it ends
    like a company name.

    >>> names_owner("所属集团"), names_owner("母公司名称"), names_owner("合作公司")
    (True, True, False)
    """
    return bool(_OWNER_LABEL.search(_LABEL_PUNCTUATION.sub("", clean_text(label))))


def is_strong_name_label(label: str) -> bool:
    """A name column label that says these are partners (合作机构名称), not just names (名称).

    >>> is_strong_name_label("合作机构名称"), is_strong_name_label("公司名称")
    (True, False)
    """
    return bool(
        re.search(
            r"合作|助贷|平台|增信|担保|催收|服务|机构|运营|获客|贷后|partner",
            clean_text(label),
            re.IGNORECASE,
        )
    )


def phones_in(text: str) -> tuple[str, ...]:
    """Phone numbers in a text, as written.

    >>> phones_in("和君纵达数据科技股份有限公司 400-820-1234 / 95188")
    ('400-820-1234', '95188')
    """
    return tuple(match.group(0) for match in PHONE.finditer(clean_text(text)))


@lru_cache(maxsize=32768)
def is_period(text: str) -> bool:
    """True when a text reads as a cooperation period.

    >>> is_period("2025年1月1日至2027年12月31日"), is_period("2025.01.01-2026.12.31")
    (True, True)
    """
    return dates.is_period(clean_text(text))


def period_key(text: str) -> str:
    """A period with every date written one way, so that a date-format change is no change.

    >>> period_key("2025年1月1日至2027年12月31日") == period_key("2025.01.01 - 2027.12.31")
    True
    >>> period_key("合作期限:2025年10月1日至2026年9月30日") == period_key("2025.10.01-2026.09.30")
    True
    """
    return dates.period_key(clean_text(text))


def is_blank(text: str) -> bool:
    """True for placeholder cells: "", "—", "/", "无", "暂无".

    >>> is_blank("—"), is_blank("95188")
    (True, False)
    """
    return bool(_BLANK.match(clean_text(text)))


@lru_cache(maxsize=32768)
def is_noise(text: str) -> bool:
    """True for cells and lines that are never partners: totals, notes, dates, phones, labels.

    >>> [is_noise(t) for t in ("合计", "共52家", "注：排名不分先后", "2025-09-30", "95188")]
    [True, True, True, True, True]
    >>> is_noise("91500000MA60GLY97H")
    True
    >>> is_noise("深圳市分期乐网络科技有限公司"), is_noise("太平财产保险有限公司 —")
    (False, False)
    """
    cleaned = clean_text(text)
    if _BLANK.match(cleaned) or _NUMBERS.match(cleaned):
        return True
    if _TOTAL.match(cleaned) or _NOTE.match(cleaned) or _SITE_NOISE.search(cleaned):
        return True
    if _DATE_ONLY.match(cleaned) or _FILE_NAME.search(cleaned) or CREDIT_CODE.fullmatch(cleaned):
        return True
    if PHONE.search(cleaned) and not re.sub(
        r"[\s\-/、,，;；:：()（）]|客服|电话|热线|联系|方式", "", PHONE.sub("", cleaned)
    ):
        return True
    column, _ = column_of(cleaned)
    named = looks_like_org(cleaned.rstrip("—–-－/／"))  # "甲有限公司 —": an empty cell's dash
    return column is not None and not named and len(cleaned) <= 12


@lru_cache(maxsize=32768)
def is_sentence(text: str) -> bool:
    """True for prose (a note, an introduction, an instruction for filling in the form),
    which a name cell never holds.

    >>> is_sentence("合作起始时间以合作协议签署日期为准"), is_sentence("应在备注栏注明原名称")
    (True, True)
    >>> is_sentence("京东到家"), is_sentence("供应链金融")
    (False, False)
    """
    cleaned = clean_text(text)
    if looks_like_org(cleaned) and len(cleaned) <= 60:
        return False
    return len(cleaned) > 40 or bool(
        re.search(r"[。!！?？]|如下|根据|按照|公告|我行|本行|我司|本公司", cleaned)
        or _INSTRUCTION.search(cleaned)
    )
