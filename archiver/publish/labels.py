"""Words the pages use for enum values (Chinese first: the readers are Chinese). Pure."""

from __future__ import annotations

from collections import Counter

from archiver import wording
from archiver.models import EventType, PartnerEvent

INSTITUTION_TYPES = {
    "joint_stock_bank": "股份制银行",
    "city_bank": "城市商业银行",
    "rural_bank": "农村商业银行",
    "private_bank": "民营银行",
    "foreign_bank": "外资银行",
    "direct_bank": "直销银行",
    "consumer_finance": "消费金融公司",
    "auto_finance": "汽车金融公司",
    "trust": "信托公司",
    "other": "其他",
}
CATEGORIES = wording.CATEGORIES
EVENTS = {
    EventType.ADDED: "新增",
    EventType.READDED: "重新列入",
    EventType.DROPPED: "移除",
    EventType.RENAMED: "更名",
    EventType.FIELD_CHANGED: "信息变更",
}
MARKERS = wording.MARKERS
HEALTH = {
    "ok": "正常",
    "failing": "检查失败",
    "unparseable": "无法解析",
    "unknown": "未知",
}
GRADES = {"pass": "达标", "partial": "部分", "fail": "未达标", "unknown": "无法判断"}
LIST_STATUS = wording.LIST_STATUS
BELIEF = wording.BELIEFS
BLOB_ROLES = {
    "text": "规范化文本",
    "visible_text": "可见文本",
    "dom": "渲染后的 DOM",
    "response": "原始响应",
    "response_headers": "响应头",
    "json": "页面加载的 JSON",
    "attachment": "附件",
    "image": "图片",
    "screenshot": "整页截图",
    "diff": "文本补丁",
}


def institution_type(value: str) -> str:
    """Chinese name of an institution type."""
    return INSTITUTION_TYPES.get(value, value)


def category(value: str) -> str:
    """Chinese name of a partner category."""
    return CATEGORIES.get(value, value)


def event(value: EventType) -> str:
    """Chinese name of a partner event."""
    return EVENTS.get(value, value.value)


def events_summary(events: tuple[PartnerEvent, ...]) -> str:
    """E.g. "新增 2 · 移除 1", or "名单无变化" when there are none.

    >>> events_summary((PartnerEvent(type=EventType.ADDED, name="a", match_key="a"),))
    '新增 1'
    """
    counts = Counter(event.type for event in events)
    parts = [f"{EVENTS[kind]} {counts[kind]}" for kind in EVENTS if counts[kind]]
    return " · ".join(parts) if parts else "名单无变化"


def event_line(item: PartnerEvent) -> str:
    """One event as a line of plain text.

    >>> event_line(PartnerEvent(type=EventType.RENAMED, name="奇富", match_key="k",
    ...                         old="360数科", new="奇富"))
    '更名：360数科 → 奇富'
    """
    kind = EVENTS.get(item.type, item.type.value)
    if item.type is EventType.RENAMED:
        return f"{kind}：{item.old or '?'} → {item.new or item.name}"
    if item.type is EventType.FIELD_CHANGED:
        before = wording.field_value(item.field, item.before)
        after = wording.field_value(item.field, item.after)
        return f"{kind}：{item.name} {wording.field(item.field)} {before} → {after}"
    note = wording.note(item.note)
    return f"{kind}：{item.name}" + (f"（{note}）" if note else "")
