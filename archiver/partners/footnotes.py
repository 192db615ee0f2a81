"""Marks explained in a footnote: "上海甲公司*" in the list, "注：标注“*”的机构暂停新增业务合作"
below it. Pure.

A list may flag some names with a sign (*, ※, △ …) and say only in a note what the sign
means. When the note says the flagged partners ended (suspended, terminated, deregistered),
each name that carries the sign gets those words as its remark, as if written beside it. A
sign that no note explains, or one whose note says something else (新增, 牵头机构), is
decoration and is dropped as before (lines.without_footnotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.partners.annotations import is_ended, markers_in, parse_name
from archiver.partners.names import clean_text, looks_like_org

_SIGNS = "*＊※★☆△▲#＃\ue001-\ue014"  # the last: circled numbers, kept apart (`_kept`)
# "甲公司①" with a note "① 该机构已…": NFKC would make ① a plain "1", so each circled number
# stands for itself as a private-use character while the text is cleaned.
_CIRCLED = str.maketrans({chr(0x2460 + n): chr(0xE001 + n) for n in range(20)})
# "上海甲信息科技有限公司*", "乙银行 ※": a sign glued to (or spaced after) a name's end
_FLAGGED = re.compile(rf"([^\s{_SIGNS}]+?[司行团心所])\s*([{_SIGNS}]+)(?=[\s)）]|$)")
_QUOTE = r"[“”\"'‘’「」『』]?"
# "标注“*”的机构…", "带*号者…", "加※的合作机构…", "*：已暂停合作", "※表示已终止合作"
_LEGEND = re.compile(
    rf"(?:(?:标注?有?|带有?|注有|加注?|标记(?:有|为)?|有){_QUOTE}\s*([{_SIGNS}]+)\s*{_QUOTE}"
    r"\s*(?:号|符号|标记|标识)?\s*(?:的|者)"
    rf"|^(?:注\d{{0,2}}\s*[:：]\s*)?([{_SIGNS}]+)\s*(?:[:：]|表示|代表|为|是|指|(?:号|符号)?(?:标注|标记|标识)的?"
    r"|(?=[该此自于从])))"
    r"([^。；;]{2,120})"
)


# "2. 自…起暂停…": a numbered note, explaining the names whose reference is that number (②)
_NUMBERED_NOTE = re.compile(
    r"^\s*(?:注\s*)?[\[［(（]?([1-9]|1\d|20)(?:[.．、]|[\]］)）])\s*(?=\S)"
)


def _number_sign(number: str) -> str:
    """A note's number (1–20) as the sign a circled number stands for (② -> \\ue002)."""
    return chr(0xE000 + int(number))


def _numbered_as_signed(text: str) -> str:
    """ "2. 自…" written as "\\ue002：自…": a numbered note read like a note led by its sign."""
    return _NUMBERED_NOTE.sub(lambda m: _number_sign(m.group(1)) + "：", text, count=1)


def legends(text: str) -> list[tuple[str, str]]:
    """(sign, the words of an ended mark) for each note in a text that explains a sign as
    an ended status.

    >>> legends("注：1.机构排名不分先后；2.标注“*”的机构自2025年10月1日起暂停新增业务合作。")
    [('*', '自2025年10月1日起暂停新增业务合作')]
    >>> legends("※：已终止合作"), legends("标*者为本年度新增机构")
    ([('※', '已终止合作')], [])
    >>> legends("*标注机构已于2025年11月30日与本行终止互联网助贷业务合作，本行将继续服务。")
    [('*', '于2025年11月30日与本行终止互联网助贷业务合作')]
    >>> legends("① 该机构已于2025年10月31日与本行终止合作，存量业务按原合同继续履行。")
    [('\\ue001', '于2025年10月31日与本行终止合作')]
    >>> legends("* 自2025年10月10日起暂停与该机构的新增业务合作，存量业务正常服务。")
    [('*', '自2025年10月10日起暂停与该机构的新增业务合作')]
    >>> legends("** 该机构合作期限为2023年8月20日至2025年8月19日，已到期终止，不再续签。")[0][0]
    '**'
    >>> legends("* 排名不分先后，本公司已审慎筛选")
    []

    A numbered note explains the names that carry its number as a reference ("甲公司②"):

    >>> legends("2. 自2025年11月1日起暂停与该机构的新增业务合作，存量业务继续服务。")
    [('\\ue002', '自2025年11月1日起暂停与该机构的新增业务合作')]
    >>> legends("1. 上海甲信息科技有限公司为乙科技旗下运营主体。")
    []
    """
    found = []
    text = _numbered_as_signed(text)
    for match in _LEGEND.finditer(clean_text(text.translate(_CIRCLED))):
        sign = _normal(match.group(1) or match.group(2))
        words = _ended_clauses(match.group(3)).strip(" ，,：:")
        words = re.sub(r"^[该此]?(?:合作)?(?:机构|单位|公司|合作方)\s*(?:为|系|已)?", "", words)
        if is_ended(markers_in(words)) and is_ended(parse_name(f"甲公司（{words}）").markers):
            found.append((sign, words))
    return found


# A note's sign first ("*", "①", "2."), then what it says
_SIGN_LEAD = re.compile(rf"^\s*(?:注\s*\d{{0,2}}\s*[:：]\s*)?([{_SIGNS}]+)\s*[:：]?\s*")
# "原“甲公司”，已于2025年8月更名", "原名称：甲公司，已更名": the name before a rename
_FORMER = re.compile(
    r"^原(?:名|名称|公司名称|机构名称)?(?:为|是|[:：])?[“\"'‘「『]?([^”\"'’」』，,。；;]{4,60})"
)


def former_legends(text: str) -> list[tuple[str, str]]:
    """(sign, the former name) of a note that explains a sign as a rename.

    >>> former_legends("3. 原“福州甲乙融资担保有限公司”，已于2025年8月更名。")
    [('\\ue003', '福州甲乙融资担保有限公司')]
    >>> former_legends("1. 原则上按季度更新。"), former_legends("2. 自10月起暂停合作。")
    ([], [])
    >>> former_legends("① 原名“北京甲乙科技有限公司”，已于2026年10月完成工商变更登记。")
    [('\ue001', '北京甲乙科技有限公司')]
    >>> former_legends("② 原“北京甲乙科技有限公司”承接的存量业务由本行自营。")
    []
    """
    text = _numbered_as_signed(text)
    cleaned = clean_text(text.translate(_CIRCLED))
    lead = _SIGN_LEAD.match(cleaned)
    if lead is None:
        return []
    former = _FORMER.match(cleaned[lead.end() :])
    if former is None or not looks_like_org(former.group(1)):
        return []
    # "原名“甲公司”" says it; a bare "原“甲公司”" needs the rename said too
    said = former.group(0).startswith("原名") or re.search(
        r"更名|名称变更|变更名称|变更为|工商变更", cleaned
    )
    return [(_normal(lead.group(1)), former.group(1))] if said else []


# Where the next note of a run starts: a circled number, or "2." after a sentence's end
_NEXT_NOTE = re.compile(r"(?<=[。；;])\s*(?=[\ue001-\ue014]|(?:[1-9]|1\d)[.．、](?!\d))")


def notes_in(text: str) -> list[str]:
    """A line and each note of it, when one line runs several ("注：①原名称为甲公司。②该机构
    自2025年11月起暂停合作。"): a note's sign leads its own piece.

    >>> notes_in("注：①原名称为甲公司。②该机构暂停合作。")[1:]
    ['注：\ue001原名称为甲公司。', '\ue002该机构暂停合作。']
    >>> notes_in("注：排名不分先后。")
    ['注：排名不分先后。']
    """
    marked = text.translate(_CIRCLED)
    pieces = [piece for piece in _NEXT_NOTE.split(marked) if piece.strip()]
    return [text, *pieces] if len(pieces) > 1 else [text]


def _ended_clauses(sentence: str) -> str:
    """A note's clauses up to the first that says how the partner ended: "该机构合作期限为
    …至2025年8月19日，已到期终止，不再续签" needs its second clause; the first clause alone
    when none does (the note then explains no end).

    >>> _ended_clauses("暂停新增业务合作，存量业务正常服务")
    '暂停新增业务合作'
    >>> _ended_clauses("该机构合作期限为2023年8月20日至2025年8月19日，已到期终止，不再续签")
    '该机构合作期限为2023年8月20日至2025年8月19日，已到期终止'
    """
    clauses = re.split(r"(?<=[，,])", sentence)
    for end in range(1, len(clauses) + 1):
        if is_ended(markers_in(clauses[end - 1])):
            return "".join(clauses[:end]).rstrip("，,")
    return clauses[0].rstrip("，,")


# A line break inside a name (a Word or PDF cell too narrow for it): not a space between two
_WRAPPED = re.compile(r"(?<=[\u4e00-\u9fff）)])[ \t]*\n\s*(?=[\u4e00-\u9fff（(])")


def flagged(text: str) -> list[tuple[str, str]]:
    """(name, sign) for each name in a line or cell that carries a sign.

    >>> flagged("2 平台运营机构 上海淇毓信息科技有限公司* 95055")
    [('上海淇毓信息科技有限公司', '*')]
    >>> flagged("宜人恒业科技发展（北京）\\n有限公司*")  # a name wrapped in a narrow cell
    [('宜人恒业科技发展（北京）有限公司', '*')]
    >>> flagged("上海甲乙金融信息服务有限公司2")
    [('上海甲乙金融信息服务有限公司', '\\ue002')]
    """
    text = _WRAPPED.sub("", text).translate(_CIRCLED)
    found = [(match.group(1), _normal(match.group(2))) for match in _FLAGGED.finditer(text)]
    numbered = _NUMBER_GLUED.finditer(text)  # "甲公司2": a note's number written plain
    return found + [(m.group(1), _number_sign(m.group(2))) for m in numbered]


# "上海甲乙信息服务有限公司2" (a <sup>2</sup> flattened): the number glued to the name's end
_NUMBER_GLUED = re.compile(r"([^\s\d]+?[司行])([1-9]|1\d|20)(?=\s|$)")


def _normal(sign: str) -> str:
    return sign.replace("＊", "*").replace("＃", "#")  # "**" is a sign of its own, not "*"


@dataclass
class FootnoteMarks:
    """The signs seen beside names and the notes that explain them, over a capture."""

    _flagged: list[tuple[str, str]] = field(default_factory=list)
    _legends: list[tuple[str, str]] = field(default_factory=list)
    _formers: list[tuple[str, str]] = field(default_factory=list)

    def see(self, text: str) -> None:
        """A line or a cell as published, before its footnote signs are removed."""
        self._flagged.extend(flagged(text))
        notes = notes_in(text)  # the whole line and its notes: one meaning, said twice
        self._legends.extend(dict.fromkeys(x for note in notes for x in legends(note)))
        self._formers.extend(dict.fromkeys(x for note in notes for x in former_legends(note)))

    def renames(self, names: list[str]) -> list[tuple[str, str]]:
        """(former name, name) for each of `names` that carried a sign a note explains as
        its rename ("甲公司③" … "3. 原“乙公司”，已于…更名")."""
        return [(former, name) for name, former in self._explained(names, self._formers)]

    def statuses(self, names: list[str]) -> list[tuple[str, str]]:
        """(name, the words of its ended mark) for each of `names` (the rows read) that
        carried a sign a note explains."""
        return self._explained(names, self._legends)

    def _explained(self, names: list[str], notes: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(name, what a note says of its sign) for each of `names` that carried a sign."""
        meaning = dict(notes)
        found: list[tuple[str, str]] = []
        for text, sign in self._flagged:
            if sign in meaning:
                cleaned = clean_text(text)
                found.extend((n, meaning[sign]) for n in names if cleaned.endswith(_bare(n)))
        return found


def _bare(name: str) -> str:
    """A row's name without the circled number written out after it ("甲公司①" read as
    "甲公司1" by lines.without_footnotes).

    >>> _bare("深圳榕树信息科技有限公司1"), _bare("甲乙科技有限公司")
    ('深圳榕树信息科技有限公司', '甲乙科技有限公司')
    """
    cleaned = clean_text(name)
    return re.sub(r"(?<=[司行团心所])\d{1,2}$", "", cleaned)
