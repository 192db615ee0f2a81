"""The noise filter: dynamic fragments go, disclosure content stays (cases/noise.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archiver.noise import strip_noise

CASES: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "noise.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_strip_noise(name: str) -> None:
    case = CASES[name]
    assert strip_noise(case["text"], case.get("ignore", ())) == case["expected"]


def test_two_visits_differing_only_in_noise_give_the_same_text() -> None:
    first = "今天是2025年11月29日 星期六\n合作机构名单\n浏览量：10\n蚂蚁智信"
    second = "今天是2025年11月30日 星期日\n合作机构名单\n浏览量：11\n蚂蚁智信"
    assert strip_noise(first) == strip_noise(second)


def test_an_as_of_date_change_is_not_noise() -> None:
    assert strip_noise("截至2025年9月30日") != strip_noise("截至2025年12月31日")
