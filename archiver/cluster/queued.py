"""`archiver check --queue`: one pass through the cluster. Tasks go to the workers; results
come back through the result backend and are reported as each one finishes.

The confirmation a check owes is a delayed task the worker enqueued (its id comes with the
result); with `confirm`, the pass waits for it too and its result replaces the first one,
as in a local pass. A stop asked while waiting revokes the tasks no worker has started.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import redis
import structlog
from celery import Celery
from kombu.exceptions import OperationalError

from archiver import codec
from archiver.cluster.celery_app import CHECK_TASK
from archiver.config import Site
from archiver.models import CheckResult, Outcome, PageStatus
from archiver.passes import PassResult

log = structlog.get_logger("archiver.cluster.queued")

POLL_S = 0.5
CHUNK = 1000  # result keys read in one MGET
UNSTARTED = ("PENDING", "RECEIVED")  # states of a task no worker has begun


def enqueue(celery: Celery, site_id: str) -> str:
    """Send one check of the site; the task id."""
    return str(celery.send_task(CHECK_TASK, args=(site_id,)).id)


def run_queued_pass(
    celery: Celery,
    sites: Sequence[Site],
    *,
    confirm: bool = True,
    on_result: Callable[[CheckResult], None] = lambda result: None,
    stopping: Callable[[], bool] = lambda: False,
    grace_s: float = 10.0,
    poll_s: float = POLL_S,
) -> PassResult:
    """Enqueue a check of every site and wait for every result (and owed confirmation)."""
    waiting = {enqueue(celery, site.id): site.id for site in sites}
    log.info("pass_enqueued", tasks=len(waiting))
    results: dict[str, CheckResult] = {}
    states: dict[str, str] = {}
    deadline: float | None = None
    while waiting:
        if stopping() and deadline is None:
            deadline = time.monotonic() + grace_s
            _revoke_unstarted(celery, waiting, states)
        if deadline is not None and time.monotonic() >= deadline:
            break
        for task_id, meta in _finished(celery, waiting, states):
            site_id = waiting.pop(task_id)
            result = _result_of(site_id, meta)
            results[site_id] = result  # a confirmation replaces the check that owed it
            on_result(result)
            follow_up = meta["result"].get("confirmation") if _succeeded(meta) else None
            if confirm and follow_up and deadline is None:
                waiting[str(follow_up)] = site_id
        time.sleep(poll_s)
    unstarted = {site_id for task_id, site_id in waiting.items() if _unstarted(task_id, states)}
    left = set(waiting.values()) - set(results)
    order = {site.id: i for i, site in enumerate(sites)}
    return PassResult(
        results=tuple(sorted(results.values(), key=lambda r: order.get(r.site_id, 0))),
        not_started=tuple(sorted(left & unstarted, key=order.__getitem__)),
        abandoned=tuple(sorted(left - unstarted, key=order.__getitem__)),
        interrupted=stopping(),
    )


def _unstarted(task_id: str, states: dict[str, str]) -> bool:
    return states.get(task_id, "PENDING") in UNSTARTED


def _finished(
    celery: Celery, waiting: dict[str, str], states: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """The tasks among `waiting` that ended (success or failure), with their metadata;
    `states` learns the state of the others. A broker away for a moment is waited out."""
    backend = celery.backend
    ids = list(waiting)
    done: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            values = backend.mget([backend.get_key_for_task(task_id) for task_id in chunk])
        except (redis.RedisError, OperationalError) as exc:
            log.warning("results_unreachable", error=str(exc))
            return done
        for task_id, value in zip(chunk, values, strict=True):
            if value is None:
                continue
            meta = backend.decode_result(value)
            states[task_id] = str(meta["status"])
            if meta["status"] in ("SUCCESS", "FAILURE"):
                done.append((task_id, meta))
    return done


def _succeeded(meta: dict[str, Any]) -> bool:
    return meta["status"] == "SUCCESS" and isinstance(meta["result"], dict)


def _result_of(site_id: str, meta: dict[str, Any]) -> CheckResult:
    """The check result a task returned, or a failed check saying why the task failed."""
    if _succeeded(meta):
        return codec.from_data(CheckResult, meta["result"]["result"])
    error = meta["result"]
    reason = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
    return CheckResult(
        site_id=site_id,
        outcome=Outcome.FAILED,
        started_at=datetime.now(UTC),
        duration_s=0.0,
        status=PageStatus.INTERNAL_ERROR,
        error=f"the worker's task failed: {reason}"[:300],
    )


def _revoke_unstarted(celery: Celery, waiting: dict[str, str], states: dict[str, str]) -> None:
    """Revoke the tasks no worker has started (a stop asked while waiting)."""
    unstarted = [task_id for task_id in waiting if _unstarted(task_id, states)]
    if unstarted:
        celery.control.revoke(unstarted)
        log.info("pass_revoked", tasks=len(unstarted))
