"""Is this page an internet loan-facilitation partner list? Decided by content. Pure.

Titles say only "公告" or "临时公告" at some institutions, so the title never decides. A page
is a partner list when it names the list (合作机构名单, 平台运营机构, 增信服务机构, 互联网助贷 …)
*and* carries at least two company names as list items, table cells or lines of their own.
Notices that merely mention partners (消保之声, 关联交易, 利率公示) fail one of the two tests.

>>> text = "合作机构名单\\n一、平台运营机构\\n1. 蚂蚁智信（杭州）信息技术有限公司"
>>> text += "\\n2. 上海淇毓信息科技有限公司"
>>> v = assess(text, title="公告")
>>> v.is_list, v.names, v.categories
(True, 2, ('platform',))
>>> items = "公告\\n1. 甲乙科技有限公司；合作机构类别：平台运营机构；产品名称：甲贷；客服电话：9"
>>> items += "\\n2. 丙丁融资担保有限公司；合作机构类别：增信服务机构；合作期间：2025年至2026年"
>>> assess(items, title="公告").is_list
True
>>> assess("关于与某某集团有限公司、某某科技有限公司关联交易的公告", title="关联交易公告").is_list
False

A PDF's table rows come out of its text layer with one space between cells:
>>> rows = "合作机构名单\\n序号 机构名称 机构类型\\n1 甲乙信息技术有限公司 平台运营机构 95188"
>>> assess(rows + "\\n2 丙丁融资担保有限公司 增信服务机构 95055", title="公告").names
2

whatever the order of its columns (the category first):
>>> rows = "合作机构名单\\n序号 机构类别 机构名称\\n1 平台运营机构 甲乙信息技术有限公司 95188"
>>> assess(rows + "\\n2 增信服务机构 丙丁融资担保有限公司 95055", title="公告").names
2
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from archiver import dates

LIST_PHRASE = re.compile(
    r"合作机构名单|合作机构信息|合作机构清单|合作机构公示|合作机构目录|合作机构如下"
    r"|平台运营机构|增信服务机构|助贷业务合作|互联网贷款合作|互联网助贷|助贷合作|合作(导流)?获客机构"
    r"|导流获客|营销获客|担保增信|合作产品(名单|信息|如下)|产品合作平台|贷款合作机构|催收合作机构"
    r"|贷后(服务|管理)?合作机构|合作机构类别"
)
UNRELATED = re.compile(
    r"关联交易|消保之声|消费者权益保护|金融知识|利率公示|利率区间|年化利率|收费标准|服务价格|招聘"
    r"|年度报告|年报|反洗钱|防范.{0,4}诈骗|营业执照|股东|董事会"
)
TERMINATED = re.compile(r"(终止|停止|暂停).{0,12}(助贷|合作)|暂无.{0,6}合作机构|名单为空")
COMPANY = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9()（）“”\"'·]{2,40}?"
    r"(股份有限公司|有限责任公司|有限公司|股份公司|银行|小额贷款公司|合伙企业)"
)
NUMBERING = re.compile(r"^\s*(\(?\d{1,3}[)）.．、]?|[一二三四五六七八九十]{1,3}[、.．])\s*")
CATEGORY_WORDS = (
    ("platform", re.compile(r"平台运营|营销获客|获客|导流|助贷服务|助贷机构")),
    ("credit_enhancement", re.compile(r"增信|融资担保|担保机构|保险机构|担保公司")),
    ("co_funding", re.compile(r"共同出资|联合贷")),
    ("collection", re.compile(r"催收|贷后|清收")),
)
HEADING_CHARS = 40
SCORE_LIST = 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """What classification concluded about one page, and why."""

    is_list: bool
    score: float
    names: int  # distinct company names written as items of their own
    categories: tuple[str, ...] = ()  # Category values named in headings or cells
    reasons: tuple[str, ...] = ()
    published: str = ""  # a date written on the page, if any
    unreadable: bool = False  # the content is an attachment without text (scanned)


def assess(
    text: str, *, title: str = "", own_names: tuple[str, ...] = (), unreadable: bool = False
) -> Verdict:
    """Classify one page (visible text plus attachment text)."""
    flat = unicodedata.normalize("NFKC", text)
    head = unicodedata.normalize("NFKC", title)
    phrases = sorted({m.group(0) for m in LIST_PHRASE.finditer(flat + "\n" + head)})
    names = _item_names(flat, own_names)
    unrelated_title = bool(UNRELATED.search(head)) and not LIST_PHRASE.search(head)
    unrelated_body = len({m.group(0) for m in UNRELATED.finditer(flat)})
    terminated = bool(TERMINATED.search(flat)) and bool(phrases)
    reasons = []
    score = 0.0
    if phrases:
        score += 2.0 + min(len(phrases), 4) * 0.5
        reasons.append("names the list: " + "、".join(phrases[:4]))
    if names:
        score += min(len(names), 10) * 0.5
        reasons.append(f"{len(names)} company names as items")
    if unrelated_title:
        score -= 4.0
        reasons.append("titled as an unrelated notice")
    if unrelated_body > len(phrases):
        score -= 1.5 * (unrelated_body - len(phrases))
        reasons.append(f"{unrelated_body} unrelated topics")
    is_list = bool(phrases) and score >= SCORE_LIST and (len(names) >= 2 or terminated)
    if terminated and not names and phrases and not unrelated_title:
        is_list = True
        reasons.append("termination notice")
    return Verdict(
        is_list=is_list,
        score=round(score, 2),
        names=len(names),
        categories=_categories(flat) if is_list else (),
        reasons=tuple(reasons),
        published=dates.parse(flat[:2000]) or dates.parse(head),
        unreadable=unreadable and not flat.strip(),
    )


# A bracket after a legal name that holds the item's fields (客服电话：…, 平台运营机构).
_TRAILING_FIELDS = re.compile(r"(?<=[司行])\s*[（(][^（）()]{1,40}[）)]\s*$")


def _item_names(text: str, own_names: tuple[str, ...]) -> set[str]:
    """Company names that stand as list items: a line, a table cell, a numbered entry."""
    own = {unicodedata.normalize("NFKC", n).replace(" ", "") for n in own_names if n}
    found: set[str] = set()
    for line in text.splitlines():
        for cell in re.split(r"\t|\s{2,}|\|", line):
            # A numbered item may carry its fields after the name ("1. 甲有限公司；合作机构类别：
            # 平台运营机构；产品名称：…"): the name is the item's first field.
            item = re.split(r"[;；]", NUMBERING.sub("", cell).strip(" ：:;；,，。"))[0].strip()
            named = [t for t in item.split(" ") if COMPANY.fullmatch(t)]
            if NUMBERING.match(cell) and named:
                item = named[0]  # a PDF table's row: its cells one space apart, any order
            item = _TRAILING_FIELDS.sub("", item)  # "甲有限公司（客服电话：95152）"
            if not item or len(item) > 60:
                continue
            match = COMPANY.search(item)
            if match is None or len(match.group(0)) < 0.6 * len(item):
                continue
            name = match.group(0).replace(" ", "")
            if name not in own and not any(name in o or o in name for o in own):
                found.add(name)
    return found


def _categories(text: str) -> tuple[str, ...]:
    """Categories named in short heading-like lines or cells."""
    found: set[str] = set()
    for line in text.splitlines():
        for cell in re.split(r"[\t;；]", line):
            if len(cell.strip()) > HEADING_CHARS:
                continue
            for name, pattern in CATEGORY_WORDS:
                if pattern.search(cell):
                    found.add(name)
    return tuple(sorted(found))
