"""The CLI as an analyst reads it: version numbers, Chinese labels, local times."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.adapters.local_store import LocalStore
from archiver.models import Category, EventType, Marker, PartnerEvent
from tests.support.archives import ArchiveBuilder
from tests.support.builders import partner

T0 = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.fixture
def config(tmp_path: Path) -> Path:
    store = LocalStore(tmp_path / "archive")
    b = ArchiveBuilder(store, start=T0)
    fql = partner("深圳市分期乐网络科技有限公司", category=Category.PLATFORM, category_raw="")
    ant = partner("蚂蚁智信（杭州）信息技术有限公司", category=Category.PLATFORM)
    b.version("bank", (ant, fql), at=T0)
    suspended = replace(fql, markers=(Marker.SUSPENDED,))
    event = PartnerEvent(
        type=EventType.FIELD_CHANGED,
        name=fql.name,
        match_key=fql.match_key,
        field="markers",
        before="",
        after="suspended",
    )
    b.version("bank", (ant, suspended), events=(event,))
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
network: {{allow_private: true}}
sites:
  - {{id: bank, name: 银行, url: "https://bank.example/"}}
""",
        encoding="utf-8",
    )
    return path


def archiver(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200"},  # a wide terminal: table cells stay whole
    )


@pytest.mark.slow  # starts the archiver as a process: an integration test
@pytest.mark.parametrize("command", ["show", "diff"])
def test_version_zero_is_an_error_that_says_how_versions_count(config: Path, command: str) -> None:
    result = archiver(config, command, "bank", "0")
    assert result.returncode == 2
    assert "versions are numbered from 1; bank has 1 to 2" in result.stderr
    assert "Traceback" not in result.stderr
    beyond = archiver(config, command, "bank", "3")
    assert beyond.returncode == 2
    assert "bank has versions 1 to 2, not 3" in beyond.stderr


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_diff_speaks_chinese_for_markers_and_categories(config: Path) -> None:
    result = archiver(config, "diff", "bank")
    assert result.returncode == 0, result.stderr
    assert "状态标记：（空） → 已暂停合作" in result.stdout
    assert "suspended" not in result.stdout
    first = archiver(config, "diff", "bank", "1")
    assert "第 1 版是首次存档，2 家合作机构" in first.stdout
    shown = archiver(config, "show", "bank", "1")
    assert "平台运营/营销获客" in shown.stdout and "platform" not in shown.stdout


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_times_are_in_the_configured_zone(config: Path) -> None:
    history = archiver(config, "history", "bank")
    assert "2025-10-01 10:00:00" in history.stdout  # Asia/Shanghai by default
    assert "北京时间" in history.stdout
    config.write_text("timezone: UTC\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    utc = archiver(config, "history", "bank")
    assert "2025-10-01 02:00:00" in utc.stdout and "UTC+00:00" in utc.stdout
