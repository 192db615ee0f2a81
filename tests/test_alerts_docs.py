"""Every `alerts:` key appears in the example of docs/alerts.md (datasette style)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from archiver.alerts.settings import (
    AlertSettings,
    ChatSettings,
    EmailSettings,
    OperatorSettings,
    RetrySettings,
    SmtpSettings,
)

DOC = (Path(__file__).parent.parent / "docs" / "alerts.md").read_text(encoding="utf-8")
EXAMPLE = DOC.split("```yaml", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize(
    "model",
    [AlertSettings, EmailSettings, SmtpSettings, ChatSettings, OperatorSettings, RetrySettings],
    ids=lambda m: m.__name__,
)
def test_every_key_is_in_the_documented_example(model: type[BaseModel]) -> None:
    """A new key without documentation fails here."""
    keys = [info.alias or name for name, info in model.model_fields.items()]
    assert [key for key in keys if f" {key}:" not in EXAMPLE] == []


def test_the_documented_example_is_valid() -> None:
    """The example in the docs loads as it is written."""
    from archiver import config

    settings = config.load(EXAMPLE, path="docs/alerts.md")
    assert settings.alerts.operator.to == ("ops@example.org",)
    assert settings.alerts.groups == {"foreign-banks": ("fx-desk@example.org",)}
