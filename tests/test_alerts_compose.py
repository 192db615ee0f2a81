"""Composing alert messages: subjects, both bodies, escaping, MIME encoding. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from zoneinfo import ZoneInfo

import pytest

from archiver.alerts.messages import compose
from archiver.alerts.messages.links import AlertLinks, VersionLinks, presigned_expiry
from archiver.alerts.messages.records import (
    Digest,
    EventRow,
    Family,
    Notice,
    PartnerAlert,
    VersionRef,
)
from archiver.alerts.settings import Problem
from archiver.models import Category, EventType

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


def ref(seq: int, captured_at: datetime = AT) -> VersionRef:
    return VersionRef(
        seq=seq,
        key=f"sites/zhaolian-cfc/versions/{seq:08d}.json",
        digest=f"{seq}" * 64,
        content_digest="c" * 64,
        captured_at=captured_at,
        partner_count=10 + seq,
    )


def alert(
    *events: EventRow, name: str = "招联消费金融", site_id: str = "zhaolian-cfc"
) -> PartnerAlert:
    return PartnerAlert(
        id=f"2025-10/partner/{site_id}/00000003",
        site_id=site_id,
        site_name=name,
        page_url="https://www.mucfc.com/news/?module=module3",
        version=ref(3),
        previous=ref(2, datetime(2025, 9, 1, tzinfo=UTC)),
        events=events,
        queued_at=AT,
    )


def event(
    kind: EventType, name: str = "蚂蚁智信（杭州）信息技术有限公司", **more: str
) -> EventRow:
    return EventRow(type=kind, name=name, **more)  # type: ignore[arg-type]


LINKS = AlertLinks(
    page="https://www.mucfc.com/news/?module=module3",
    diff="https://archive.example.org/public/sites/zhaolian-cfc/v3.html",
    version=VersionLinks(
        seq=3,
        manifest="https://archive.example.org/m3",
        screenshot="https://archive.example.org/s3",
    ),
    previous=VersionLinks(seq=2, manifest="https://archive.example.org/m2"),
)


@pytest.mark.parametrize(
    ("events", "subject"),
    [
        (
            [event(EventType.ADDED), event(EventType.ADDED, "b"), event(EventType.DROPPED, "c")],
            "[招联消费金融] 助贷合作机构名单变更：新增 2，移除 1",
        ),
        ([event(EventType.DROPPED)], "[招联消费金融] 助贷合作机构名单变更：移除 1"),
        ([event(EventType.READDED)], "[招联消费金融] 助贷合作机构名单变更：新增 1"),
        (
            [event(EventType.RENAMED, old="a", new="b"), event(EventType.FIELD_CHANGED)],
            "[招联消费金融] 助贷合作机构名单变更：更名 1，信息变更 1",
        ),
    ],
)
def test_subject_counts_partner_events(events: list[EventRow], subject: str) -> None:
    """Re-added partners count as added; renames and field changes appear when present."""
    assert compose.subject(alert(*events)) == subject


def test_subject_is_one_line_whatever_the_site_name() -> None:
    """A site name with a line break cannot inject a header."""
    record = alert(event(EventType.ADDED), name="招联\r\nBcc: x@evil.example")
    assert "\n" not in compose.subject(record) and "\r" not in compose.subject(record)


class TestPartnerMessage:
    """One institution's change as text and HTML."""

    def test_both_parts_carry_every_event_with_category_and_products(self) -> None:
        """Added, dropped, renamed and changed partners, with their category and products."""
        message = compose.partner_message(
            alert(
                event(EventType.ADDED, category=Category.PLATFORM, products=("借呗",)),  # type: ignore[arg-type]
                event(EventType.READDED, "上海淇毓信息科技有限公司"),
                event(EventType.DROPPED, "陕西昊悦融资担保有限公司", category_raw="增信服务机构"),
                event(EventType.RENAMED, "奇富科技", old="上海淇毓（原360数科）", new="奇富科技"),
                event(
                    EventType.FIELD_CHANGED,
                    "深圳市分期乐网络科技有限公司",
                    field="products",
                    before="分期乐",
                    after="分期乐、乐花卡",
                ),
            ),
            LINKS,
            ZONE,
        )
        for body in (message.text, message.html):
            for expected in (
                "蚂蚁智信（杭州）信息技术有限公司",
                "平台运营/营销获客",
                "借呗",
                "重新加入",
                "增信服务机构",
                "上海淇毓（原360数科）",
                "分期乐、乐花卡",
                "产品",  # field label, not 'products'
                "v3，2025-10-01 16:00 (UTC+08:00)",
                "2025-09-01 08:00 (UTC+08:00)",
                "12 → 13",
                "3" * 64,
                "2" * 64,
                "https://archive.example.org/public/sites/zhaolian-cfc/v3.html",
                "https://archive.example.org/s3",
            ):
                assert expected in body, (expected, body[:200])

    def test_html_uses_inline_styles_and_tables_only(self) -> None:
        """No <style>, no scripts, no external resources: what Gmail and Outlook keep."""
        html = compose.partner_message(alert(event(EventType.ADDED)), LINKS, ZONE).html
        lowered = html.lower()
        assert "<style" not in lowered and "<script" not in lowered and "<link" not in lowered
        assert "<img" not in lowered and "class=" not in lowered
        assert lowered.count("<table") >= 3
        assert 'name="viewport"' in html

    def test_archived_values_are_escaped(self) -> None:
        """A partner name is hostile input: markup in it is shown, never run."""
        hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
        message = compose.partner_message(
            alert(event(EventType.ADDED, hostile, note="<b>x</b>")), LINKS, ZONE
        )
        assert "<script>alert(2)" not in message.html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in message.html
        assert "<b>x</b>" not in message.html
        assert hostile in message.text  # plain text needs no escaping

    def test_unsafe_links_are_dropped(self) -> None:
        """Only http(s) and file links become anchors."""
        links = AlertLinks(
            page="javascript:alert(1)", version=VersionLinks(seq=3, manifest="javascript:x")
        )
        html = compose.partner_message(alert(event(EventType.ADDED)), links, ZONE).html
        assert 'href="javascript' not in html

    def test_control_characters_and_huge_cells_are_tamed(self) -> None:
        """Cells lose control characters and stop at MAX_CELL characters."""
        long_name = "很长的名字" * 200
        text = compose.partner_message(
            alert(event(EventType.ADDED, "A\x1b[31mB"), event(EventType.ADDED, long_name)),
            LINKS,
            ZONE,
        ).text
        assert "\x1b" not in text
        assert long_name not in text and long_name[: compose.MAX_CELL - 1] + "…" in text

    def test_presigned_links_say_when_they_expire(self) -> None:
        """An S3 presigned link shows its expiry in the reader's time zone."""
        url = "https://s3.example/b/k?X-Amz-Date=20251001T080000Z&X-Amz-Expires=604800&X-Amz-Signature=x"
        links = AlertLinks(
            page=LINKS.page,
            version=VersionLinks(seq=3, manifest=url),
            expires_at=presigned_expiry(url),
        )
        message = compose.partner_message(alert(event(EventType.ADDED)), links, ZONE)
        assert "2025-10-08 16:00 (UTC+08:00)" in message.text
        assert "2025-10-08 16:00 (UTC+08:00)" in message.html


class TestDigestAndOperator:
    """Many institutions in one message; operator problems in another."""

    def test_digest_has_one_section_per_institution(self) -> None:
        """A summary table, then each institution's own tables, sorted by name."""
        digest = Digest(
            id="digests/partner.email/00000001",
            family=Family.PARTNER,
            channel="email",
            number=1,
            members=("a", "b"),
            slot=AT,
            created_at=AT,
        )
        items = [
            (alert(event(EventType.ADDED, "甲"), name="招联消费金融"), LINKS),
            (
                alert(
                    event(EventType.DROPPED, "乙"),
                    event(EventType.DROPPED, "丙"),
                    name="新网银行",
                    site_id="xinwang-bank",
                ),
                LINKS,
            ),
        ]
        message = compose.digest_message(digest, items, ZONE)
        assert (
            message.subject
            == "助贷合作机构名单变更汇总（2025-10-01 16:00）：2 家机构，新增 1，移除 2"
        )
        for body in (message.text, message.html):
            # sorted by name (code point order): 招 (U+62DB) before 新 (U+65B0)
            assert body.index("招联消费金融：新增 1") < body.index("新网银行：移除 2")
            assert "甲" in body and "乙" in body and "丙" in body
        assert message.html.count("<h2") == 2

    def test_operator_message_lists_problems(self) -> None:
        """Each problem with its site, label, detail and count."""
        notices = [
            Notice(
                id="x",
                site_id="zhaolian-cfc",
                site_name="招联消费金融",
                page_url="https://www.mucfc.com/",
                problem=Problem.FAILING,
                detail="timeout: page did not load",
                failures=3,
                queued_at=AT,
            ),
            Notice(
                id="y",
                site_id="xinwang-bank",
                site_name="新网银行",
                page_url="https://www.xwbank.com/",
                problem=Problem.SELECTOR_MISSING,
                detail="selector_missing: #list",
                queued_at=AT,
            ),
        ]
        message = compose.operator_message(notices, ZONE)
        assert message.subject == "[archiver 运维] 2 个站点需要处理：连续检查失败 1，选择器失效 1"
        for body in (message.text, message.html):
            assert "连续失败 3 次" in body and "selector_missing: #list" in body


def test_chat_text_escapes_markdown() -> None:
    """A partner name cannot smuggle a link into a chat post."""
    text = compose.partner_chat(
        alert(event(EventType.ADDED, "[点我](http://evil.example)")), LINKS, ZONE
    )
    assert "](http://evil.example)" not in text.body
    assert "[查看差异](https://archive.example.org/public/sites/zhaolian-cfc/v3.html)" in text.body


class TestMime:
    """The bytes that go on the wire."""

    def parse(self, data: bytes) -> EmailMessage:
        parsed: EmailMessage = message_from_bytes(data, policy=default)
        return parsed

    def test_headers_are_rfc2047_and_bodies_utf8(self) -> None:
        """Chinese subject and display name are encoded words; both parts decode back."""
        message = compose.partner_message(alert(event(EventType.ADDED)), LINKS, ZONE)
        data = compose.email_bytes(
            message,
            sender="助贷名单监测 <archiver@example.org>",
            recipients=["合规部 <compliance@example.org>", "b@example.org"],
            message_id="<m@example.org>",
            date=AT,
            alert_id="2025-10/partner/zhaolian-cfc/00000003",
        )
        head, _, _ = data.partition(b"\r\n\r\n")
        assert max(data) < 128  # 7-bit clean on the wire
        assert b"Subject: =?utf-8?" in head
        parsed = self.parse(data)
        assert parsed["Subject"] == message.subject
        assert parsed["To"].addresses[0].display_name == "合规部"
        assert parsed.get_content_type() == "multipart/alternative"
        assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == message.text
        assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == message.html

    def test_message_id_is_stable_and_per_unit(self) -> None:
        """Same alert and unit, same id; another unit, another id."""
        one = compose.message_id("2025-10/partner/a/00000003", "email", "x@example.org")
        assert one == compose.message_id(
            "2025-10/partner/a/00000003", "email", "Name <x@example.org>"
        )
        assert one != compose.message_id(
            "2025-10/partner/a/00000003", "email-1a2b", "x@example.org"
        )
        assert one.endswith("@example.org>")
