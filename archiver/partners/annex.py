"""A file that opens with a cover letter and carries its list as an annex. Pure.

A PDF or Word file published as "the announcement" often starts with the letter itself
(尊敬的客户……特此公告。signer, date) and only then, on the next page, the annex: "附件",
its title and the table. The reader stops at a list's closing words (candidates.LIST_END),
which is right for a web page (what follows 特此公告 is the site's chrome) but in such a file
would stop before the list. A closing line that an annex heading follows is the letter's,
not the list's: it is set aside so the annex is read; the file's text keeps it as published.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archiver.partners.blocks import Document, Line
from archiver.partners.candidates import LIST_END
from archiver.partners.names import clean_text

# "附件", "附件1", "附件二：", "附件：互联网助贷业务合作机构名单", "附表：…名单", "附录" (a title,
# never a sentence)
ANNEX_HEADING = re.compile(
    r"^附\s*(?:件|表|录)\s*[0-9一二三四五六七八九十]{0,2}\s*(?:[:：]\s*[^。；;，,]{0,40})?$"
)


def is_annex_heading(text: str) -> bool:
    """Whether a line opens an annex of the document.

    >>> is_annex_heading("附件"), is_annex_heading("附件1：合作机构名单")
    (True, True)
    >>> is_annex_heading("附表：互联网助贷业务合作机构名单")
    True
    >>> is_annex_heading("附件为合作机构名单，请查阅。"), is_annex_heading("特此公告。")
    (False, False)
    """
    return ANNEX_HEADING.match(clean_text(text)) is not None


def with_annex_read(document: Document) -> Document:
    """The document without the closing lines (特此公告) of a cover letter that an annex
    heading follows, so the reader goes on into the annex; unchanged otherwise.

    >>> from archiver.partners.blocks import LineKind
    >>> lines = ("尊敬的客户：", "特此公告。", "附件", "1 甲科技有限公司 平台运营机构")
    >>> doc = Document("u", tuple(Line(t, LineKind.TEXT, None, "") for t in lines))
    >>> [b.text for b in with_annex_read(doc).blocks if isinstance(b, Line)]
    ['尊敬的客户：', '附件', '1 甲科技有限公司 平台运营机构']
    """
    blocks = document.blocks
    closing = [
        index
        for index, block in enumerate(blocks)
        if isinstance(block, Line) and LIST_END.match(clean_text(block.text))
    ]
    letters = {
        index
        for index in closing
        if any(
            isinstance(block, Line) and is_annex_heading(block.text)
            for block in blocks[index + 1 :]
        )
    }
    if not letters:
        return document
    kept = tuple(block for index, block in enumerate(blocks) if index not in letters)
    return replace(document, blocks=kept)
