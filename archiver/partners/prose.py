"""Lists written as sentences, and notes that mark a listed partner. Pure.

Some institutions publish the list as running text rather than as a table or items:

    平台运营机构共6家，包括：甲、乙、丙。
    为本行互联网助贷业务提供增信服务的机构共3家，分别为：丁、戊、己。
    平台运营机构：甲；乙；丙。

`prose_lists` takes such a paragraph apart into the category it names and its names, but only
when every piece of the list is an organisation's name: a sentence that happens to contain a
colon is not a list. A note under the list can mark one of the listed partners as ended
("注：甲已注销，本行已停止与其开展新增业务。"): `stated_status` reads it; an update notice's
line of the names it removes ("2. 退出合作机构：甲（平台运营机构），自…起不再合作。") ends
them: `listed_exits`.
"""

from __future__ import annotations

import re

from archiver.partners.annotations import NOTE_LEAD, is_ended, markers_in, parse_name
from archiver.partners.blocks import LineKind
from archiver.partners.categories import COUNT_NUMBER, names_category
from archiver.partners.cells import column_of
from archiver.partners.headings import status_heading
from archiver.partners.names import BRACKETED, LEGAL_FORMS, clean_text, looks_like_org

# The lead names a category and, often, a count; the list follows a colon or 包括 / 分别为.
# A lead never crosses a comma or a full stop, so several lists can share one paragraph.
_INTRO = re.compile(
    r"(?P<lead>[^，,；;。：:]{2,60}?)(?P<count>\s*(?:共|计|合计|总计)?\s*\d{1,4}\s*家)?"
    r"\s*[，,]?\s*(?:(?:包括|分别为|分别是|具体为|依次为|名单为)\s*[:：]?|[:：]|(?P<be>为|是)\s*[:：]?)"
)
# "甲有限公司和乙有限公司": a conjunction after an organisation's legal ending parts two names.
_CONJOINED = re.compile(
    r"(?:(?<=公司)|(?<=集团)|(?<=银行)|(?<=中心)|(?<=[）)]))(?:以及|和|及|与)(?=\S{4})"
)
# "已终止与甲公司的…合作", "与甲公司的合作已终止": a sentence that ends one partnership.
_ENDED_SENTENCE = re.compile(
    r"(?:终止|停止|解除|结束)(?:了)?与(?P<name>[^，,；;。与]{4,200}?)(?:之间)?的[^，,；;。]{0,20}合作"
    # "终止与甲公司合作" (a change log's cell): no 的, so the name ends as an organisation's
    r"|(?:终止|停止|解除|结束)(?:了)?与(?P<bare>[^，,；;。与的]{2,60}?(?:公司|集团|银行|中心))"
    r"(?:之间)?(?:[^，,；;。的]{0,12})?合作"
    # "三、甲公司与本公司的平台运营合作已于2025年9月30日终止": the partner first, the lender after
    r"|(?:^|(?<=[，,；;。：:]))\s*(?:[（(]?[\d一二三四五六七八九十]{1,3}\s*[.、．)）]\s*)?"
    r"(?P<first>[^，,；;。、与和：:如若]{4,60}?(?:公司|集团|银行|中心))"
    r"与(?:本公司|本行|我行|我司|我公司|本机构|本司)(?:之间)?的?[^，,；;。]{0,20}?合作(?:关系)?"
    r"(?:已|均已)?[^，,；;。将拟如未]{0,24}?(?:终止|停止|解除|结束|暂停)"
    r"|(?<![未如若拟将])与(?P<other>[^，,；;。与]{4,200}?)的[^，,；;。]{0,20}合作"
    r"(?:[^，,；;。]{0,16}?起)?(?:已|均已)?(?:于[^，,；;。]{0,20}?)?(?:到期|期满)?"
    r"(?:终止|停止|解除|结束|暂停)"  # "…合作同日起暂停", "…合作已于2025年6月30日到期终止"
    # "曾与甲公司开展导流合作（已于2024年12月31日终止合作）": the bracket ends it
    r"|与(?P<past>[^，,；;。、与和（）]{2,40}?(?:公司|集团|银行|中心))(?:开展|进行|建立)?"
    r"[^，,；;。（）]{0,12}合作\s*（\s*(?:已|均已|现已)?(?:于[^）]{0,20})?(?:终止|停止|解除|结束)"
    # "本行已与甲公司于2025年6月终止合作", "已与甲公司解除助贷合作关系" (never "如与…", "未与…")
    r"|(?<![未如若拟将])与(?P<direct>[^，,；;。、与和]{2,40}?(?:公司|集团|银行|中心))"
    r"\s*(?:于[^，,；;。]{0,20}?)?(?:已|均已)?(?:终止|停止|解除|结束)了?[^，,；;。]{0,12}?合作"
    # "甲公司自2025年10月1日起暂停新增业务合作" (a note's item), "甲公司因合作到期，自…起退出
    # 我行合作机构名单": the partner is the subject; no other name, no "如/将/未" before the verb
    r"|(?:^|(?<=[，,；;。：:]))\s*(?:[（(]?\d{1,3}\s*[.、．)）]\s*)?"
    r"(?P<subject>[^，,；;。、与和：:如若]{4,60}?(?:公司|集团|银行|中心))"
    r"(?:(?!公司|集团|银行|如|若|将|拟|未|不)[^；;。：:]){0,30}?(?:已|均已)?"
    r"(?:(?:暂停|停止|终止|解除)(?:新增|新发生)?的?(?:业务合作|合作|业务)"
    r"|退出[^，,；;。]{0,8}?(?:合作机构名单|合作名单|名单|合作))"
    # "甲公司因合作到期，自2025年11月30日起退出我行合作机构名单"
    r"|(?<![与和、])(?P<quit>[^，,；;。、与和]{2,40}?(?:公司|集团|银行|中心))(?:因[^，,；;。]{0,16})?"
    r"[，,]?\s*(?:自|于|从)?[^，,；;。]{0,20}?(?:起)?(?:已|将)?退出[^，,；;。]{0,16}?(?:名单|合作)"
)
# "原合作机构甲公司已于…终止合作": the role before the name is not part of it
_ROLE_BEFORE = re.compile(r"^(?:原|前)?(?:合作机构|合作方|合作伙伴|合作单位)(?=\S{4})")
# A clause that says something of the names before it, never a name itself.
_PREDICATE = re.compile(r"(?:均|都|皆|亦|也|系|且|并|其中|上述|以上|该等?|前述|分别|已|将)")
_COUNT = re.compile(rf"[（(]?(?:共|计|合计|总计)?\s*{COUNT_NUMBER}\s*家[）)]?")
_ACTION = re.compile(
    r"^(?:[一二三四五六七八九十\d]{1,3}\s*[、.．]?\s*)?(?:新增|增加|补充|调整为?)(?:的)?"
)
_PIECES = re.compile(r"[、；;，,|｜]")  # (" | " between names: a pipe-separated run)
_LEAD_NUMBER = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])\s*"
)
_CLAUSES = re.compile(r"[，,；;。]")
# a run numbered inline ("1.甲；2.乙", "（1）甲；（2）乙"): each number after a clause's start
_INLINE_NUMBER = re.compile(r"(^|[；;，,])\s*(?:[（(]\d{1,2}[)）]|\d{1,2}[、.．](?!\d))\s*")


# A lead that ends with a field's label ("…平台运营机构 合作产品：") introduces that field's value.
_FIELD_LABEL_END = re.compile(r"(?:产品|电话|热线|期限|期间|有效期)(?:名称)?$")


# "我行互联网助贷业务的增信服务由甲、乙和丙提供": who serves, named between 由 and the verb
_BY_WHOM = re.compile(
    r"^[^、，,；;]{0,30}?由(?P<names>[^，,；;。]+?)(?:共同|分别)?(?:提供|承担|负责|承保|开展)"
)


def prose_lists(text: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(category label, its lead, names) of every list one paragraph writes as a sentence.

    >>> [(label, names) for label, _, names in prose_lists(
    ...     "平台运营机构共2家，包括：甲乙科技有限公司、丙丁信息技术有限公司；"
    ...     "增信服务机构共1家，包括：戊己融资担保有限公司。")]
    [('平台运营机构', ('甲乙科技有限公司', '丙丁信息技术有限公司')), \
('增信服务机构', ('戊己融资担保有限公司',))]
    >>> prose_lists("增信服务机构：戊己融资担保有限公司；庚辛财产保险股份有限公司。")[0][2]
    ('戊己融资担保有限公司', '庚辛财产保险股份有限公司')
    >>> prose_lists("二、增信服务机构：我行的增信服务由甲保险股份有限公司、乙保险股份有限公司"
    ...     "提供，均为持牌保险机构。")[0][2]
    ('甲保险股份有限公司', '乙保险股份有限公司')
    >>> prose_lists("客服热线：95188、95199")
    ()
    """
    cleaned = clean_text(text)
    intros = [m for m in _INTRO.finditer(cleaned) if _label(m.group("lead"))]
    found = []
    if not intros:
        return ()
    ends = [m.start() for m in intros[1:]] + [len(cleaned)]
    for intro, end in zip(intros, ends, strict=True):
        body = cleaned[intro.end() : end]
        body = body.split("。")[0].strip().rstrip(".；;，,")
        by_whom = _BY_WHOM.match(body)  # "…增信服务由甲、乙提供": the names between
        body = by_whom.group("names") if by_whom else body
        body = re.sub(r"等(?:\s*\d{1,4}\s*家)?(?:机构)?$", "", body)
        body = _INLINE_NUMBER.sub(r"\1", body)  # "1、甲；2、乙": numbers, no separators
        pieces = tuple(
            name.strip()
            for piece in _list_pieces(body)
            for name in _conjoined(piece.strip())
            if name.strip()
        )
        single = intro.group("be") is not None or _bare_label(intro.group("lead"))
        single = single or re.search(r"(?:共|计)\s*1\s*家", intro.group(0)) is not None
        if len(pieces) < 2 and not (pieces and single):
            continue
        if all(looks_like_org(parse_name(p).name) for p in pieces):
            found.append((_label(intro.group("lead")), intro.group(0), pieces))
    return tuple(found)


def _list_pieces(body: str) -> list[str]:
    """The pieces of a list, up to the clause that goes on to say something of them: "甲、乙，
    均为经…批准设立的财产保险公司" lists 甲 and 乙 (the clause ends in 公司 too).

    >>> _list_pieces("甲公司、乙公司，均为经批准设立的财产保险公司")
    ['甲公司', '乙公司']
    """
    pieces = []
    for piece in _outside_brackets(_PIECES, body):
        if _PREDICATE.match(piece.strip()):
            break
        pieces.append(piece)
    return pieces


def _outside_brackets(separators: re.Pattern[str], text: str) -> list[str]:
    """`text` split at the separators outside brackets: a note after a name ("甲有限公司（关联方，
    已按规定履行审批程序）") is part of its piece, never a piece of the list.

    >>> _outside_brackets(_PIECES, "甲公司（关联方，已审批）、乙公司")
    ['甲公司（关联方，已审批）', '乙公司']
    """
    pieces, depth, start = [], 0, 0
    for match in re.finditer(rf"[（）]|{separators.pattern}", text):
        mark = match.group(0)
        depth = max(0, depth + (mark == "（") - (mark == "）"))
        if mark not in "（）" and depth == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    return [*pieces, text[start:]]


def _bare_label(lead: str) -> bool:
    """Whether a list's lead is its category label alone ("（二）增信服务机构"), so that one name
    after it is a list of one.

    >>> _bare_label("（二）增信服务机构"), _bare_label("本行客服电话")
    (True, False)
    >>> _bare_label("阳光财产保险股份有限公司增信服务机构备注")
    False
    """
    core = _LEAD_NUMBER.sub("", lead.strip())
    short = len(core) <= 12 and not LEGAL_FORMS.search(core)  # (never "甲有限公司增信服务机构")
    return short and core == _label(core)


def ended_in_prose(text: str) -> tuple[tuple[str, str], ...]:
    """(name, the words of the mark) of each partner a sentence says the lender stopped
    working with.

    >>> ended_in_prose("本公司已于2026年9月30日终止与甲乙网络技术有限公司的互联网助贷业务合作。")
    (('甲乙网络技术有限公司', '已终止合作'),)
    >>> ended_in_prose("此前与甲乙网络技术有限公司的合作已于2025年6月30日到期终止。")
    (('甲乙网络技术有限公司', '已终止合作'),)
    >>> ended_in_prose("本行曾与丙丁科技有限公司开展导流合作（已于2024年12月31日终止合作）。")
    (('丙丁科技有限公司', '已终止合作'),)
    >>> [name for name, _ in ended_in_prose("终止与甲乙科技有限公司、丙丁网络有限公司的合作")]
    ['甲乙科技有限公司', '丙丁网络有限公司']
    >>> ended_in_prose("本行已与戊己网络技术有限公司于2025年6月终止合作，存量贷款由本行管理。")
    (('戊己网络技术有限公司', '已终止合作'),)
    >>> ended_in_prose("本行如与庚辛科技有限公司终止合作，将及时公告。")
    ()
    >>> ended_in_prose("我行与壬癸融资担保有限公司的增信合作同日起暂停。")
    (('壬癸融资担保有限公司', '已暂停合作'),)
    >>> ended_in_prose("我行与壬癸融资担保有限公司的增信合作自2025年11月1日起暂停。")
    (('壬癸融资担保有限公司', '已暂停合作'),)
    >>> ended_in_prose("三、甲乙科技有限公司与本公司的平台运营合作已于2025年9月30日终止。")
    (('甲乙科技有限公司', '已终止合作'),)
    >>> ended_in_prose("2.原合作机构甲乙科技有限公司已于2025年8月31日终止合作，不再列示；")
    (('甲乙科技有限公司', '已终止合作'),)
    >>> ended_in_prose("甲乙科技有限公司与本行的合作关系将于2026年1月1日终止。")
    ()
    >>> ended_in_prose("甲乙科技有限公司因合作到期，自2025年11月30日起退出我行合作机构名单。")
    (('甲乙科技有限公司', '已终止合作'),)
    >>> ended_in_prose("终止与上海数禾信息科技有限公司合作")
    (('上海数禾信息科技有限公司', '已终止合作'),)
    >>> ended_in_prose("本行已与蚂蚁智信（杭州）信息技术有限公司解除助贷合作关系。")[0][0]
    '蚂蚁智信（杭州）信息技术有限公司'

    A note's item whose subject is the partner: new business suspended is suspended.

    >>> ended_in_prose("2. 子丑科技有限公司自2025年10月1日起暂停新增业务合作，存量业务继续服务；")
    (('子丑科技有限公司', '已暂停合作'),)
    >>> ended_in_prose("寅卯融资担保有限公司已终止合作。")
    (('寅卯融资担保有限公司', '已终止合作'),)
    >>> ended_in_prose("如辰巳科技有限公司暂停合作")
    ()
    >>> ended_in_prose("同时，午未科技有限公司因合作到期，自11月30日起退出我行合作机构名单。")
    (('午未科技有限公司', '已终止合作'),)
    >>> ended_in_prose("申酉科技有限公司为本行提供获客服务，如终止合作将另行公告。")
    ()
    """
    found: list[tuple[str, str]] = []
    for match in _ENDED_SENTENCE.finditer(clean_text(text)):
        groups = match.group("name", "bare", "first", "other", "past", "direct", "subject", "quit")
        named = _ROLE_BEFORE.sub("", next((n for n in groups if n), ""))
        names = [name for piece in named.split("、") for name in _conjoined(piece)]
        if names and all(looks_like_org(name) for name in names):  # every piece, or no list
            words = "已暂停合作" if "暂停" in match.group(0).replace(named, "") else "已终止合作"
            found.extend((name, words) for name in names)
    return tuple(found)


def _conjoined(piece: str) -> list[str]:
    """A piece "甲有限公司和乙有限公司" as its two names, when both are organisations'.

    >>> _conjoined("北京瑞和融资担保有限公司和瑞丰财产保险股份有限公司")
    ['北京瑞和融资担保有限公司', '瑞丰财产保险股份有限公司']
    """
    parts = _CONJOINED.split(piece)
    if len(parts) > 1 and all(looks_like_org(parse_name(p).name) for p in parts):
        return parts
    return [piece]


def _label(lead: str) -> str:
    """The category words of a list's lead ("…的平台运营机构共6家" -> 平台运营机构).

    >>> _label("一、新增平台运营机构"), _label("甲银行股份有限公司合作的平台运营机构")
    ('平台运营机构', '平台运营机构')
    >>> _label("上海甲乙信息科技有限公司已于2025年12月更名为")  # a company, no category
    ''
    >>> _label("合作类型：平台运营机构 合作产品")  # a field's label ends the lead
    ''
    """
    clause = _CLAUSES.split(lead)[-1]
    clause = _COUNT.sub("", clause).strip(" ：:")
    clause = _ACTION.sub("", clause)  # "一、新增平台运营机构": the change, not the category
    if not names_category(clause) or _FIELD_LABEL_END.search(clause):
        return ""  # ("合作类型：平台运营机构 合作产品：某某金融": a card's product, no list)
    tail = clause.rsplit("的", 1)[-1]
    if names_category(tail) and not LEGAL_FORMS.search(tail):
        return tail
    return "" if LEGAL_FORMS.search(clause) else clause  # ("甲科技有限公司已于…更名为")


def opens_notes(text: str) -> bool:
    """A line that opens a note ("注：", "备注：", "※"): numbered lines after it are its items.

    >>> opens_notes("注：1. 名单按合作类别排序；"), opens_notes("1. 甲乙科技有限公司")
    (True, False)
    """
    return NOTE_LEAD.match(clean_text(text)) is not None


def stated_status(text: str) -> tuple[str, str] | None:
    """(name, the words of the mark) when a note marks a partner as ended, or None.

    >>> stated_status("注：杭州甲乙信息科技有限公司已注销，本行已停止与其开展新增业务。")
    ('杭州甲乙信息科技有限公司', '已注销')
    >>> stated_status("杭州甲乙信息科技有限公司已注销") is None  # a list line, not a note
    True
    >>> stated_status("*注：杭州甲乙信息科技有限公司已注销。")  # the mark it explains, then 注
    ('杭州甲乙信息科技有限公司', '已注销')
    """
    cleaned = clean_text(text)
    lead = NOTE_LEAD.match(cleaned)
    if lead is None:
        return None
    first = _CLAUSES.split(cleaned[lead.end() :])[0].strip()
    parts = parse_name(first)
    if not parts.status or not is_ended(parts.markers) or not looks_like_org(parts.name):
        return None
    return parts.name, parts.status


def listed_exits(text: str) -> tuple[tuple[str, str, str], ...]:
    """(name, category, the words of the mark) of each name a line lists under an ended label:
    an update notice's "退出合作机构：" / "本次退出名单：". Only a list of names counts, up to the
    clause that says something of them; anything else is no list (nothing is guessed).

    >>> listed_exits("2. 退出合作机构：甲乙网络科技有限公司（平台运营机构），自11月起不再合作")
    (('甲乙网络科技有限公司', '平台运营机构', '退出合作机构'),)
    >>> [name for name, _, _ in listed_exits("本次退出名单：甲乙科技有限公司、丙丁担保有限公司")]
    ['甲乙科技有限公司', '丙丁担保有限公司']
    >>> listed_exits("退出合作机构：按本行规定执行"), listed_exits("新增合作机构：甲乙有限公司")
    ((), ())
    >>> listed_exits("名称变更：甲乙科技有限公司已更名为丙丁科技有限公司")  # no end
    ()
    """
    label, colon, body = clean_text(text).replace(":", "：").partition("：")
    words = status_heading(f"{label}：", LineKind.TEXT) if colon and body else ""
    if not words or not is_ended(markers_in(words)):
        return ()
    clause = _first_clause(body)
    pieces = [piece.strip() for piece in _outside_brackets(_PIECES, clause) if piece.strip()]
    parts = [parse_name(piece) for piece in pieces]
    if not parts or not all(looks_like_org(part.name) for part in parts):
        return ()
    return tuple(
        (part.name, _bracketed_category(piece), words)
        for part, piece in zip(parts, pieces, strict=True)
    )


def _first_clause(body: str) -> str:
    """The text up to the first comma or full stop outside brackets ("甲（平台运营机构，…）").

    >>> _first_clause("甲公司（平台运营机构，北京），自2025年起不再合作")
    '甲公司（平台运营机构，北京）'
    """
    depth = 0
    for index, char in enumerate(body):
        depth += (char == "（") - (char == "）")
        if depth == 0 and char in "，,。":
            return body[:index]
    return body


def _bracketed_category(piece: str) -> str:
    """The category a name's bracket states ("甲公司（平台运营机构）"), or ""."""
    return next((b for b in BRACKETED.findall(piece) if names_category(b)), "")


# "蚂蚁集团旗下：", "1. 京东集团：": a group's brand, then its legal entities.
_GROUP_LEAD = re.compile(
    r"^(?P<group>[^：:，,。；;、（）]{2,15}?)(?:旗下|下属|所属)?(?:机构|公司|企业|主体|合作主体)?\s*[:：]"
)


def group_list(text: str) -> tuple[str, ...]:
    """The entities when a line names a group's brand, then its legal entities
    ("蚂蚁集团旗下：甲有限公司、乙有限公司"): the brand groups them and is no partner. Every
    piece must carry a legal form, and the lead must be a brand, not a label.

    >>> group_list("蚂蚁集团旗下：蚂蚁智信（杭州）信息技术有限公司、重庆蚂蚁消费金融有限公司")
    ('蚂蚁智信（杭州）信息技术有限公司', '重庆蚂蚁消费金融有限公司')
    >>> group_list("2. 京东集团：京东科技信息技术有限公司")
    ('京东科技信息技术有限公司',)
    >>> group_list("合作机构名称：甲乙科技有限公司"), group_list("京东集团：另行公告")
    ((), ())
    """
    cleaned = _LEAD_NUMBER.sub("", clean_text(text))
    lead = _GROUP_LEAD.match(cleaned)
    if lead is None or LEGAL_FORMS.search(lead.group("group")) or column_of(lead.group(0))[0]:
        return ()
    group = lead.group("group").strip()
    if not looks_like_org(group) or names_category(group):
        return ()
    body = _first_clause(cleaned[lead.end() :].rstrip("。"))
    pieces = [p.strip() for p in _outside_brackets(_PIECES, body) if p.strip()]
    names = tuple(parse_name(piece).name for piece in pieces)
    if not names or not all(LEGAL_FORMS.search(name) for name in names):
        return ()
    return names
