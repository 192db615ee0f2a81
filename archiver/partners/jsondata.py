"""JSON the page loaded -> partner rows, and HTML fragments carried inside JSON. Pure.

Single-page sites fetch their list as JSON (an array of objects with a name-like field) or
fetch an article whose body is an HTML string. Arrays of announcements (title, date, URL)
and of links are not partner lists and are left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from archiver.models import HttpResponse, Source, SourceKind
from archiver.partners.categories import names_category
from archiver.partners.cells import Column, column_of, is_noise, is_sentence
from archiver.partners.documents import decode
from archiver.partners.lines import split_products
from archiver.partners.names import clean_text, looks_like_org
from archiver.partners.rows import Row

_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.DOTALL)
_KEY_WORDS: tuple[tuple[Column, re.Pattern[str]], ...] = (
    (Column.SEQ, re.compile(r"^(?:seq|no|num|index|sort|order|xh|serial)(?:no|num)?$")),
    (Column.HOTLINE, re.compile(r"phone|tel|hotline|mobile|contact|kfdh|lxdh")),
    (Column.PERIOD, re.compile(r"period|term|duration|validity|hzqx|coopdate|cooptime")),
    (Column.PRODUCT, re.compile(r"product|prod|cpmc")),
    (Column.REMARK, re.compile(r"remark|memo|note|status|comment|bz$")),
    (
        Column.CATEGORY,
        re.compile(r"type|categ|cate$|kind|class|role|groupname|jglb|hzlx|lx$|lb$"),
    ),
    (
        Column.NAME,
        re.compile(
            r"(?:partner|org|organ|company|corp|institution|inst|coop|cooperat|enterprise|ent"
            r"|agency|jg|hzjg|hzf)(?:full)?(?:name|mc)$|^(?:partner|company|org|institution"
            r"|jgmc|hzjgmc|gsmc|qymc|name|fullname|mc)$"
        ),
    ),
)
_NEVER_NAME = re.compile(r"title|doctitle|subject|headline|url|link|href|path|author|source")
_LINK_KEY = re.compile(r"url|link|href|icon|logo|img|image")
_PICTURE_KEY = re.compile(r"icon|logo|img|image|pic")
_LINK_PATH = re.compile(
    r"link|nav|menu|banner|friend|footer|header|\bads?\b|advert|branch|outlet|\batms?\b"
)
_PLACE_KEY = re.compile(
    r"address|addr$|^lng$|^lat$|longitude|latitude|distance|wangdian|网点|地址"
)
_START = re.compile(r"start|begin|from|ksrq|qsrq")
_END = re.compile(r"end|expire|until|to$|jsrq|zzrq")
_CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991


MAX_DEPTH = 64  # real list APIs nest a few levels; a hostile body nests thousands


@dataclass
class JsonReading:
    """Rows found in JSON bodies, and HTML fragments found inside string values."""

    rows: list[Row] = field(default_factory=list)
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (url, html)


def load(body: bytes, charset: str = "") -> Any:
    """Parsed JSON (JSONP unwrapped), or None when the body is not JSON."""
    text = decode(body, charset).strip()
    if not text:
        return None
    wrapped = _JSONP.match(text) if not text.startswith(("{", "[")) else None
    if wrapped:
        text = wrapped.group(1)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # JSON nested thousands deep is no partner list
        return None


def read_json(responses: tuple[HttpResponse, ...], *, known: set[str]) -> JsonReading:
    """Partner rows from every JSON body; bodies that hold none are ignored."""
    found = JsonReading()
    for response in responses:
        data = load(response.body)
        if data is not None:
            _walk(data, "$", response.url, found, known)
    return found


def _walk(
    node: Any,
    path: str,
    url: str,
    found: JsonReading,
    known: set[str],
    *,
    category: str = "",
    depth: int = 0,
) -> None:
    """Depth-first search for partner arrays; a category given by an enclosing object
    ({"category": "平台运营机构", "partners": [...]}) or key ({"增信服务机构": [...]})
    applies to the rows inside it. Nothing deeper than MAX_DEPTH is read."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        own = next(
            (
                str(value)
                for key, value in node.items()
                if isinstance(value, str) and key_column(str(key)) is Column.CATEGORY
            ),
            category,
        )
        for key, value in node.items():
            inner = str(key) if names_category(str(key)) else own
            _walk(value, f"{path}.{key}", url, found, known, category=inner, depth=depth + 1)
    elif isinstance(node, list):
        if node and all(isinstance(item, dict) for item in node):
            rows = _object_rows(node, path, url, known, category)
            if rows:
                found.rows.extend(rows)
                return
        if node and all(isinstance(item, str) for item in node):
            found.rows.extend(_string_rows(node, path, url, known, category))
            return
        for index, item in enumerate(node):
            _walk(item, f"{path}[{index}]", url, found, known, category=category, depth=depth + 1)
    elif isinstance(node, str) and len(node) > 40 and re.search(r"<(?:table|p|li|div)\b", node):
        found.fragments.append((url, node))


def key_column(key: str) -> Column | None:
    """The partner field a JSON key holds (English, pinyin initials or Chinese).

    >>> key_column("partnerName"), key_column("orgType"), key_column("DOCTITLE")
    (<Column.NAME: 'name'>, <Column.CATEGORY: 'category'>, None)
    """
    folded = re.sub(r"[_\-\s]", "", key).lower()
    if _NEVER_NAME.search(folded):
        return None
    if re.search(r"[\u4e00-\u9fff]", key):
        return column_of(key)[0]
    for column, pattern in _KEY_WORDS:
        if pattern.search(folded):
            return column
    return None


def _object_rows(
    items: list[dict[str, Any]], path: str, url: str, known: set[str], category: str = ""
) -> list[Row]:
    keys: dict[str, Column] = {}
    for item in items[:50]:
        for key in item:
            column = key_column(str(key))
            if column is not None:
                keys.setdefault(str(key), column)
    name_keys = [k for k, c in keys.items() if c is Column.NAME]
    if not name_keys:
        return []
    name_key = max(name_keys, key=lambda k: _name_share(items, k, known))
    share = _name_share(items, name_key, known)
    others = {c for k, c in keys.items() if c is not Column.NAME}
    # a link to elsewhere makes a list of links; a partner's logo or picture does not
    linked = any(
        _LINK_KEY.search(str(key).lower()) and not _PICTURE_KEY.search(str(key).lower())
        for item in items[:50]
        for key in item
    )
    if _LINK_PATH.search(path.lower()) or (linked and not others):
        return []  # a list of links (友情链接, navigation), not of partners
    if any(_PLACE_KEY.search(str(key).lower()) for item in items[:50] for key in item):
        return []  # branches, outlets, ATMs: places with addresses, not partners
    if share < 0.5 and not (share >= 0.3 and others & {Column.CATEGORY, Column.PRODUCT}):
        return []
    rows = []
    for index, item in enumerate(items):
        name = _text(item.get(name_key))
        if not name or is_noise(name) or is_sentence(name):
            continue
        values = {c: _text(item.get(k)) for k, c in keys.items() if c is not Column.NAME}
        rows.append(
            Row(
                name=name,
                source=Source(kind=SourceKind.JSON, url=url, locator=f"{path}[{index}]"),
                category_raw=values.get(Column.CATEGORY, "") or category,
                products=split_products(values.get(Column.PRODUCT, "")),
                period=values.get(Column.PERIOD, "") or _period(item),
                hotline=values.get(Column.HOTLINE, ""),
                remark=values.get(Column.REMARK, ""),
                seq=None,
                scopes=(f"json {url}",),
            )
        )
    return rows


def _string_rows(
    items: list[str], path: str, url: str, known: set[str], category: str = ""
) -> list[Row]:
    names = [clean_text(item) for item in items]
    hits = sum(looks_like_org(n) or n in known for n in names)
    if hits < max(1, 0.6 * len(names)):
        return []
    return [
        Row(
            name=name,
            source=Source(kind=SourceKind.JSON, url=url, locator=f"{path}[{index}]"),
            category_raw=category,
            scopes=(f"json {url}",),
        )
        for index, name in enumerate(items)
        if name.strip() and not is_noise(name)
    ]


def _name_share(items: list[dict[str, Any]], key: str, known: set[str]) -> float:
    values = [clean_text(_text(item.get(key))) for item in items]
    values = [v for v in values if v]
    if not values:
        return 0.0
    return sum(looks_like_org(v) or v in known for v in values) / len(values)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return ""
    return str(value).strip()


def _period(item: dict[str, Any]) -> str:
    """A period from separate start / end fields (epoch milliseconds or dates)."""
    start = next((v for k, v in item.items() if _START.search(str(k).lower())), None)
    end = next((v for k, v in item.items() if _END.search(str(k).lower())), None)
    if start is None and end is None:
        return ""
    return f"{_date(start)}至{_date(end)}".strip("至")


def _date(value: Any) -> str:
    """A date from epoch milliseconds (or seconds, China time), else the value as given.

    >>> _date(1759248000000)
    '2025-10-01'
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.isdigit() and len(value) >= 10
    ):
        number = float(value)
        seconds = number / 1000 if number > 1e11 else number
        try:
            return datetime.fromtimestamp(seconds, tz=_CHINA).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return str(value)
    return str(value).strip()
