"""One builder of partner records for every test (alerts, publishing, the CLI)."""

from __future__ import annotations

import unicodedata

from archiver.models import Category, Partner

_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "股份公司")


def partner(
    name: str,
    *,
    category: Category = Category.UNSPECIFIED,
    category_raw: str = "",
    products: tuple[str, ...] = (),
    period: str = "",
    key: str | None = None,
    fold: bool = True,
) -> Partner:
    """A partner record as the extractor would make it (match key: NFKC, suffix folded);
    with `fold=False`, the name is its own display name and match key, as given."""
    folded = unicodedata.normalize("NFKC", name).replace(" ", "") if fold else name
    match_key = folded
    for suffix in _SUFFIXES if fold else ():
        if match_key.endswith(suffix):
            match_key = match_key[: -len(suffix)]
            break
    return Partner(
        raw=name,
        name=folded,
        match_key=key or match_key,
        category=category,
        category_raw=category_raw,
        products=products,
        period=period,
    )
