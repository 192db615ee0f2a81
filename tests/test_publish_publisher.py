"""Publishing through real stores: full rebuilds, incremental updates, state, health, failures."""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import structlog
from structlog.testing import capture_logs

from archiver import codec
from archiver.adapters.local_store import LocalStore
from archiver.adapters.memory_store import MemoryStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import InstitutionType, Settings, Site
from archiver.errors import IndexError_, StoreError
from archiver.keys import blob_key
from archiver.models import CheckResult, Outcome, PageStatus
from archiver.publish import paths, state, wiring
from archiver.publish.observer import PublishObserver
from archiver.publish.publisher import Publisher
from archiver.publish.settings import PublishSettings
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

T0 = datetime(2025, 9, 1, tzinfo=UTC)
ANT = partner("蚂蚁智信（杭州）信息技术有限公司")
DXM = partner("重庆度小满小额贷款有限公司")
QIFU = partner("上海淇毓信息科技有限公司")
JD = partner("京东科技控股股份有限公司")
SITES = (
    Site(
        id="zhaolian",
        name="招联消费金融",
        url="https://www.mucfc.com/",
        type=InstitutionType.CONSUMER_FINANCE,
    ),
    Site(
        id="xinwang",
        name="四川新网银行",
        url="https://www.xwbank.com/",
        type=InstitutionType.PRIVATE_BANK,
    ),
    Site(id="haier", name="海尔消费金融", url="https://www.haiercash.com/"),
)


@pytest.fixture
def builder(local_store: LocalStore) -> ArchiveBuilder:
    """Three institutions with a little history each."""
    b = ArchiveBuilder(local_store, start=T0)
    b.version("zhaolian", (ANT, DXM))
    b.version("zhaolian", (ANT, DXM, QIFU))
    b.version("xinwang", (ANT, JD))
    b.version("haier", (DXM,))
    return b


def publisher(
    store: object, settings: PublishSettings | None = None, **kwargs: object
) -> Publisher:
    return Publisher(store, settings or PublishSettings(), sites=SITES, **kwargs)  # type: ignore[arg-type]


def published(store: LocalStore) -> set[str]:
    return set(store.list("public/"))


class TestFull:
    """A full publish rebuilds everything from the bucket."""

    def test_every_page_kind_is_written(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        report = publisher(local_store).publish_all()
        keys = published(local_store)
        for path in (
            paths.INDEX,
            paths.SEARCH,
            paths.SCORECARD,
            paths.FEED,
            paths.PARTNERS,
            paths.PARTNERS_CSV,
            paths.PARTNERS_JSON,
            paths.STATE,
            "static/archive.css",
            "static/archive.js",
            "sites/zhaolian/index.html",
            "sites/zhaolian/feed.atom",
            "sites/zhaolian/versions.json",
            "sites/zhaolian/v1.html",
            "sites/zhaolian/v2.html",
            "sites/zhaolian/v2.json",
            "sites/zhaolian/v2-page.html",
            paths.partner_page(QIFU.match_key),
            paths.partner_feed(QIFU.match_key),
        ):
            assert "public/" + path in keys, path
        assert report.written + report.raw_copied == len(keys)
        assert report.raw_copied == len([k for k in keys if k.startswith("public/raw/")])

    def test_publishing_again_writes_nothing(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        again = pub.publish_all()
        assert (again.written, again.raw_copied) == (0, 0)
        assert again.unchanged == again.rendered > 0

    def test_the_manifest_copy_is_byte_identical(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        publisher(local_store).publish_all()
        original = local_store.get("sites/zhaolian/versions/00000002.json")
        assert local_store.get("public/sites/zhaolian/v2.json") == original

    def test_a_manifest_stored_in_another_spelling_is_copied_as_stored(
        self, local_store: LocalStore
    ) -> None:
        memory = MemoryStore()
        stored = ArchiveBuilder(memory, start=T0).version("zhaolian", (ANT,))
        for key in memory.list("blobs/"):
            local_store.put(key, memory.get(key), content_type="application/octet-stream")
        spelled = json.dumps(codec.to_data(stored.manifest), indent=2).encode()  # not canonical
        local_store.put(stored.key, spelled, content_type="application/json", create_only=True)
        publisher(local_store).publish_all()
        assert local_store.get("public/sites/zhaolian/v1.json") == spelled

    def test_a_deleted_page_is_restored(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        (local_store.root / "public/sites/zhaolian/v1.html").unlink()
        (local_store.root / "public/index.html").unlink()
        report = pub.publish_all()
        assert sorted(report.keys) == [
            "public/index.html",
            "public/sites/zhaolian/v1-page.html",  # a version's pages go together
            "public/sites/zhaolian/v1.html",
            "public/sites/zhaolian/v1.json",
            "public/sites/zhaolian/v1.wacz",
        ]

    def test_force_rewrites_everything(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        first = pub.publish_all()
        forced = pub.publish_all(force=True)
        assert forced.written == first.written
        assert forced.unchanged == 0

    def test_sites_in_the_config_without_versions_are_listed(
        self, local_store: LocalStore
    ) -> None:
        publisher(local_store).publish_all()
        index = local_store.get("public/index.html").decode()
        assert "海尔消费金融" in index
        assert local_store.exists("public/sites/haier/index.html")

    def test_archived_sites_no_longer_configured_are_still_published(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        builder.version("gone-bank", (JD,))
        publisher(local_store).publish_all()
        assert local_store.exists("public/sites/gone-bank/v1.html")
        assert "gone-bank" in local_store.get("public/index.html").decode()

    def test_a_tampered_blob_fails_the_publish_and_records_nothing(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        stored = builder.version("zhaolian", (ANT,))
        ref = stored.manifest.blob("text")
        assert ref is not None
        (local_store.root / blob_key(ref.digest)).write_bytes(b"forged")
        with pytest.raises(StoreError, match="does not match its digest"):
            publisher(local_store).publish_all()
        assert not local_store.exists("public/" + paths.STATE)

    def test_a_failed_write_leaves_the_state_unwritten(
        self, memory_store: MemoryStore, builder: ArchiveBuilder, local_store: LocalStore
    ) -> None:
        class Refusing(LocalStore):
            def put(
                self, key: str, data: bytes, *, content_type: str, create_only: bool = False
            ) -> bool:
                if key.endswith("partners/index.html"):
                    raise StoreError("disk full")
                return super().put(key, data, content_type=content_type, create_only=create_only)

        refusing = Refusing(local_store.root)
        with pytest.raises(StoreError, match="disk full"):
            publisher(refusing).publish_all()
        assert not local_store.exists("public/" + paths.STATE)
        report = publisher(local_store).publish_all()
        assert "public/partners/index.html" in report.keys


class TestIncremental:
    """After one change, only the pages that change are rewritten."""

    def test_one_change_rewrites_a_handful_of_objects(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        builder.version("xinwang", (ANT, QIFU))  # JD dropped, QIFU added
        report = pub.publish_site("xinwang")
        pages = {key.removeprefix("public/") for key in report.keys}
        assert pages == {
            "week.html",
            "sites/xinwang/v2.html",
            "sites/xinwang/v2.json",
            "sites/xinwang/v2-page.html",
            "sites/xinwang/v2.wacz",
            "sites/xinwang/index.html",
            "sites/xinwang/versions.json",
            "sites/xinwang/feed.atom",
            paths.partner_page(JD.match_key),
            paths.partner_feed(JD.match_key),
            paths.partner_page(QIFU.match_key),
            paths.partner_feed(QIFU.match_key),
            paths.INDEX,
            paths.SEARCH,
            paths.PARTNERS,
            paths.PARTNERS_CSV,
            paths.PARTNERS_JSON,
            paths.SCORECARD,  # xinwang's history criterion can now be judged
            paths.FEED,
            paths.STATE,
        }
        assert report.mode == "incremental"
        assert report.raw_copied <= 3  # text, DOM/response, screenshot: the rest is unchanged

    def test_incremental_output_equals_a_full_rebuild(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        builder.version("xinwang", (ANT, QIFU))
        builder.version("zhaolian", (ANT,))
        pub.publish_site("xinwang")
        pub.publish_site("zhaolian")
        rebuild = publisher(local_store).publish_all(force=False)
        assert (rebuild.written, rebuild.raw_copied) == (0, 0)
        fresh = LocalStore(local_store.root.parent / "fresh")
        for key in local_store.list("sites/"):
            fresh.put(key, local_store.get(key), content_type="application/octet-stream")
        for key in local_store.list("blobs/"):
            fresh.put(key, local_store.get(key), content_type="application/octet-stream")
        publisher(fresh).publish_all()
        for key in published(local_store):
            if key.endswith(paths.STATE):
                continue
            assert fresh.get(key) == local_store.get(key), key

    def test_versions_missed_while_not_publishing_are_caught_up(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        builder.version("haier", (DXM, JD))
        builder.version("haier", (JD,))
        report = pub.publish_site("haier")
        assert {"public/sites/haier/v2.html", "public/sites/haier/v3.html"} <= set(report.keys)

    def test_no_new_version_writes_nothing(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        assert pub.publish_site("haier").written == 0
        assert pub.publish_site("no-such-site").written == 0

    def test_a_missing_state_means_a_full_publish(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        report = publisher(local_store).publish_site("haier")
        assert report.mode == "full"
        assert local_store.exists("public/sites/zhaolian/v2.html")

    def test_an_unreadable_state_is_logged_and_rebuilt(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        local_store.put("public/" + paths.STATE, b"\x1f\x8bgarbage", content_type="x")
        with capture_logs() as logs:
            report = publisher(local_store).publish_site("haier")
        assert report.mode == "full"
        assert any(e["event"] == "publish_state_unreadable" for e in logs)
        assert state.decode(local_store.get("public/" + paths.STATE)) is not None

    def test_another_renderer_means_a_full_publish(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        publisher(local_store).publish_all()
        builder.version("haier", (JD,))
        retitled = Publisher(local_store, PublishSettings(title="另一个标题"), sites=SITES)
        report = retitled.publish_site("haier")
        assert report.mode == "full"
        assert "另一个标题" in local_store.get("public/sites/zhaolian/v1.html").decode()

    def test_a_lost_timeline_is_rebuilt_from_the_manifests(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        (local_store.root / "public/sites/zhaolian/versions.json").unlink()
        builder.version("zhaolian", (QIFU,))
        report = pub.publish_site("zhaolian")
        assert report.mode == "incremental"
        assert "public/sites/zhaolian/v3.html" in report.keys
        assert "public/sites/zhaolian/v1.html" not in report.keys  # already published
        timeline = state.decode_timeline(local_store.get("public/sites/zhaolian/versions.json"))
        assert timeline is not None and [line.seq for line in timeline] == [1, 2, 3]


class TestHealth:
    """Health comes from the index when there is one, and degrades without it."""

    def test_without_an_index_health_is_unknown(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        publisher(local_store).publish_all()
        index = local_store.get("public/index.html").decode()
        assert "没有检查记录" in index
        assert "未知" in index

    def test_failing_and_unparseable_sites_are_shown(
        self, local_store: LocalStore, builder: ArchiveBuilder, tmp_path: Path
    ) -> None:
        db = SqliteIndex(tmp_path / "index.sqlite")
        at = T0 + timedelta(days=30)
        for site_id, outcome, status, error in (
            ("zhaolian", Outcome.UNCHANGED, PageStatus.OK, ""),
            ("xinwang", Outcome.FAILED, PageStatus.TIMEOUT, "页面 45 秒未载入"),
            ("haier", Outcome.FAILED, PageStatus.UNPARSEABLE, "扫描件"),
        ):
            db.record_check(
                CheckResult(
                    site_id=site_id,
                    outcome=outcome,
                    started_at=at,
                    duration_s=1.0,
                    status=status,
                    error=error,
                )
            )
        pub = publisher(local_store, health=db)
        pub.publish_all()
        index = local_store.get("public/index.html").decode()
        assert index.count('class="badge ok"') == 1
        assert 'class="badge failing"' in index and "页面 45 秒未载入" in index
        assert 'class="badge unparseable"' in index
        assert "2025-10-01 08:00" in index  # last check, UTC+8
        db.record_check(
            CheckResult(
                site_id="xinwang",
                outcome=Outcome.UNCHANGED,
                started_at=at + timedelta(hours=1),
                duration_s=1.0,
            )
        )
        state_before = local_store.get("public/" + paths.STATE)
        report = pub.publish_health()
        assert [key.removeprefix("public/") for key in report.keys] == [paths.INDEX]
        assert local_store.get("public/" + paths.STATE) == state_before
        assert pub.publish_health().written == 0
        assert local_store.get("public/index.html").decode().count('class="badge ok"') == 2
        db.close()

    def test_a_broken_health_source_does_not_stop_publishing(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        class Broken:
            def last_checks(self) -> dict[str, object]:
                raise IndexError_("index is locked")

        with capture_logs() as logs:
            publisher(local_store, health=Broken()).publish_all()
        assert local_store.exists("public/index.html")
        assert any(e["event"] == "health_unavailable" for e in logs)


def test_log_events_carry_mode_site_and_duration(
    local_store: LocalStore, builder: ArchiveBuilder
) -> None:
    pub = publisher(local_store)
    pub.publish_all()
    builder.version("haier", (JD,))
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(0))
    with capture_logs() as logs:
        pub.publish_site("haier")
    events = {e["event"]: e for e in logs}
    assert events["publish_started"]["site"] == "haier"
    finished = events["publish_finished"]
    assert finished["mode"] == "incremental"
    assert finished["site"] == "haier"
    assert finished["duration_s"] >= 0
    written = [e for e in logs if e["event"] == "page_written" and e["version"] == 2]
    assert {e["key"] for e in written} >= {"public/sites/haier/v2.html"}
    assert all(e["site"] == "haier" for e in written)


class TestObserver:
    """The daemon's hook."""

    def test_a_new_version_and_a_check_republish(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        observer = PublishObserver(pub)
        stored = builder.version("haier", (JD,))
        observer.on_version(SITES[2], stored, None)
        assert local_store.exists("public/sites/haier/v2.html")
        result = CheckResult(
            site_id="haier",
            outcome=Outcome.UNCHANGED,
            started_at=T0,
            duration_s=0.1,
            version=stored,
        )
        observer.on_check(SITES[2], result)  # nothing changed: the index stays as it was
        assert pub.publish_all().written == 0

    def test_concurrent_versions_are_published_one_at_a_time(
        self, local_store: LocalStore, builder: ArchiveBuilder
    ) -> None:
        pub = publisher(local_store)
        pub.publish_all()
        observer = PublishObserver(pub)
        versions = {
            "zhaolian": builder.version("zhaolian", (QIFU,)),
            "xinwang": builder.version("xinwang", (DXM,)),
        }
        site = {s.id: s for s in SITES}
        threads = [
            threading.Thread(target=observer.on_version, args=(site[sid], stored, None))
            for sid, stored in versions.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert pub.publish_all().written == 0  # both landed in the state


class TestWiring:
    """From the configuration to a publisher."""

    def settings(self, storage: Mapping[str, object], **publish: object) -> Settings:
        return Settings.model_validate({"storage": storage, "publish": publish})

    def test_presigned_only_for_a_private_bucket(self) -> None:
        s3 = {"kind": "s3", "bucket": "b", "prefix": "cn"}
        assert wiring.presigned_links(self.settings(s3))
        assert not wiring.presigned_links(self.settings({**s3, "public_base_url": "https://c"}))
        assert not wiring.presigned_links(self.settings({"kind": "local"}))
        assert wiring.presigned_links(self.settings({"kind": "local"}, links="presigned"))
        assert not wiring.presigned_links(self.settings(s3, links="relative"))

    def test_public_url_follows_the_store_layout(self) -> None:
        s3 = {"kind": "s3", "bucket": "b", "prefix": "cn", "public_base_url": "https://c.cn/"}
        assert wiring.public_url(self.settings(s3)) == "https://c.cn/cn/public/"
        local = {"kind": "local", "public_base_url": "https://x.cn"}
        assert wiring.public_url(self.settings(local)) == "https://x.cn/public/"
        assert wiring.public_url(self.settings({"kind": "local"})) is None
        over = self.settings(s3, base_url="https://www.example.cn/archive")
        assert wiring.public_url(over) == "https://www.example.cn/archive/"

    def test_the_daemon_observer_follows_on_change(self, memory_store: MemoryStore) -> None:
        on = wiring.build_observer(self.settings({"kind": "local"}), memory_store)
        assert isinstance(on, PublishObserver)
        off = self.settings({"kind": "local"}, on_change=False)
        assert wiring.build_observer(off, memory_store) is None

    def test_page_url_is_public_or_the_stores_own_link(self, local_store: LocalStore) -> None:
        public = Publisher(local_store, PublishSettings(base_url="https://a.cn/p/"))
        assert public.page_url("zl", 3) == "https://a.cn/p/sites/zl/v3.html"
        private = Publisher(local_store, PublishSettings())
        assert private.page_url("zl", 3) == (local_store.root / "public/sites/zl/v3.html").as_uri()
        assert Publisher(MemoryStore(), PublishSettings()).page_url("zl", 3) is None


def test_state_is_gzipped_lines_with_one_summary_per_site(
    local_store: LocalStore, builder: ArchiveBuilder
) -> None:
    publisher(local_store).publish_all()
    data = local_store.get("public/" + paths.STATE)
    header, *lines = gzip.decompress(data).decode().split("\n")
    assert set(json.loads(header)) == {"format", "fingerprint", "pages", "versions", "pinyin"}
    assert json.loads(header)["versions"] == {"zhaolian": 2, "xinwang": 1, "haier": 1}
    assert [line.split("\t", 1)[0] for line in lines] == ["haier", "xinwang", "zhaolian"]
    pages = json.loads(header)["pages"]
    assert not [key for key in pages if re.search(r"/v\d+", key)]  # version pages: by seq


def test_an_unchanged_summary_is_written_back_as_read(
    local_store: LocalStore, builder: ArchiveBuilder
) -> None:
    pub = publisher(local_store)
    pub.publish_all()
    before = gzip.decompress(local_store.get("public/" + paths.STATE)).decode().split("\n")
    builder.version("haier", (JD,))
    pub.publish_site("haier")
    after = gzip.decompress(local_store.get("public/" + paths.STATE)).decode().split("\n")
    assert before[2:] == after[2:]  # xinwang and zhaolian, byte for byte
    assert before[1] != after[1]


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = {t.name for t in threading.enumerate()}
    yield
    leftover = {t.name for t in threading.enumerate()} - before
    assert not any(name.startswith(("publish", "read")) for name in leftover), leftover
