"""Pages written blind, served on 127.0.0.1 and checked through real Chromium and the pipeline.

Someone who had not read archiver/partners/ nor the other fixtures wrote these 25 pages from
DOMAIN.md's account of real disclosure pages, and labelled what a careful person reads from
them (tests/fixtures/blind/labels.yaml). The first run read 19 of 25 right; the pages it got
wrong stay here as regression cases (a page still read wrong goes in STILL_WRONG, a strict xfail).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.memory_store import MemoryStore
from archiver.config import Site
from archiver.index import Index
from archiver.models import Category, ListStatus, Outcome
from archiver.partners import AliasTable, match_key
from archiver.partners.categories import category_of
from archiver.pipeline import Deps, check_site
from archiver.testing import LocalSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FIXTURES = Path(__file__).parent / "fixtures" / "blind"
LABELS = yaml.safe_load((FIXTURES / "labels.yaml").read_text(encoding="utf-8"))["pages"]
MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
GBK = {"p17"}  # served as text/html; charset=gbk
STILL_WRONG: dict[str, str] = {}  # id -> why the page is still read wrong
STATUS = {"ok": ListStatus.OK, "no_partners": ListStatus.OK, "unreadable": ListStatus.UNPARSEABLE}


@pytest.fixture(scope="module")
def served() -> Any:
    """Every file of every page folder, at the path the pages link to."""
    with LocalSite() as site:
        for path in sorted((FIXTURES / "pages").rglob("*")):
            if path.is_file():
                relative = path.relative_to(FIXTURES / "pages").as_posix()
                media = MEDIA.get(path.suffix, "application/octet-stream")
                if path.suffix == ".html" and relative.split("/")[0] in GBK:
                    media = "text/html; charset=gbk"
                site.file("/" + relative, path.read_bytes(), media)
        yield site


@pytest.fixture(scope="module")
def browser() -> Any:
    capturer = PlaywrightCapturer(concurrency=1, restart_after=500)
    yield capturer
    capturer.close()


def _kind(label: str | None) -> Category:
    return category_of(label or "")


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(
            label,
            id=label["id"],
            marks=[pytest.mark.xfail(strict=True, reason=STILL_WRONG[label["id"]])]
            if label["id"] in STILL_WRONG
            else [],
        )
        for label in LABELS
    ],
)
def test_a_blind_page_reads_as_labelled(
    label: dict[str, Any],
    served: LocalSite,
    browser: PlaywrightCapturer,
    tmp_path: Path,
    clock: Any,
) -> None:
    site = Site.model_validate(
        {"id": "blind", "name": "盲测", "url": served.url("/" + label["entry"])}
    )
    deps = Deps(
        store=MemoryStore(),
        capturer=browser,
        index=Index(tmp_path / "index.sqlite"),
        aliases=AliasTable(),
        now=clock.now,
        sleep=clock.sleep,  # a suspect list is captured again after confirm_delay
        screenshots=False,
    )
    result = check_site(site, deps)
    assert result.outcome is Outcome.NEW, result.error
    assert result.version is not None
    manifest = result.version.manifest
    assert manifest.list_status is STATUS[label["status"]], manifest.list_note
    got = Counter(partner.match_key for partner in manifest.partners)
    wanted = Counter(match_key(entry["name"]) for entry in label["partners"])
    accepted = {
        match_key(other): match_key(entry["name"])
        for entry in label["partners"]
        for other in entry.get("also_accept", [])
    }
    got = Counter(accepted.get(key, key) for key in got.elements())
    assert got == wanted, (sorted((wanted - got).elements()), sorted((got - wanted).elements()))
    kinds = {match_key(entry["name"]): _kind(entry.get("category")) for entry in label["partners"]}
    wrong = [
        (partner.name, partner.category.value, kinds[key].value)
        for partner in manifest.partners
        if (key := accepted.get(partner.match_key, partner.match_key)) in kinds
        and kinds[key] is not Category.UNSPECIFIED
        and partner.category is not kinds[key]
    ]
    assert not wrong, wrong
