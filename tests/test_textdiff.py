"""Character-level Chinese diff: correct ops, patches that apply, and a time limit that holds."""

from __future__ import annotations

import random

import pytest

from archiver import textdiff


@pytest.mark.parametrize(
    ("before", "after", "inserted", "deleted"),
    [
        ("", "", 0, 0),
        ("蚂蚁智信", "蚂蚁智信", 0, 0),
        ("", "新增合作机构", 6, 0),
        ("合作机构：蚂蚁智信\n", "合作机构：蚂蚁智信\n奇富科技\n", 5, 0),
        ("一、平台运营机构\n度小满\n", "一、平台运营机构\n", 0, 4),
        ("上海淇毓信息科技有限公司", "上海奇富信息科技有限公司", 2, 2),
    ],
)
def test_counts(before: str, after: str, inserted: int, deleted: int) -> None:
    diff = textdiff.compare(before, after)
    assert (diff.inserted, diff.deleted) == (inserted, deleted)
    assert diff.is_empty == (inserted == deleted == 0)


def test_ops_rebuild_both_texts() -> None:
    before, after = "序号 名称\n1 蚂蚁\n2 京东\n", "序号 名称\n1 蚂蚁\n2 度小满\n3 京东\n"
    diff = textdiff.compare(before, after)
    assert "".join(t for op, t in diff.ops if op != textdiff.INSERT) == before
    assert "".join(t for op, t in diff.ops if op != textdiff.DELETE) == after


def test_patch_round_trip() -> None:
    before, after = "甲\n乙\n丙\n", "甲\n乙改\n丙\n丁\n"
    patch = textdiff.to_patch(before, textdiff.compare(before, after))
    assert textdiff.apply_patch(before, patch) == after


def test_a_patch_that_does_not_apply_is_an_error() -> None:
    patch = textdiff.to_patch("甲乙丙" * 3, textdiff.compare("甲乙丙" * 3, "甲乙丁" * 3))
    with pytest.raises(ValueError, match="does not apply"):
        textdiff.apply_patch("完全不同的文本" * 5, patch)


def test_unified_lines_show_changed_lines_with_context() -> None:
    rows = textdiff.unified_lines("a\nb\nc\nd\ne\n", "a\nb\nC\nd\ne\n", context=1)
    assert rows == [(" ", "b"), ("-", "c"), ("+", "C"), (" ", "d")]


def _chinese(n: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = []
    while sum(len(line) + 1 for line in lines) < n:
        lines.append("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(8, 40))))
    return "\n".join(lines)


@pytest.mark.slow
def test_large_texts_use_line_mode_and_stay_exact() -> None:
    before = _chinese(100_000, seed=1)
    lines = before.split("\n")
    lines[len(lines) // 2] = "新增合作机构：奇富科技"
    after = "\n".join(lines)
    diff = textdiff.compare(before, after)
    assert "".join(t for op, t in diff.ops if op != textdiff.DELETE) == after
    assert diff.inserted < 50


def test_a_diff_cut_short_by_the_time_limit_is_still_exact() -> None:
    """Past the limit the diff is coarser, never wrong (the timing is in benchmarks/)."""
    before, after = _chinese(30_000, seed=2), _chinese(30_000, seed=3)
    diff = textdiff.compare(before, after, timeout_s=0.01)
    assert "".join(t for op, t in diff.ops if op != textdiff.INSERT) == before
    assert "".join(t for op, t in diff.ops if op != textdiff.DELETE) == after
