"""Heading lines: the category a section announces ("二、增信服务机构（共10家）") and the
status every row under a heading has ("已终止合作机构"). Pure.
"""

from __future__ import annotations

import re
import unicodedata

from archiver.partners.annotations import markers_in
from archiver.partners.blocks import LineKind
from archiver.partners.candidates import is_label_words
from archiver.partners.categories import COUNT_NUMBER, names_category
from archiver.partners.cells import PHONE, SECTION_NUMBER, is_sentence
from archiver.partners.disowned import names_another_business
from archiver.partners.names import LEGAL_FORMS, clean_text, is_generic, looks_like_org

_HEADING_NUMBER = re.compile(
    r"^\s*(?:第?[一二三四五六七八九十]+[、.．:：)）]|[（(][一二三四五六七八九十]+[)）]"
    r"|第[一二三四五六七八九十\d]+(?:部分|章|节|类|项)[、.:：\s]?|[A-Za-z][.、]|\d{1,2}(?:\.\d)*[.、．\s])\s*"
)
# A heading's decoration: a bar, a bullet or an arrow before or after it ("▍平台运营机构").
_DECORATION = re.compile(
    r"^[\s\u2190-\u21ff\u2500-\u27bf\u2b00-\u2bff|｜]+|[\s\u2190-\u21ff\u2500-\u27bf\u2b00-\u2bff|｜]+$"
)
# A card's brand before its category tag: a short name, no words of a list's title.
_BRAND = re.compile(r"(?!.*(?:互联网|助贷|业务|合作|名单|机构|类))[\u4e00-\u9fffA-Za-z]{2,8}")
_SECTION_WORDS = re.compile(r"(?:机构|名单|公司|单位|合作方|平台)$")
_IN_FORCE = re.compile(r"(?:现|当前|目前|现有|正在)合作(?:中|的)?(?:机构|单位|合作方)")
# An update notice's list of the names it removes ("本次退出名单", "二、移出合作机构"): ended.
_EXIT_LIST = re.compile(
    r"(?:本次|此次|本期)?(?:退出|移出|移除|剔除|减少)的?(?:合作|助贷)?(?:机构|单位|合作方)?"
)
_EXIT_MARK = "已退出合作"  # the mark such a heading gives its names (annotations.markers_in)
# "历史合作机构", "往期合作机构名单": the partners the lender worked with before, ended.
_FORMER_PARTNERS = re.compile(
    r"(?:历史|往期|过往|以往|曾经|原)合作(?:过的)?(?:机构|单位|合作方|伙伴)(?:名单)?"
)
_FORMER_MARK = "已终止合作"
# "名单（含已终止合作机构）": a list that includes ended partners, not a list of them.
_INCLUDES_ENDED = re.compile(r"(?:含|包括|包含)(?:已|部分)?(?:终止|暂停|退出|停止|解除)")
# "一、新增合作机构", "本次新增平台运营机构": the change a notice lists, not a category.
_ADDED = re.compile(r"^(?:本次|此次|本期)?(?:新增|增加|补充|新加入)的?")
_HEADING_TAIL = re.compile(
    # "（共8家，排名不分先后）", "（按拼音排序）": the order of the names, not their kind
    r"[（(][^（）()]*(?:不分先后|排名|排序|顺序)[^（）()]*[)）]$|"
    rf"[（(]?\s*(?:共|合计)?\s*{COUNT_NUMBER}\s*家\s*[)）]?|[:：]$|名单$|如下$|列表$|明细$|情况$|信息$"
    # "…名单公示（2025年12月更新）": the notice's words and its edition
    r"|公示$|公告$|[（(][^（）()]{0,16}(?:\d{4}|更新|修订|版)[^（）()]{0,8}[)）]$"
    # "平台运营机构（第1页/共2页）", "（续）": where a paged or continued list is, not its category
    r"|[（(]\s*(?:第\s*\d{1,3}\s*页\s*[/／,，]?\s*(?:共\s*\d{1,3}\s*页)?|续(?:表|上页)?)\s*[)）]$"
)
_LIST_TITLE = re.compile(r"名单|公示|公告|一览")
_PARTNER_SECTION = re.compile(r"合作机构|合作方|助贷|平台运营|增信服务")
# A card's field line ("合作渠道：京东金融APP"): a label, then a value that names no category.
_FIELD_VALUE = re.compile(r"^[^:：]{2,8}[:：](?![^:：]*(?:机构|单位|合作方|平台|类|名单))[^:：]+$")
# "中原消费金融增信服务机构名单公示": the publisher's name before the category it titles
_PUBLISHER_BEFORE = re.compile(
    r"^[\u4e00-\u9fff]{2,12}?(?:银行|消费金融|信托|金融租赁|汽车金融)(?:股份)?(?:有限)?(?:责任)?(?:公司)?"
    r"(?:的)?(?=[\u4e00-\u9fff]{4,})"
)


# The English a bilingual heading repeats after its Chinese ("已终止合作机构 Terminated Partners").
_TRANSLATION = re.compile(r"(?<=[\u4e00-\u9fff）】)])\s*[A-Za-z][A-Za-z\s&'’,.()/-]*$")


def without_translation(text: str) -> str:
    """A heading without the English that repeats it after the Chinese.

    >>> without_translation("已终止合作机构 Terminated Partners"), without_translation("APP合作方")
    ('已终止合作机构', 'APP合作方')
    """
    return _TRANSLATION.sub("", text.strip())


def heading_label(text: str) -> str:
    """The category a heading line announces ("一、平台运营机构（13家）" -> 平台运营机构), or "".

    >>> heading_label("二、增信服务机构（共10家）"), heading_label("深圳市凯旋融资担保有限公司")
    ('增信服务机构', '')
    >>> heading_label("机构名称 合作产品/增信方式"), heading_label("▍平台运营机构")
    ('', '平台运营机构')
    >>> heading_label("携程金融 平台运营机构"), heading_label("华安保险 增信服务机构")
    ('平台运营机构', '增信服务机构')
    >>> heading_label("中原消费金融增信服务机构名单公示（2025年12月更新）")
    '增信服务机构'
    >>> heading_label("平台运营机构（第1页/共2页）"), heading_label("增信服务机构（续）")
    ('平台运营机构', '增信服务机构')
    >>> heading_label("一、平台运营机构（共8家，排名不分先后）")
    '平台运营机构'
    >>> heading_label("（二）提供增信服务的融资担保公司及保险公司")
    '提供增信服务的融资担保公司及保险公司'
    >>> heading_label("贵阳银行股份有限公司互联网助贷业务合作平台及运营主体：")  # a lead
    ''
    >>> heading_label("合作渠道：京东金融APP"), heading_label("类别：平台运营机构")  # card fields
    ('', '类别:平台运营机构')
    >>> heading_label("增信服务机构 Credit Enhancement Providers")  # a bilingual heading
    '增信服务机构'
    >>> heading_label("类型 Type：平台运营机构 Platform Operator")  # a card's field, kept whole
    '类型Type:平台运营机构Platform Operator'
    """
    if not re.search(r"[:：]", text):  # ("类型 Type：平台运营机构 Platform Operator": a field)
        text = without_translation(text)
    brand, _, rest = unicodedata.normalize("NFKC", text).strip().partition(" ")
    if rest and " " not in rest.strip() and _BRAND.fullmatch(brand) and not is_label_words(brand):
        label = heading_label(rest)  # a card's head: "携程金融 平台运营机构"
        if label:
            return label
    core = _HEADING_NUMBER.sub("", _DECORATION.sub("", clean_text(text)), count=1)
    core = _DECORATION.sub("", core)
    for _ in range(3):
        core = _HEADING_TAIL.sub("", core).strip()
    core = _ADDED.sub("", core)  # the names a notice adds are listed again in the full list
    publisher = _PUBLISHER_BEFORE.match(core) if _LIST_TITLE.search(text) else None
    if publisher and names_category(core[publisher.end() :]) and not looks_like_org(core):
        core = core[publisher.end() :]  # (a list's title only; "甲银行…及运营主体：" leads)
    if SECTION_NUMBER.match(clean_text(text)) and _kinds_of_company(core):
        return core  # "（二）提供增信服务的融资担保公司及保险公司": kinds, not a company
    if not core or len(core) > 30 or looks_like_org(core) or is_sentence(core):
        return ""
    if is_column_labels(text):
        return ""  # "机构名称 合作产品/增信方式": a table's header, not a section
    if LEGAL_FORMS.search(core) or any(looks_like_org(clean_text(t)) for t in text.split()):
        # a partner's name with its category beside it is not a heading, but a title that
        # starts with the publisher's name is: "中邮消费金融有限公司催收合作机构信息公示"
        rest = LEGAL_FORMS.split(clean_text(text))[-1]
        titled = re.search(r"名单|公示|公告|信息|列表", rest) and " " not in rest.strip()
        return rest.strip() if titled and names_category(rest) else ""
    if PHONE.search(core) or re.search(r"[、；;，,]", core) or _FIELD_VALUE.match(core):
        return ""
    if names_category(core):
        return core
    numbered = SECTION_NUMBER.match(clean_text(text)) is not None
    other = re.match(r"其[他它](?:合作)?(?:机构|单位|合作方)", core) is not None
    ended = markers_in(core) or _EXIT_LIST.fullmatch(core) or _FORMER_PARTNERS.fullmatch(core)
    if (numbered or other) and _SECTION_WORDS.search(core) and not ended:
        return core  # "三、其他合作机构": a section of its own, category OTHER
    return ""


def closes_section(text: str) -> bool:
    """A numbered heading that names no category ("三、互联网助贷合作产品信息" after
    "二、增信服务机构"): the section above has ended, what follows has no category of its own.

    >>> closes_section("三、互联网助贷合作产品信息"), closes_section("（三）其他事项")
    (True, True)
    >>> closes_section("三、北京三快在线科技有限公司"), closes_section("3. 甲公司")
    (False, False)
    >>> closes_section("二、本行将持续加强对合作机构的管理，切实保护消费者合法权益。")
    False
    >>> closes_section("附：合作产品一览"), closes_section("表3 合作产品信息")  # an annex, a table
    (True, True)
    >>> closes_section("附件：合作机构名单.pdf"), closes_section("表1 互联网助贷合作机构名单")
    (False, False)
    """
    clean = clean_text(text)
    number = SECTION_NUMBER.match(clean) or _ANNEX.match(clean) or _TABLE_NUMBER.match(clean)
    if number is None:
        return False
    core = clean[number.end() :].strip()
    return (
        1 < len(core) <= 20
        and not looks_like_org(core)
        and not is_sentence(core)
        and not re.search(r"[，,。；;:：、.]", core)
        # "表1 合作机构名单" titles the list itself; "合作产品信息" is another subject
        and not (_PARTNER_SECTION.search(core) and not re.search(r"产品|利率|费率", core))
    )


_ANNEX = re.compile(r"^附(?:件|表|录)?\s*\d{0,2}\s*[:：、.．]\s*")


def _kinds_of_company(core: str) -> bool:
    """A category told by the kinds of company in it ("融资担保公司及保险公司"), no one's name.

    >>> _kinds_of_company("提供增信服务的融资担保公司及保险公司")
    True
    >>> _kinds_of_company("重庆融资担保公司")
    False
    """
    kinds = re.split(r"及|和|与|、", re.sub(r"^提供[^的]{1,12}的", "", core))
    return (
        len(core) <= 30
        and names_category(core)
        and not LEGAL_FORMS.search(core)
        and all(is_generic(kind) for kind in kinds)
    )


def status_heading(text: str, kind: LineKind) -> str:
    """ "二、已终止合作的机构" / "暂停合作机构名单": the status every row under it has, or "".

    >>> status_heading("三、已终止合作的机构", LineKind.TEXT)
    '已终止合作的机构'
    >>> status_heading("已终止合作机构（共3家）", LineKind.TEXT)
    '已终止合作机构'
    >>> status_heading("本次退出名单：", LineKind.TEXT)
    '本次退出（已退出合作）'
    >>> status_heading("现将我行合作机构名单（含已终止合作机构）公示如下：", LineKind.TEXT)
    ''
    >>> [status_heading(text, LineKind.HEADING) for text in ("历史合作机构", "历史版本")]
    ['历史合作机构（已终止合作）', '']
    """
    cleaned = clean_text(without_translation(text))
    core = _HEADING_NUMBER.sub("", cleaned, count=1).strip(" ：:")
    for _ in range(3):
        core = _HEADING_TAIL.sub("", core).strip(" ：:")
    if len(core) >= 4 and _EXIT_LIST.fullmatch(core):  # (never a bare "退出": a log-out link)
        core = f"{core}（{_EXIT_MARK}）" if not markers_in(core) else core
    if _FORMER_PARTNERS.fullmatch(core):
        core = f"{core}（{_FORMER_MARK}）"
    if not core or len(core) > 30 or not markers_in(core) or looks_like_org(core):
        return ""
    if PHONE.search(core) or re.search(r"[、；;，,。]", core) or _IN_FORCE.search(core):
        return ""  # (a tab bar read as one line says both: "现合作机构已终止合作机构")
    if _INCLUDES_ENDED.search(core):
        return ""  # "现将…名单（含已终止合作机构）公示如下：": a lead, its rows marked one by one
    numbered = SECTION_NUMBER.match(cleaned) is not None
    shaped = (
        kind is LineKind.HEADING
        or bool(_SECTION_WORDS.search(core))
        or cleaned.endswith(("：", ":"))
    )
    return core if numbered or shaped else ""


def ends_status(text: str, kind: LineKind) -> bool:
    """A heading of another section ("四、合作产品信息") ends what an ended-status heading
    ("三、已终止合作机构") governs: the names under it are not ended by that heading.

    >>> ends_status("四、合作产品信息", LineKind.TEXT), ends_status("相关产品", LineKind.HEADING)
    (True, True)
    >>> ends_status("1. 北京玖富普惠信息技术有限公司", LineKind.TEXT)
    False
    >>> ends_status("北京玖富普惠信息技术有限公司", LineKind.HEADING)
    False
    """
    cleaned = clean_text(text)
    core = _HEADING_NUMBER.sub("", cleaned, count=1).strip(" ：:")
    if not core or len(core) > 30 or looks_like_org(core) or is_sentence(core):
        return False
    return kind is LineKind.HEADING or SECTION_NUMBER.match(cleaned) is not None


def is_subsection(text: str) -> bool:
    """ "（一）平台运营机构": numbered as a part of the section above, not a section beside it.

    >>> is_subsection("（一）平台运营机构"), is_subsection("二、增信服务机构")
    (True, False)
    """
    return re.match(r"^\s*[（(][一二三四五六七八九十\d]{1,3}[)）]", text) is not None


def status_after(current: str, text: str, kind: LineKind) -> tuple[str, bool]:
    """The ended status rows have after a line, and whether the line was its heading.

    >>> status_after("", "三、已终止合作机构", LineKind.TEXT)
    ('已终止合作机构', True)
    >>> status_after("已终止合作机构", "四、合作产品信息", LineKind.TEXT)
    ('', False)
    """
    status = status_heading(text, kind)
    if status:
        return status, True
    return ("" if current and ends_status(text, kind) else current), False


_NAME_LABEL_FIRST = re.compile(r"^(?:序号)?(?:合作机构|合作方|机构|企业|公司)?(?:名称|全称)(?=.)")


def is_column_labels(text: str) -> bool:
    """A table's header read as one line: the name column's label, then others.

    >>> is_column_labels("机构名称 合作产品/增信方式"), is_column_labels("序号机构名称合作类型")
    (True, True)
    >>> is_column_labels("平台运营机构（共5家）"), is_column_labels("机构名称")
    (False, False)
    """
    return _NAME_LABEL_FIRST.match(clean_text(text)) is not None


def titles_partner_section(text: str) -> bool:
    """A numbered section heading of partners ("五、互联网助贷业务合作机构"): what a report's
    other tables (股东, 关联方) set aside ends there.

    >>> titles_partner_section("五、互联网助贷业务合作机构"), titles_partner_section("四、股东")
    (True, False)
    >>> titles_partner_section("5 深圳市甲乙融资担保有限公司 增信服务机构")
    False
    >>> titles_partner_section("三、非合作机构名单")  # impostors: what follows stays disowned
    False
    >>> titles_partner_section("表2 互联网助贷业务合作机构名单")  # after 表1, of products
    True
    >>> titles_partner_section("三、代理销售合作机构名单")  # funds and wealth products
    False
    """
    cleaned = clean_text(text)
    caption = _TABLE_NUMBER.match(cleaned)  # "表2 互联网助贷业务合作机构名单": a table's title
    core = cleaned[caption.end() :] if caption else _HEADING_NUMBER.sub("", cleaned, count=1)
    if core == cleaned or not core or len(core) > 30 or looks_like_org(core) or is_sentence(core):
        return False
    if re.search(r"关于|公告|通知|声明|提示|风险|非合作|不存在|冒用|假冒|虚假|诈骗", core):
        return False  # (a numbered news title or warning, never a section of the list)
    if names_another_business(core):
        return False  # (another business: a bank's distribution partners, disowned.py)
    numbered = caption is not None or SECTION_NUMBER.match(cleaned) is not None
    return numbered and _PARTNER_SECTION.search(core) is not None


_TABLE_NUMBER = re.compile(r"^附?表\s*[\d一二三四五六七八九十]{1,3}\s*[:：.、．]?\s*")
