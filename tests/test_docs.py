"""Every configuration key is documented (datasette style): a new key without docs fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from archiver.config import BrowserSettings, LocalStorage, S3Storage, Settings, Site

REFERENCE = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text(
    encoding="utf-8"
)


def keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


@pytest.mark.parametrize(
    "model", [Settings, Site, BrowserSettings, LocalStorage, S3Storage], ids=lambda m: m.__name__
)
def test_every_key_is_in_the_configuration_reference(model: type[BaseModel]) -> None:
    missing = [key for key in keys_of(model) if f"`{key}`" not in REFERENCE and key != "kind"]
    assert missing == []


def test_the_readme_quick_start_is_exactly_two_commands() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_what_the_readme_tells_a_new_user() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ] == ["make test"]
