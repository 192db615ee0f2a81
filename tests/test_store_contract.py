"""One contract, every store: memory, local directory, and S3 on a real S3 API server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from archiver.adapters.local_store import LocalStore
from archiver.adapters.s3_store import S3Store
from archiver.errors import KeyNotFound, StoreError
from archiver.ports import ObjectStore

STORES = ["memory", "local", pytest.param("s3", marks=pytest.mark.s3)]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> ObjectStore:
    fixture = {"memory": "memory_store", "local": "local_store", "s3": "s3_store"}[request.param]
    result: ObjectStore = request.getfixturevalue(fixture)
    return result


def test_put_then_get_returns_the_same_bytes(store: ObjectStore) -> None:
    data = "招联消费金融".encode() + bytes(range(256))
    assert store.put("a/b/c.bin", data, content_type="application/octet-stream")
    assert store.get("a/b/c.bin") == data
    assert store.exists("a/b/c.bin")


def test_missing_keys(store: ObjectStore) -> None:
    assert not store.exists("nope/x")
    with pytest.raises(KeyNotFound):
        store.get("nope/x")


def test_create_only_never_replaces(store: ObjectStore) -> None:
    assert store.put("m/1.json", b"first", content_type="application/json", create_only=True)
    assert not store.put("m/1.json", b"second", content_type="application/json", create_only=True)
    assert store.get("m/1.json") == b"first"


def test_plain_put_replaces(store: ObjectStore) -> None:
    store.put("p/latest.json", b"1", content_type="application/json")
    store.put("p/latest.json", b"2", content_type="application/json")
    assert store.get("p/latest.json") == b"2"


def test_list_is_sorted_and_prefix_bound(store: ObjectStore) -> None:
    for key in ("s/x/versions/00000002.json", "s/x/versions/00000001.json", "s/xy/a", "t/z"):
        store.put(key, b"-", content_type="text/plain")
    assert list(store.list("s/x/versions/")) == [
        "s/x/versions/00000001.json",
        "s/x/versions/00000002.json",
    ]
    assert list(store.list("s/x")) == [
        "s/x/versions/00000001.json",
        "s/x/versions/00000002.json",
        "s/xy/a",
    ]
    assert list(store.list("none/")) == []


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "dir/", "a\\b"])
def test_keys_that_could_escape_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(StoreError, match="invalid object key"):
        store.put(key, b"x", content_type="text/plain")


def test_racing_create_only_writers_have_exactly_one_winner(store: ObjectStore) -> None:
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def writer(n: int) -> None:
        barrier.wait()
        wins.append(
            store.put("race/1.json", str(n).encode(), content_type="text/plain", create_only=True)
        )

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1
    assert store.get("race/1.json").decode() in {str(n) for n in range(6)}


def test_local_store_writes_leave_no_temporary_files(local_store: LocalStore) -> None:
    for n in range(5):
        local_store.put(f"k/{n}", b"x" * 1000, content_type="text/plain")
        local_store.put(f"k/{n}", b"y", content_type="text/plain", create_only=True)
    tmp = local_store.root / ".tmp"
    assert list(tmp.iterdir()) == []
    assert list(local_store.list("")) == [f"k/{n}" for n in range(5)]


def test_local_store_reports_an_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = LocalStore(blocker)
    with pytest.raises(StoreError, match="cannot write"):
        store.put("a/b", b"x", content_type="text/plain")


def test_local_store_urls(tmp_path: Path) -> None:
    assert LocalStore(tmp_path).url("a/b.html") == (tmp_path / "a/b.html").resolve().as_uri()
    public = LocalStore(tmp_path, public_base_url="https://archive.example/x/")
    assert public.url("a/b.html") == "https://archive.example/x/a/b.html"


@pytest.mark.s3
def test_s3_presigned_and_public_urls(s3_endpoint: str, s3_bucket: str) -> None:
    import urllib.request

    store = S3Store(
        bucket=s3_bucket,
        prefix="cn/",
        endpoint_url=s3_endpoint,
        access_key_id="testing",
        secret_access_key="testing",
        presign_expiry_s=600,
    )
    store.put("pub/a.txt", "公开".encode(), content_type="text/plain; charset=utf-8")
    url = store.url("pub/a.txt")
    assert url is not None
    assert "Signature=" in url or "X-Amz-Signature=" in url
    with urllib.request.urlopen(str(url)) as response:
        assert response.read().decode() == "公开"
    public = S3Store(
        bucket=s3_bucket,
        prefix="cn/",
        endpoint_url=s3_endpoint,
        public_base_url="https://cdn.example",
        access_key_id="testing",
        secret_access_key="testing",
    )
    assert public.url("pub/a.txt") == "https://cdn.example/cn/pub/a.txt"


@pytest.mark.s3
def test_s3_without_conditional_writes_still_refuses_to_replace(
    s3_endpoint: str, s3_bucket: str
) -> None:
    store = S3Store(
        bucket=s3_bucket,
        endpoint_url=s3_endpoint,
        conditional_writes=False,
        access_key_id="testing",
        secret_access_key="testing",
    )
    assert store.put("m/1.json", b"a", content_type="text/plain", create_only=True)
    assert not store.put("m/1.json", b"b", content_type="text/plain", create_only=True)
    assert store.get("m/1.json") == b"a"


@pytest.mark.s3
def test_s3_errors_are_one_line_store_errors(s3_endpoint: str) -> None:
    missing_bucket = S3Store(
        bucket="no-such-bucket-here",
        endpoint_url=s3_endpoint,
        access_key_id="testing",
        secret_access_key="testing",
    )
    with pytest.raises(StoreError, match="cannot write s3://no-such-bucket-here/k") as caught:
        missing_bucket.put("k", b"x", content_type="text/plain")
    assert "\n" not in str(caught.value)
    unreachable = S3Store(
        bucket="b-unreachable",
        endpoint_url="http://127.0.0.1:9",
        access_key_id="testing",
        secret_access_key="testing",
    )
    unreachable.client.meta.config.retries = {"max_attempts": 1}
    with pytest.raises(StoreError, match="cannot read"):
        unreachable.get("k")
