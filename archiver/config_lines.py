"""Where in sites.yaml a problem is and how it reads: one line each,
``<file>:<line>: <where>: <what> (<hint>)``. Pure: pydantic's errors and PyYAML's nodes in,
lines out (`config.load` is the one caller).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

import yaml
from pydantic import BaseModel

from archiver.schema import SECTION_PROBLEMS

SECRET_WORDS = ("password", "secret", "token", "access_key", "api_key")
MOVED_KEYS = {  # keys of earlier releases, and where their setting lives now
    "timezone": "one time zone for everything: set the top-level 'timezone', e.g. Asia/Shanghai",
    "utc_offset_hours": "one time zone for everything: set the top-level 'timezone' instead",
}
UNION_TAGS = {"local", "s3"}  # the storage kinds: a step in pydantic's path, not a key


def unfolded(errors: Iterable[Any]) -> Iterator[Any]:
    """Pydantic's errors, with the one error of the rules between sections unfolded into one
    error per problem, each at its own place in the file."""
    for error in errors:
        if error["type"] != SECTION_PROBLEMS:
            yield error
            continue
        for problem in error["ctx"]["problems"]:
            yield {"loc": problem.where, "type": "value_error", "msg": problem.what}


def describe(
    error: Any, data: dict[str, Any], root: yaml.Node | None, path: str, model: type[BaseModel]
) -> str:
    """One line for one pydantic error: file:line: where: what (hint)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        tag = (error.get("ctx") or {}).get("tag")
        what = "'kind' must be 'local' or 's3'" + (f", got {tag!r}" if tag else "")
    elif kind == "extra_forbidden":
        key = str(loc[-1])
        loc = (*loc[:-1], key)
        what = f"unknown key {key!r}"
        if key in MOVED_KEYS:
            what += f" ({MOVED_KEYS[key]})"
        elif any(word in key.lower() for word in SECRET_WORDS):
            what += " (secrets are read from the environment only, see README 'Secrets')"
        else:
            allowed = _allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                what += f" (did you mean {close[0]!r}?)"
            elif allowed:
                what += f" (allowed: {', '.join(sorted(allowed))})"
    elif kind == "missing":
        what = "required key is missing"
    else:
        what = str(error["msg"]).removeprefix("Value error, ")
        if "input" in error and kind not in {"value_error"} and _is_scalar(error["input"]):
            what += f" (got {error['input']!r})"
    line = line_of(root, loc)
    where = _where(loc, data)
    prefix = f"{path}:{line}" if line else path
    return f"{prefix}: {where}: {what}" if where else f"{prefix}: {what}"


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
            site_id = None
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                site_id = node[item].get("id")
            if site_id and parts and parts[-1].startswith("sites["):
                shown = site_id if str(site_id).isprintable() else repr(site_id)
                parts[-1] += f" ({shown})"
        elif isinstance(item, str) and "[" not in item and item not in UNION_TAGS:
            parts.append(item)
        node = _step(node, item)
    return ".".join(parts)


def _step(node: Any, item: Any) -> Any:
    if isinstance(node, dict):
        return node.get(item)
    if isinstance(node, list) and isinstance(item, int) and item < len(node):
        return node[item]
    return None


def line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node on the path `loc`."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for item in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == item:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(item, int):
            if item >= len(node.value):
                return line
            node = node.value[item]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at `loc` inside `root` (Settings)."""
    model: Any = root
    for item in loc:
        if isinstance(item, int) or item in UNION_TAGS:
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or item not in fields:
            return []
        model = _model_in(fields[item].annotation)
        if model is None:
            return []
    fields = getattr(model, "model_fields", {})
    return [info.alias or name for name, info in fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside an annotation such as tuple[Site, ...] | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def duplicate_keys(node: yaml.Node | None, path: str, where: str = "") -> Iterator[str]:
    """Keys given twice in one mapping: YAML keeps the last silently, so a second `sites:`
    would drop the first list. Each is a problem with its line."""
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            here = f"{where}.{key}" if where else key
            if key in first:
                yield (
                    f"{path}:{line}: {here}: duplicate key (first at line {first[key]}; "
                    "only one may be given)"
                )
            else:
                first[key] = line
            yield from duplicate_keys(value_node, path, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from duplicate_keys(item, path, f"{where}[{index}]")


def unique(lines: list[str]) -> list[str]:
    """Distinct problems, in the order of the lines they point at."""

    def line_number(problem: str) -> int:
        match = re.match(r"^[^:]*:(\d+):", problem)
        return int(match.group(1)) if match else 0

    return sorted(dict.fromkeys(lines), key=line_number)
