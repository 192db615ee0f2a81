"""Human durations ("6h", "1h30m", "90s", "7d") to seconds and back. Pure."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")


def parse(text: str | float) -> float:
    """Seconds in a duration such as "6h", "1h30m", "45s", "250ms" or a bare number of seconds.

    >>> parse("1h30m")
    5400.0
    >>> parse(90)
    90.0
    """
    if isinstance(text, bool):  # YAML "yes"/"no": a value error for the config message
        raise ValueError(f"expected a duration like '6h', got {text!r}")  # noqa: TRY004
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        compact = text.strip().lower().replace(" ", "")
        if not compact:
            raise ValueError("empty duration; use e.g. '6h', '30m', '90s'")
        if re.fullmatch(r"\d+(?:\.\d+)?", compact):
            return float(compact)
        pos, seconds = 0, 0.0
        for match in _PART.finditer(compact):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _UNITS[match.group(2)]
            pos = match.end()
        if pos != len(compact) or pos == 0:
            raise ValueError(f"not a duration: {text!r}; use e.g. '6h', '30m', '1h30m', '90s'")
    if seconds < 0:
        raise ValueError(f"duration must not be negative, got {text!r}")
    return seconds


def format_seconds(seconds: float) -> str:
    """Shortest readable form: 5400 -> "1h30m", 0.25 -> "250ms".

    >>> format_seconds(5400)
    '1h30m'
    """
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    remaining = round(seconds)
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = int(_UNITS[unit])
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def _validate(value: object) -> float:
    if isinstance(value, str | int | float):
        return parse(value)
    raise ValueError(f"expected a duration like '6h', got {value!r}")


Duration = Annotated[
    float,
    BeforeValidator(_validate),
    PlainSerializer(format_seconds, return_type=str, when_used="json"),
]
"""A pydantic field type: accepts "6h" / 90 and holds seconds as a float."""
