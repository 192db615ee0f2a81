"""The alias file: the curated config/entities.yaml loads, and every mistake is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.errors import ConfigError
from archiver.partners import AliasTable, load_aliases

CONFIG = Path(__file__).resolve().parents[1] / "config" / "entities.yaml"


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return load_aliases(CONFIG.read_text(), path="config/entities.yaml")


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("蚂蚁智信（杭州）信息技术有限公司", "ant-zhixin"),
        ("杭州蚂蚁智信信息技术有限公司", "ant-zhixin"),  # moved region: no alias needed
        ("借呗", "ant-shangcheng"),
        ("花呗", "ant-xiaowei"),
        ("360数科", "qifu"),
        ("奇富科技", "qifu"),
        ("上海淇毓信息科技股份有限公司", "qifu"),  # legal-form drift: no alias needed
        ("拍拍贷", "xinye"),
        ("信也科技", "xinye"),
        ("小米数科", "tianxing"),
        ("京东金融", "jd-tech"),
        ("京东数科", "jd-tech"),
        ("美团", "meituan"),
        ("重庆三快小额贷款有限公司", "meituan-sankuai"),
        ("抖音", "douyin"),
        ("江苏苏宁银行股份有限公司", "sushang-bank"),
        ("华融湘江银行", "hunan-bank"),
        ("深圳市凯旋融资担保有限公司", ""),  # not in the file: no entity
    ],
)
def test_curated_names_resolve(table: AliasTable, name: str, entity: str) -> None:
    """Renames, brands and groups of DOMAIN.md §3 resolve to their entity id."""
    assert table.entity_of(name) == entity


def test_groups_know_their_members(table: AliasTable) -> None:
    """美团 is a group of two entities; an entity's group is found."""
    assert table.is_group("meituan")
    assert table.members("meituan") == ("meituan-sankuai", "meituan-liangxin")
    assert table.group_of("ant-xiaowei") == "ant"
    assert table.group_of("meituan") == "meituan"
    assert table.group_of("nonexistent") == ""


def test_names_not_seen_are_not_invented(table: AliasTable) -> None:
    """Entities whose legal name DOMAIN.md marks "not seen" keep the short published name."""
    for entity_id in ("tianxing", "douyin-xingchen", "douyin-haohai", "didi-fangxiang"):
        entity = table.get(entity_id)
        assert entity is not None
        assert not entity.name.endswith("公司"), entity.name


@pytest.mark.parametrize("text", ["", "# only a comment\n", "groups:\nentities:\n"])
def test_empty_file_gives_an_empty_table(text: str) -> None:
    """No entries is not an error."""
    assert load_aliases(text).entities == {}


BAD_FILES = [
    (
        "entites: {}\n",
        ["e.yaml:1: top level: unknown key 'entites' (did you mean 'entities'?)"],
    ),
    (
        "entities: [a, b]\n",
        ["e.yaml:1: entities: must be a mapping, got a list"],
    ),
    (
        "entities:\n  Qifu:\n    name: 上海淇毓信息科技有限公司\n",
        ["e.yaml:2: entities.Qifu: id must be lower-case letters, digits and '-'"],
    ),
    (
        "entities:\n  qifu:\n    aliases: [奇富]\n",
        ["e.yaml:2: entities.qifu.name: required"],
    ),
    (
        "entities:\n  qifu:\n    name: 上海淇毓信息科技有限公司\n    aliases: 奇富\n",
        ["e.yaml:4: entities.qifu.aliases: must be a list of names, got '奇富'"],
    ),
    (
        "entities:\n  qifu:\n    name: 上海淇毓信息科技有限公司\n    aliases: [奇富, {x: 1}]\n",
        ["e.yaml:4: entities.qifu.aliases[1]: must be a non-empty string, got a mapping"],
    ),
    (
        "entities:\n  qifu:\n    name: 上海淇毓信息科技有限公司\n    grup: qifu\n",
        ["e.yaml:4: entities.qifu: unknown key 'grup' (did you mean 'group'?)"],
    ),
    (
        "entities:\n  a:\n    name: 重庆三快小额贷款有限公司\n    group: meituann\n",
        ["e.yaml:2: entities.a.group: unknown group 'meituann'"],
    ),
    (
        "entities:\n  a:\n    name: 甲公司\n"
        "  b:\n    name: 乙公司\n    aliases: [甲股份有限公司]\n",
        [
            "e.yaml:4: entities.b: name '甲股份有限公司' already belongs to 'a' (line 2); "
            "one name, one entity"
        ],
    ),
    (
        "groups:\n  mt: {name: 美团}\nentities:\n  mt: {name: 重庆三快小额贷款有限公司}\n",
        ["e.yaml:4: entities.mt: id is also used by a group (line 2)"],
    ),
    (
        "entities:\n  a: {name: 甲公司}\n  a: {name: 乙公司}\n",
        ["e.yaml:3: entities.a: duplicate key"],
    ),
    (
        "entities:\n  a: {name: [甲公司 \n",
        ["e.yaml:3: YAML syntax error: expected ',' or ']', but got '<stream end>'"],
    ),
]


@pytest.mark.parametrize(("text", "problems"), BAD_FILES)
def test_bad_alias_file_names_file_line_and_field(text: str, problems: list[str]) -> None:
    """ConfigError holds one line per problem: file, line, field, what is wrong."""
    with pytest.raises(ConfigError) as caught:
        load_aliases(text, path="e.yaml")
    assert caught.value.problems == problems


def test_every_problem_is_reported_at_once() -> None:
    """Several mistakes give several lines, in file order."""
    text = "entites: {}\nentities:\n  Bad:\n    name: 甲公司\n  b:\n    aliases: 乙\n"
    with pytest.raises(ConfigError) as caught:
        load_aliases(text, path="config/entities.yaml")
    assert caught.value.problems == [
        "config/entities.yaml:1: top level: unknown key 'entites' (did you mean 'entities'?)",
        "config/entities.yaml:3: entities.Bad: id must be lower-case letters, digits and '-'",
        "config/entities.yaml:5: entities.b.name: required",
        "config/entities.yaml:6: entities.b.aliases: must be a list of names, got '乙'",
    ]
    assert str(caught.value).count("\n") == 3
