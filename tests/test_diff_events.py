"""`archiver diff` asks the core for partner events (`versioning.events_between`), so what it
shows can never disagree with what the pipeline recorded and alerted.

Before, the CLI compared two versions' lists itself whenever they were not neighbours: a
collapsed list that was never believed (and so never alerted) showed the whole list dropped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog

from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.cli import main
from archiver.config import Site
from archiver.console.checking import event_data
from archiver.models import Belief, CheckResult, EventType
from archiver.pipeline import Deps, check_site
from tests.support.capture import FakeCapturer, list_page

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
URL = "https://www.bank.example.cn/xxgk/hzjg.html"
NAMES = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市腾讯计算机系统有限公司",
    "北京三快在线科技有限公司",
)
SITE = Site(id="bank", name="某银行", url=URL)
JD = "北京京东世纪贸易有限公司"


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """main() configures logging for the process; put it back for the other tests."""
    config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        structlog.configure(**config)
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, CheckResult]]:
    """Four versions through the real pipeline: a list, a partner added, the list collapsed
    to one name (suspect, unconfirmed), the same short list again (confirmed: believed)."""
    tmp_path = tmp_path_factory.mktemp("diff")
    now = [T0]
    capturer = FakeCapturer(now=lambda: now[0])
    index = SqliteIndex(":memory:")
    deps = Deps(
        store=LocalStore(tmp_path / "archive"),
        capturer=capturer,
        index=index,
        now=lambda: now[0],
        sleep=lambda _: None,
    )
    results: dict[int, CheckResult] = {}
    for page in (list_page(*NAMES), list_page(*NAMES, JD), list_page(NAMES[0]), None):
        if page is not None:
            capturer.page(URL, page)
        result = check_site(SITE, deps)
        assert result.version is not None
        results[result.version.manifest.seq] = result
        now[0] += timedelta(hours=1)
    index.close()
    assert [r.belief for r in results.values()] == [
        Belief.BELIEVED,
        Belief.BELIEVED,
        Belief.UNCONFIRMED,
        Belief.BELIEVED,
    ]
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"storage: {{kind: local, path: {tmp_path / 'archive'}}}\n"
        f"state_dir: {tmp_path / 'var'}\n"
        f"sites:\n  - {{id: bank, name: 某银行, url: '{URL}'}}\n",
        encoding="utf-8",
    )
    return config, results


def diff_events(config: Path, capsys: pytest.CaptureFixture[str], *versions: str) -> Any:
    """The events of `archiver diff bank VERSIONS --json` (main() returns on exit 0)."""
    main(["--config", str(config), "diff", "bank", *versions, "--json"])
    return json.loads(capsys.readouterr().out)["events"]


@pytest.mark.parametrize(("before", "after"), [("1", "2"), ("2", "3"), ("3", "4"), ("2", "4")])
def test_diff_shows_the_events_the_pipeline_made(
    before: str, after: str, history: tuple[Path, dict[int, CheckResult]], capsys: Any
) -> None:
    """Against the version before it, or against the baseline it was compared with, a
    version's diff shows exactly the events of its check (what its alert carried)."""
    config, results = history
    expected = [event_data(e) for e in results[int(after)].events]
    assert diff_events(config, capsys, before, after) == expected


def test_a_list_never_believed_shows_no_events_against_any_version(
    history: tuple[Path, dict[int, CheckResult]], capsys: Any
) -> None:
    """Version 3 (a collapse not yet confirmed) made no events and no alert; compared with
    version 1, two versions back, it still shows none instead of three partners dropped."""
    config, results = history
    assert results[3].events == ()
    assert diff_events(config, capsys, "1", "3") == []


def test_skipping_versions_compares_believed_lists_as_the_pipeline_does(
    history: tuple[Path, dict[int, CheckResult]], capsys: Any
) -> None:
    """1 -> 4: the partners dropped since version 1 (JD was added and dropped in between)."""
    config, _ = history
    events = diff_events(config, capsys, "1", "4")
    assert sorted((e["type"], e["name"]) for e in events) == sorted(
        (EventType.DROPPED.value, name) for name in NAMES[1:]
    )
