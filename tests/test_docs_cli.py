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
