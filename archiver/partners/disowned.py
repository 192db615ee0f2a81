"""What a lead sentence or a heading says the table or list under it names, when that is not
partners. Pure.

A fraud warning ("以下机构与我行不存在任何合作关系：", "冒用我行名义的机构名单") names companies
in a table whose header reads like a partner list's (序号 | 机构名称); a page about the
institution itself lists its shareholders, branches or products (主要股东, 营业网点, 产品信息).
What gives such a table away is what the text right above it says it lists. The reader then
reads nothing under it until the next heading: it does not guess.
"""

from __future__ import annotations

import re

from archiver.partners.cells import PARTNER_WORDS, SECTION_NUMBER, is_sentence
from archiver.partners.names import clean_text

_SELF = r"(?:我行|本行|我司|本公司|我公司|我们|本机构|我机构|该行|贵行)"
# The text says the names are NOT partners, or that they use the institution's name falsely.
_NOT_PARTNERS = re.compile(
    r"(?:不存在|没有|无|不具有|未建立)(?:任何)?(?:形式的)?(?:合作|业务|授权|委托)(?:关系|往来|合作)?"
    rf"|(?:并非|不是|均非|均不是|非){_SELF}?(?:的)?(?:合作|授权|委托)(?:机构|伙伴|方|单位|平台)"
    rf"|未(?:与|同){_SELF}.{{0,8}}合作|未(?:经|获){_SELF}?(?:的)?授权"
    rf"|(?:冒用|假冒|仿冒|冒充|盗用|擅用|借用){_SELF}?.{{0,12}}(?:名义|名称|品牌|商标|标识)"
    r"|不法(?:机构|分子|中介|平台|网站|公司)|(?:贷款|电信)?诈骗|黑名单|虚假(?:贷款|网站|平台|宣传)"
)
# The text points at what follows ("以下机构", "如下：", a heading that ends in 名单).
_POINTS_ON = re.compile(r"以下|如下|下列|下述|下表|[:：]$|(?:名单|清单|一览表?|列表)$")
# It says the names that follow ARE partners ("以下为我行合作机构名单"): never disowned.
_AFFIRMS = re.compile(
    r"(?:以下|如下|下列)(?:为|是|系)?(?:我行|本行|我司|本公司)?(?:的)?(?:现有|现|目前)?"
    r"(?:互联网)?(?:助贷)?(?:业务)?合作(?:机构|伙伴|方|单位)(?!.*不存在)"
    # "现将与本公司开展互联网助贷业务合作的机构公示如下"
    rf"|(?<![不未没无非])(?:与|同){_SELF}(?:开展|建立|进行)?[^，,。；;]{{0,16}}合作的(?:机构|伙伴|合作方|单位)"
    r"[^，,。；;]{0,8}(?:如下|于下)"
)
# A warning any page may carry ("请广大客户认准官方渠道，谨防诈骗"): no word on what follows.
_BOILERPLATE = re.compile(r"(?:谨防|防范|警惕|谨防各类|严防)[^，,。；;]{0,10}诈骗")
# Another role of a trust or a loan than the partner's: custodian, trustee, account bank.
_OTHER_ROLE = (
    r"(?:保管|托管|存管|监管)(?:银行|人|机构)|受托人|开户(?:银行|行)|(?:信托|资金)(?:保管|托管)"
)
# A heading of a list of something else: shareholders, branches, jobs, product terms.
_OTHER_SUBJECT = re.compile(
    r"股东|股权结构|分支机构|营业网点|网点(?:信息|分布|查询|名录)|人才招聘|招聘(?:信息|公告|岗位)"
    r"|产品(?:信息|要素|介绍|说明)|(?:贷款)?利率(?:区间|信息)?|费率|收费标准"
    # a consumer-finance company's own funders ("资金合作银行", "同业借款"): its lenders
    r"|资金(?:合作|来源|提供)(?:银行|机构|方)|同业(?:借款|拆借)"
    rf"|{_OTHER_ROLE}"
)
# Another business than lending: a bank's distribution partners (代销: funds, wealth products,
# insurance) are published as "代销业务合作机构名单" in the very shape of a partner list.
_OTHER_BUSINESS = re.compile(
    r"代销|代理销售|代理(?:保险|基金|理财|贵金属|国债)|(?:基金|理财(?:产品)?|保险)销售"
    r"|销售(?:基金|理财)"
)
_LENDING = re.compile(r"贷|授信|增信|担保")
_HEADING_LENGTH = 30
# "主要股东：甲、乙、丙。" in a report's paragraph: names in another role, up to the clause's end
_ROLE_CLAUSE = re.compile(
    r"(?:^|(?<=[。；;，,\s]))(?:主要|控股|第一大|全体)?(?:股东|发起人|出资人|实际控制人|关联方)"
    r"(?:单位|名称|情况|名单)?\s*[:：][^。；;\n]*[。；;]?"
)


def names_another_business(text: str) -> bool:
    """True when a line speaks of another business than lending (代销: a bank's fund, wealth
    or insurance distribution partners), and of no loan.

    >>> names_another_business("代销产品合作机构名单"), names_another_business("合作机构名单")
    (True, False)
    >>> names_another_business("互联网贷款合作机构（代销业务另行公示）")
    False
    """
    cleaned = clean_text(text)
    return _OTHER_BUSINESS.search(cleaned) is not None and _LENDING.search(cleaned) is None


def without_other_roles(text: str) -> str:
    """A line without its clauses naming shareholders, founders or related parties.

    >>> without_other_roles("公司名称：甲消费金融有限公司。主要股东：乙银行有限公司、丙公司。")
    '公司名称：甲消费金融有限公司。'
    >>> without_other_roles("平台运营机构：甲科技有限公司")
    '平台运营机构：甲科技有限公司'
    """
    return _ROLE_CLAUSE.sub("", text) if "：" in text or ":" in text else text


def disowns_what_follows(text: str, *, heading: bool = True) -> bool:
    """True when a line says the table or list under it does not name partners. A subject
    (股东, 产品信息) counts only in a heading (`heading`, or a numbered line): a link of the
    site's navigation ("招聘信息", "网点查询") says nothing of what follows it.

    >>> disowns_what_follows("经核实，以下机构与甲银行股份有限公司不存在任何合作关系：")
    True
    >>> disowns_what_follows("冒用我行名义开展贷款营销的机构名单")
    True
    >>> disowns_what_follows("（二）互联网贷款产品信息"), disowns_what_follows("三、主要股东情况")
    (True, True)
    >>> disowns_what_follows("二、资金合作银行（联合贷款/银团资金）")
    True
    >>> disowns_what_follows("合作产品信息")  # its table may name the partners (合作机构 column)
    False
    >>> disowns_what_follows("招聘信息", heading=False), disowns_what_follows("招聘信息")
    (False, True)
    >>> disowns_what_follows("以下为我行互联网助贷业务合作机构名单：")
    False
    >>> disowns_what_follows("请警惕不法分子冒用我行名义开展贷款营销。")
    False
    >>> disowns_what_follows("现将与本公司开展助贷合作的机构公示如下，请认准官方渠道，谨防诈骗。")
    False
    >>> disowns_what_follows("（一）合作机构名单"), disowns_what_follows("合作产品及合作机构")
    (False, False)
    >>> disowns_what_follows("表三 保管银行"), disowns_what_follows("四、资金托管机构")
    (True, True)
    >>> disowns_what_follows("代销业务合作机构")
    True
    >>> disowns_what_follows("现将代销合作机构公示如下：")
    True
    >>> disowns_what_follows("互联网贷款合作机构（代销业务合作机构另行公示）")
    False
    """
    cleaned = clean_text(text)
    if not cleaned or _AFFIRMS.search(cleaned):
        return False
    if _NOT_PARTNERS.search(_BOILERPLATE.sub("", cleaned)) and _POINTS_ON.search(cleaned):
        return True
    heading = heading or SECTION_NUMBER.match(cleaned) is not None
    short = len(cleaned) <= _HEADING_LENGTH and not is_sentence(cleaned)
    if names_another_business(cleaned):
        return (heading and short) or _POINTS_ON.search(cleaned) is not None
    subject = _OTHER_SUBJECT.search(cleaned) and not PARTNER_WORDS.search(cleaned)
    return heading and short and bool(subject)


def labels_another_role(labels: tuple[str, ...]) -> bool:
    """True when a table's column labels, none of them a partner column, say its names
    hold another role (保管人 | 保管账户开户行; 受托人): a custodian is no partner.

    >>> labels_another_role(("保管人", "保管账户开户行")), labels_another_role(("受托人", "日期"))
    (True, True)
    >>> labels_another_role(("序号", "合作机构", "资金存管银行"))
    False
    >>> labels_another_role(("名称", "日期"))
    False
    """
    cells = [clean_text(c) for c in labels if c.strip()]
    if any(PARTNER_WORDS.search(c) for c in cells):
        return False
    return any(re.search(_OTHER_ROLE, c) for c in cells)
