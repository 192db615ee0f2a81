"""Attachments that are not partner lists: a personal-information notice, a privacy policy, a
third-party SDK or information-sharing list published beside the partner list. Pure.

Their tables name companies (the SDK's provider, the party data is shared with) in a column
that reads like a partner column ("第三方机构名称"), so the reader would take them for
partners. What gives them away is what they say they are, in the words of their title, or
the columns of their table: an SDK column, a purpose of use or sharing, the personal
information collected. Such a document is kept (its text is archived) but not read for
partners, and the list note says why.
"""

from __future__ import annotations

import re

from archiver.partners.blocks import Document, Grid, Line
from archiver.partners.headings import titles_partner_section
from archiver.partners.names import clean_text

_TITLE_LINES = 4  # a title is among the first lines of a document ("附件3", the title, …)
_NOT_PARTNERS = re.compile(
    r"个人信息(?:保护|处理|收集|共享|授权)|隐私(?:政策|保护|声明|权)|SDK|sdk"
    r"|第三方(?:信息)?共享|信息共享清单|共享清单|授权书|用户协议|服务协议"
)
# The title of another kind of disclosure published in the same file table (信息披露): its
# tables name companies too (关联方, 股东), and none of them is a partner.
_OTHER_DISCLOSURE = re.compile(
    r"关联交易|关联方|(?:年度|季度|半年度)报告|年报|服务价格|价格目录|收费(?:标准|目录|项目|公示)"
    r"|利率(?:公示|表)|股东(?:大)?会|董事会|监事会|招聘|网点(?:迁址|变更|调整)|营业时间"
)
_SENTENCE = re.compile(r"[，。；,;]")
_PARTNER_TITLE = re.compile(r"合作机构|合作方名单|助贷.{0,8}名单|机构名单")
# Column labels of an SDK or information-sharing table: a purpose, the data, the SDK.
_FOREIGN_COLUMN = re.compile(
    r"SDK|sdk|(?:使用|共享|处理|收集)(?:目的|方式|场景)|(?:收集|共享|处理)的?(?:个人)?信息|信息类型|权限"
)


def not_a_partner_list(document: Document) -> str:
    """What the document is instead of a partner list ("" when it may be one).

    >>> from archiver.partners.blocks import Grid, Line
    >>> sdk = Document(url="f.pdf", blocks=(Line("附件3"), Line("互联网贷款个人信息保护告知书"),
    ...     Line("SDK名称 第三方机构名称 使用目的"), Line("支付宝SDK 支付宝（中国） 支付")))
    >>> not_a_partner_list(sdk)
    'a personal-information or SDK notice (互联网贷款个人信息保护告知书)'
    >>> table = Document(url="f.xlsx", blocks=(Grid((("第三方名称", "SDK名称", "共享的个人信息"),
    ...     ("北京百度网讯科技有限公司", "百度地图SDK", "位置信息"))),))
    >>> not_a_partner_list(table)
    'a table of SDK or shared personal information (第三方名称 | SDK名称 | 共享的个人信息)'
    >>> listed = Document(url="f.pdf", blocks=(Line("附件1"), Line("合作机构名单"),
    ...     Line("序号 平台运营机构名称"), Line("1 蚂蚁智信（杭州）信息技术有限公司")))
    >>> not_a_partner_list(listed)
    ''
    """
    lines = [clean_text(b.text) for b in document.blocks[:_TITLE_LINES] if isinstance(b, Line)]
    for title in (line for line in lines if len(line) <= 40 and not _SENTENCE.search(line)):
        if _NOT_PARTNERS.search(title) and not _PARTNER_TITLE.search(title):
            return f"a personal-information or SDK notice ({title[:60]})"
        other = another_disclosure(title)
        if other and not has_partner_section(document):
            return other
        if _PARTNER_TITLE.search(title):
            break  # the document says it lists partners
    for block in document.blocks:
        labels = _header(block)
        foreign = len(labels) >= 2 and any(_FOREIGN_COLUMN.search(c) for c in labels)
        if foreign and (any("SDK" in c.upper() for c in labels) or _purpose_and_data(labels)):
            return f"a table of SDK or shared personal information ({' | '.join(labels)})"
    return ""


def another_disclosure(title: str) -> str:
    """What a title says its document is when that is another kind of disclosure (a related-
    party transaction, an annual report, a fee schedule), "" otherwise. The title is the
    document's own or the page's link to it.

    >>> another_disclosure("宁波通商银行关于重大关联交易的公告")
    'another disclosure (宁波通商银行关于重大关联交易的公告)'
    >>> another_disclosure("合作机构名单（2025年年度更新）"), another_disclosure("附件2")
    ('', '')
    """
    title = clean_text(title)
    if _OTHER_DISCLOSURE.search(title) and not _PARTNER_TITLE.search(title):
        return f"another disclosure ({title[:60]})"
    return ""


def has_partner_section(document: Document) -> bool:
    """A report with a section of its own for the partner list ("五、互联网助贷业务合作机构"):
    the list in it is read, the report's other tables are not partners (the reader's asides).

    >>> has_partner_section(Document(url="r.pdf", blocks=(Line("2025年第三季度信息披露报告"),
    ...     Line("五、互联网助贷业务合作机构"), Line("1 甲乙科技有限公司 平台运营机构"))))
    True
    >>> has_partner_section(Document(url="r.pdf", blocks=(Line("一、关联交易情况"),)))
    False
    """
    return any(titles_partner_section(b.text) for b in document.blocks if isinstance(b, Line))


def _header(block: Grid | Line) -> list[str]:
    """The column labels a block starts with: a grid's first row, or a line of short words."""
    if isinstance(block, Grid):
        return [clean_text(c) for c in block.rows[0] if c.strip()] if block.rows else []
    words = clean_text(block.text).split(" ")
    return words if 2 <= len(words) <= 8 and all(len(w) <= 10 for w in words) else []


def _purpose_and_data(labels: list[str]) -> bool:
    """A purpose of use or sharing beside the personal information concerned."""
    purpose = any(re.search(r"(?:使用|共享|处理)(?:目的|场景)", c) for c in labels)
    data = any(re.search(r"(?:个人)?信息|权限", c) for c in labels)
    return purpose and data
