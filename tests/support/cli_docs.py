"""docs/cli.md, generated from the commands' own `--help` (tests/test_docs_cli.py checks it).

.venv/bin/python -m tests.support.cli_docs > docs/cli.md
"""

from __future__ import annotations

import sys

import click

from archiver.cli import main_group

WIDTH = 96
HEADER = """# Command reference

Generated from `archiver --help` and each command's `--help`; do not edit by hand
(regenerate with `.venv/bin/python -m tests.support.cli_docs > docs/cli.md`). The README
explains the commands with examples; this page is the exact text of their help.
"""


def sections(command: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    """The help of `command` and of every subcommand, depth first in name order."""
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    text = command.get_help(ctx).rstrip()
    found = [f"## `{' '.join(path)}`\n\n```text\n{text}\n```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found.extend(sections(sub, [*path, name], ctx))
    return found


def render() -> str:
    """The whole of docs/cli.md."""
    return "\n".join([HEADER, *sections(main_group, ["archiver"], None)])


if __name__ == "__main__":
    sys.stdout.write(render())
