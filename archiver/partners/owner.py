"""Who publishes the page: the institution's own names, never its own partner. Pure.

A site says who it is in several places outside the list: the page title, the logo's text
or alt text, the footer's copyright line, the heading ("荆楚银行关于…的公示"), the
announcement's first sentence ("甲银行股份有限公司（以下简称“我行”）现将…公示如下") and its
signature. Each is read here from the whole rendered page (not only the disclosure region),
so that the same name inside the region ("2025-08-29浦联银行", a signer) is known as the
publisher's. A group sibling is another legal name and another match key: it stays a partner.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from lxml import etree, html

from archiver.partners.blocks import Document, Line
from archiver.partners.names import clean_text, looks_like_org, match_key, simplified

_TITLE_SPLIT = re.compile(r"\s*[-_|｜丨–—·:：【】\[\]]\s*|\s{2,}")
_KINDS = r"(?:银行|消费金融|信托|金融租赁|汽车金融|财务|理财)"
# its legal form, a region in brackets first: 甲银行（中国）有限公司
_LEGAL = r"(?:[（(][\u4e00-\u9fff]{2,4}[）)])?(?:股份|有限|责任)*(?:公司)?"
# An institution's name at the start of a text ("浦联银行股份有限公司互联网助贷…").
_LEADING_OWNER = re.compile(rf"^([\u4e00-\u9fff（）()]{{2,30}}?{_KINDS}{_LEGAL})")
_ORG = rf"[\u4e00-\u9fff（）()]{{2,30}}?(?:{_KINDS}{_LEGAL}|有限公司|有限责任公司|股份有限公司)"
# A footer's copyright line: "Copyright © 2025 甲银行股份有限公司", "甲银行 版权所有"; or its
# ICP record, which names the site's operator: "甲银行股份有限公司 京ICP备05018929号".
_MARKS = (
    r"copyright|版权所有|all rights reserved|©|\(c\)|[\u4e00-\u9fff]ICP[备证]\s*\d+号(?:-\d+)?"
)
_COPYRIGHT_TOKENS = re.compile(rf"({_MARKS})|[\s|｜,，;；。:：]+", re.IGNORECASE)
_COPYRIGHT_WORD = re.compile(_MARKS, re.IGNORECASE)
_YEARS = re.compile(r"\d{4}(?:[-–—]\d{4})?|[-–—.]")
# The announcement speaking of itself: "甲公司（以下简称“泰融消金”）…本公司", "甲银行现将…".
_SELF_NAMED = re.compile(rf"({_ORG})[（(]以下简称[“\"'‘「]?([^”\"'’」）)]{{2,12}})")
_SELF_VOICE = re.compile(r"本行|我行|本公司|我公司|我司|本机构")
# "海尔消费金融是海尔集团旗下持牌消费金融公司，…本公司": the lender introducing itself (the
# clause says what it is, never that it works with someone: "甲银行是本公司合作…" is a partner)
_INTRODUCES_ITSELF = re.compile(
    rf"(?:^|(?<=[，,。；;：:\n]))([\u4e00-\u9fff]{{2,12}}?{_KINDS}{_LEGAL})(?:是|系)"
    r"(?![^，,。；;]*(?:合作|本行|我行|本公司|我公司|我司))"
)
_SPEAKS = re.compile(rf"(?:^|(?<=[，,。；;：:\n]))({_ORG})(?:现将|现就|现对|依据|根据)")
# The lead naming whose list it is: "现将蒙商银行股份有限公司互联网助贷业务合作机构名单公示如下".
# "苏商银行现将互联网助贷业务合作机构名单公示如下": whoever publishes the list, whatever the voice
_PUBLISHES = re.compile(
    rf"(?:^|(?<=[，,。；;：:\n]))({_ORG})(?:现将|特将|兹将|现对|现就)[^。；;\n]{{0,40}}?(?:名单|合作机构)"
)
# "招联消费金融股份有限公司（“招联”）互联网助贷业务合作机构如下：": a lead that opens with whose
# list follows (a lender's name, its short name, then the list's title)
_LEADS_ITS_LIST = re.compile(
    rf"(?:^|(?<=[，,。；;：:\n]))([\u4e00-\u9fff（）()]{{2,30}}?{_KINDS}{_LEGAL})"
    r"(?:[（(][^（）()]{1,12}[)）])?的?(?:互联网)?(?:助贷)?(?:业务)?合作(?:机构|方|平台)"
    r"[^。；;\n]{0,12}?(?:如下|名单|公示|一览)"
)
# "甲银行对互联网助贷业务合作机构实行名单制管理": the lender managing its partners' list
_MANAGES = re.compile(
    rf"(?:^|(?<=[，,。；;：:\n]))([\u4e00-\u9fff]{{2,12}}?{_KINDS}{_LEGAL})对[^。；;\n]{{0,30}}?"
    r"(?:合作机构|名单制)"
)
# "马上消费金融股份有限公司（安逸花）郑重提示：我司仅与上述机构…": the publisher warning its
# readers, in its own voice (the piece says 我司/本公司 too).
_WARNS = re.compile(
    rf"(?:^|(?<=[，,。；;：:\n]))({_ORG})(?:[（(][^（）()]{{1,10}}[)）])?(?:郑重|特别|温馨|风险)?"
    r"(?:提示|声明|提醒)[:：]"
)
# A WeChat article's account name (its byline): who published the article.
_ACCOUNT_NAME = re.compile(r"^js_name$|profile_nickname|rich_media_meta_nickname")
_LIST_OF = re.compile(
    rf"(?:现将|现对|现就|特将|兹将)([\u4e00-\u9fff（）()]{{2,30}}?{_KINDS}{_LEGAL})的?"
    r"(?:互联网助贷|助贷|合作机构|合作方)"
)
_LEAD_IN = re.compile(
    r"欢迎访问|欢迎来到|根据|依据|按照|要求|规定|关于|通知|办法|的|名单|信息|公示|机构|[\"'=>]"
)
# What follows the publisher's name in a notice's heading ("甲银行关于…的公告"); a heading that
# is only an institution's name may be a partner's card.
_ANNOUNCES = re.compile(r"关于|公告|公示|名单|合作机构|信息披露|通知")
# Where a site shows who it is: its logo, or the header bar above the content ("hd", "top").
_LOGO = re.compile(
    r"logo|header|\bhd\b|\bhead\b|\btop\b|site-?top|site-?name|brand", re.IGNORECASE
)
# A Word document saved as a web page names its company in its properties (in a comment).
_WORD_COMPANY = re.compile(r"<o:Company>\s*([^<]{2,60}?)\s*</o:Company>", re.IGNORECASE)
# Before a name: a date or a number, or an article's tag ("原创 甲银行" in a WeChat byline).
_LEADING_NOISE = re.compile(r"^(?:[\d\W_]|原创|转载|置顶|头条)+")
_DATE_LINE = re.compile(r"\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})")
# A signature's date on the signer's line ("甲银行股份有限公司 2025年10月"), and the site's
# footer lines below a signature (its ICP record, copyright).
_SIGNED_DATE = re.compile(
    r"\s*\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-/.]\d{1,2}(?:[-/.]\d{1,2})?)$"
)
_FOOTER_LINE = re.compile(r"ICP|公网安备|版权所有|copyright|©|技术支持", re.IGNORECASE)
# A lender's own service line ("中银消费金融有限公司 客服热线：400-619-5566"): one on a page is
# the publisher's; a list of partners with hotlines has one line per partner.
_SERVICE_LINE = re.compile(
    rf"^([\u4e00-\u9fff（）()]{{2,30}}?{_KINDS}{_LEGAL})\s*[·•・|｜丨,，、/]?\s*(?:全国)?(?:统一)?"
    r"(?:客服热线|客服电话|服务热线|客户服务热线|客户服务电话|咨询电话|联系电话)\s*[:：]?\s*[\d-]{5,}"
)
_LINE_TAGS = ("p", "div", "li", "footer", "td", "section", "dd", "address")
_BLOCK_TAGS = frozenset((*_LINE_TAGS, "table", "ul", "ol", "dl", "br"))
# A logo's text: the brand, then its English name in capitals ("招联金融 MUCFC",
# "重庆农商行 CHONGQING RURAL COMMERCIAL BANK"): the brand is the publisher's.
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9 .,&()（）'-]*")
_BRAND_AND_ENGLISH = re.compile(r"^\s*([\u4e00-\u9fff]{2,10})\s+[A-Z]{2,}(?:\s+[A-Z]{2,})*\b")


def own_names(
    markups: Iterable[str], titles: Iterable[str], configured: Iterable[str]
) -> set[str]:
    """The publisher's names stated by the configuration, the titles and the pages.

    >>> sorted(own_names(["<p>Copyright © 甲乙银行股份有限公司</p>"], ["名单 - 丙丁银行"], []))
    ['丙丁银行', '甲乙银行股份有限公司']
    """
    names = [name for name in configured if name.strip()]
    for title in titles:  # (a site in traditional characters: 南洋商業銀行)
        names.extend(_title_owners(simplified(title)))
    for markup in markups:
        names.extend(_page_owners(simplified(markup)))
    return {name for name in (clean_text(n) for n in names) if name}


def own_keys(names: Iterable[str]) -> set[str]:
    """The match keys of the publisher's names, as `is_own` compares them."""
    return {key for key in (_key(name) for name in names) if len(key) >= 2}


def is_own(name: str, keys: set[str]) -> bool:
    """Whether a name read where a partner could be is the publisher's own (a date or a
    number glued before it does not make it another institution).

    >>> is_own("2025-08-29浦联银行", own_keys(["浦联银行股份有限公司"]))
    True
    >>> is_own("原创浦联银行", own_keys(["浦联银行股份有限公司"]))
    True
    >>> is_own("浦联消费金融有限公司", own_keys(["浦联银行股份有限公司"]))
    False
    """
    return bool(keys) and _key(name) in keys


def _key(name: str) -> str:
    return match_key(_LEADING_NOISE.sub("", simplified(clean_text(name))))


def _title_owners(title: str) -> list[str]:
    found = []
    for part in _TITLE_SPLIT.split(clean_text(title)):
        owner = _LEADING_OWNER.match(part)
        if owner:
            found.append(owner.group(1))
        elif looks_like_org(part):
            found.append(part)
    return found


def _page_owners(markup: str) -> list[str]:
    if not markup.strip():
        return []
    try:
        root = html.fromstring(markup)
    except (ValueError, etree.ParserError):
        return []
    found = [m.group(1) for m in _WORD_COMPANY.finditer(markup) if looks_like_org(m.group(1))]
    identity = True  # the site's logo or header comes first; cards and logo walls of
    for element in root.iter():  # partners further down (after the first h1) are no identity
        tag = str(element.tag).lower()
        marks = f"{element.get('class', '')} {element.get('id', '')} {element.get('src', '')}"
        if identity and _LOGO.search(marks) and not _in_repeated(element):
            names = _logo_names(element)
            found.extend(names)
            identity = not names
        if tag == "h1":
            identity = False
        if tag in ("h1", "h2", "title"):
            heading = clean_text(_text_of(element))
            owner = _LEADING_OWNER.match(heading)
            if owner and _ANNOUNCES.search(heading[owner.end() :]):
                found.append(owner.group(1))
    texts = [str(piece) for piece in root.itertext()]
    found.extend(_copyright_owners(texts))
    found.extend(_service_line_owner(root))
    found.extend(_signature_owner(root))
    found.extend(_byline_owners(root))
    text = "\n".join(clean_text(piece) for piece in texts)
    for match in _SELF_NAMED.finditer(text):
        found.append(match.group(1))
        short = match.group(2)
        if not _SELF_VOICE.fullmatch(short):
            found.append(short)
    if _SELF_VOICE.search(text):
        found.extend(match.group(1) for match in _SPEAKS.finditer(text))
    found.extend(match.group(1) for match in _LIST_OF.finditer(text))
    found.extend(match.group(1) for match in _PUBLISHES.finditer(text))
    found.extend(match.group(1) for match in _MANAGES.finditer(text))
    found.extend(match.group(1) for match in _LEADS_ITS_LIST.finditer(text))
    found.extend(_introduced_owners(root, texts))
    return [_trimmed(name) for name in found]


def _introduced_owners(root: html.HtmlElement, texts: list[str]) -> list[str]:
    """The lender introducing itself ("海尔消费金融是…持牌消费金融公司，…本公司") or warning in
    its own voice ("甲消费金融股份有限公司郑重提示：我司…"), and a WeChat article's account name.

    >>> from lxml import html as lhtml
    >>> _introduced_owners(lhtml.fromstring("<p>x</p>"),
    ...     ["甲消费金融股份有限公司（甲花）郑重提示：我司仅与上述机构合作。"])
    ['甲消费金融股份有限公司']
    """
    found: list[str] = []
    for element in root.iter():
        marks = f"{element.get('id', '')} {element.get('class', '')}".split()
        if any(_ACCOUNT_NAME.search(mark) for mark in marks):
            account = clean_text(_text_of(element))
            found.extend([account] if _LEADING_OWNER.fullmatch(account) else [])
    for piece in texts:
        if _SELF_VOICE.search(piece):
            found.extend(m.group(1) for m in _INTRODUCES_ITSELF.finditer(clean_text(piece)))
            found.extend(m.group(1) for m in _WARNS.finditer(clean_text(piece)))
    return found


_COPIES = 2  # a site may print its header twice (one for phones); cards come in more


def _in_repeated(element: etree._Element) -> bool:
    """Inside one of several alike elements (a card's "card-hd" among cards): a partner's
    card, not the site's header."""
    node, parent = element, element.getparent()
    while parent is not None:
        mark = (node.tag, node.get("class", ""))
        if mark[1] and sum((c.tag, c.get("class", "")) == mark for c in parent) > _COPIES:
            return True
        node, parent = parent, parent.getparent()
    return False


def _logo_names(element: etree._Element) -> list[str]:
    texts = [element.get("alt", ""), element.get("title", "")]
    texts.extend(img.get("alt", "") for img in element.iter("img"))
    texts.append(_text_of(element))
    out = []
    for text in texts:
        owner = _LEADING_OWNER.match(clean_text(text).replace(" ", ""))
        if owner:
            out.append(owner.group(1))
        brand = _BRAND_AND_ENGLISH.match(unicodedata.normalize("NFKC", text))
        if brand:
            out.append(brand.group(1))
    return out


def _text_of(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _service_line_owner(root: html.HtmlElement) -> list[str]:
    """The lender whose service line is the only one on the page (_SERVICE_LINE).

    >>> _service_line_owner(html.fromstring("<div><img><p>甲乙消费金融有限公司 客服热线：400-1</p>"
    ...     "</div>")), _service_line_owner(html.fromstring("<ul><li>甲银行 客服电话：95500</li>"
    ...     "<li>乙银行 客服电话：95501</li></ul>"))
    (['甲乙消费金融有限公司'], [])
    >>> _service_line_owner(html.fromstring("<div><img><p>甲乙消费金融 · 客服热线 400-089-6599"
    ...     "</p></div>"))
    ['甲乙消费金融']
    """
    lines = {
        clean_text(_text_of(element))
        for element in root.iter(*_LINE_TAGS)
        if not any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element)
    }
    owners = [match.group(1) for match in map(_SERVICE_LINE.match, lines) if match]
    return owners if len(owners) == 1 else []


def _signature_owner(root: html.HtmlElement) -> list[str]:
    """The lender whose name alone closes the page, outside the table or list above it (a
    notice's signature, 落款, with or without its date): the publisher, not a partner.

    >>> page = "<div><table><tr><td>甲科技有限公司</td></tr></table>"
    >>> page += "<p>乙丙消费金融股份有限公司</p><p>2025年11月1日</p></div>"
    >>> _signature_owner(html.fromstring(page))
    ['乙丙消费金融股份有限公司']
    >>> _signature_owner(html.fromstring("<div><p>甲科技公司</p><p>乙丙银行有限公司</p></div>"))
    []
    >>> page = "<div><table><tr><td>甲科技有限公司</td></tr></table><p>乙丙银行股份有限公司 "
    >>> page += "2025年10月</p><div class=foot>滇ICP备05000812号</div></div>"
    >>> _signature_owner(html.fromstring(page))
    ['乙丙银行股份有限公司']
    >>> _signature_owner(html.fromstring(f"<table><tr><td>{page}</td></tr></table>"))
    ['乙丙银行股份有限公司']
    >>> page = "<div><table><tr><td>甲科技有限公司</td></tr></table><p>Yibing Bank (China) "
    >>> _signature_owner(html.fromstring(page + "Ltd. 乙丙银行（中国）有限公司</p>"))
    ['乙丙银行（中国）有限公司']
    """
    if root.find(".//table") is None and root.find(".//li") is None and not _has_cards(root):
        return []  # no list above it that the name stands apart from
    texts = [
        (element, text)
        for element in root.iter(*_LINE_TAGS)
        if not any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element)
        and (text := clean_text(_text_of(element)))
    ]
    while texts and (
        _DATE_LINE.fullmatch(texts[-1][1])
        or _FOOTER_LINE.search(texts[-1][1])
        or _in_related_block(texts[-1][0])
    ):
        texts.pop()  # the signature's date, the site's footer, a 相关新闻 block below it
    if not texts:
        return []
    element, text = texts[-1]
    if _CJK.search(text):  # "Hang Seng Bank (China) Limited 恒生银行（中国）有限公司"
        text = _ENGLISH_WORDS.sub("", text).strip()
    owner = _LEADING_OWNER.fullmatch(_SIGNED_DATE.sub("", text))
    lists = ("li", "dl", "ul", "ol")
    in_item = any(str(a.tag) in lists for a in element.iterancestors())
    inside = in_item or element.tag in ("li", "dd", "td") or _in_list_table(element)
    return [owner.group(1)] if owner and not inside else []


_RELATED_CLASS = re.compile(r"relat|(?:^|[-_\s])xg(?:xw|wz|lj)?(?:$|[-_\s])", re.IGNORECASE)
_RELATED_HEADING = re.compile(r"^(?:相关|推荐阅读|延伸阅读|最新公告|上一篇|下一篇)")


def _in_related_block(element: etree._Element) -> bool:
    """Inside a block of links to other pages (相关新闻, 上一篇/下一篇) closing the page."""
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in ("body", "html"):
            return False
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        first = ancestor.find("*")  # its first element
        heading = clean_text("".join(map(str, first.itertext()))) if first is not None else ""
        if _RELATED_CLASS.search(marks) or _RELATED_HEADING.match(heading):
            return True
    return False


def _has_cards(root: html.HtmlElement) -> bool:
    """A grid of cards: three or more sibling blocks sharing a class (div.card, dl.item …).

    >>> cards = "".join(f"<div class='card x{n}'>{name}</div>" for n, name in enumerate("甲乙丙"))
    >>> _has_cards(html.fromstring(f"<div>{cards}</div>"))
    True
    """
    for parent in root.iter("div", "section", "ul"):
        shared: Counter[str] = Counter()
        for child in parent:
            if isinstance(child.tag, str) and child.tag in ("div", "section", "dl", "article"):
                shared.update(set(str(child.get("class") or "").split()))
        if shared and max(shared.values()) >= 3:
            return True
    return False


def _in_list_table(element: etree._Element) -> bool:
    """Inside a table that is not only a page's layout (one holding the list's table and
    the signature below it, as hand-written pages are laid out)."""
    table = next(element.iterancestors("table"), None)
    return table is not None and next(table.iterdescendants("table"), None) is None


_BYLINE = re.compile(rf"^(?:{_DATE_LINE.pattern})\s*[·•・|｜丨/]?\s*(?:来源[:：]?)?\s*(.+)$")


def _byline_owners(root: html.HtmlElement) -> list[str]:
    """The lender named in an announcement's byline, its date then its source
    ("2025-10-01 · 甲乙消费金融"): the publisher. One such line on a page is a byline; a
    list of lenders with their dates has one line per lender.

    >>> _byline_owners(html.fromstring("<div><p>2025-10-01 · 甲乙消费金融</p><p>甲公司</p></div>"))
    ['甲乙消费金融']
    >>> _byline_owners(html.fromstring("<div><p>2025-10-01 · 甲乙科技有限公司</p></div>"))
    []
    >>> _byline_owners(html.fromstring("<ul><li>2025-10-01 甲银行</li><li>2025-11-01 乙银行"
    ...     "</li></ul>"))
    []
    """
    found = []
    for element in root.iter(*_LINE_TAGS):
        if any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element):
            continue
        byline = _BYLINE.match(clean_text(_text_of(element)))
        owner = _LEADING_OWNER.fullmatch(byline.group(1).strip()) if byline else None
        if owner:
            found.append(owner.group(1))
    return found if len(set(found)) == 1 else []


def _copyright_owners(texts: Iterable[str]) -> list[str]:
    """The names beside a copyright mark or an ICP record, in each text of the page.

    >>> _copyright_owners(["甲乙消费金融股份有限公司 渝ICP备15009990号-1", "丙丁科技有限公司"])
    ['甲乙消费金融股份有限公司']
    """
    out = []
    for raw in texts:
        if not _COPYRIGHT_WORD.search(raw):
            continue
        tokens = [
            token
            for token in _COPYRIGHT_TOKENS.split(unicodedata.normalize("NFKC", raw))
            if token and not _YEARS.fullmatch(token.strip())
        ]
        marks = [bool(_COPYRIGHT_WORD.fullmatch(token)) for token in tokens]
        for index, token in enumerate(tokens):
            beside = marks[index - 1 : index] + marks[index + 1 : index + 2]
            if not marks[index] and any(beside) and looks_like_org(token):
                out.append(token)
    return out


def _trimmed(name: str) -> str:
    """A name as the patterns caught it, without the words of a sentence before it
    ("根据监管要求甲银行" -> "甲银行")."""
    return _LEAD_IN.split(name)[-1]


# How a brand shortens its kind of institution ("招联消金" for 招联消费金融股份有限公司).
_KIND_SHORT = {
    "银行": ("银行",),
    "信托": ("信托",),
    "消费金融": ("消费金融", "消金"),
    "金融租赁": ("金融租赁", "金租"),
    "汽车金融": ("汽车金融", "汽金"),
}
_EDGE_LINES = 3  # a letterhead is among a document's first lines, a signer among its last
_NUMBERED = re.compile(r"^\s*\d{1,4}\s*[.、．)）]?\s")


def abbreviates(short: str, legal: str) -> bool:
    """Whether a brand is the short form of a legal name of the same kind of institution:
    its words are the legal name's own characters, in order ("外贸信托" for 中国对外经济贸易
    信托有限公司), as Chinese institutions shorten their names. Both are match keys.

    >>> abbreviates("外贸信托", "中国对外经济贸易信托"), abbreviates("招联消金", "招联消费金融")
    (True, True)
    >>> abbreviates("青岛银行", "青岛银行"), abbreviates("外贸信托", "中国对外经济贸易银行")
    (True, False)
    >>> abbreviates("中信银行", "中信百信银行"), abbreviates("中信银行", "华信银行")
    (True, False)
    """
    for kind, shorts in _KIND_SHORT.items():
        if not legal.endswith(kind):
            continue
        for tail in shorts:
            if short.endswith(tail):
                head, rest = short[: -len(tail)], iter(legal[: -len(kind)])
                return len(head) >= 2 and all(char in rest for char in head)
    return False


def document_issuer(document: Document, keys: set[str]) -> str:
    """The publisher's legal name as a document prints it in its letterhead (one of its
    first lines, before any table or numbered record) or as its signer (one of its last
    lines): a line that is only an institution's name which the publisher's known names
    (`keys`: from the page and the configuration) shorten. "" when there is none.

    The position matters: the same brand may shorten a partner's name (中信银行 and
    中信百信银行), but a partner is not printed alone above the list's title or under it.
    """
    if not keys:
        return ""
    head: list[str] = []
    for block in document.blocks:
        if not isinstance(block, Line) or _NUMBERED.match(block.text):
            break
        head.append(block.text)
    tail = [block.text for block in document.blocks if isinstance(block, Line)]
    for text in [*head[:_EDGE_LINES], *tail[-_EDGE_LINES:]]:
        name = clean_text(text).replace(" ", "")
        service = _SERVICE_LINE.match(name)  # a footer: "中信百信银行 客服热线956186"
        name = service.group(1) if service else name
        whole = _LEADING_OWNER.fullmatch(name)
        if whole is None:
            continue
        legal = _key(name)
        if any(key == legal or abbreviates(key, legal) for key in keys):
            return name
    return ""
