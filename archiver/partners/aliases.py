"""The curated alias table (config/entities.yaml): renames and brand/group -> entity. Pure.

    groups:
      meituan:
        name: 美团
        aliases: [美团系, 美团金融]
    entities:
      meituan-sankuai:
        name: 重庆三快小额贷款有限公司
        group: meituan
        aliases: [美团小贷]
        former: []            # names used before a rename (these give "renamed" events)

Every name is looked up by its match key, so bracket width, legal form and a moved city
never need their own alias. Nothing is ever merged on similarity: only this file says that
two different names are one entity. `load_aliases` reports every problem at once, one line
each, naming the file, the line and the field.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from types import MappingProxyType

import yaml

from archiver.errors import ConfigError
from archiver.partners.names import clean_text, match_key, qualifier_of, qualifiers_agree

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TOP_KEYS = ("entities", "groups")
_ENTITY_KEYS = ("name", "aliases", "former", "group", "note")
_GROUP_KEYS = ("name", "aliases", "note")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """One legal entity, or one group of entities (美团, 抖音) when `is_group`."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    group: str = ""
    is_group: bool = False


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Known entities and groups, and every name that points at one, by match key."""

    entities: MappingProxyType[str, Entity] = field(default_factory=lambda: MappingProxyType({}))
    # match key -> ((region qualifier of the listed name, entity id), ...)
    by_key: MappingProxyType[str, tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def entity_of(self, name: str) -> str:
        """Entity (or group) id a published name resolves to, "" when unknown.

        >>> text = "entities: {qifu: {name: 上海淇毓信息科技有限公司, former: [360数科]}}"
        >>> table = load_aliases(text)
        >>> table.entity_of("上海淇毓信息科技股份有限公司"), table.entity_of("360数科")
        ('qifu', 'qifu')
        """
        region = qualifier_of(name)
        claims = self.by_key.get(match_key(name), ())
        return next((i for q, i in claims if qualifiers_agree(q, region)), "")

    def get(self, entity_id: str) -> Entity | None:
        """The entity or group with this id."""
        return self.entities.get(entity_id)

    def is_group(self, entity_id: str) -> bool:
        """True when the id names a group of entities (美团), not one entity."""
        found = self.entities.get(entity_id)
        return found is not None and found.is_group

    def group_of(self, entity_id: str) -> str:
        """The group an entity belongs to ("" for none; a group is its own group)."""
        found = self.entities.get(entity_id)
        if found is None:
            return ""
        return found.id if found.is_group else found.group

    def members(self, group_id: str) -> tuple[str, ...]:
        """Ids of the entities in a group, in file order."""
        return tuple(e.id for e in self.entities.values() if e.group == group_id)

    def names_of(self, entity_id: str) -> tuple[str, ...]:
        """Every name the file gives an entity or group: canonical, aliases, former."""
        found = self.entities.get(entity_id)
        if found is None:
            return ()
        return (found.name, *found.aliases, *found.former)


def load_aliases(text: str, *, path: str = "entities.yaml") -> AliasTable:
    """Parse and check the alias file; ConfigError lists every problem, one per line."""
    problems: list[str] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError([f"{path}:{line}: YAML syntax error: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}:1: YAML error: {exc}"]) from exc
    if root is None:
        return AliasTable()
    reader = _Reader(path, problems)
    sections = reader.mapping(root, "top level", _TOP_KEYS)
    groups = reader.section(sections.get("groups"), "groups", _GROUP_KEYS, is_group=True)
    entities = reader.section(sections.get("entities"), "entities", _ENTITY_KEYS, is_group=False)
    for entity_id, (entity, line) in entities.items():
        if entity_id in groups:
            problems.append(
                f"{path}:{line}: entities.{entity_id}: id is also used by a group "
                f"(line {groups[entity_id][1]})"
            )
        if entity.group and entity.group not in groups:
            problems.append(
                f"{path}:{line}: entities.{entity_id}.group: unknown group '{entity.group}'"
                + _did_you_mean(entity.group, tuple(groups))
            )
    table = {**{k: v for k, (v, _) in groups.items()}, **{k: v for k, (v, _) in entities.items()}}
    lines = {
        **{k: ln for k, (_, ln) in groups.items()},
        **{k: ln for k, (_, ln) in entities.items()},
    }
    by_key: dict[str, tuple[tuple[str, str], ...]] = {}
    for entity_id, entity in table.items():
        for name in dict.fromkeys((entity.name, *entity.aliases, *entity.former)):
            key, region = match_key(name), qualifier_of(name)
            claims = by_key.get(key, ())
            owner = next((i for q, i in claims if qualifiers_agree(q, region)), entity_id)
            if owner == entity_id:
                by_key[key] = (*claims, (region, entity_id))
            else:
                kind = "groups" if entity.is_group else "entities"
                problems.append(
                    f"{path}:{lines[entity_id]}: {kind}.{entity_id}: name '{name}' already "
                    f"belongs to '{owner}' (line {lines[owner]}); one name, one entity"
                )
    if problems:
        raise ConfigError(sorted(problems, key=_line_number))
    return AliasTable(MappingProxyType(table), MappingProxyType(by_key))


class _Reader:
    """Walks the composed YAML nodes, collecting problems with their line numbers."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, node: yaml.Node, where: str, message: str) -> None:
        self.problems.append(f"{self.path}:{node.start_mark.line + 1}: {where}: {message}")

    def mapping(
        self, node: yaml.Node, where: str, allowed: tuple[str, ...] | None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """key -> (key node, value node); unknown and duplicate keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"must be a mapping, got {_kind(node)}")
            return {}
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.problem(key_node, f"{where}.{key}", "duplicate key")
                continue
            if allowed is not None and key not in allowed:
                self.problem(
                    key_node,
                    where,
                    f"unknown key '{key}'" + _did_you_mean(key, allowed, allowed_list=True),
                )
                continue
            found[key] = (key_node, value_node)
        return found

    def section(
        self,
        pair: tuple[yaml.Node, yaml.Node] | None,
        where: str,
        keys: tuple[str, ...],
        *,
        is_group: bool,
    ) -> dict[str, tuple[Entity, int]]:
        node = pair[1] if pair is not None else None
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~")):
            return {}
        result: dict[str, tuple[Entity, int]] = {}
        for entity_id, (key_node, body) in self.mapping(node, where, None).items():
            here = f"{where}.{entity_id}"
            if not _ID.match(entity_id):
                self.problem(key_node, here, "id must be lower-case letters, digits and '-'")
            fields = {k: v for k, (_, v) in self.mapping(body, here, keys).items()}
            name = self.text(fields.get("name"), f"{here}.name", key_node)
            aliases = self.names(fields.get("aliases"), f"{here}.aliases")
            former = self.names(fields.get("former"), f"{here}.former")
            group = self.text(fields.get("group"), f"{here}.group", None) if not is_group else ""
            if not name:
                continue
            entity = Entity(
                id=entity_id,
                name=name,
                aliases=aliases,
                former=former,
                group=group,
                is_group=is_group,
            )
            result[entity_id] = (entity, key_node.start_mark.line + 1)
        return result

    def text(self, node: yaml.Node | None, where: str, parent: yaml.Node | None) -> str:
        if node is None:
            if parent is not None:
                self.problem(parent, where, "required")
            return ""
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.problem(node, where, f"must be a non-empty string, got {_kind(node)}")
            return ""
        return clean_text(str(node.value))

    def names(self, node: yaml.Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, where, f"must be a list of names, got {_kind(node)}")
            return ()
        names = []
        for index, item in enumerate(node.value):
            value = self.text(item, f"{where}[{index}]", None)
            if value:
                names.append(value)
        return tuple(names)


def _line_number(problem: str) -> int:
    found = re.match(r"^.*?:(\d+): ", problem)
    return int(found.group(1)) if found else 0


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = str(node.value)
    return "nothing" if value in ("", "~", "null") else f"'{value}'"


def _did_you_mean(word: str, choices: tuple[str, ...], *, allowed_list: bool = False) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if allowed_list:
        return f" (allowed: {', '.join(choices)})"
    return ""
