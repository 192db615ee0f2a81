"""Whether a text read where a partner could be is a partner's name. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.partners.annotations import parse_name
from archiver.partners.cells import Column, column_of, is_noise, is_sentence
from archiver.partners.names import clean_text, is_generic, looks_like_org, match_key
from archiver.partners.owner import is_own

_LEADING_LABEL = re.compile(r"^([^：:]{2,12})[:：]")
_CODE = re.compile(r"[0-9A-Z]{15,20}")  # 统一社会信用代码, 机构编码
# A comma or a full stop between CJK words: prose, never inside a name ("Co., Ltd." is).
_PROSE_PUNCTUATION = re.compile(r"[,;:](?![\s\x21-\x7e])|。")
# The words of a list's title or of a category label: never inside a partner's own name
# ("威海银行互联网助贷业务合作机构名单_威海市商业银行股份有限公司" is a print header).
_LIST_WORDS = re.compile(r"名单|运营机构|服务机构|合作机构")

# Running text around a name, never a legal entity's name however it ends ("根据《中国人民银行…》",
# "甲银行（中国）有限公司为乙集团在华全资子银行"): a book title's brackets, a clause that opens
# with a basis or a purpose ("根据", "按照", "为保障"), or a copula or a description right
# after a complete legal form ("…有限公司为…", "…有限公司系…", "…股份有限公司成立于…").
# The words of a clause, never of a brand ("存量业务按原合同约定继续履行" cut from a note).
_CLAUSE_WORDS = re.compile(r"存量|合同|约定|继续|履行|不再|予以|办理|原有|按原|按照|自.{0,12}起")
_RUNNING_TEXT = re.compile(
    r"[《》]|^(?:根据|按照|依据|依照|遵照|鉴于|为了|为进一步|为保障|为规范|为加强|为切实|现将|现就|兹将"
    # an announcement's title ("关于甲银行…的公告") or a note about a row ("该机构原名称为…")
    r"|关于|该(?:机构|公司|企业|合作机构)|上述|前述"
    # a note on the table itself ("本表由甲银行网络金融部汇总", "此名单…")
    r"|本表|此表|该表|本名单|此名单|本清单"
    # a question (a help widget's "如何申请借款", an FAQ's "怎样提前还款？")
    r"|如何|怎么|怎样|为什么|为何|是否|能否|哪些)"
    r"|[？?]$"
    r"|(?:有限公司|有限责任公司|股份公司|银行)(?:（[^（）]*）)?"
    r"(?:为|是|系|作为|成立于|注册于|位于|隶属于|致力于|是一家"
    r"|与(?:上述|以上|前述|本|我|贵|该|其)|对(?:上述|以上|前述|其))"  # "…公司与上述机构的合作…"
    # a call to action ("关注蜀道银行", "扫码下载…APP"), never a partner
    r"|^(?:关注|点击|扫描|扫码|长按|识别|下载|访问|登录|欢迎|立即|开通|办理|申请|领取|注册|预约)"
    r"(?!.*(?:公司|集团)$)"
    # a change log's action before the name ("新增甲公司"): what happened, not a name
    r"|^(?:新增|增加|删除|移除|剔除|调入|调出)(?=\S{4})"
)
# A regulator or a public body ("国家金融监督管理总局重庆监管局" in a 投诉受理渠道 table).
_AUTHORITY = re.compile(
    r"金融监督管理(?:总局|局)|监管(?:分)?局|银保监|证监会|中国人民银行(?!征信)|人民政府|人民法院"
    r"|公安(?:局|厅)"
    r"|市场监督管理局|金融(?:工作)?办公室|地方金融(?:监督)?管理局|消费者(?:权益保护)?协会|银行业协会"
)
# A slogan beside the logo ("陇原人民自己的银行"): "的" in what no legal form ends.
_SLOGAN = re.compile(r"^(?!.*(?:公司|集团|有限|合作社|中心|事务所)).*的.*(?:银行|金融|保险)$")
_BARE_BRANCH = re.compile(r"(?:(?!银行|公司|集团)\S){2,8}(?:分行|支行|营业部)")
# A category's or a way of serving's words alone ("·保证保险", "融资担保", "平台运营机构"): a label
# of the list, never a partner's name (a brand such as 众安保险 has more than the words).
_LABEL_ONLY = re.compile(
    r"^[·•・\-—\s]*(?:个人|企业|小微|借款人)?(?:消费|经营)?(?:借款|贷款|信贷)?(?:信用|融资|履约|贷款)?"
    r"(?:保证保险|信用保险|担保|增信|保险|风险分担|兜底"
    r"|平台运营|营销获客|获客|导流|引流|联合贷款|联合出资|共同出资|贷后催收|催收)(?:服务)?(?:机构|类|方式)?$"
)


def is_label_words(text: str) -> bool:
    """A category's or a way of serving's words alone (_LABEL_ONLY), not a name.

    >>> is_label_words("信用保证保险"), is_label_words("众安保险")
    (True, False)
    >>> is_label_words("个人借款保证保险"), is_label_words("个人消费贷款保证保险")
    (True, True)
    """
    return _LABEL_ONLY.match(clean_text(text)) is not None


# A table header's labels, one after another, with nothing else
_COLUMN_LABELS = re.compile(
    r"(?:序号|编号|统一社会信用代码|社会信用代码|信用代码|(?:合作)?机构(?:名称|全称|简称|类别|类型)?"
    r"|名称|合作(?:类型|类别|方式|模式|产品|期限|期间|状态|内容)|类别|类型|(?:客服|联系|服务)?(?:电话|热线)"
    r"|产品(?:名称)?|期限|备注|状态|说明){2,}"
)
# A heading of links ("友情链接", "相关新闻"): the names under it are not partners.
ASIDE_HEADING = re.compile(
    r"^(?:友情链接|相关链接|快速链接|网站导航|网站地图|相关文章|相关阅读|相关新闻|推荐阅读|热门文章"
    r"|相关公告|相关通知|其他公告|更多公告|热点推荐|猜你喜欢"
    r"|最新公告|最新动态|上一篇|下一篇|分享到|扫一扫|往期推荐|往期回顾|往期精彩|精彩回顾|延伸阅读)"
)
# The labels of a site's own navigation ("新闻中心", "信息披露"): never a partner's name.
_SITE_FURNITURE = re.compile(
    r"(?:新闻|资讯|客服|服务|消费者|产品|下载)中心|(?:公告|新闻|通知|资讯|行业|公司|招聘|网点)"
    r"(?:信息|动态|公告|资讯)|信息披露|(?:我行|本行|我司|本公司|公司|集团)(?:简介|概况|介绍)"
    r"|关于我们|联系我们|网站地图|首页|个人(?:金融|业务)|公司(?:金融|业务)|消费者权益保护"
    r"|电子银行|网上银行|手机银行|投资者关系|社会责任|人才招聘|党建(?:工作|动态)?"
)
# The words that close a list ("特此公告", "以上名单").
LIST_END = re.compile(r"^(?:特此公告|特此通知|特此说明|以上为|以上名单|以上机构)")


@dataclass(frozen=True, slots=True)
class Setting:
    """Where the candidate stands: who publishes, what names are known, what the page said."""

    own_keys: set[str]  # the publishing institution's match keys
    known: set[str]  # names the alias table knows
    context: bool  # the material has said it is about partners
    in_section: bool  # under a category heading


def _closes_unopened(text: str) -> bool:
    """A bracket closed before any was opened: a piece cut out of running text
    ("Ltd）在华设立的外商独资银行"), never a whole name.

    >>> _closes_unopened("Ltd）在华设立的外商独资银行")
    True
    >>> _closes_unopened("度小满科技（北京）有限公司")
    False
    """
    depth = 0
    for char in text:
        depth += {"（": 1, "(": 1, "）": -1, ")": -1}.get(char, 0)
        if depth < 0:
            return True
    return False


def _kinds_only(text: str) -> bool:
    """Kinds of company, no one's name ("依法设立的融资担保公司或保险公司", a rule's words).

    >>> _kinds_only("依法设立的融资担保公司或保险公司"), _kinds_only("甲融资担保有限公司")
    (True, False)
    """
    kinds = re.split(r"或|及|和|与|、", re.sub(r"^.*的", "", text))
    return all(kind and is_generic(kind) for kind in kinds)


def is_partner_name(name: str, setting: Setting, *, in_list: bool, table: str = "") -> bool:
    """Whether a candidate is a partner. `table` is "header" for a column a header names,
    "inferred" for a column recognised by its content, "weak" for a guessed one, "" for
    running text.

    >>> here = Setting(own_keys=set(), known=set(), context=True, in_section=False)
    >>> is_partner_name("上海淇毓信息科技有限公司", here, in_list=True)
    True
    >>> is_partner_name("互联网助贷业务合作机构名单", here, in_list=True)
    False
    >>> is_partner_name("根据《中国人民银行", here, in_list=True)
    False
    >>> is_partner_name("甲银行（中国）有限公司为乙集团在华全资子银行", here, in_list=True)
    False
    >>> is_partner_name("·保证保险", here, in_list=True)
    False
    >>> is_partner_name("关注甲乙银行", here, in_list=True)
    False
    >>> is_partner_name("开通手机银行", here, in_list=True)
    False
    >>> is_partner_name("甲乙银行股份有限公司与上述机构的合作不构成担保", here, in_list=True)
    False
    >>> listed = Setting(own_keys=set(), known=set(), context=True, in_section=True)
    >>> is_partner_name("存量业务按原合同约定继续履行", listed, in_list=True)
    False
    >>> is_partner_name("随星借", listed, in_list=True)
    True
    >>> is_partner_name("新增上海携程金融信息服务有限公司", listed, in_list=True)
    False
    >>> is_partner_name("济南分行", listed, in_list=True)
    False
    >>> is_partner_name("国家金融监督管理总局重庆监管局", listed, in_list=True)
    False
    >>> is_partner_name("陇原人民自己的银行", listed, in_list=True)
    False
    >>> is_partner_name("如何申请借款", listed, in_list=True)  # a help widget's question
    False
    >>> is_partner_name("统一社会信用代码机构名称", listed, in_list=True)  # a header, glued
    False
    """
    text = clean_text(name)
    core = parse_name(text).name  # the name without what is written beside it
    if not text or is_noise(text) or is_sentence(core) or _PROSE_PUNCTUATION.search(core):
        return False
    if _RUNNING_TEXT.search(core) or _closes_unopened(core) or _LABEL_ONLY.match(core):
        return False  # a sentence that holds a name, a piece cut out of one, or a label
    if _LIST_WORDS.search(core) or _SITE_FURNITURE.fullmatch(core):
        return False
    if _COLUMN_LABELS.fullmatch(core):
        return False  # a header row's labels run together ("统一社会信用代码机构名称")
    if is_own(core, setting.own_keys):
        return False
    base = re.sub(r"（[^（）]*）", "", core)
    label = _LEADING_LABEL.match(text)
    if label and column_of(label.group(1))[0] is not Column.NAME:
        return False  # "统一社会信用代码：9133…" under the name
    if _AUTHORITY.search(base) or _SLOGAN.match(base) or _kinds_only(base):
        return False  # a regulator, the lender's slogan, or kinds of company in a rule
    if _CODE.fullmatch(base) or _BARE_BRANCH.fullmatch(base):
        return False  # (a branch named without its bank, "济南分行", is the lender's own)
    if table == "header":
        return len(base) >= 2 and not re.fullmatch(r"[\d\W_]+", base)
    named = looks_like_org(base) or text in setting.known or match_key(text) in setting.known
    if table == "weak":
        return setting.context and len(base) >= 2
    if named:
        return setting.context
    short_brand = 2 <= len(base) <= 20 and not re.search(r"\d{4}|[:：,，。]", base)
    short_brand = short_brand and not _CLAUSE_WORDS.search(base)
    return setting.context and in_list and setting.in_section and short_brand
