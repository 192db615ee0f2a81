"""Capture -> Disclosure: the region's canonical text, the partner list, the status, the
evidence digest. Pure.

What makes a new version is the disclosure itself (`evidence_digest`): the text of the
disclosure region after noise removal, the partner list as published, the bytes of the
region's images and of the attachments. A clock, a counter, a rotating banner or a related-news
block outside the region changes none of them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archiver import codec, keys, noise, region
from archiver.classify import classify
from archiver.models import Capture, Disclosure, ListStatus, PageStatus, Partner, RenderedPage
from archiver.partners import AliasTable, extract
from archiver.partners.disowned import names_another_business
from archiver.partners.verdict import looks_like_index

# Fields of a partner as published; derived fields (match key, entity) stay out of the digest
# so that improving the normaliser never makes an unchanged page look changed.
PUBLISHED_FIELDS = ("raw", "category_raw", "products", "period", "hotline", "remark")
# Words by which a page says it carries a partner list (title, a heading, a stated count).
# "现面向社会公开征集互联网助贷业务合作机构", "合作机构招募公告": partners sought, none named
_SOLICITS = re.compile(
    r"(?:征集|招募|遴选|比选|招标)[^。\n]{0,20}?(?:合作机构|合作方|合作伙伴)"
    r"|(?:合作机构|合作方|合作伙伴)[^。\n]{0,6}(?:征集|招募|遴选|比选)"
)
# "因网站改版，本行…合作机构名单已迁移至“信息披露—互联网贷款”栏目，请点击此处查看": the
# page says where the list is now, so it carries none itself
_MOVED = re.compile(r"(?:迁移|转移|移|调整|变更)(?:至|到).{0,30}(?:栏目|页面|网站|网址|专栏|专区)")
_CHOSEN = re.compile(r"结果|入围(?:机构)?名单|中选|入选|确定为")
_ANNOUNCED = re.compile(
    r"合作机构名单|合作机构清单|合作机构信息|合作方名单|合作名单|合作机构公示|合作机构的公告"
    r"|(?:平台运营|增信服务|营销获客|担保增信|催收|贷后)(?:服务)?(?:合作)?机构"
    r"|合作机构(?:共|合计|总计)\s*\d+\s*家|共\s*\d+\s*家(?:合作)?机构"
    r"|合作機構名單|合作機構"
)

# Lines that name other pages: previous / next article links, breadcrumbs ("首页 > 信息披露 >
# 合作机构名单"), the heads of related-link blocks.
_NAVIGATION = re.compile(
    r"^\s*(?:当前位置|您的位置|您现在的位置|所在位置|现在位置|上一篇|下一篇|上一条|下一条|上篇|下篇"
    r"|前一篇|后一篇|相关(?:新闻|链接|文章|阅读|公告))|\S\s*(?:>|›|»|＞)\s*\S.*(?:>|›|»|＞)"
    # a sentence that sends the reader to the list on another page ("合作机构名单请以我行官网
    # 信息披露栏目公示为准", "请登录本公司官网查询合作机构名单")
    r"|(?:以|请以).{0,40}(?:官网|网站|栏目|页面|公示|公告).{0,12}为准"
    r"|(?:请|可)(?:登录|访问|前往|浏览).{0,20}(?:官网|网站|栏目|页面)"
    # "…合作机构名单详见本行官网“信息披露”栏目", "参见我司官方网站"
    r"|(?:详见|请见|参见|参阅|查阅)(?:本行|我行|本公司|我司|本司)?(?:官网|官方网站|网站)"
    r"|(?:详见|请见|参见|参阅|查阅)[^，,。；;]{0,16}(?:栏目|专栏|专区|页面)"  # "请见信息公开栏目"
    # "合作机构名单另行公示", "名单经审批后在本行官方网站公示", "请关注本行官网“信息披露”栏目"
    r"|另行(?:公示|公布|披露|公告)|请关注.{0,20}(?:官网|网站|栏目)"
    r"|(?:在|于)(?:本行|我行|本公司|我司|本司)?(?:官方网站|官网|网站)上?(?:予以|进行)?公示"
    # a rule's definition ("本办法所称平台运营机构，是指…"), no list of this page
    r"|所称[^，,。]{0,20}[，,]?\s*(?:是指|系指|指)"
)

# A question ("Q3：如何查询合作机构名单？", an FAQ's) asks about a list; it announces none.
_QUESTION = re.compile(r"[？?]\s*$")


def disclosure(
    capture: Capture,
    *,
    aliases: AliasTable,
    ignore: tuple[str, ...] = (),
    own_names: tuple[str, ...] = (),
    selector: str | None = None,
    excludes: tuple[str, ...] = (),
) -> Disclosure:
    """Everything the comparison needs from one capture.

    `own_names` are the publisher's names, never read as its own partners; `selector` and
    `excludes` are the site's, applied by `archiver.region` to every rendered page.
    """
    regions = [_region(page, selector, excludes) for page in capture.pages]
    regioned = replace(
        capture,
        pages=tuple(
            replace(page, region_html=found.html or page.region_html)
            for page, found in zip(capture.pages, regions, strict=True)
        ),
    )
    extraction = extract(regioned, aliases=aliases, ignore=ignore, own_names=own_names)
    parts = [noise.strip_noise(found.text, ignore) for found in regions]
    if not capture.pages:
        parts.append(noise.strip_noise(capture.text, ignore))
    for url, text in extraction.document_texts:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        parts.append(f"[附件 {name}]\n{noise.strip_noise(text, ignore)}")
    text = "\n".join(part for part in parts if part)
    has_list = extraction.list_status is ListStatus.OK and bool(extraction.partners)
    status, reason = classify(capture, noise.strip_noise(capture.text, ignore), has_list=has_list)
    list_status, note = _judged(extraction.list_status, extraction.list_note, capture, text)
    images = tuple(sorted(keys.sha256_hex(image.body) for image in capture.images))
    return Disclosure(
        text=text,
        partners=extraction.partners,
        digest=evidence_digest(text, extraction.partners, capture),
        status=status,
        reason=reason,
        list_status=list_status,
        list_note=note,
        as_of=extraction.as_of,
        suspect=f"truncated: {extraction.truncated}" if extraction.truncated else "",
        list_digest=list_digest(extraction.partners, list_status),
        image_digests=images,
    )


def _region(page: RenderedPage, selector: str | None, excludes: tuple[str, ...]) -> region.Region:
    # The configured selector names the region of the entry page and of its pagination; a
    # frame it does not match is read whole (the browser reports a selector that matches
    # nothing on the entry page).
    found = region.find(page.html, url=page.url, selector=selector, excludes=excludes)
    if not found.selector_matched:
        found = region.find(page.html, url=page.url, excludes=excludes)
    return found


def _judged(status: ListStatus, note: str, capture: Capture, text: str) -> tuple[ListStatus, str]:
    """The list status, made loud: a page that announces a list and yields none is
    unparseable; images on a page that announces nothing are no list."""
    title = capture.pages[0].title if capture.pages else ""
    announced = announcement(title, text)
    if status is ListStatus.ABSENT and announced:
        return ListStatus.UNPARSEABLE, (
            f"the page announces a partner list ({announced}) but no names could be read"
        )
    if status is ListStatus.UNPARSEABLE and capture.images and not announced:
        return ListStatus.ABSENT, ""
    return status, note


def announcement(title: str, text: str) -> str:
    """The words by which a page says it carries a partner list ("" when it does not).

    An announcement index that links such pages announces nothing itself.

    >>> announcement("公告", "互联网助贷业务合作机构名单\\n[图片 图片1]")
    '合作机构名单'
    >>> announcement("", "本行合作的平台运营机构共6家，包括：…")
    '平台运营机构'
    >>> index = "关于调整合作机构名单的公告 2025-09-30\\n关于…的通知 2025-08-01\\n"
    >>> announcement("新闻中心", index + "关于…的公告 2025-07-01")
    ''

    A link to another page (上一篇, a breadcrumb) names that page, not this one's content:

    >>> announcement("营业时间调整", "上一篇：关于合作机构名单的公告\\n网点名称 营业时间")
    ''

    So does a sentence that sends the reader to the list published elsewhere:

    >>> announcement("风险提示", "我行合作机构名单请以我行官网“信息披露”栏目公示为准。")
    ''
    >>> announcement("营业时间调整", "我行互联网助贷业务合作机构名单详见本行官网“信息披露”栏目。")
    ''
    >>> announcement("营业时间调整", "互联网助贷业务合作机构名单请见信息公开栏目。")
    ''
    >>> announcement("管理办法", "本行互联网助贷业务合作机构名单另行公示。")
    ''
    >>> announcement("合作机构名单", "因网站改版，合作机构名单已迁移至“信息披露”栏目。")
    ''

    An FAQ's question asks about the list; it carries none:

    >>> announcement("常见问题", "Q3：如何查询合作机构名单？\\nA：请访问我行官网查询。")
    ''

    A list of another business (代销: funds, wealth products) is not the partner list:

    >>> announcement("代销产品合作机构名单", "徽商银行代销业务合作机构名单")
    ''

    A call for applications names what it seeks, not a list; the result it later publishes
    does:

    >>> announcement("甲银行合作机构征集公告", "（一）平台运营机构：依法设立…的机构；")
    ''
    >>> announcement("合作机构征集结果公示", "入围平台运营机构如下：")
    '平台运营机构'
    """
    lines = text.splitlines()
    if looks_like_index(lines):
        return ""
    own = "\n".join(
        line for line in lines if not _NAVIGATION.search(line) and not _QUESTION.search(line)
    )
    said = f"{title}\n{own[:4000]}"
    if _SOLICITS.search(said) and not _CHOSEN.search(said):
        return ""  # a call for applications: the partners are not chosen yet
    if _MOVED.search(own):
        return ""
    for line in said.splitlines():
        found = _ANNOUNCED.search(line)
        if found and not names_another_business(line):
            return found.group(0)
    return ""


def evidence_digest(text: str, partners: tuple[Partner, ...], capture: Capture) -> str:
    """sha256 over what the institution published: the region's text, the partner fields,
    the bytes of the region's images and of the attachments (whatever their URLs)."""
    published = [
        {name: codec.to_data(getattr(partner, name)) for name in PUBLISHED_FIELDS}
        for partner in partners
    ]
    images = sorted(keys.sha256_hex(image.body) for image in capture.images)
    attachments = sorted(keys.sha256_hex(doc.body) for doc in capture.attachments if doc.body)
    return keys.sha256_hex(
        codec.canonical_json(
            {"text": text, "partners": published, "images": images, "attachments": attachments}
        )
    )


def list_digest(partners: tuple[Partner, ...], status: ListStatus) -> str:
    """sha256 over the partner list as published, in any order: two captures agree when
    this agrees, whatever their noisy text says."""
    rows = sorted(
        codec.canonical_json(
            [partner.match_key, *(codec.to_data(getattr(partner, f)) for f in PUBLISHED_FIELDS)]
        ).decode()
        for partner in partners
    )
    return keys.sha256_hex(codec.canonical_json({"status": status.value, "rows": rows}))


def collapse(before: tuple[Partner, ...], after: Disclosure) -> str:
    """Why a list that shrank this much must be seen twice, or "" if it need not.

    >>> from archiver.models import Partner
    >>> three = tuple(Partner(raw=n, name=n, match_key=n) for n in "abc")
    >>> collapse(three, Disclosure(text="x", partners=three[:1], list_status=ListStatus.OK))
    'partner list shrank from 3 to 1'
    """
    if not before or after.status is not PageStatus.OK:
        return ""
    if after.list_status is not ListStatus.OK:
        return ""
    remaining = len(after.partners)
    if remaining == 0 or remaining * 2 < len(before):
        return f"partner list shrank from {len(before)} to {remaining}"
    return ""
