"""What a publisher writes beside a partner's name: former names, renames and status marks,
read with one grammar. Pure.

The same statement comes in many shapes (DOMAIN.md §3; blind round 4):

    甲（原名：乙）  甲(曾用名:乙)  甲【原名称：乙】  甲（原乙）  (原名称:乙)甲  甲 曾用名：乙
    甲（原名称:乙,已更名）  甲（2021年由“乙”更名而来）  原“乙”，已更名为“甲”
    乙（已更名为甲）  乙更名为甲  甲（乙已更名为甲）  a note: 注：乙已更名为甲。
    甲（已终止合作）  甲 已暂停合作  【已暂停】甲  a 备注 / 合作状态 cell: 已注销

An annotation is read clause by clause (clauses end at commas and semicolons; quotes, colons
and full- or half-width brackets do not matter) into an `Annotation`; `parse_name` takes a
whole name cell apart with it. A partner whose marks say it ended (terminated, suspended,
deregistered) is still on the page, but no longer a current partner (`is_ended`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from archiver.models import Marker
from archiver.partners.names import (
    clean_text,
    is_region,
    looks_like_org,
    match_key,
    qualifier_of,
    simplified,
)

ENDED = frozenset({Marker.TERMINATED, Marker.SUSPENDED, Marker.DEREGISTERED})
# a bracket with one inside it: "（原名：乙科技(北京)有限公司）" is one annotation
_NESTED = re.compile(r"（((?:[^（）]|（[^（）]*）)*)）")
_MARKER_PATTERNS: tuple[tuple[Marker, re.Pattern[str]], ...] = (
    (Marker.RENAMED, re.compile(r"更名|名称变更|改名")),
    (Marker.DEREGISTERED, re.compile(r"注销|吊销")),
    (Marker.SUSPENDED, re.compile(r"暂停|暂缓合作|中止合作")),
    (
        Marker.TERMINATED,
        re.compile(
            r"终止|停止合作|解除合作|结束合作|退出合作|已退出|不再合作|合作到期|已到期|停止与其"
            r"|合作期满|已期满|不再续约|不再续签"  # "期满后不再续约" is an intent (_INTENT)
        ),
    ),
)
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_CLAUSES = re.compile(r"[，,；;。]")
# A clause saying that nothing else changes ("…更名为乙，合作关系不变"): no name, no mark.
_UNCHANGED = re.compile(
    r"(?:其他|其余)?(?:合作|业务|服务)?(?:关系|内容|范围|事项|信息)?(?:均|仍|将)?"
    r"(?:保持不变|不变|不受影响|照常|正常|继续)(?:进行|开展|履行|办理)?"
)
_FORMER_WORDS = r"原名称|原公司名称|原企业名称|原名|曾用名|更名前(?:名称|的名称)?|旧名称?"
_FORMERLY = re.compile(
    rf"^(?:{_FORMER_WORDS}|原)(?![因则来本先有定计合协])\s*[:：为是]?\s*(.{{2,}})$"
)
_REMARK_FORMERLY = re.compile(rf"^(?:{_FORMER_WORDS})\s*[:：为是]?\s*(.{{2,}})$")
_CAME_FROM = re.compile(r"^.{0,16}?由(.{4,}?)(?:更名|变更名称|改名)而来$")
_RENAME_VERB = r"(?:正式)?(?:更名为|改名为|名称变更为|变更名称为)"
_RENAMED_TO = re.compile(
    rf"^(?:已|现已|现|并|后|于.{{0,16}}?)?(?:{_RENAME_VERB}|现名称?为?|新名称为?)\s*[:：]?\s*(.{{2,}})$"
)
_STATEMENT = re.compile(
    rf"^(.{{4,}}?)\s*(?:已|现已|现|并)?(?:于.{{0,16}}?)?{_RENAME_VERB}\s*[:：]?\s*(.{{4,}})$"
)
# "甲原名为乙" / "甲的原名称是乙" in a note: the listed name first, its former name after it.
_FORMER_STATEMENT = re.compile(
    rf"^(.{{4,}}?[司行团所])\s*的?(?:{_FORMER_WORDS})\s*[:：为是]?\s*(.{{4,}}?[司行团所])(?:[，,。].*)?$"
)
# "甲（原“乙”）已完成名称变更" in a note: the listed name, its former one in a bracket, and
# nothing after it but the change's words
_BRACKET_FORMER = re.compile(
    rf"^(.{{4,}}?[司行团所])\s*[（(]\s*(?:{_FORMER_WORDS}|原)\s*[:：为是]?\s*(.{{4,}}?[司行团所])"
    r"\s*[)）]\s*(?:[，,]?\s*(?:已|现已|均已)?[^，,。；;]{0,12}?(?:更名|名称变更|变更|变更登记)[^，,。；;]{0,6})?"
    r"[。.]?$"
)
# "名单中“甲”系笔误，现更正为“乙”": a name corrected is the same partner, renamed
_CORRECTED = re.compile(
    r"^(.{4,}?)\s*(?:系|属|为)?(?:笔误|有误|错误|误写|书写错误)[^，,。]{0,6}[，,]?\s*"
    r"(?:(?:现|已|现已|特此|予以|故)?(?:更正|订正|修正|改正)为|应为|正确(?:名称)?为)\s*[:：]?\s*(.{4,})$"
)
_CORRECTED_IN = re.compile(r"^.*(?:名单中|名单内|公告中|文中|所列)")  # the old name's context
_RENAME_VERB_IN = re.compile(_RENAME_VERB)  # "原乙已更名为甲" is a statement, not a former name
_MARKER_ONLY = re.compile(r"^(?:已|现已|现)?(?:更名|名称变更)$")
_TRAILING_FORMER = re.compile(rf"^(.{{4,}}?)\s*(?:{_FORMER_WORDS})\s*[:：]\s*(.{{4,}})$")
_FOOTNOTE = re.compile(r"(?:[*※]+|(?<=[司行团心所])(?:注|备注|附注)?\d{0,2})$")
_TRAILING_MARKER = re.compile(
    r"^(.*?(?:公司|银行|集团|中心|事务所|合伙)|.{2,}?)\s*[-—－,，;；:：/]?\s*"
    r"((?:已|现已|现|已于|于|自)?[^，,；;]{0,20}?"
    r"(?:更名|注销|暂停合作|暂停|终止合作|已终止|终止|停止合作|解除合作|已退出)[^（）]{0,30})$"
)
# A clause that says what will happen ("2025年12月31日合作到期后不再续约", "拟于年底终止合作"):
# an intent, no mark today; the partner ends when a later list drops it or marks it ended.
_INTENT = re.compile(r"将(?:于|在|会)|拟|计划|预计|届时|(?:到期|期满|结束)(?:后|之后|以后)")
# A note's lead: its word ("注：", "备注1:"), the footnote mark it explains ("*", "※"), or both
# ("*注：原“甲”已更名为“乙”", the mark on the new name in the table above).
_NOTE_WORD = r"(?:注|备注|说明|特别提示|更正说明|更正|勘误)\d{0,2}\s*[:：]\s*"
NOTE_LEAD = re.compile(rf"^(?:[*※]+\s*(?:{_NOTE_WORD})?|{_NOTE_WORD})")
# A clause's number, or the sign that ties it to a name ("*甲公司原名为乙", "※", "①").
_CLAUSE_NUMBER = re.compile(r"^(?:[（(]?\d{1,2}[)）.、．]|[*＊※#△▲\u2460-\u2473]+)\s*")


def markers_in(text: str) -> tuple[Marker, ...]:
    """Status markers named anywhere in a short text (a remark, a bracket).

    >>> markers_in("已暂停合作，历史客户服务不受影响"), markers_in("暫停新增業務")  # (繁體 too)
    ((<Marker.SUSPENDED: 'suspended'>,), (<Marker.SUSPENDED: 'suspended'>,))
    """
    text = simplified(text)
    return tuple(marker for marker, pattern in _MARKER_PATTERNS if pattern.search(text))


_IN_FORCE_WORD = re.compile(r"^(?:合作中|正常(?:合作)?|在合作|存续|有效|生效中?|履约中|续约)$")


def is_status_word(text: str) -> bool:
    """A cell that only says where a partnership stands (a 合作状态 column without its header).

    >>> [is_status_word(t) for t in ("合作中", "已终止", "暂停合作", "甲科技有限公司", "95188")]
    [True, True, True, False, False]
    """
    text = text.strip()
    return len(text) <= 10 and (bool(_IN_FORCE_WORD.match(text)) or bool(markers_in(text)))


def is_ended(markers: tuple[Marker, ...]) -> bool:
    """True when the marks say the partner is no longer one (terminated, suspended,
    deregistered); a rename is not an end.

    >>> is_ended((Marker.RENAMED,)), is_ended((Marker.SUSPENDED,))
    (False, True)
    """
    return any(marker in ENDED for marker in markers)


ENDED_HEADING = "已终止合作机构"  # the heading ended partners are shown under, as banks do


def marked_ended(markers: str) -> bool:
    """`is_ended` for markers stored as text ("terminated,renamed", as the index keeps them).

    >>> marked_ended("renamed,suspended"), marked_ended(""), marked_ended("formerly")
    (True, False, False)
    """
    return any(part.strip() in {m.value for m in ENDED} for part in markers.split(","))


@dataclass(frozen=True, slots=True)
class Annotation:
    """What one annotation says."""

    former: tuple[str, ...] = ()  # names the partner went by before
    renamed_to: str = ""  # the name it goes by now (written beside the old one)
    renames: tuple[tuple[str, str], ...] = ()  # (old, new), both stated
    markers: tuple[Marker, ...] = ()
    status: str = ""  # the words of an ended mark ("已终止合作"): the reason of a drop
    notes: tuple[str, ...] = ()  # clauses that are none of the above

    @property
    def says_anything(self) -> bool:
        """True when a clause is a former name, a rename or a mark."""
        return bool(self.former or self.renamed_to or self.renames or self.markers)


@dataclass
class _Clauses:
    former: list[str] = field(default_factory=list)
    renamed_to: str = ""
    renames: list[tuple[str, str]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def frozen(self) -> Annotation:
        return Annotation(
            former=tuple(dict.fromkeys(f for f in self.former if f)),
            renamed_to=self.renamed_to,
            renames=tuple(self.renames),
            markers=tuple(sorted(set(self.markers), key=list(Marker).index)),
            status="，".join(dict.fromkeys(self.status)),
            notes=tuple(self.notes),
        )


_REGISTERED = re.compile(
    r"(?:已|现已)?(?:完成|办理)?(?:工商)?(?:名称)?变更(?:登记|手续)?(?:已完成)?"
)


@lru_cache(maxsize=16384)
def read(text: str, *, remark: bool = False) -> Annotation:
    """An annotation (a bracket's content, a remark cell, a clause after the name).

    A remark cell says "原名称：乙" but never a bare "原乙" (原合作协议… is no former name).

    >>> found = read("原名称:北京小米数字科技有限公司,已更名")
    >>> found.former, [m.value for m in found.markers]
    (('北京小米数字科技有限公司',), ['renamed', 'formerly'])
    >>> read("2021年由“京东数字科技控股股份有限公司”更名而来").former
    ('京东数字科技控股股份有限公司',)
    >>> read("已终止合作").status, read("原合作协议到期后续签", remark=True).former
    ('已终止合作', ())
    >>> read("原京东数字科技控股股份有限公司，已更名", remark=True).former
    ('京东数字科技控股股份有限公司',)
    >>> read("原名称为“乐信控股（深圳）有限公司”，已完成工商变更", remark=True).notes
    ()
    >>> read("原福州三六零融资担保有限公司已更名为福州三六零融资担保集团有限公司").renames
    (('福州三六零融资担保有限公司', '福州三六零融资担保集团有限公司'),)
    >>> read("增信服务机构，2025年12月31日合作到期后不再续约").markers
    ()
    >>> [m.value for m in read("合作期满，不再续约", remark=True).markers]
    ['terminated']
    """
    found = _Clauses()
    for piece in _CLAUSES.split(_QUOTES.sub("", clean_text(text))):
        _clause(piece.strip(" :："), found, remark=remark)
    if remark and found.former:  # "原名称为“乙”，已完成工商变更": the rename's own words
        found.notes[:] = [n for n in found.notes if not _REGISTERED.fullmatch(n)]
    if remark and Marker.RENAMED in found.markers and not found.former:
        for note in [n for n in found.notes if n.startswith("原") and looks_like_org(n[1:])]:
            found.notes.remove(note)  # "原甲公司，已更名": the rename says whose name it was
            found.former.append(note[1:])
            found.markers.append(Marker.FORMERLY)
    return found.frozen()


def _clause(text: str, found: _Clauses, *, remark: bool) -> None:
    if not text:
        return
    statement = _STATEMENT.match(text)
    formerly = (_REMARK_FORMERLY if remark else _FORMERLY).match(text)
    came_from = _CAME_FROM.match(text)
    renamed = _RENAMED_TO.match(text)
    if statement and not renamed and (not formerly or _RENAME_VERB_IN.search(formerly.group(1))):
        old = re.sub(rf"^(?:{_FORMER_WORDS}|原)", "", statement.group(1)).strip()
        found.renames.append((old, statement.group(2).strip(" 。.")))
    elif formerly:
        found.former.append(formerly.group(1).strip())
        found.markers.append(Marker.FORMERLY)
    elif came_from:
        found.former.append(came_from.group(1).strip())
        found.markers.append(Marker.FORMERLY)
    elif renamed and not _MARKER_ONLY.match(text) and not remark:
        found.renamed_to = renamed.group(1).strip(" 。.")
        found.markers.append(Marker.RENAMED)
    elif markers_in(text) and not _INTENT.search(text):
        marks = markers_in(text)
        found.markers.extend(marks)
        if any(mark in ENDED for mark in marks):
            found.status.append(text)
    else:
        found.notes.append(text)


@dataclass(frozen=True, slots=True)
class NameParts:
    """One published name cell, taken apart."""

    name: str  # display name: markers and notes removed, NFKC, full-width brackets
    match_key: str
    qualifier: str = ""
    markers: tuple[Marker, ...] = ()
    former_names: tuple[str, ...] = ()
    note: str = ""  # bracketed text that is neither marker nor part of the name
    status: str = ""  # the words that say the partner ended ("已终止合作"), if any


@lru_cache(maxsize=16384)
def parse_name(raw: str, remark: str = "") -> NameParts:
    """Take a published name cell (and its remark) apart.

    >>> parts = parse_name("上海淇毓信息科技有限公司（原360数科）")
    >>> parts.name, parts.former_names, [m.value for m in parts.markers]
    ('上海淇毓信息科技有限公司', ('360数科',), ['formerly'])
    >>> parse_name("陕西昊悦融资担保有限公司", "已暂停合作").markers
    (<Marker.SUSPENDED: 'suspended'>,)
    >>> parse_name("北京小米数字科技有限公司（已更名为天星数字科技有限公司）").name
    '天星数字科技有限公司'
    >>> parts = parse_name("广东凯旋担保公司（深圳凯旋担保公司已更名为广东凯旋担保公司）")
    >>> parts.name, parts.former_names
    ('广东凯旋担保公司', ('深圳凯旋担保公司',))
    >>> parts = parse_name("原“北京宜人恒业科技发展有限公司”，已更名为“北京宜人数字科技有限公司”")
    >>> parts.name, parts.former_names
    ('北京宜人数字科技有限公司', ('北京宜人恒业科技发展有限公司',))
    >>> parse_name("天星数字科技（北京）有限公司（原名称:北京小米数字科技有限公司,已更名）").name
    '天星数字科技（北京）有限公司'
    >>> parts = parse_name("上海甲乙科技有限公司更名为丙丁科技（上海）有限公司，合作关系不变。")
    >>> parts.name, parts.former_names
    ('丙丁科技（上海）有限公司', ('上海甲乙科技有限公司',))
    """
    text = _FOOTNOTE.sub("", clean_text(raw)).strip()
    said = _Clauses()
    notes: list[str] = []

    def take(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if is_region(inner) or inner == "集团":
            return match.group(0)
        found = read(inner)
        inside = match.start() > 0 and match.end() < len(text)
        if not found.says_anything:
            if inside:
                return match.group(0)  # a bracket inside the name is part of the name
            notes.extend(n for n in (inner,) if n)
            return ""
        _absorb(said, found)
        notes.extend(found.notes)
        return ""

    base = _NESTED.sub(take, text).strip()
    base = _clauses_around(base, said, notes)
    base = _trailing(base, said, notes)
    renamed_to = said.renamed_to or _remark_renamed_to(remark, base)
    if renamed_to:
        said.former.insert(0, base)
        base = renamed_to
    for old, new in said.renames:
        if clean_text(base) == clean_text(old):  # the old name, with its new one stated
            said.former.insert(0, base)
            base = new
            said.markers.append(Marker.RENAMED)
        else:  # the new name, with the statement of its old one
            said.former.append(old)
            said.markers.append(Marker.FORMERLY)
    said.renames.clear()
    base = _FOOTNOTE.sub("", base).strip(" -—－:：,，;；")
    if remark:
        _absorb(said, read(remark, remark=True))
    name = base or text
    frozen = said.frozen()
    # "甲（原名：甲）", its brackets' width the only difference: no former name at all
    former = [clean_text(f) for f in said.former if f and clean_text(f) != clean_text(name)]
    markers = frozen.markers
    if not former and said.former:
        markers = tuple(m for m in markers if m not in (Marker.FORMERLY, Marker.RENAMED))
    return NameParts(
        name=name,
        match_key=match_key(name),
        qualifier=qualifier_of(name),
        markers=markers,
        former_names=tuple(dict.fromkeys(former)),
        note="；".join(notes),
        status=frozen.status,
    )


def _remark_renamed_to(remark: str, base: str) -> str:
    """The new name a remark cell gives the row's name ("已更名为乙", beside the old name
    甲), or "" (no such clause, or the remark repeats the row's own name).

    >>> _remark_renamed_to("已更名为贵州黔云数字科技有限公司", "贵阳黔云数智科技有限公司")
    '贵州黔云数字科技有限公司'
    >>> _remark_renamed_to("已更名为甲乙科技有限公司", "甲乙科技有限公司")
    ''
    """
    for piece in _CLAUSES.split(_QUOTES.sub("", clean_text(remark))):
        renamed = _RENAMED_TO.match(piece.strip(" :："))
        if renamed is None or _MARKER_ONLY.match(piece.strip()):
            continue
        new = renamed.group(1).strip(" 。.")
        if looks_like_org(new) and match_key(new) != match_key(base):
            return new
    return ""


def _absorb(said: _Clauses, found: Annotation) -> None:
    said.former.extend(found.former)
    said.renamed_to = said.renamed_to or found.renamed_to
    said.renames.extend(found.renames)
    said.markers.extend(found.markers)
    if found.status:
        said.status.append(found.status)


def _clauses_around(base: str, said: _Clauses, notes: list[str]) -> str:
    """ "原“乙”，已更名为“甲”" or "甲，已暂停合作": the clause that is the name, with the
    others read as annotations (when all of them are, the name is the one renamed to)."""
    pieces = [p.strip() for p in _CLAUSES.split(base) if p.strip()]
    pieces = [p for p in pieces if not _UNCHANGED.fullmatch(p)] or pieces
    if len(pieces) < 2:
        return pieces[0] if pieces else base
    readings = [read(piece) for piece in pieces]
    plain = [p for p, found in zip(pieces, readings, strict=True) if not found.says_anything]
    if len(plain) > 1 or len(plain) == len(pieces):
        return base
    for found in readings:
        if found.says_anything:
            _absorb(said, found)
    if plain:
        return _QUOTES.sub("", plain[0])
    if said.renamed_to:
        name, said.renamed_to = said.renamed_to, ""
        return name
    return base


def _trailing(base: str, said: _Clauses, notes: list[str]) -> str:
    """A mark, a rename or a former name written after the name without a separator."""
    former = _TRAILING_FORMER.match(base)
    if former and looks_like_org(former.group(1)):
        said.former.append(_QUOTES.sub("", former.group(2)).strip())
        said.markers.append(Marker.FORMERLY)
        return former.group(1).strip()
    found = _TRAILING_MARKER.match(base)
    if found and found.group(1):
        name, tail = found.group(1).strip(), found.group(2).strip()
        rename = _STATEMENT.match(base)
        if not (rename and "更名为" in tail) and markers_in(tail) and len(name) >= 2:
            _absorb(said, read(tail))
            return name
    statement = _STATEMENT.match(_QUOTES.sub("", base))
    if statement and not said.renamed_to:
        said.renamed_to = statement.group(2).strip(" 。.")
        said.markers.append(Marker.RENAMED)
        return statement.group(1).strip()
    return base


def stated_renames(text: str) -> tuple[tuple[str, str], ...]:
    """(old, new) for each rename a note of the page states ("注：甲公司已更名为乙公司。"),
    numbered clauses of one note included ("注：1.甲已更名为乙；2.本名单自公告之日起施行").

    >>> stated_renames("注：深圳市凯旋融资担保有限公司已更名为广东凯旋融资担保有限公司。")
    (('深圳市凯旋融资担保有限公司', '广东凯旋融资担保有限公司'),)
    >>> stated_renames("注：1.北京甲乙科技有限公司已更名为北京丙丁科技有限公司；2.即日施行。")
    (('北京甲乙科技有限公司', '北京丙丁科技有限公司'),)
    >>> stated_renames("注：上海甲乙科技有限公司已于2025年12月更名为丙丁数科（上海）有限公司。")
    (('上海甲乙科技有限公司', '丙丁数科（上海）有限公司'),)
    >>> stated_renames("甲科技有限公司已更名为乙科技有限公司")  # a list line, not a note
    ()
    >>> stated_renames("注：原“北京甲乙科技有限公司”已更名为“北京丙丁科技有限公司”。")
    (('北京甲乙科技有限公司', '北京丙丁科技有限公司'),)
    >>> stated_renames("*注：原“北京甲乙科技有限公司”已更名为“北京丙丁科技有限公司”。")
    (('北京甲乙科技有限公司', '北京丙丁科技有限公司'),)
    >>> stated_renames("注：1.排名不分先后；2.“北京甲乙科技有限公司”已更名为“北京丙丁科技（北京）"
    ...     "有限公司”，合作关系不变。")
    (('北京甲乙科技有限公司', '北京丙丁科技（北京）有限公司'),)
    >>> stated_renames("* 注：深圳丙丁信息技术有限公司原名为深圳甲乙科技有限公司，已完成变更。")
    (('深圳甲乙科技有限公司', '深圳丙丁信息技术有限公司'),)
    >>> stated_renames("注：*深圳丙丁信息技术有限公司原名为深圳甲乙科技有限公司。")  # a sign
    (('深圳甲乙科技有限公司', '深圳丙丁信息技术有限公司'),)
    >>> stated_renames("注：北京丙丁信息服务有限公司原名北京甲乙科技有限公司。")  # no 为
    (('北京甲乙科技有限公司', '北京丙丁信息服务有限公司'),)
    >>> stated_renames("注：上海丙丁担保有限公司（原“上海甲乙担保有限公司”）已完成名称变更。")
    (('上海甲乙担保有限公司', '上海丙丁担保有限公司'),)
    >>> stated_renames("注：上海丙丁担保有限公司（原上海甲乙担保有限公司）已暂停合作。")
    ()
    >>> stated_renames("注：甲有限公司与乙有限公司相关业务已整合，乙有限公司更名为丙有限公司。")
    (('乙有限公司', '丙有限公司'),)

    A correction is a rename of the same partner ("更正说明：…名单中“甲”系笔误，现更正为“乙”"):

    >>> stated_renames("更正说明：9月12日发布的名单中“深圳甲乙网络技科有限公司”系笔误，"
    ...     "现更正为“深圳甲乙网络科技有限公司”。")
    (('深圳甲乙网络技科有限公司', '深圳甲乙网络科技有限公司'),)
    >>> stated_renames("注：原名单所列北京甲乙科技有限公司有误，应为北京甲乙数字科技有限公司。")
    (('北京甲乙科技有限公司', '北京甲乙数字科技有限公司'),)
    """
    cleaned = clean_text(text)
    lead = NOTE_LEAD.match(cleaned)
    if lead is None:
        return ()
    found = []
    for clause in re.split(r"[；;]", cleaned[lead.end() :]):
        bare = _QUOTES.sub("", _CLAUSE_NUMBER.sub("", clause.strip()))
        statement = _STATEMENT.match(bare) or _CORRECTED.match(bare)
        former = (
            None if statement else _FORMER_STATEMENT.match(bare) or _BRACKET_FORMER.match(bare)
        )
        if statement is not None:
            old, new = statement.group(1).strip(), statement.group(2).strip(" 。.")
            old = re.split(r"[，,。]", old)[-1].strip()  # "…已整合，甲更名为乙": the last clause
            old = _CORRECTED_IN.sub("", old)  # "…发布的名单中甲系笔误": the name after 名单中
        elif former is not None:  # "甲原名为乙，已于…完成变更": the former name is the second
            old, new = former.group(2).strip(" 。."), former.group(1).strip()
            old = re.split(r"[，,。]", old)[0].strip()
        else:
            continue
        new = re.split(r"[，,。]", new)[0].strip()  # "…为乙，合作关系不变": the name ends there
        old = re.sub(rf"^(?:{_FORMER_WORDS}|原)[:：为是]?", "", old).strip()  # 原“甲”已更名为“乙”
        if looks_like_org(old) and looks_like_org(new):
            found.append((old, new))
    return tuple(found)
