"""Alert records + links -> messages (subject, plain text, HTML) and MIME bytes. Pure.

Templates live in archiver/templates/mail/. HTML uses tables and inline styles only (Gmail and
Outlook drop <style>), and every value that came from an archived page is escaped by Jinja's
autoescape: partner names are hostile input like the rest of the archive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from archiver import wording
from archiver.alerts.messages.links import AlertLinks
from archiver.alerts.messages.records import Digest, EventRow, Notice, PartnerAlert
from archiver.alerts.settings import Problem
from archiver.models import Category, EventType

CATEGORY_LABELS = {
    Category.PLATFORM: "平台运营/营销获客",
    Category.CREDIT_ENHANCEMENT: "增信服务",
    Category.CO_FUNDING: "共同出资",
    Category.COLLECTION: "催收/贷后",
    Category.PAYMENT: "支付结算",
    Category.RISK: "风险评价",
    Category.TECHNOLOGY: "信息科技",
    Category.OTHER: "其他",
    Category.UNSPECIFIED: "",
}
FIELD_LABELS = wording.FIELDS
PROBLEM_LABELS = {
    Problem.FAILING: "连续检查失败",
    Problem.UNPARSEABLE: "名单无法解析",
    Problem.SELECTOR_MISSING: "选择器失效",
    Problem.COLLAPSE_UNCONFIRMED: "名单骤减未确认",
    Problem.STALE: "长期未变化",
    Problem.TRUNCATED: "页面不完整（被截断或超出抓取预算）",
    Problem.DISAGREED: "两次抓取名单不一致",
    Problem.LIST_IMAGE_CHANGED: "名单图片已更新，无法自动识别",
}
IMAGE_CHANGED = "名单图片已更新，无法自动识别"
MAX_CELL = 300  # characters of one table cell; archived values can be arbitrarily long
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_MARKDOWN = re.compile(r"([\\`*_\[\]()<>#|~])")


@dataclass(frozen=True, slots=True)
class Message:
    """A composed message: the same content as plain text and as HTML."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class ChatText:
    """A short message for chat channels (Markdown)."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Counts:
    """Events of one version by kind; re-added partners count as added."""

    added: int = 0
    dropped: int = 0
    renamed: int = 0
    changed: int = 0

    @classmethod
    def of(cls, events: Sequence[EventRow]) -> Counts:
        """Count events by kind."""
        kinds = [event.type for event in events]
        return cls(
            added=kinds.count(EventType.ADDED) + kinds.count(EventType.READDED),
            dropped=kinds.count(EventType.DROPPED),
            renamed=kinds.count(EventType.RENAMED),
            changed=kinds.count(EventType.FIELD_CHANGED),
        )

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.added + other.added,
            self.dropped + other.dropped,
            self.renamed + other.renamed,
            self.changed + other.changed,
        )

    def phrase(self) -> str:
        """'新增 2，移除 1': each kind that happened, zero counts left out.

        >>> Counts(2, 1).phrase()
        '新增 2，移除 1'
        >>> Counts(0, 1).phrase(), Counts(0, 0, 1, 3).phrase()
        ('移除 1', '更名 1，信息变更 3')
        """
        counts = (
            ("新增", self.added),
            ("移除", self.dropped),
            ("更名", self.renamed),
            ("信息变更", self.changed),
        )
        return "，".join(f"{word} {n}" for word, n in counts if n) or "名单无变化"


def one_line(value: str) -> str:
    """Header-safe: control characters dropped, whitespace runs collapsed.

    >>> one_line(" 招联\\n消费金融\\x07 ")
    '招联 消费金融'
    """
    return _SPACE.sub(" ", _CONTROL.sub("", value)).strip()


def clean(value: object) -> str:
    """A table cell: no control characters, at most MAX_CELL characters."""
    text = one_line(str(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def markdown_text(value: object) -> str:
    """A chat line: cleaned, with Markdown syntax escaped (no links smuggled in names).

    >>> markdown_text("[x](http://evil)")
    '\\\\[x\\\\]\\\\(http://evil\\\\)'
    """
    return _MARKDOWN.sub(r"\\\1", clean(value))


def safe_href(url: str | None) -> str:
    """The URL if it is http(s) or file, else '' (no javascript: in a link).

    >>> safe_href("javascript:alert(1)")
    ''
    """
    if not url:
        return ""
    lowered = url.strip().lower()
    return url.strip() if lowered.startswith(("https://", "http://", "file://")) else ""


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """'2025-10-01 16:00 (UTC+08:00)'."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%d %H:%M} (UTC{sign}{hours:02d}:{mins:02d})"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("archiver", "templates/mail"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clean"] = clean
    env.filters["href"] = safe_href
    env.filters["md"] = markdown_text
    return env


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


# --- partner alerts ----------------------------------------------------------------------------


def subject(alert: PartnerAlert) -> str:
    """'[招联消费金融] 助贷合作机构名单变更：新增 2，移除 1'; a list published as pictures
    that changed says so: '[招联消费金融] 名单图片已更新，无法自动识别'."""
    if alert.images is not None and not alert.events:
        return f"[{one_line(alert.site_name)}] {IMAGE_CHANGED}"
    return (
        f"[{one_line(alert.site_name)}] 助贷合作机构名单变更：{Counts.of(alert.events).phrase()}"
    )


def _row(event: EventRow) -> dict[str, Any]:
    category = event.category_raw or CATEGORY_LABELS.get(event.category, "")
    return {
        "name": event.name,
        "category": category,
        "products": "、".join(event.products),
        "readded": event.type is EventType.READDED,
        "old": event.old,
        "new": event.new or event.name,
        "field": FIELD_LABELS.get(event.field, event.field),
        "before": wording.field_value(event.field, event.before),
        "after": wording.field_value(event.field, event.after),
        "note": wording.note(event.note),
    }


def site_view(alert: PartnerAlert, links: AlertLinks, zone: ZoneInfo) -> dict[str, Any]:
    """Everything the templates show about one site's change."""
    by_kind: dict[str, list[dict[str, Any]]] = {
        "added": [],
        "dropped": [],
        "renamed": [],
        "changed": [],
    }
    section = {
        EventType.ADDED: "added",
        EventType.READDED: "added",
        EventType.DROPPED: "dropped",
        EventType.RENAMED: "renamed",
        EventType.FIELD_CHANGED: "changed",
    }
    for event in alert.events:
        by_kind[section[event.type]].append(_row(event))
    counts = Counts.of(alert.events)
    previous = alert.previous
    return {
        "id": alert.id,
        "site_id": alert.site_id,
        "name": one_line(alert.site_name),
        "page_url": alert.page_url,
        "counts": counts,
        "phrase": counts.phrase(),
        "seq": alert.version.seq,
        "detected": local_time(alert.version.captured_at, zone),
        "previous_seq": previous.seq if previous else None,
        "previous_captured": local_time(previous.captured_at, zone) if previous else "",
        "previous_seen": local_time(alert.previous_seen_at, zone),
        "partner_count": alert.version.partner_count,
        "previous_partner_count": previous.partner_count if previous else None,
        "list_note": wording.note(alert.list_note),
        "links": links,
        "expires": local_time(links.expires_at, zone),
        "version": alert.version,
        "previous": previous,
        "images": _images(alert, links),
        **by_kind,
    }


def _images(alert: PartnerAlert, links: AlertLinks) -> dict[str, Any] | None:
    """Before and after links of a changed list image (None when no image changed)."""
    if alert.images is None:
        return None
    return {
        "label": IMAGE_CHANGED,
        "before": [links.images.get(d) or d for d in alert.images.before],
        "after": [links.images.get(d) or d for d in alert.images.after],
    }


def partner_message(alert: PartnerAlert, links: AlertLinks, zone: ZoneInfo) -> Message:
    """The e-mail for one version's partner events."""
    view = site_view(alert, links, zone)
    title = subject(alert)
    return Message(
        subject=title,
        text=_render("partner.txt.j2", title=title, site=view),
        html=_render("partner.html.j2", title=title, site=view),
    )


def partner_chat(alert: PartnerAlert, links: AlertLinks, zone: ZoneInfo) -> ChatText:
    """The chat post for one version's partner events."""
    view = site_view(alert, links, zone)
    return ChatText(title=subject(alert), body=_render("chat.md.j2", sites=[view]))


# --- digests -----------------------------------------------------------------------------------


def digest_subject(digest: Digest, alerts: Sequence[PartnerAlert], zone: ZoneInfo) -> str:
    """'助贷合作机构名单变更日报（2025-10-02）：3 家机构，新增 5，移除 2'."""
    total = sum((Counts.of(alert.events) for alert in alerts), Counts())
    institutions = len({alert.site_id for alert in alerts})
    return f"{digest_title(digest, zone)}：{institutions} 家机构，{total.phrase()}"


def digest_title(digest: Digest, zone: ZoneInfo) -> str:
    """'助贷合作机构名单变更汇总（2025-10-02 08:00）'."""
    return f"助贷合作机构名单变更汇总（{digest.slot.astimezone(zone):%Y-%m-%d %H:%M}）"


def digest_message(
    digest: Digest, items: Sequence[tuple[PartnerAlert, AlertLinks]], zone: ZoneInfo
) -> Message:
    """One message for many institutions: a summary table, then one section per version."""
    ordered = sorted(items, key=lambda item: (item[0].site_name, item[0].version.seq))
    sites = [site_view(alert, links, zone) for alert, links in ordered]
    title = digest_subject(digest, [alert for alert, _ in ordered], zone)
    context = {"title": title, "sites": sites, "digest": digest}
    return Message(
        subject=title,
        text=_render("digest.txt.j2", **context),
        html=_render("digest.html.j2", **context),
    )


def digest_chat(
    digest: Digest, items: Sequence[tuple[PartnerAlert, AlertLinks]], zone: ZoneInfo
) -> ChatText:
    """The chat post of a digest."""
    ordered = sorted(items, key=lambda item: (item[0].site_name, item[0].version.seq))
    sites = [site_view(alert, links, zone) for alert, links in ordered]
    title = digest_subject(digest, [alert for alert, _ in ordered], zone)
    return ChatText(title=title, body=_render("chat.md.j2", sites=sites))


# --- operator alerts ---------------------------------------------------------------------------


def operator_subject(notices: Sequence[Notice]) -> str:
    """'[archiver 运维] 2 个站点需要处理：连续检查失败 1，选择器失效 1'."""
    by_problem: dict[Problem, int] = {}
    for notice in notices:
        by_problem[notice.problem] = by_problem.get(notice.problem, 0) + 1
    parts = "，".join(f"{PROBLEM_LABELS[p]} {n}" for p, n in sorted(by_problem.items()))
    sites = len({notice.site_id for notice in notices})
    return f"[archiver 运维] {sites} 个站点需要处理：{parts}"


def _notice_view(notice: Notice, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "site_id": notice.site_id,
        "name": one_line(notice.site_name),
        "page_url": notice.page_url,
        "problem": notice.problem.value,
        "label": PROBLEM_LABELS[notice.problem],
        "detail": notice.detail,
        "failures": notice.failures,
        "since": local_time(notice.since, zone),
        "seen": local_time(notice.queued_at, zone),
        "id": notice.id,
    }


def operator_message(notices: Sequence[Notice], zone: ZoneInfo) -> Message:
    """One message listing every operator problem that is due."""
    ordered = sorted(notices, key=lambda n: (n.site_name, n.problem.value, n.queued_at))
    rows = [_notice_view(notice, zone) for notice in ordered]
    title = operator_subject(ordered)
    return Message(
        subject=title,
        text=_render("operator.txt.j2", title=title, rows=rows),
        html=_render("operator.html.j2", title=title, rows=rows),
    )


def operator_chat(notices: Sequence[Notice], zone: ZoneInfo) -> ChatText:
    """The chat post of operator problems."""
    ordered = sorted(notices, key=lambda n: (n.site_name, n.problem.value, n.queued_at))
    rows = [_notice_view(notice, zone) for notice in ordered]
    return ChatText(title=operator_subject(ordered), body=_render("operator.md.j2", rows=rows))


# --- MIME --------------------------------------------------------------------------------------


def message_id(alert_id: str, unit: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt and every process.

    >>> message_id("2025-10/partner/a/00000003", "email", "Archiver <x@example.org>")
    '<2025-10.partner.a.00000003.email@example.org>'
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "archiver.invalid"
    local = re.sub(r"[^A-Za-z0-9.-]+", ".", f"{alert_id}.{unit}").strip(".")
    return f"<{local}@{domain}>"


def _address(value: str) -> Address:
    name, addr = parseaddr(value)
    user, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def email_bytes(
    message: Message,
    *,
    sender: str,
    recipients: Sequence[str],
    message_id: str,
    date: datetime,
    alert_id: str,
    hide_recipients: bool = False,
) -> bytes:
    """The message as RFC 5322 bytes: multipart/alternative, RFC 2047 headers, UTF-8 bodies."""
    mime = EmailMessage(policy=SMTP)
    mime["Subject"] = one_line(message.subject)
    mime["From"] = _address(sender)
    if recipients and not hide_recipients:
        mime["To"] = [_address(r) for r in recipients]
    else:
        mime["To"] = "undisclosed-recipients:;"
    mime["Date"] = format_datetime(date)
    mime["Message-ID"] = message_id
    mime["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    mime["X-Archiver-Alert"] = alert_id
    mime.set_content(message.text, subtype="plain", charset="utf-8", cte="base64")
    mime.add_alternative(message.html, subtype="html", charset="utf-8", cte="base64")
    return mime.as_bytes()
