"""The curated alias table (config/entities.yaml): renames and group -> entity. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Known renames and brand/group names, by match key."""

    renamed_to: tuple[tuple[str, str], ...] = ()


def load_aliases(text: str, *, path: str = "entities.yaml") -> AliasTable:
    """Parse the alias file."""
    del text, path
    return AliasTable()
