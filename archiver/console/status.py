"""`archiver status` and the daemon's metrics: sites by health, the last pass, alerts owed,
whether the store and the mail server answer. Gathered through the app; rendered purely.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archiver import wording
from archiver.console import probe
from archiver.models import CheckRow, Outcome

HEALTH = ("ok", "failing", "unknown")
HEALTH_WORDS = {"ok": "正常", "failing": "检查失败", "unknown": "尚未检查"}


@dataclass(frozen=True, slots=True)
class SiteHealth:
    """One enabled site's last check."""

    site_id: str
    health: str  # ok | failing | unknown
    checked_at: datetime | None = None
    detail: str = ""
    failures: int = 0  # consecutive failed checks


@dataclass(frozen=True, slots=True)
class Status:
    """Everything `archiver status` reports."""

    sites: tuple[SiteHealth, ...]
    alerts_owed: int
    alerts_waiting: int  # batched into a digest that is not due yet
    store: tuple[probe.Finding, ...]
    mail: probe.Finding
    checked_at: datetime

    @property
    def by_health(self) -> Counter[str]:
        """How many sites are in each health."""
        return Counter(site.health for site in self.sites)

    @property
    def last_pass(self) -> tuple[datetime | None, datetime | None]:
        """(the oldest, the newest) last check among the sites that were checked."""
        times = [site.checked_at for site in self.sites if site.checked_at]
        return (min(times), max(times)) if times else (None, None)

    @property
    def healthy(self) -> bool:
        """Store and mail reachable, no alert owed."""
        return all(f.ok for f in self.store) and self.mail.ok and not self.alerts_owed


def site_health(site_id: str, row: CheckRow | None, failures: int) -> SiteHealth:
    """Classify one site by its last check."""
    if row is None:
        return SiteHealth(site_id, "unknown")
    if row.outcome is Outcome.FAILED:
        detail = wording.failure(row.status, row.error)
        return SiteHealth(site_id, "failing", row.started_at, detail, failures)
    return SiteHealth(site_id, "ok", row.started_at, wording.outcome(row.outcome.value))


def owed_alerts(rows: Sequence[Any]) -> tuple[int, int]:
    """(alerts with a unit owed now, alerts waiting only for their digest)."""
    owed = waiting = 0
    for row in rows:
        states = {unit.state for unit in row.units}
        if states & {"pending", "retrying", "sending"}:
            owed += 1
        elif "waiting for digest" in states:
            waiting += 1
    return owed, waiting


def as_json(status: Status) -> dict[str, Any]:
    """The stable JSON shape (times in ISO 8601, UTC)."""
    oldest, newest = status.last_pass
    return {
        "checked_at": status.checked_at.isoformat(),
        "sites": {health: status.by_health[health] for health in HEALTH},
        "last_pass": {
            "oldest_check": oldest.isoformat() if oldest else None,
            "newest_check": newest.isoformat() if newest else None,
        },
        "alerts": {"owed": status.alerts_owed, "waiting_for_digest": status.alerts_waiting},
        "store": [{"what": f.what, "ok": f.ok, "detail": f.detail} for f in status.store],
        "mail": {"ok": status.mail.ok, "detail": status.mail.detail},
        "failing": [
            {
                "site": site.site_id,
                "since_failures": site.failures,
                "checked_at": site.checked_at.isoformat() if site.checked_at else None,
                "detail": site.detail,
            }
            for site in status.sites
            if site.health == "failing"
        ],
    }


def lines(status: Status, stamp: Callable[[datetime | None], str]) -> list[str]:
    """What `archiver status` prints, one fact a line."""
    counts = status.by_health
    oldest, newest = status.last_pass
    out = [
        f"站点：{len(status.sites)} 个启用，"
        + "，".join(f"{HEALTH_WORDS[h]} {counts[h]}" for h in HEALTH if counts[h]),
        f"最近检查：最新 {stamp(newest)}，最久未检查的站点停在 {stamp(oldest)}"
        if newest
        else "最近检查：尚未检查过任何站点（运行 archiver check 或 archiver run）",
        f"告警：待发送 {status.alerts_owed}"
        + (f"，等待汇总 {status.alerts_waiting}" if status.alerts_waiting else "")
        + (
            "（archiver outbox list 查看，archiver outbox flush 重发）"
            if status.alerts_owed
            else ""
        ),
    ]
    out.extend(finding.line() for finding in (*status.store, status.mail))
    failing = [site for site in status.sites if site.health == "failing"]
    if failing:
        out.append("检查失败的站点：")
        out.extend(
            f"  {site.site_id}：连续 {site.failures} 次，{stamp(site.checked_at)}，{site.detail}"
            for site in failing
        )
    return out


@dataclass
class Cached:
    """A value recomputed at most every `ttl_s` (probes are not free: metrics are scraped
    every few seconds)."""

    compute: Callable[[], Any]
    ttl_s: float
    _value: Any = None
    _at: float = field(default=-1e9)

    def get(self) -> Any:
        """The value, recomputed when stale."""
        if time.monotonic() - self._at >= self.ttl_s:
            self._value = self.compute()
            self._at = time.monotonic()
        return self._value


def gather(
    site_ids: Sequence[str],
    *,
    last_checks: Mapping[str, CheckRow],
    failures: Callable[[str], int],
    alert_rows: Sequence[Any],
    store: Sequence[probe.Finding],
    mail: probe.Finding,
    now: datetime,
) -> Status:
    """Assemble a status from what the app can tell."""
    sites = tuple(
        site_health(
            site_id,
            last_checks.get(site_id),
            failures(site_id)
            if site_id in last_checks and last_checks[site_id].outcome is Outcome.FAILED
            else 0,
        )
        for site_id in site_ids
    )
    owed, waiting = owed_alerts(alert_rows)
    return Status(sites, owed, waiting, tuple(store), mail, now)
