"""A list line cut into the pieces that hold its fields (name, category, phone, …). Pure."""

from __future__ import annotations

import re

from archiver.partners.names import looks_like_org

# "甲公司（助贷服务机构）合作业务：…": a label glued to the bracket that closes a name's note
_GLUED_LABEL = re.compile(r"([）)])(?=[^\s:：,，;；。（）()]{2,14}\s*[:：])")


def unglue_labels(light: str) -> str:
    """A space between a closing bracket and the "label：" glued to it.

    >>> unglue_labels("甲公司（助贷服务机构）合作业务:丙计划")
    '甲公司（助贷服务机构） 合作业务:丙计划'
    """
    return _GLUED_LABEL.sub(r"\1 ", light)


def field_tokens(light: str) -> list[str]:
    """A list line cut at spaces, and at commas and semicolons outside brackets when what
    comes before the first of them is a name: "甲公司，平台运营机构，95188" holds three fields
    as "甲公司 平台运营机构 95188" does; "甲公司（原乙公司，已更名）" stays one, and a sentence
    ("本公司合作机构均经过严格准入，如遇…，请拨打本公司…", or one with a full stop) is not
    cut at its commas.

    >>> field_tokens("甲乙有限公司,平台运营机构 95188"), field_tokens("甲公司（原乙公司,已更名）")
    (['甲乙有限公司', '平台运营机构', '95188'], ['甲公司（原乙公司,已更名）'])
    >>> field_tokens("如遇暴力催收,请拨打本公司投诉电话")
    ['如遇暴力催收,请拨打本公司投诉电话']
    >>> field_tokens("甲消费金融有限公司系乙银行控股子公司,其名单请至官网查询。")
    ['甲消费金融有限公司系乙银行控股子公司,其名单请至官网查询。']
    """
    pieces, start, depth = [], 0, 0
    for index, char in enumerate(light):
        if char in "（(【[":
            depth += 1
        elif char in "）)】]":
            depth = max(0, depth - 1)
        elif depth == 0 and char in ",，;；":
            pieces.append(light[start:index])
            start = index + 1
    pieces.append(light[start:])
    sentence = "。" in light or not looks_like_org(pieces[0].strip().split(" ")[-1])
    if len(pieces) > 1 and sentence:
        pieces = [light]  # running text: its commas part clauses, not fields
    return [token for piece in pieces for token in piece.split(" ")]
