"""What passes between Python and a page: the JS programs of `js/` and the strings they return."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def script(name: str) -> str:
    """A JS program of `archiver/adapters/js/`, without its leading comment lines."""
    text = resources.files("archiver.adapters").joinpath(f"js/{name}.js").read_text("utf-8")
    lines = text.splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


def clean(text: object) -> str:
    """A string from the browser as valid Unicode: lone surrogates become U+FFFD, pairs join.

    >>> clean("a\\ud800b"), clean("\\ud83d\\ude00")
    ('a\\ufffdb', '😀')
    """
    value = str(text)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value
