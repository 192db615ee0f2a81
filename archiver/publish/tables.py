"""The cross-institution partner table as CSV and JSON. Pure.

This is the table NIFA compiled by hand: each partner, how many institutions list it and
how many times it is mentioned. The CSV opens in Excel: UTF-8 with a byte-order mark, and
cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from archiver.publish import labels, paths
from archiver.publish.model import Catalog, PartnerView

COLUMNS = (
    "partner",
    "match_key",
    "entity",
    "institutions",
    "mentions",
    "categories",
    "listed_by",
    "other_names",
    "page",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A CSV cell a spreadsheet will not evaluate.

    >>> cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> cell("蚂蚁")
    '蚂蚁'
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def rows(catalog: Catalog, views: Sequence[PartnerView]) -> list[dict[str, object]]:
    """One row per partner ever listed."""
    return [
        {
            "partner": view.name,
            "match_key": view.match_key,
            "entity": view.entity,
            "institutions": view.institutions,
            "mentions": view.mentions,
            "categories": [labels.category(c) for c in view.categories],
            "listed_by": [catalog.info(row.site_id).name for row in view.current],
            "other_names": list(view.names[1:]),
            "page": paths.partner_page(view.match_key),
        }
        for view in views
    ]


def to_csv(table: Sequence[dict[str, object]]) -> bytes:
    """partners.csv, from `rows()`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table:
        writer.writerow(
            [
                cell("；".join(value)) if isinstance(value, list) else cell(str(value))
                for value in (row[column] for column in COLUMNS)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_json(table: Sequence[dict[str, object]]) -> bytes:
    """partners.json, from `rows()`."""
    data = {"columns": list(COLUMNS), "partners": list(table)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
