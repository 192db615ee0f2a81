"""docs/cli.md is the commands' own help, so it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from tests.support import cli_docs

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_the_command_reference_is_the_help_of_every_command() -> None:
    assert DOC.read_text(encoding="utf-8") == cli_docs.render(), (
        "docs/cli.md is stale: run '.venv/bin/python -m tests.support.cli_docs > docs/cli.md'"
    )


def test_every_command_has_a_section() -> None:
    text = cli_docs.render()
    for command in ("check", "run", "config check", "outbox resend", "sites report", "verify"):
        assert f"## `archiver {command}`" in text


def test_a_command_run_on_its_own_keeps_its_short_help_option() -> None:
    """Click keeps the help option a command was first invoked with; a command first run
    outside the group (as a test or an embedding program does) must still answer -h."""
    from click.testing import CliRunner

    from archiver.discovery.cli import sites_group

    assert CliRunner().invoke(sites_group, ["report", "-h"]).exit_code == 0
    assert "-h, --help" in CliRunner().invoke(sites_group, ["--help"]).output
    assert DOC.read_text(encoding="utf-8") == cli_docs.render()
