"""Partner names: display form, match key and lifted region qualifier. Pure.

DOMAIN.md §3: the same licensed entity is published with full- or half-width brackets, with
its city in front or in brackets, with 有限公司 / 有限责任公司 / 股份有限公司 drifting, with
and quote marks. The match key folds all of that; the display name keeps what the publisher
wrote. What is written beside a name (former names, marks) is read by `annotations`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from archiver.partners.places import (
    COUNTRY_QUALIFIERS,
    LONGEST_REGION,
    REGION_SUFFIXES,
    REGIONS,
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))
_TRADEMARKS = dict.fromkeys(map(ord, "®™℠©"))  # (NFKC would spell ™ out as "TM")
_BRACKETS = str.maketrans(
    {"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）", "〔": "（", "〕": "）"}
    | {"〖": "（", "〗": "）", "﹙": "（", "﹚": "）"}
)

_QUOTES = str.maketrans(dict.fromkeys("“”‘’\"'「」『』〝〞`´", ""))
_SPACE_RUN = re.compile(r"\s+")
_ASCII_SPACE_ASCII = re.compile(r"(?<=[\x21-\x7e]) (?=[\x21-\x7e])")
_KEY_PUNCTUATION = re.compile(r"[\s（）·•・.,，、\-_—–/\\:：;；!！?？*※+&＆《》<>#]")

LEGAL_FORMS = re.compile(
    r"股份有限公司|有限责任公司|有限公司|股份公司|（有限合伙）|有限合伙"
    r"|(?i:[\s,]*\b(?:co\.?,?\s*ltd\.?|limited|company|inc\.?|corporation|llc)$)"
)
# The end of a legal name, as it lands alone on the next line when a cell wraps.
LEGAL_TAIL = re.compile(
    r"(?:（[^（）]*）)?(?:(?:股份|有限|责任)*公司|司|限公司|限责任公司|责任公司|有限|(?:有限)?合伙）?)"
)
_TRAILING_COMPANY = re.compile(r"(?<!分)公司$")
ORG_SUFFIX = re.compile(
    r"(?:公司|银行|分行|支行|集团|中心|事务所|合伙|合伙企业|合作社|联社|研究院|小贷|担保"
    r"|保险|信托|证券|科技|数科|金科|金融|商行|工作室|平台"
    r"|(?i:\bco\.?,?\s*ltd\.?|\blimited|\bcompany|\bbank|\binc\.?|\bcorporation|\bllc))$"
)

# Industry words: a name whose remainder after a region is only these (北京 + 银行, 湖北 +
# 消费金融) keeps its region, because the region is what tells it apart.
_GENERIC_TEXT = (
    "银行 商业银行 农村商业银行 农商银行 农商行 农村信用合作联社 农村信用社 信用社 联社 "
    "村镇银行 国际银行 民营银行 城市商业银行 国际 信托 国际信托 消费金融 汽车金融 金融租赁 "
    "融资租赁 融资担保 担保 小额贷款 小贷 财产保险 人寿保险 保险 证券 期货 基金管理 资产管理 "
    "投资 投资控股 控股 发展 实业 科技 信息技术 网络科技 数字科技 金融科技 信息科技 电子商务 "
    "集团 商业 农村 金融 分行 支行 市 省 区 县 建设 开发 工商 融资 增信 服务 合作 平台 运营 "
    "营销 获客 催收 机构 财产 信息 技术 网络 数字 互联网 助贷 消费 贷款 公司 有限 股份 中国 "
    "持牌 持证 或 及 以及 其他 第三方"  # "持牌融资担保公司或保险公司": kinds, not a name
)
_GENERIC_WORDS = tuple(sorted(_GENERIC_TEXT.split(" "), key=len, reverse=True))
BRACKETED = re.compile(r"（([^（）]*)）")

# Traditional characters of the words that label columns and categories (序號, 合作機構名稱,
# 平台運營機構, 擔保 …): labels are read in simplified form; names keep what was published.
_TRADITIONAL = str.maketrans(
    "號機構稱類別電話產備註擔營運務險貸資計項單業臺聯網絡銀團與為關說狀態後風評獲導銷場術數據"
    "結統會碼終暫銷現總額費國華東門廣慶寧夏灣區縣鄉農貿鐵權證劃費緩續約滿過弔",
    "号机构称类别电话产备注担营运务险贷资计项单业台联网络银团与为关说状态后风评获导销场术数据"
    "结统会码终暂销现总额费国华东门广庆宁夏湾区县乡农贸铁权证划费缓续约满过吊",
)


@lru_cache(maxsize=32768)
def in_simplified(text: str) -> str:
    """A name in simplified characters (OpenCC's t2s); a simplified name stays as it is.

    >>> in_simplified("攜程借錢"), in_simplified("携程借钱")
    ('携程借钱', '携程借钱')
    """
    if text.isascii():
        return text
    return str(_t2s().convert(text))


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC  # noqa: PLC0415 - its dictionaries load on first use

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """Label words in simplified characters.

    >>> simplified("合作機構類別"), simplified("平台運營機構")
    ('合作机构类别', '平台运营机构')
    """
    return text.translate(_TRADITIONAL)


@lru_cache(maxsize=32768)
def clean_text(text: str) -> str:
    """NFKC (folds Kangxi radicals and full-width letters), one bracket width, tidy spaces.

    >>> clean_text("蚂蚁智信(杭州)信息技术 有限公司")
    '蚂蚁智信（杭州）信息技术有限公司'
    >>> clean_text("⼀家 OPPO  Finance\\u3000公司"), clean_text("甲科技有限公司™")
    ('一家OPPO Finance公司', '甲科技有限公司')
    """
    text = unicodedata.normalize("NFKC", text.translate(_TRADEMARKS))
    text = text.translate(_INVISIBLE).translate(_BRACKETS)
    text = _SPACE_RUN.sub(" ", text).strip()
    if " " not in text:
        return text
    # keep spaces only between two ASCII words; CJK text takes none
    kept = _ASCII_SPACE_ASCII.sub("\x00", text)
    return kept.replace(" ", "").replace("\x00", " ")


@lru_cache(maxsize=32768)
def looks_like_org(name: str) -> bool:
    """True when a name ends the way Chinese organisation names do and says whose it is.

    >>> looks_like_org("深圳市凯旋融资担保有限公司"), looks_like_org("截至2025年9月30日")
    (True, False)
    >>> looks_like_org("融资担保公司"), looks_like_org("奇富科技")
    (False, True)
    """
    base = BRACKETED.sub("", clean_text(name)).strip()
    if len(base) < 3 or not ORG_SUFFIX.search(base):
        return False
    core = ORG_SUFFIX.sub("", fold_legal_form(base)) or base
    core, _ = lift_qualifier(core)
    return not is_generic(core)


_LEGAL_KIND = re.compile(r"(?:股份有限公司|股份公司|有限责任公司|有限公司)$")


def legal_form(name: str) -> str:
    """The legal form a name ends in ("" when none).

    >>> legal_form("甲科技股份有限公司"), legal_form("甲科技有限责任公司"), legal_form("甲科技")
    ('股份有限公司', '有限责任公司', '')
    """
    found = _LEGAL_KIND.search(clean_text(name))
    return found.group(0) if found else ""


def legal_kind(name: str) -> str:
    """The kind of company a name's legal form says: "joint-stock" (股份有限公司), "limited"
    (有限公司 or 有限责任公司: one kind, written long or short), "" when it says none.

    >>> legal_kind("甲科技股份有限公司"), legal_kind("甲科技有限责任公司"), legal_kind("甲科技")
    ('joint-stock', 'limited', '')
    """
    form = legal_form(name)
    if not form:
        return ""
    return "joint-stock" if form.startswith("股份") else "limited"


def fold_legal_form(name: str) -> str:
    """The name without its legal form (有限公司, 股份有限公司, 有限责任公司, 公司 …).

    >>> fold_legal_form("兴业消费金融股份公司"), fold_legal_form("招联消费金融有限公司")
    ('兴业消费金融', '招联消费金融')
    """
    folded = LEGAL_FORMS.sub("", name)
    return _TRAILING_COMPANY.sub("", folded) or name


def _region_at_start(text: str) -> tuple[str, int]:
    for size in range(min(LONGEST_REGION, len(text)), 1, -1):
        head = text[:size]
        if head in REGIONS:
            end = size
            for suffix in REGION_SUFFIXES:
                if text.startswith(suffix, size):
                    end += len(suffix)
                    break
            return head, end
    return "", 0


def region_prefix(text: str) -> int:
    """The length of the region a text starts with (北京, 广东省), 0 when none.

    >>> region_prefix("北京京东叁佰陆拾"), region_prefix("度电子商务有限公司")
    (2, 0)
    """
    return _region_at_start(text)[1]


def is_region(text: str) -> bool:
    """True when a whole text names a region (杭州, 广东省, 中国).

    >>> is_region("广东省"), is_region("蚂蚁")
    (True, False)
    """
    return bool(_is_region(text))


def _is_region(text: str) -> str:
    """The region named by a whole bracket's content ("杭州", "广东省"), else ""."""
    if text in COUNTRY_QUALIFIERS:
        return text
    region, end = _region_at_start(text)
    return region if region and end == len(text) else ""


@lru_cache(maxsize=4096)
def is_generic(text: str) -> bool:
    """True when a name core is only industry words (银行, 消费金融, 信息技术 …)."""
    if not text:
        return True
    return any(text.startswith(word) and is_generic(text[len(word) :]) for word in _GENERIC_WORDS)


@lru_cache(maxsize=32768)
def lift_qualifier(core: str) -> tuple[str, str]:
    """(core without its region qualifier, the qualifier), for a name already folded.

    >>> lift_qualifier("蚂蚁智信（杭州）信息技术")
    ('蚂蚁智信信息技术', '杭州')
    >>> lift_qualifier("哈尔滨哈银消费金融"), lift_qualifier("北京银行")
    (('哈银消费金融', '哈尔滨'), ('北京银行', ''))
    """
    qualifiers: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1)
        region = _is_region(inner)
        if region:
            qualifiers.append(region)
            return ""
        return inner  # （集团） and other bracketed parts stay, without their brackets

    core = BRACKETED.sub(bracket, core)
    while True:
        region, end = _region_at_start(core)
        rest = core[end:]
        if not region or len(rest) < 2 or is_generic(rest):
            break
        qualifiers.append(region)
        core = rest
    return core, "".join(dict.fromkeys(qualifiers))


# the short forms rural banks go by ("上海农商银行" for 上海农村商业银行股份有限公司)
_BANK_FULL = {"农商银行": "农村商业银行", "农商行": "农村商业银行", "农合银行": "农村合作银行"}
_BANK_SHORT = re.compile("|".join(_BANK_FULL))


@lru_cache(maxsize=32768)
def match_key(name: str) -> str:
    """Identity of a partner name across versions: every kind of name noise folded, and
    traditional characters read as simplified (a site's 繁體 switch names the same company).

    >>> match_key("蚂蚁智信(杭州)信息技术有限公司") == match_key("杭州蚂蚁智信信息技术有限公司")
    True
    >>> match_key('黑龙江"三农"信融资担保有限责任公司')
    '三农信融资担保'
    >>> match_key("重慶度小滿融資擔保有限公司") == match_key("重庆度小满融资担保有限公司")
    True

    A rural bank's short form is its name: 农商银行 / 农商行 is 农村商业银行.

    >>> match_key("江淮农商银行") == match_key("江淮农村商业银行股份有限公司")
    True
    """
    text = in_simplified(clean_text(name)).translate(_QUOTES)
    text = _BANK_SHORT.sub(lambda m: _BANK_FULL[m.group(0)], text)
    core, _ = lift_qualifier(fold_legal_form(text))
    return _KEY_PUNCTUATION.sub("", core).lower() or _KEY_PUNCTUATION.sub("", text).lower()


@lru_cache(maxsize=32768)
def qualifier_of(name: str) -> str:
    """The region qualifier of a name, "" when it has none.

    >>> qualifier_of("度小满科技（北京）有限公司")
    '北京'
    """
    return lift_qualifier(fold_legal_form(clean_text(name).translate(_QUOTES)))[1]


def qualifiers_agree(left: str, right: str) -> bool:
    """Same region, or one side gives none (广东深圳 agrees with 深圳).

    >>> qualifiers_agree("杭州", ""), qualifiers_agree("深圳", "重庆")
    (True, False)
    """
    return not left or not right or left in right or right in left


# where one whole name ends and the next begins; a branch's name goes on ("…公司北京市分公司")
_GLUED_AFTER = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|分公司)"
    r"(?=[\u4e00-\u9fff])(?![\u4e00-\u9fff]{1,8}?(?:分公司|分行|支行|营业部))"
)


_NOT_ONLY_NAMES = re.compile(r"[。，,；;:：]")
# a clause's first word (为, 系, 与, 已…) or a subsidiary: words of a sentence, not a name
_NO_NAME_PIECE = re.compile(r"^[为系是与和及的在由对向即已原曾现]|子公司$")


def unglued(text: str, whole: Callable[[str], bool]) -> list[str]:
    """Whole names glued together with nothing between them, apart (a row of span cells read
    as one line); anything else, a branch's name among them, stays as it is.

    >>> unglued("重庆市兴农融资担保集团有限公司长春市融资担保有限公司", looks_like_org)
    ['重庆市兴农融资担保集团有限公司', '长春市融资担保有限公司']
    >>> unglued("中国人民财产保险股份有限公司北京市分公司长春市融资担保有限公司", looks_like_org)
    ['中国人民财产保险股份有限公司北京市分公司', '长春市融资担保有限公司']
    >>> unglued("甲科技有限公司乙产品", looks_like_org)
    ['甲科技有限公司乙产品']
    >>> unglued("河南中原消费金融股份有限公司为中原银行股份有限公司控股子公司", looks_like_org)
    ['河南中原消费金融股份有限公司为中原银行股份有限公司控股子公司']
    """
    if _NOT_ONLY_NAMES.search(text):
        return [text]  # a sentence or a labelled note ("甲公司为乙公司控股子公司。")
    cuts = [found.end() for found in _GLUED_AFTER.finditer(text)]
    pieces = [text[start:end] for start, end in itertools.pairwise([0, *cuts, len(text)])]
    if len(pieces) > 1 and all(
        piece.endswith("公司") and whole(piece) and not _NO_NAME_PIECE.search(piece)
        for piece in pieces
    ):
        return pieces
    return [text]


_BRANCH = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:分公司|支公司|分行|支行|营业部)$")


def is_branch_of(one: str, other: str) -> bool:
    """Whether one name is the other's with a branch after it, either way round: a branch
    (分公司, 分行) is no legal person of its own, so the two name one partner.

    >>> is_branch_of("甲保险有限公司", "甲保险有限公司上海分公司")
    True
    >>> is_branch_of("甲保险有限公司上海分公司", "甲保险有限公司")
    True
    >>> is_branch_of("甲保险有限公司", "甲保险有限公司上海科技有限公司")
    False
    """
    short, long = sorted((clean_text(one), clean_text(other)), key=len)
    return long.startswith(short) and bool(_BRANCH.match(long[len(short) :]))
