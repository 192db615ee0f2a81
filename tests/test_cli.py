"""The command line, run as a user runs it: a real process, a real browser, a local site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.testing import LocalSite

LIST = """<html><head><title>合作机构名单</title></head><body><h1>互联网助贷业务合作机构名单</h1>
<p>浏览量：{views}</p><table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table></body></html>"""


def list_page(*names: str, views: int = 1) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return LIST.format(rows=rows, views=views)


def archiver(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def config(tmp_path: Path, local_site: LocalSite) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
network: {{allow_private: true}}
state_dir: {tmp_path / "var"}
sites:
  - {{id: good-bank, name: 好银行, url: "{local_site.url("/list.html")}"}}
  - {{id: broken-bank, name: 坏银行, url: "{local_site.url("/500")}"}}
""",
        encoding="utf-8",
    )
    local_site.page("/list.html", list_page("蚂蚁智信（杭州）信息技术有限公司"))
    local_site.page("/500", "<h1>error</h1>", status=500)
    return path


@pytest.mark.browser
def test_check_history_diff_show_verify(config: Path, local_site: LocalSite) -> None:
    first = archiver(config, "check", "--json")
    assert first.returncode == 0, first.stderr
    results = {r["site"]: r for r in map(json.loads, first.stdout.splitlines())}
    assert results["good-bank"]["outcome"] == "new"
    assert results["good-bank"]["version"] == 1
    assert results["good-bank"]["error"] is None
    assert results["broken-bank"]["outcome"] == "failed"
    assert results["broken-bank"]["version"] is None
    assert results["broken-bank"]["error"] == "HTTP 500"
    for result in results.values():
        assert {"site", "outcome", "version", "error", "events", "status"} <= set(result)

    local_site.page("/list.html", list_page("蚂蚁智信（杭州）信息技术有限公司", views=99))
    again = archiver(config, "check", "good-bank", "--json")
    assert json.loads(again.stdout)["outcome"] == "unchanged"
    held = json.loads(archiver(config, "history", "good-bank", "--json").stdout)
    assert held["unchanged_since"]["at"] == held["versions"][0]["captured_at"]
    assert held["unchanged_since"]["as_of"] > held["unchanged_since"]["at"]  # the second check
    assert "起未变化" in archiver(config, "history", "good-bank").stdout

    local_site.page(
        "/list.html", list_page("蚂蚁智信（杭州）信息技术有限公司", "上海淇毓信息科技有限公司")
    )
    human = archiver(config, "check", "good-bank")
    assert human.returncode == 0
    assert "检查 1 项：有变化 1" in human.stdout

    history = json.loads(archiver(config, "history", "good-bank", "--json").stdout)
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["last_check"]["outcome"] == "changed"

    diff = json.loads(archiver(config, "diff", "good-bank", "--json").stdout)
    assert (diff["from"], diff["to"]) == (1, 2)
    inserted = "".join(chunk for op, chunk in diff["text"]["ops"] if op == 1)
    assert "上海淇毓信息科技有限公司" in inserted
    assert "上海淇毓信息科技有限公司" in archiver(config, "diff", "good-bank", "1", "2").stdout

    shown = json.loads(archiver(config, "show", "good-bank", "1", "--json").stdout)
    assert shown["seq"] == 1 and shown["site_id"] == "good-bank"
    assert "第 2 版（共 2 版）" in archiver(config, "show", "good-bank").stdout

    verified = archiver(config, "verify")
    assert verified.returncode == 0
    assert "good-bank: ok (2 versions" in verified.stdout


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_bad_configuration_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - {id: a, name: A, url: 'https://a/', selecter: x}\n")
    result = archiver(path, "check")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{path}:2: sites[0] (a).selecter: unknown key 'selecter' (did you mean 'selector'?)"
    ]
    assert archiver(path, "config", "check").returncode == 2


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_a_missing_configuration_file_is_one_line(tmp_path: Path) -> None:
    result = archiver(tmp_path / "nope.yaml", "check")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{tmp_path / 'nope.yaml'}: no such configuration file (use --config PATH)"
    )


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_a_bad_cron_expression_fails_config_check(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - {id: a, name: A, url: 'https://a/', cron: '0 25 * * *'}\n")
    result = archiver(path, "config", "check")
    assert result.returncode == 2
    assert "sites[0] (a).cron: Error validating expression '25'" in result.stderr


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_unknown_sites_and_versions_are_usage_errors(config: Path) -> None:
    unknown = archiver(config, "check", "good-bnak")
    assert unknown.returncode == 2
    assert "did you mean 'good-bank'" in unknown.stderr
    missing = archiver(config, "diff", "good-bank")
    assert missing.returncode == 1
    line = missing.stderr.strip()
    assert "\n" not in line
    assert line.startswith("错误：good-bank：尚无存档版本（先运行 ")
    assert line.endswith(f"-m archiver -c {config} check good-bank）")


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_config_check_summarises_a_valid_file(config: Path) -> None:
    result = archiver(config, "config", "check")
    assert result.returncode == 0
    assert "ok, 2 sites (2 enabled, 2 unverified), storage local" in result.stdout
    assert "no " in result.stdout and "entities.yaml: renames only from what pages state" in (
        result.stdout.replace("\n", "")
    )
    (config.parent / "entities.yaml").write_text(
        "entities: {qifu: {name: 上海淇毓信息科技有限公司, former: [360数科]}}\n", encoding="utf-8"
    )
    assert "1 known entities from" in archiver(config, "config", "check").stdout


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_verify_exits_1_when_the_archive_was_tampered_with(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from archiver import archive
    from archiver.adapters.local_store import LocalStore
    from archiver.models import Manifest

    store = LocalStore(tmp_path / "archive")
    for seq in (1, 2):
        previous = archive.head(store, "a")
        archive.write(
            store,
            Manifest(
                site_id="a",
                seq=seq,
                captured_at=datetime(2025, 10, seq, tzinfo=UTC),
                requested_url="https://a/",
                final_url="https://a/",
                http_status=200,
                browser_version="x",
                content_digest=str(seq) * 64,
                previous=archive.link_to(previous),
            ),
        )
    first = tmp_path / "archive/sites/a/versions/00000001.json"
    first.write_text(first.read_text().replace("https://a/", "https://b/"))
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"storage: {{kind: local, path: {tmp_path / 'archive'}}}\n"
        "network: {allow_private: true}\n"
        f"state_dir: {tmp_path / 'var'}\nsites: []\n"
    )
    result = archiver(path, "verify", "a")
    assert result.returncode == 1
    assert "a: BROKEN (2 versions" in result.stdout
    assert "version 1 was altered after this one was written" in result.stdout


@pytest.mark.browser
def test_reindex_rebuilds_the_index_from_the_archive(config: Path, tmp_path: Path) -> None:
    archiver(config, "check", "good-bank")
    (tmp_path / "var" / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / "var" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    result = archiver(config, "reindex")
    assert result.returncode == 0
    assert "indexed 1 versions" in result.stdout
