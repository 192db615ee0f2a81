"""The labelled corpus: every page reads as labelled, every pair gives exactly its events."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from archiver.models import ListStatus
from archiver.partners import AliasTable, load_aliases, match_key

ROOT = Path(__file__).resolve().parents[1]


def _load_corpus() -> ModuleType:
    path = ROOT / "tests" / "fixtures" / "partners" / "corpus.py"
    spec = importlib.util.spec_from_file_location("partners_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
PAGES = corpus.page_cases()
PAIRS = list(corpus.pair_cases())


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(
        (ROOT / "config" / "entities.yaml").read_text(), path="config/entities.yaml"
    )


def test_corpus_is_large_and_varied() -> None:
    """At least 40 pages in many formats, and pairs for every mutation group."""
    assert len(PAGES) >= 40
    assert len({case.format for case in PAGES}) >= 20
    assert {case.group for case in PAIRS} >= {"real", "noise", "layout"}


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.id)
def test_page_reads_as_labelled(case, aliases) -> None:
    """Status, every partner (by match key), categories, markers, products, truncation."""
    expect = case.expect
    result = corpus.replay([case.capture()], aliases)[0][0]
    assert result.list_status is ListStatus(expect["status"]), result.list_note
    wanted = Counter(match_key(name) for name in expect["names"])
    got = Counter(partner.match_key for partner in result.partners)
    assert got == wanted, (sorted((got - wanted).elements()), sorted((wanted - got).elements()))
    categories = Counter(partner.category.value for partner in result.partners)
    assert dict(categories) == {k: v for k, v in expect["categories"].items() if v}
    by_key = {partner.match_key: partner for partner in result.partners}
    for name, markers in expect.get("markers", {}).items():
        assert [m.value for m in by_key[match_key(name)].markers] == markers, name
    for name, products in expect.get("products", {}).items():
        assert list(by_key[match_key(name)].products) == products, name
    for name, former in expect.get("former", {}).items():
        assert list(by_key[match_key(name)].former_names) == former, name
    for name, entity in expect.get("entities", {}).items():
        assert by_key[match_key(name)].entity == entity, name
    assert bool(result.truncated) is expect["truncated"], result.truncated
    if "note" in expect:
        assert expect["note"] in result.list_note
    if expect.get("as_of"):
        assert result.as_of


@pytest.mark.parametrize("case", PAIRS, ids=lambda case: case.id)
def test_pair_gives_exactly_its_events(case, aliases) -> None:
    """Each step from one version to the next gives the labelled events, no more, no less."""
    results = corpus.replay(case.captures(), aliases)
    for step, (expected, (_, events)) in enumerate(zip(case.steps, results[1:], strict=True), 1):
        got = sorted(corpus.event_key(event) for event in events)
        want = sorted(corpus.event_key(event) for event in expected)
        assert got == want, f"step {step}"
