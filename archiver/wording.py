"""The Chinese words people read for every machine value: the CLI, the pages and the mails. Pure.

Records, manifests, JSON output and logs keep their stable English values (`suspended`,
`platform`, `field_changed`); whatever a person reads goes through this module, so one
table decides how a marker, a category, an outcome or a reason reads everywhere. Notes that
older versions of the program stored in English inside manifests are translated on display
(`note`), so old archives read like new ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CATEGORIES = {
    "platform": "平台运营/营销获客",
    "credit_enhancement": "增信服务",
    "co_funding": "共同出资",
    "collection": "催收/贷后",
    "payment": "支付结算",
    "risk": "风险评价",
    "technology": "信息科技",
    "other": "其他",
    "unspecified": "未注明",
}
MARKERS = {
    "renamed": "已更名",
    "deregistered": "已注销",
    "suspended": "已暂停合作",
    "terminated": "已终止",
    "formerly": "原名",
}
EVENTS = {
    "added": "新增",
    "readded": "重新列入",
    "dropped": "移除",
    "renamed": "更名",
    "field_changed": "信息变更",
}
FIELDS = {
    "category": "类别",
    "products": "产品",
    "period": "合作期间",
    "hotline": "客服电话",
    "remark": "备注",
    "markers": "状态标记",
    "name": "名称",
}
OUTCOMES = {"new": "首个版本", "changed": "有变化", "unchanged": "无变化", "failed": "失败"}
LIST_STATUS = {
    "ok": "已读取名单",
    "absent": "页面无名单",
    "unparseable": "名单无法解析（图片/扫描件）",
}
PAGE_STATUS = {
    "ok": "正常",
    "http_error": "HTTP 错误",
    "connection_error": "无法连接",
    "timeout": "超时",
    "redirect_loop": "循环跳转",
    "not_html": "不是网页",
    "empty": "页面为空",
    "challenge": "反爬虫验证页",
    "maintenance": "维护页面",
    "login_wall": "需要登录",
    "soft_404": "页面不存在",
    "server_error": "服务器错误页",
    "unparseable": "名单无法解析",
    "truncated": "名单不完整",
    "selector_missing": "选择器未匹配",
    "collapse_unconfirmed": "名单骤减未确认",
    "browser_error": "浏览器错误",
    "browser_unavailable": "浏览器不可用",
    "gate_unavailable": "集群限速服务（Redis）不可用",
    "store_error": "存档读写失败",
    "blocked": "被网站拒绝",
    "robots_disallowed": "robots.txt 禁止",
    "budget_exhausted": "本次检查预算用尽",
    "internal_error": "程序内部错误",
    "refused": "地址不符合抓取规则",
}
BELIEFS = {
    "believed": "可信",
    "unconfirmed": "待确认（已保存，未采信）",
    "disagreed": "两次读取不一致（已保存，未采信）",
    "truncated": "不完整（已保存，未采信）",
    "unparseable": "名单无法识别（已保存）",
    "absent": "页面无名单（已保存）",
}
EMPTY = "（空）"

# English notes stored by the partner comparison (and older manifests), as (pattern, words).
_NOTES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^was dropped from an earlier version$"), lambda m: "曾在较早版本中被移除"),
    (re.compile(r"^possibly the same as (.+)$"), lambda m: f"可能与“{m[1]}”为同一机构"),
    (
        re.compile(r"^same entity as (.+) \(config/entities\.yaml\)$"),
        lambda m: f"与“{m[1]}”为同一实体（依据 config/entities.yaml）",
    ),
    (re.compile(r"^the list says formerly (.+)$"), lambda m: f"名单注明原名“{m[1]}”"),
    (
        re.compile(r"^alias: (.+) -> (.+) \(config/entities\.yaml: (.+)\)$"),
        lambda m: f"别名：{m[1]} → {m[2]}（依据 config/entities.yaml：{m[3]}）",
    ),
    (
        re.compile(r"^group (.+) is now listed by its entities: (.+)$"),
        lambda m: f"集团“{m[1]}”现按旗下实体列示：{m[2]}",
    ),
    (
        re.compile(r"^entities (.+) are now listed under the group name (.+)$"),
        lambda m: f"实体 {m[1]} 现以集团名称“{m[2]}”列示",
    ),
    (
        re.compile(r"^the page states (.+) but (\d+) partners were read$"),
        lambda m: f"页面写明{m[1]}，但只读到 {m[2]} 家",
    ),
    (re.compile(r"^truncated: (.+)$"), lambda m: f"名单可能不完整：{note(m[1])}"),
    (
        re.compile(r"^(\d+) of (\d+) partner-list documents current$"),
        lambda m: f"{m[2]} 份名单文件中 {m[1]} 份为现行",
    ),
    (re.compile(r"^HTTP 503 maintenance page$"), lambda m: "HTTP 503 维护页面"),
    (
        re.compile(r"^the configured selector matched nothing$"),
        lambda m: "配置的选择器没有匹配到内容",
    ),
    (re.compile(r"^anti-bot challenge page$"), lambda m: "反爬虫验证页"),
    (re.compile(r"^maintenance notice instead of the page$"), lambda m: "页面显示维护公告"),
    (re.compile(r"^login form instead of the page$"), lambda m: "页面要求登录"),
    (re.compile(r"^the page says it does not exist$"), lambda m: "页面显示不存在"),
    (re.compile(r"^daemon stopping$"), lambda m: "守护进程正在停止"),
    (re.compile(r"^(.+) -> (.+)$"), lambda m: f"{m[1]} → {m[2]}"),
)


def category(value: str, raw: str = "") -> str:
    """The category as the page wrote it, else its Chinese name ('' when none is given).

    >>> category("platform"), category("platform", "平台运营机构"), category("unspecified")
    ('平台运营/营销获客', '平台运营机构', '')
    """
    if raw:
        return raw
    return "" if value == "unspecified" else CATEGORIES.get(value, value)


def marker(value: str) -> str:
    """A status marker in Chinese.

    >>> marker("suspended")
    '已暂停合作'
    """
    return MARKERS.get(value, value)


def markers(values: str | tuple[str, ...] | list[str]) -> str:
    """Markers stored as 'a,b' (or a sequence) in Chinese, joined by '、'.

    >>> markers("suspended,renamed"), markers("")
    ('已暂停合作、已更名', '')
    """
    items = values.split(",") if isinstance(values, str) else list(values)
    return "、".join(marker(item.strip()) for item in items if item.strip())


def event(value: str) -> str:
    """A partner event's kind in Chinese."""
    return EVENTS.get(value, value)


def field(value: str) -> str:
    """A partner field's name in Chinese."""
    return FIELDS.get(value, value)


def field_value(name: str, value: str) -> str:
    """A field's value as people read it: markers and categories in Chinese, '（空）' for none.

    >>> field_value("markers", ""), field_value("markers", "suspended")
    ('（空）', '已暂停合作')
    >>> field_value("category", "credit_enhancement"), field_value("period", "2025年")
    ('增信服务', '2025年')
    """
    if not value:
        return EMPTY
    if name == "markers":
        return markers(value)
    if name == "category" and value in CATEGORIES:
        return CATEGORIES[value]
    return value


def outcome(value: str) -> str:
    """A check's outcome in Chinese."""
    return OUTCOMES.get(value, value)


def page_status(value: str) -> str:
    """What a capture saw, in Chinese."""
    return PAGE_STATUS.get(value, value)


def belief(value: str) -> str:
    """Whether a preserved version is believed as the partner list, in Chinese.

    >>> belief("unconfirmed")
    '待确认（已保存，未采信）'
    """
    return BELIEFS.get(value, value)


def list_status(value: str) -> str:
    """Whether a list was read, in Chinese."""
    return LIST_STATUS.get(value, value)


def note(text: str) -> str:
    """A stored English note in Chinese (several notes are joined by '; '); else unchanged.

    >>> note("was dropped from an earlier version; possibly the same as 甲公司")
    '曾在较早版本中被移除；可能与“甲公司”为同一机构'
    >>> note("平台运营机构 -> 增信服务机构")
    '平台运营机构 → 增信服务机构'
    >>> note("已暂停合作")
    '已暂停合作'
    """
    parts = [part.strip() for part in text.split("; ")] if text else []
    return "；".join(_one_note(part) for part in parts if part)


def _one_note(text: str) -> str:
    for pattern, words in _NOTES:
        found = pattern.match(text)
        if found:
            return words(found)
    return text


def failure(status: str, error: str) -> str:
    """Why a check failed, for people: the status in Chinese, then the evidence.

    >>> failure("http_error", "HTTP 500")
    'HTTP 错误（HTTP 500）'
    >>> failure("challenge", "anti-bot challenge page")
    '反爬虫验证页'
    """
    label = page_status(status)
    detail = note(error)
    if not detail or detail == label:
        return label
    return f"{label}（{detail}）"
