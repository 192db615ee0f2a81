"""Alert links and published pages agree: with a public bucket, every alert link resolves
under the publish prefix, and nothing outside it has to be public."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archiver.adapters.local_store import LocalStore
from archiver.alerts.messages.links import LinkMaker
from archiver.alerts.messages.records import PartnerAlert, VersionRef
from archiver.models import StoredVersion
from archiver.publish.publisher import Publisher
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

BASE = "https://archive.example.cn"


def ref_of(stored: StoredVersion) -> VersionRef:
    shot = stored.manifest.blob("screenshot")
    return VersionRef(
        seq=stored.manifest.seq,
        key=stored.key,
        digest=stored.digest,
        content_digest=stored.manifest.content_digest,
        captured_at=stored.manifest.captured_at,
        screenshot_digest=shot.digest if shot else "",
    )


def test_public_links_point_at_published_copies_that_exist(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive", public_base_url=BASE)
    builder = ArchiveBuilder(store, start=datetime(2025, 10, 1, tzinfo=UTC))
    first = builder.version("bank", (partner("上海淇毓信息科技有限公司"),))
    second = builder.version(
        "bank", (partner("上海淇毓信息科技有限公司"), partner("重庆度小满小额贷款有限公司"))
    )
    Publisher(store, PublishSettings()).publish_all()
    alert = PartnerAlert(
        id="bank/2",
        site_id="bank",
        site_name="银行",
        page_url="https://www.example.cn/bank/hzjg.html",
        version=ref_of(second),
        previous=ref_of(first),
        queued_at=second.manifest.captured_at,
    )
    links = LinkMaker(store, publish_prefix="public/", diff_links=True, public_copies=True)
    made = links.for_alert(alert)
    urls = [
        made.diff,
        made.version.manifest,
        made.version.screenshot,
        made.previous.manifest if made.previous else None,
        made.previous.screenshot if made.previous else None,
    ]
    for url in urls:
        assert url is not None
        assert url.startswith(f"{BASE}/public/"), url
        assert store.exists(url.removeprefix(f"{BASE}/")), url


def test_presigned_style_links_point_at_the_signed_originals(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    builder = ArchiveBuilder(store, start=datetime(2025, 10, 1, tzinfo=UTC))
    stored = builder.version("bank", (partner("上海淇毓信息科技有限公司"),))
    made = LinkMaker(store, publish_prefix="public/", diff_links=False).version(ref_of(stored))
    assert made.manifest == (store.root / stored.key).as_uri()
    assert made.screenshot is not None and "/blobs/sha256/" in made.screenshot
