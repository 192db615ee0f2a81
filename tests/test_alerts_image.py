"""A list published as pictures whose pictures change: the alert readers and operators get."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from archiver.alerts.messages import changes, compose, operator
from archiver.alerts.messages.links import AlertLinks, VersionLinks
from archiver.alerts.messages.records import PartnerAlert, VersionRef
from archiver.alerts.settings import Problem
from archiver.models import Belief, BlobRef, ListStatus, Manifest

AT = datetime(2025, 10, 1, 8, tzinfo=UTC)


def version(seq: int, *images: str, status: ListStatus = ListStatus.UNPARSEABLE) -> Manifest:
    return Manifest(
        site_id="img-bank",
        seq=seq,
        captured_at=AT,
        requested_url="https://b.cn/l",
        final_url="https://b.cn/l",
        http_status=200,
        browser_version="",
        content_digest=f"{seq:064x}",
        list_status=status,
        belief=Belief.of_list(status),
        blobs=tuple(
            BlobRef(role="image", digest=d * 64, media_type="image/png", size_bytes=9)
            for d in images
        ),
    )


def test_an_image_list_that_changes_is_an_image_change_by_bytes() -> None:
    change = changes.image_change(version(2, "b"), version(1, "a"))
    assert change is not None and (change.before, change.after) == (("a" * 64,), ("b" * 64,))
    assert changes.image_change(version(2, "a"), version(1, "a")) is None  # same bytes
    assert changes.image_change(version(2, "b", status=ListStatus.OK), version(1, "a")) is None
    assert changes.image_change(version(1, "a"), None) is None  # nothing to compare with


def test_the_alert_says_so_and_links_both_images() -> None:
    change = changes.image_change(version(2, "b"), version(1, "a"))
    ref = VersionRef(seq=2, key="k2", digest="d", content_digest="c", captured_at=AT)
    alert = PartnerAlert(
        id="x",
        site_id="img-bank",
        site_name="测试银行",
        page_url="https://b.cn/l",
        version=ref,
        previous=VersionRef(seq=1, key="k1", digest="d", content_digest="c", captured_at=AT),
        images=change,
        queued_at=AT,
    )
    links = AlertLinks(
        page="https://b.cn/l",
        version=VersionLinks(seq=2),
        images={"a" * 64: "https://s3/before.png", "b" * 64: "https://s3/after.png"},
    )
    message = compose.partner_message(alert, links, ZoneInfo("Asia/Shanghai"))
    assert message.subject == "[测试银行] 名单图片已更新，无法自动识别"
    for part in (message.text, message.html):
        assert "https://s3/before.png" in part and "https://s3/after.png" in part


def test_the_operator_hears_of_it_and_of_lists_not_believed() -> None:
    found = operator.version_problems(version(2, "b"), version(1, "a"))
    assert [f.problem for f in found] == [Problem.UNPARSEABLE, Problem.LIST_IMAGE_CHANGED]
