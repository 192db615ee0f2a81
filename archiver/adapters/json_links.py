"""Documents a page's own JSON names but its DOM never shows. Pure.

A single-page app draws a notice from a JSON detail call and may open its attachment only
from a click handler (``window.open(data.fileUrl)``): the PDF's URL is in the JSON response
the capture already keeps (`json_bodies`, the site's own hosts only), never in an ``<a>``.
Such a URL is taken when a string value names a document by its suffix, or when a field
named like a file (``fileUrl``, ``attachPath``, ``fjdz``) holds a path beside a file name
that names a document. Only a body that speaks of partners (its title, file names or text
hold words such as 合作机构 / 名单 / 助贷, `cells.PARTNER_WORDS`) gives any: a side widget's
"latest reports" call is not followed. A body naming more documents than a notice carries is
an index of other notices (a list API), not this page's attachment: it gives none either,
rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from archiver import doctypes
from archiver.adapters.attachments import viewed_document
from archiver.partners.cells import PARTNER_WORDS

MAX_PER_BODY = 5  # a notice's attachments; more is an index of notices
_MAX_NODES = 50_000  # values walked in one body
_MAX_DEPTH = 32
_FILE_KEY = re.compile(r"(?i)(?:attach|file|fujian|^fj|download|enclosure|accessory|doc|pdf)")
_PATH = re.compile(r"^(?:https?://|/|\./|\.\./)|/")


def json_documents(bodies: Sequence[bytes], base: str) -> list[tuple[str, str]]:
    """(URL, file name) of each document the JSON bodies name, resolved against `base` (the
    page's URL), http(s) only, in the order found.

    >>> body = '{"data": {"attachments": [{"fileName": "名单.pdf", "fileUrl": "/oss/a3f1"}]}}'
    >>> json_documents([body.encode()], "https://b.cn/notice/1")
    [('https://b.cn/oss/a3f1', '名单.pdf')]
    """
    found: list[tuple[str, str]] = []
    for body in bodies:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            continue
        named = list(dict.fromkeys(_documents(data)))
        if len(named) > MAX_PER_BODY or not PARTNER_WORDS.search(
            json.dumps(data, ensure_ascii=False)
        ):
            continue
        for value, name in named:
            url = viewed_document(urljoin(base, value.strip()))
            if urlsplit(url).scheme in ("http", "https") and url not in (u for u, _ in found):
                found.append((url, name))
    return found


def _documents(data: Any) -> Iterator[tuple[str, str]]:
    """(path, file name) pairs: a string naming a document, or a file-named field's path
    when a string beside it names a document."""
    budget = [_MAX_NODES]
    yield from _walk(data, budget, 0)


def _walk(node: Any, budget: list[int], depth: int) -> Iterator[tuple[str, str]]:
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, budget, depth + 1)
    elif isinstance(node, dict):
        strings = {str(k): v for k, v in node.items() if isinstance(v, str) and len(v) < 2048}
        names = [v for v in strings.values() if doctypes.names_document(v) and "/" not in v]
        for key, value in strings.items():
            if _PATH.search(value) and doctypes.is_attachment(value):
                yield value, names[0] if names else ""
            elif names and _FILE_KEY.search(key) and _PATH.search(value) and " " not in value:
                yield value, names[0]
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value, budget, depth + 1)
