"""Definition lists whose terms are partners: `<dt>甲公司</dt><dd>平台运营机构</dd>`. Pure.

A `<dd>` describes the `<dt>` before it, so a partner's category, product or hotline in a
`<dd>` is that partner's, not a heading of the names after it. A list whose terms are
categories and whose descriptions are names (`<dt>平台运营机构</dt><dd>甲公司</dd>…`) is
read as headed lines, as before.
"""

from __future__ import annotations

import re

from lxml import html

from archiver.partners.names import LEGAL_FORMS, looks_like_org

_MAX_DESCRIPTION = 60


def term_lines(dl: html.HtmlElement) -> list[str] | None:
    """One line per term with its descriptions ("甲公司 平台运营机构"), or None when the
    terms are not partners (or a description is itself a name, or long text).

    >>> term_lines(html.fromstring(
    ...     "<dl><dt>上海淇毓信息科技有限公司</dt><dd>平台运营机构</dd>"
    ...     "<dt>太平财产保险有限公司</dt><dd>增信服务机构</dd></dl>"))
    ['上海淇毓信息科技有限公司 平台运营机构', '太平财产保险有限公司 增信服务机构']
    >>> term_lines(html.fromstring(
    ...     "<dl><dt>平台运营机构</dt><dd>上海淇毓信息科技有限公司</dd></dl>")) is None
    True
    """
    records: list[list[str]] = []
    for child in dl:
        if not isinstance(child.tag, str):
            continue
        text = re.sub(r"\s+", " ", child.text_content()).strip()
        if child.tag == "dt":
            if not looks_like_org(text):
                return None
            records.append([text])
        elif child.tag == "dd" and records:
            if len(text) > _MAX_DESCRIPTION or looks_like_org(text):
                return None
            if text:
                records[-1].append(text)
        else:
            return None  # a description before any term, or other markup: not such a list
    return [" ".join(record) for record in records] if len(records) >= 2 else None


def heads_names(dt: html.HtmlElement) -> bool:
    """Whether a <dt> is the heading of the names in the <dd>s under it ("<dt>信托财产保管银行
    </dt><dd>甲银行股份有限公司</dd>"): a category, even when its words end like a name's.

    >>> dl = html.fromstring("<dl><dt>信托财产保管银行</dt><dd>甲银行股份有限公司</dd></dl>")
    >>> heads_names(dl[0])
    True
    >>> heads_names(html.fromstring("<dl><dt>甲银行股份有限公司</dt><dd>保管银行</dd></dl>")[0])
    False
    """
    text = re.sub(r"\s+", "", dt.text_content())
    if not text or LEGAL_FORMS.search(text):
        return False
    described = []
    for sibling in dt.itersiblings():
        if not isinstance(sibling.tag, str) or sibling.tag == "dt":
            break
        if sibling.tag == "dd":
            described.append(re.sub(r"\s+", "", sibling.text_content()))
    return bool(described) and all(looks_like_org(d) for d in described if d)
