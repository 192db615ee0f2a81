"""S3Store: the archive in any S3-compatible bucket, through boto3.

Create-only writes (blobs, manifests, checkpoints) use `If-None-Match: *`; `prove_write_once`
checks at start-up that the server honours it, and that the bucket has Object Lock when a
retention is configured. A create-only write answered with an error is read back: when the
key holds exactly our bytes, the write happened (the answer was lost, not the object).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from archiver.errors import KeyNotFound, StoreError
from archiver.keys import check_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}
_EXISTS = {"412", "PreconditionFailed"}
_NO_LOCK = {"ObjectLockConfigurationNotFoundError", "404"}
PROBE_PREFIX = "_probe/"


def utc_now() -> datetime:
    """The real clock (retention dates are counted from it)."""
    return datetime.now(UTC)


class S3Store:
    """Objects under `prefix` in `bucket`; create-only writes use `If-None-Match: *`."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        public_base_url: str | None = None,
        presign_expiry_s: float = 7 * 86400,
        conditional_writes: bool = True,
        addressing_style: Literal["auto", "path", "virtual"] = "auto",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        lock_mode: Literal["governance", "compliance"] | None = None,
        lock_days: int = 0,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.bucket = bucket
        self.lock_mode = lock_mode
        self.lock_days = lock_days
        self.now = now
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.endpoint_url = endpoint_url
        self.public_base_url = public_base_url
        self.presign_expiry_s = int(presign_expiry_s)
        self.conditional_writes = conditional_writes
        config = Config(
            retries={"max_attempts": 5, "mode": "standard"},
            s3={"addressing_style": addressing_style},
            connect_timeout=10,
            read_timeout=60,
            signature_version="s3v4",
        )
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            config=config,
        )

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, *, content_type: str, create_only: bool = False) -> bool:
        """PUT the object; create-only is atomic when the server honours If-None-Match.

        Create-only writes carry the configured Object Lock retention. When one fails, or
        finds the key taken, the object is read back: holding our bytes, it is our write
        (a retry after a lost answer meets its own object); holding others, the key is taken.
        """
        full_key = self._key(key)
        args: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": full_key,
            "Body": data,
            "ContentType": content_type,
        }
        if create_only:
            if not self.conditional_writes:
                if self.exists(key):
                    return self._holds(key, data)
            else:
                args["IfNoneMatch"] = "*"
            if self.lock_mode is not None:
                args["ObjectLockMode"] = self.lock_mode.upper()
                args["ObjectLockRetainUntilDate"] = self.now() + timedelta(days=self.lock_days)
        try:
            self.client.put_object(**args)
        except ClientError as exc:
            if create_only and _code(exc) in _EXISTS:
                return self._holds(key, data)
            if create_only and self._holds(key, data):
                return True
            raise self._error("write", full_key, exc) from exc
        except BotoCoreError as exc:
            if create_only and self._holds(key, data):
                return True
            raise self._error("write", full_key, exc) from exc
        return True

    def _holds(self, key: str, data: bytes) -> bool:
        """Whether the key holds exactly `data` (False when absent or unreadable)."""
        try:
            return self.get(key) == data
        except StoreError:
            return False

    def prove_write_once(self) -> None:
        """Refuse to run on a server that would let a second writer overwrite a manifest.

        Writes a probe key twice with `If-None-Match: *`: the second write must be refused.
        With a retention configured, the bucket must have Object Lock enabled.
        """
        if self.lock_mode is not None:
            problem = self.object_lock_problem()
            if problem:
                raise StoreError(problem)
        if not self.conditional_writes:
            return
        full_key = f"{self.prefix}{PROBE_PREFIX}if-none-match-{uuid.uuid4().hex}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=full_key, Body=b"1", IfNoneMatch="*")
            try:
                self.client.put_object(
                    Bucket=self.bucket, Key=full_key, Body=b"2", IfNoneMatch="*"
                )
            except ClientError as exc:
                if _code(exc) in _EXISTS:
                    return
                raise
        except (ClientError, BotoCoreError) as exc:
            raise self._error("probe conditional writes at", full_key, exc) from exc
        finally:
            self._forget_probe(full_key)
        raise StoreError(
            f"{self.describe()} ignores 'If-None-Match: *' (a probe written twice was "
            "replaced), so a second writer could overwrite a manifest: use a server that "
            "supports conditional writes, or set storage.conditional_writes: false if only "
            "one archiver ever writes to this bucket"
        )

    def _forget_probe(self, full_key: str) -> None:
        """Remove the probe objects (best effort: a write-once policy may forbid deletes)."""
        with contextlib.suppress(ClientError, BotoCoreError):
            self.client.delete_object(Bucket=self.bucket, Key=full_key)

    def object_lock_problem(self) -> str | None:
        """None when the bucket has Object Lock enabled, else what is wrong, in one line."""
        try:
            answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) in _NO_LOCK:
                return (
                    f"s3://{self.bucket} has no Object Lock, but storage.object_lock asks for "
                    f"{self.lock_mode} retention: create the bucket with Object Lock enabled"
                )
            return str(self._error("read the Object Lock configuration of", self.bucket, exc))
        except BotoCoreError as exc:
            return str(self._error("read the Object Lock configuration of", self.bucket, exc))
        enabled = answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
        if enabled != "Enabled":
            return f"s3://{self.bucket}: Object Lock is not enabled (ObjectLockEnabled={enabled})"
        return None

    def retention(self, key: str) -> tuple[str, datetime] | None:
        """(mode, retain-until) of an object, or None when it has no retention."""
        full_key = self._key(key)
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=full_key)
        except (ClientError, BotoCoreError) as exc:
            raise self._error("read the retention of", full_key, exc) from exc
        fields: dict[str, Any] = dict(answer)  # the stubs say always present; S3 omits them
        mode, until = fields.get("ObjectLockMode"), fields.get("ObjectLockRetainUntilDate")
        if mode is None or until is None:
            return None
        return str(mode).lower(), until

    def get(self, key: str) -> bytes:
        """GET the object's bytes."""
        full_key = self._key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=full_key)
            data: bytes = response["Body"].read()
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise KeyNotFound(f"no object {key!r} in {self.describe()}") from exc
            raise self._error("read", full_key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("read", full_key, exc) from exc
        return data

    def exists(self, key: str) -> bool:
        """HEAD the object."""
        full_key = self._key(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=full_key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise self._error("read", full_key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("read", full_key, exc) from exc
        return True

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under the prefix, in the server's (lexicographic) order."""
        full_prefix = self.prefix + prefix
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=full_prefix):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix) :]
        except (ClientError, BotoCoreError) as exc:
            raise self._error("list", full_prefix, exc) from exc

    def url(self, key: str) -> str | None:
        """The public URL when configured, else a presigned GET URL."""
        full_key = self._key(key)
        if self.public_base_url:
            return f"{self.public_base_url.rstrip('/')}/{full_key}"
        try:
            return self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": full_key},
                ExpiresIn=self.presign_expiry_s,
            )
        except (ClientError, BotoCoreError):
            return None

    def protection(self) -> str:
        """How the bucket protects what is written: versioning and Object Lock, in words."""
        try:
            versioning = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status")
        except (ClientError, BotoCoreError) as exc:
            raise self._error("inspect", "", exc) from exc
        try:
            lock = self.client.get_object_lock_configuration(Bucket=self.bucket)
            config = lock.get("ObjectLockConfiguration", {})
            rule = config.get("Rule", {}).get("DefaultRetention", {})
            locked = config.get("ObjectLockEnabled") == "Enabled"
        except ClientError as exc:
            if _code(exc) not in {"ObjectLockConfigurationNotFoundError", "404"}:
                raise self._error("inspect", "", exc) from exc
            locked, rule = False, {}
        except BotoCoreError as exc:
            raise self._error("inspect", "", exc) from exc
        words = [f"版本控制{'已开启' if versioning == 'Enabled' else '未开启'}"]
        if locked:
            span = rule.get("Days") or rule.get("Years")
            unit = "天" if rule.get("Days") else "年"
            words.append(
                f"对象锁定已开启（{rule.get('Mode', '无默认保留')}"
                + (f" {span} {unit}" if span else "")
                + "）"
            )
        else:
            words.append("对象锁定未开启")
        return "，".join(words)

    def describe(self) -> str:
        """s3://bucket/prefix at the endpoint."""
        where = f"s3://{self.bucket}/{self.prefix}"
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where

    def _error(self, verb: str, key: str, exc: Exception) -> StoreError:
        detail = _code(exc) if isinstance(exc, ClientError) else type(exc).__name__
        message = str(exc).splitlines()[0] if str(exc) else detail
        return StoreError(
            f"cannot {verb} s3://{self.bucket}/{key}: {message}", hint=self._hint(exc)
        )

    def _hint(self, exc: Exception) -> str:
        """What the operator can do about an S3 failure."""
        if isinstance(exc, NoCredentialsError | PartialCredentialsError):
            return (
                "设置环境变量 ARCHIVER_S3_ACCESS_KEY_ID 和 ARCHIVER_S3_SECRET_ACCESS_KEY"
                "（或 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY）"
            )
        if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
            return "检查 storage.endpoint_url（或 ARCHIVER_S3_ENDPOINT_URL）是否正确、网络是否可达"
        code = _code(exc) if isinstance(exc, ClientError) else ""
        if code == "NoSuchBucket":
            return (
                f"先创建存储桶 {self.bucket}（如 aws s3api create-bucket --bucket {self.bucket}，"
                "生产环境建议开启版本控制和对象锁定），或改正 sites.yaml 的 storage.bucket"
            )
        if code in {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
            return f"检查访问密钥是否正确，以及它能否读写存储桶 {self.bucket}"
        return ""


def _code(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
