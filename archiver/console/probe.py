"""Is the archive writable and is mail deliverable? Asked before a pass, at daemon start and
by `archiver config check --probe`.

The store probe writes a small object under `_probe/` (overwritten each time; it is neither
a blob nor a manifest), reads it back and compares; an S3 bucket is also asked about its
versioning and Object Lock. The mail probe connects, says EHLO, STARTTLS and logs in as a
send would, then quits without sending.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from archiver.errors import ArchiverError, DeliveryFailed, StoreError
from archiver.ports import ObjectStore

PROBE_KEY = "_probe/archiver.txt"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing probed: what, whether it works, the evidence and the fix."""

    what: str
    ok: bool
    detail: str
    hint: str = ""

    def line(self) -> str:
        """'✓ 存档 …' or '✗ 存档 …。解决：…'."""
        mark = "✓" if self.ok else "✗"
        fix = f"。解决：{self.hint}" if self.hint and not self.ok else ""
        return f"{mark} {self.what}：{self.detail}{fix}"


@runtime_checkable
class Protected(Protocol):
    """A store that can say how it protects what is written (S3Store)."""

    def protection(self) -> str:
        """Versioning and Object Lock, in words; raises StoreError."""
        ...


@runtime_checkable
class Probeable(Protocol):
    """A mail transport that can be tried without sending (SMTP, the .eml spool)."""

    def probe(self) -> str:
        """Where mail goes; raises DeliveryFailed."""
        ...


def store(target: ObjectStore, now: datetime) -> list[Finding]:
    """Write, read back and compare a probe object; ask an S3 bucket about its protection."""
    where = target.describe()
    body = f"archiver probe from {socket.gethostname()}:{os.getpid()} at {now.isoformat()}\n"
    try:
        target.put(PROBE_KEY, body.encode(), content_type="text/plain; charset=utf-8")
        back = target.get(PROBE_KEY).decode("utf-8", "replace")
    except StoreError as exc:
        return [Finding("存档", False, str(exc), exc.hint)]
    if back != body:
        return [Finding("存档", False, f"{where} 读回的内容与写入的不同", "检查存储服务是否可靠")]
    findings = [Finding("存档", True, f"{where} 可写入、可读回")]
    if isinstance(target, Protected):
        try:
            findings.append(Finding("存储桶", True, target.protection()))
        except StoreError as exc:
            findings.append(Finding("存储桶", False, str(exc), exc.hint))
    return findings


def mail(transport: object) -> Finding:
    """Connect to the mail server (or check the .eml spool directory) without sending."""
    if not isinstance(transport, Probeable):
        return Finding("告警邮件", True, "无法预先检查，首次发送时见分晓")
    try:
        where = transport.probe()
    except DeliveryFailed as exc:
        return Finding(
            "告警邮件",
            False,
            str(exc),
            "检查 sites.yaml 的 alerts.email.smtp（主机、端口、加密方式）"
            "和 ARCHIVER_SMTP_USERNAME/ARCHIVER_SMTP_PASSWORD；告警会留在发件箱，修好后自动补发",
        )
    except ArchiverError as exc:
        return Finding("告警邮件", False, str(exc))
    verb = "可写入" if where.endswith(".eml") else "可连接"
    return Finding("告警邮件", True, f"{where} {verb}")


def failed(findings: list[Finding]) -> list[Finding]:
    """The findings that did not work."""
    return [finding for finding in findings if not finding.ok]
