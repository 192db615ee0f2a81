"""The lines that end a pass and a daemon run: what was checked, what failed, what is owed. Pure.

检查 12 项：首个版本 1，有变化 2，无变化 8，失败 1（bank-a）
已中断：检查完成 5 项（…），未开始 77 项，放弃 1 项（仍在进行）
告警：发送 2，未送达 1（smtp://… 拒绝连接）——archiver outbox list 查看，archiver outbox flush 重发
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archiver import wording
from archiver.models import CheckResult, Outcome

MAX_NAMED = 5  # failed sites named on the line; the table lists them all


@dataclass(frozen=True, slots=True)
class AlertTally:
    """Alerts after a pass: delivered in it, and still owed in the outbox."""

    sent: int = 0
    owed: int = 0  # alerts with a delivery not yet made (failed, or never tried)
    error: str = ""  # why the first of them failed, when it did

    @property
    def undelivered(self) -> bool:
        """Whether something could not be delivered (the command then exits 4)."""
        return self.owed > 0


def outcomes(results: Iterable[CheckResult]) -> str:
    """'首个版本 1，有变化 2，无变化 8，失败 1' (zero counts left out; '无' when empty).

    >>> outcomes([])
    '无'
    """
    counts = Counter(result.outcome for result in results)
    parts = [
        f"{wording.outcome(kind.value)} {counts[kind]}"
        for kind in (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.FAILED)
        if counts[kind]
    ]
    return "，".join(parts) or "无"


def pass_line(
    results: Sequence[CheckResult],
    *,
    not_started: Sequence[str] = (),
    abandoned: Sequence[str] = (),
    interrupted: bool = False,
) -> str:
    """One line about a pass of checks."""
    failed = [r.site_id for r in results if r.outcome is Outcome.FAILED]
    named = "、".join(failed[:MAX_NAMED]) + ("等" if len(failed) > MAX_NAMED else "")
    where = f"（{named}）" if failed else ""
    if not interrupted:
        return f"检查 {len(results)} 项：{outcomes(results)}{where}"
    line = f"已中断：检查完成 {len(results)} 项（{outcomes(results)}）{where}"
    if not_started:
        line += f"，未开始 {len(not_started)} 项"
    if abandoned:
        line += f"，放弃 {len(abandoned)} 项未完成的检查（{'、'.join(abandoned)}，未写入任何版本）"
    return line


def alert_line(tally: AlertTally) -> str:
    """One line about alerts, or '' when there was nothing to send and nothing is owed.

    >>> alert_line(AlertTally(sent=2))
    '告警：已发送 2'
    >>> alert_line(AlertTally(owed=1, error="cannot reach h:25: refused")).split("；")[0]
    '告警：1 条未送达，留在发件箱（cannot reach h:25: refused）'
    """
    if not (tally.sent or tally.undelivered):
        return ""
    parts = []
    if tally.sent:
        parts.append(f"已发送 {tally.sent}")
    if tally.owed:
        parts.append(f"{tally.owed} 条未送达，留在发件箱")
    line = "告警：" + "，".join(parts)
    if tally.undelivered:
        if tally.error:
            line += f"（{tally.error}）"
        line += "；查看：archiver outbox list，修好后重发：archiver outbox flush"
    return line


def store_failures(results: Iterable[CheckResult]) -> list[CheckResult]:
    """The checks that failed because the archive could not be read or written."""
    return [r for r in results if r.status.value == "store_error"]


def index_failures(results: Iterable[CheckResult]) -> list[CheckResult]:
    """The checks the index could not record (the archive holds what they wrote)."""
    return [r for r in results if r.index_error]


def index_line(failed: Sequence[CheckResult]) -> str:
    """One line about checks the index could not record, or '' when there were none.

    >>> index_line([])
    ''
    """
    if not failed:
        return ""
    return (
        f"错误：{len(failed)} 次检查未能写入索引（{failed[0].index_error}）。"
        "存档完好；索引恢复后运行 archiver reindex"
    )
