"""The layers as docs/architecture.md draws them, checked on the source.

Every `import` of every module counts, also those under `if TYPE_CHECKING:` and those inside
functions: a cycle hidden from the interpreter is still a knot a reader has to untie.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "archiver"

# Adapters are the outermost ring's tools: they may use the core's records, ports and rules,
# never the features or orchestration that use them.
ABOVE_ADAPTERS = (
    "archiver.alerts",
    "archiver.app",
    "archiver.cli",
    "archiver.console",
    "archiver.discovery",
    "archiver.passes",
    "archiver.pipeline",
    "archiver.publish",
    "archiver.runner",
    "archiver.schedule",
)
PORTS_MAY_IMPORT = ("archiver.config", "archiver.models")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def known(name: str) -> str | None:
    """The archiver module an import names (a name imported from a module is that module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(path: Path) -> set[str]:
    """Every module of the package that `path` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(m for name in names if (m := known(name)) is not None)
    return found


GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def cycle(graph: Mapping[str, set[str]]) -> list[str]:
    """One import cycle of the graph, or [] when it has none.

    >>> sorted(set(cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})))
    ['a', 'b', 'c']
    >>> cycle({"a": {"b"}, "b": set()})
    []
    """
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_the_package_has_no_import_cycle() -> None:
    assert cycle(GRAPH) == []


def test_the_graph_sees_imports_under_type_checking_and_in_functions() -> None:
    """Known edges of each kind, so the cycle check cannot pass by seeing nothing."""
    assert "archiver.ports" in GRAPH["archiver.pipeline"]  # module level
    assert "archiver.adapters.smtp" in GRAPH["archiver.app"]  # inside a function
    assert "archiver.config" in GRAPH["archiver.alerts.alerter"]  # under TYPE_CHECKING too


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("archiver.adapters")))
def test_adapters_import_only_downward(name: str) -> None:
    upward = sorted(m for m in GRAPH[name] if m.startswith(ABOVE_ADAPTERS))
    assert upward == [], f"{name} imports {upward}"


def test_ports_depend_only_on_records() -> None:
    assert GRAPH["archiver.ports"] <= set(PORTS_MAY_IMPORT)


def test_the_runtime_package_does_not_import_the_tests() -> None:
    """Test builders live in tests/support, never in the package that ships."""
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("tests"), f"{name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("tests") for a in node.names), name


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    sizes = {name: len(path.read_text("utf-8").splitlines()) for name, path in MODULES.items()}
    over = {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not over, f"split by responsibility: {over}"
