"""`archiver run` and `check` refuse what `archiver config check` refuses: one validation.

Before, `run` built the cron triggers only, so a site naming an alert group that does not
exist (or a recipient that is not an address) started a daemon that silently alerted nobody.
Now loading the file is validating it (model validators of `config.Settings`), and every
command loads it the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from archiver.cli import main
from archiver.console.exits import Exit


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


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
alerts:
  groups: {{risk: [risk@example.org]}}
sites:
  - {{id: bank, name: 某银行, url: "https://www.bank.example.cn/", groups: [risk, nobody]}}
  - {{id: other, name: 另一银行, url: "https://www.other.example.cn/", cron: "0 25 * * *"}}
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", [["run"], ["check"], ["config", "check"]], ids=" ".join)
def test_run_and_config_check_report_the_same_problems(
    command: list[str], config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(config), *command])
    assert exited.value.code == Exit.USAGE
    lines = capsys.readouterr().err.splitlines()
    assert any(f"{config}:7: sites[0] (bank).groups: no group 'nobody'" in ln for ln in lines), (
        lines
    )
    assert any(f"{config}:8: sites[1] (other).cron: Error validating" in ln for ln in lines), lines
    assert len(lines) == 2, lines
