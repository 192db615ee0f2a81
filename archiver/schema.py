"""Base class of every configuration model, and the one way a rule between sections fails.
Pure.

Rules that read more than one section (a site's `groups` against `alerts.groups`, ids unique
across `sites`) are model validators of the composed `config.Settings`; each yields
`SectionProblem`s, which `section_problems_error` turns into one pydantic error that
`config.load` unfolds into one line per problem, each with its file:line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

SECTION_PROBLEMS = "section_problems"  # the pydantic error type `config.load` unfolds


class Strict(BaseModel):
    """Frozen, and unknown keys are errors (reported with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@dataclass(frozen=True)
class SectionProblem:
    """A rule between sections broken: where in the file (a path such as
    ``("sites", 1, "groups")``) and what is wrong."""

    where: tuple[str | int, ...]
    what: str


def section_problems_error(problems: Sequence[SectionProblem]) -> PydanticCustomError:
    """One pydantic error carrying every problem (a validator can raise only one).

    >>> error = section_problems_error([SectionProblem(("sites", 0, "id"), "duplicate")])
    >>> error.type, error.message()
    ('section_problems', 'sites.0.id: duplicate')
    """
    summary = "; ".join(
        ".".join(str(part) for part in problem.where) + f": {problem.what}" for problem in problems
    )
    return PydanticCustomError(
        SECTION_PROBLEMS, "{summary}", {"summary": summary, "problems": tuple(problems)}
    )
