"""Write-once storage on the S3 API server: Object Lock, the If-None-Match probe, lost answers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from archiver import archive, keys, versioning
from archiver.adapters.s3_store import S3Store
from archiver.archive import Blob
from archiver.cli import main
from archiver.errors import StoreError
from archiver.partners import AliasTable

pytestmark = pytest.mark.s3
NOW = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
ACCESS: dict[str, Any] = {"access_key_id": "testing", "secret_access_key": "testing"}


def client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def bucket(endpoint: str, *, locked: bool) -> str:
    name = f"lock-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name, ObjectLockEnabledForBucket=locked)
    return name


def store(endpoint: str, name: str, **extra: Any) -> S3Store:
    return S3Store(bucket=name, prefix="cn/", endpoint_url=endpoint, **ACCESS, **extra)


def draft(text: str) -> versioning.Draft:
    return versioning.Draft(
        site_id="bank",
        captured_at=NOW,
        requested_url="https://bank.example/",
        final_url="https://bank.example/",
        text=text,
        content_digest=keys.sha256_hex(text.encode()),
    )


def test_blobs_and_manifests_are_written_under_retention(s3_endpoint: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)  # the server enforces against its clock
    name = bucket(s3_endpoint, locked=True)
    locked = store(s3_endpoint, name, lock_mode="compliance", lock_days=30, now=lambda: now)
    locked.prove_write_once()
    written = versioning.write(locked, draft("名单 v1"), previous=None, aliases=AliasTable())
    assert written.version is not None
    until = now + timedelta(days=30)
    assert locked.retention(written.version.key) == ("compliance", until)
    text_ref = written.version.manifest.blob("text")
    assert text_ref is not None
    assert locked.retention(keys.blob_key(text_ref.digest)) == ("compliance", until)
    assert locked.retention(keys.latest_key("bank")) is None  # a derivable pointer
    versions = client(s3_endpoint).list_object_versions(Bucket=name, Prefix="cn/sites/bank/v")
    version_id = versions["Versions"][0]["VersionId"]
    with pytest.raises(ClientError, match="AccessDenied"):
        client(s3_endpoint).delete_object(
            Bucket=name, Key="cn/" + written.version.key, VersionId=version_id
        )


def test_governance_mode_is_passed_as_configured(s3_endpoint: str) -> None:
    name = bucket(s3_endpoint, locked=True)
    locked = store(s3_endpoint, name, lock_mode="governance", lock_days=1, now=lambda: NOW)
    ref, _ = archive.put_blob(locked, Blob("text", b"x", "text/plain"))
    assert locked.retention(keys.blob_key(ref.digest)) == ("governance", NOW + timedelta(days=1))


def test_a_retention_on_a_bucket_without_object_lock_is_refused(s3_endpoint: str) -> None:
    name = bucket(s3_endpoint, locked=False)
    unlocked = store(s3_endpoint, name, lock_mode="compliance", lock_days=30)
    with pytest.raises(StoreError, match=f"s3://{name} has no Object Lock"):
        unlocked.prove_write_once()


def test_the_probe_passes_on_a_server_that_honours_if_none_match(
    s3_endpoint: str, s3_bucket: str
) -> None:
    store(s3_endpoint, s3_bucket).prove_write_once()
    leftovers = client(s3_endpoint).list_objects_v2(Bucket=s3_bucket, Prefix="cn/_probe/")
    assert leftovers.get("KeyCount", 0) == 0


def test_the_probe_refuses_a_server_that_ignores_if_none_match(
    s3_proxy: Any, s3_bucket: str
) -> None:
    s3_proxy.strip_if_none_match = True
    careless = store(s3_proxy.url, s3_bucket)
    with pytest.raises(StoreError, match=r"ignores 'If-None-Match: \*'"):
        careless.prove_write_once()
    single_writer = store(s3_proxy.url, s3_bucket, conditional_writes=False)
    single_writer.prove_write_once()  # the operator said there is only one writer


def test_a_create_only_write_whose_answer_was_lost_is_ours(s3_proxy: Any, s3_bucket: str) -> None:
    """The server stored the manifest, the client saw a 500, retried and met a 412: the
    version exists and is reported as written, not as a lost race."""
    flaky = store(s3_proxy.url, s3_bucket)
    first = versioning.write(flaky, draft("名单 v1"), previous=None, aliases=AliasTable())
    s3_proxy.lose_answers.add("/versions/00000002.json")
    second = versioning.write(
        flaky, draft("名单 v2"), previous=first.version, aliases=AliasTable()
    )
    assert s3_proxy.lost == [f"/{s3_bucket}/cn/sites/bank/versions/00000002.json"]
    assert second.version is not None and second.version.manifest.seq == 2
    assert archive.head(flaky, "bank").digest == second.version.digest  # type: ignore[union-attr]


def test_a_create_only_write_that_never_arrived_is_an_error(s3_proxy: Any, s3_bucket: str) -> None:
    flaky = store(s3_proxy.url, s3_bucket)
    s3_proxy.refuse.add("/versions/")
    with pytest.raises(StoreError, match="cannot write"):
        versioning.write(flaky, draft("名单 v1"), previous=None, aliases=AliasTable())
    assert archive.head(flaky, "bank") is None


def test_a_key_holding_other_bytes_is_still_taken(s3_endpoint: str, s3_bucket: str) -> None:
    s3 = store(s3_endpoint, s3_bucket)
    assert s3.put("m/1.json", b"ours", content_type="application/json", create_only=True)
    assert s3.put("m/1.json", b"ours", content_type="application/json", create_only=True)
    assert not s3.put("m/1.json", b"theirs", content_type="application/json", create_only=True)


def test_config_check_says_when_the_bucket_lacks_object_lock(
    s3_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    name = bucket(s3_endpoint, locked=False)
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"storage: {{kind: s3, bucket: {name}, endpoint_url: '{s3_endpoint}',\n"
        "  object_lock: {mode: compliance, days: 3650}}\n"
        "sites:\n  - {id: bank, name: 银行, url: 'https://bank.example/'}\n"
    )
    monkeypatch.setenv("ARCHIVER_S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("ARCHIVER_S3_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(SystemExit) as exit_:
        main(["-c", str(config), "config", "check"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == (
        f"{config}:2: storage.object_lock: s3://{name} has no Object Lock, but "
        "storage.object_lock asks for compliance retention: create the bucket with "
        "Object Lock enabled"
    )
    locked = bucket(s3_endpoint, locked=True)
    config.write_text(config.read_text().replace(name, locked))
    main(["-c", str(config), "config", "check"])
    assert "storage s3 (object lock: compliance, 3650 days)" in capsys.readouterr().out


def test_a_public_bucket_verifies_over_plain_http_gets(
    s3_endpoint: str, s3_bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archiver.evidence import signing
    from archiver.evidence.notary import Notary

    s3 = store(s3_endpoint, s3_bucket)
    key = signing.load_private(signing.generate())
    (tmp_path / "key.pub").write_bytes(signing.public_pem(key))
    clock = [NOW]
    notary = Notary(s3, key, prefix="public/checkpoints/", now=lambda: clock[0])
    previous = None
    for n in (1, 2):
        written = versioning.write(
            s3, draft(f"名单 v{n}"), previous=previous, aliases=AliasTable()
        )
        previous = written.version
        clock[0] += timedelta(hours=1)
        notary.sign()
    public_read = {  # what docs/evidence.md tells the operator to set: anyone may GET
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{s3_bucket}/*",
            }
        ],
    }
    client(s3_endpoint).put_bucket_policy(Bucket=s3_bucket, Policy=json.dumps(public_read))
    url = f"{s3_endpoint}/{s3_bucket}/cn/"
    args = ["verify", "--public", url, "--key", str(tmp_path / "key.pub")]
    main(args)  # exits only when something is wrong
    assert ": ok: 2 checkpoints, 1 chains, 2 versions" in capsys.readouterr().out
    assert previous is not None
    forged = s3.get(previous.key).replace(b"bank.example", b"forged.example")
    client(s3_endpoint).put_object(Bucket=s3_bucket, Key="cn/" + previous.key, Body=forged)
    with pytest.raises(SystemExit) as broken:
        main(args)
    assert broken.value.code == 1
    assert "version 2 was altered after checkpoint 2 recorded it" in capsys.readouterr().out
