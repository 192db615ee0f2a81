"""Processes on one machine share one SQLite index file (two `archiver worker`s, a worker and
`archiver status`): creating and migrating a new file at the same time must not fail one."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from archiver.adapters.sqlite_index import SqliteIndex


def _open(path: str, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait()
    SqliteIndex(path).close()


def test_processes_opening_a_new_index_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for round_ in range(6):
        path = tmp_path / f"index-{round_}.sqlite"
        start = context.Barrier(4)
        processes = [context.Process(target=_open, args=(str(path), start)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [p.exitcode for p in processes] == [0, 0, 0, 0], f"round {round_}"
        SqliteIndex(path).close()  # and the file is a good index afterwards
