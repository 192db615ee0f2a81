"""Base class of every configuration model. Pure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Frozen, and unknown keys are errors (reported with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
