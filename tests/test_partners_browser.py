"""End to end: every labelled version pair served on 127.0.0.1, captured by real Chromium
through the pipeline, and `archiver diff --json` gives exactly the labelled events."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.app import load_alias_table
from archiver.cli import main_group
from archiver.config import Site
from archiver.models import Outcome
from archiver.pipeline import Deps, check_site
from archiver.testing import LocalSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = re.compile(r'href="([^"]+\.(?:pdf|docx|xlsx|doc|xls))"', re.IGNORECASE)
MEDIA = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}


def _load_corpus() -> ModuleType:
    path = ROOT / "tests" / "fixtures" / "partners" / "corpus.py"
    spec = importlib.util.spec_from_file_location("partners_corpus_browser", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
PAIRS = list(corpus.pair_cases())


def serve_version(site: LocalSite, folder: Path, spec: dict[str, Any]) -> None:
    """Serve one version as a site would: pages linked by 下一页, documents linked, JSON
    fetched by the page's script."""
    pages = list(spec.get("pages", []))
    html = [(folder / name).read_text(encoding="utf-8") for name in pages]
    extra = ""
    linked = DOCUMENT.findall(html[0]) if html else []
    for position, name in enumerate(spec.get("attachments", [])):
        path = linked[position] if position < len(linked) else f"/upload/{name}"
        if position >= len(linked):
            extra += f'<a href="{path}">附件下载</a>'
        site.file(path, (folder / name).read_bytes(), MEDIA[Path(name).suffix])
    for name in spec.get("json", []):
        site.file(f"/api/{name}", (folder / name).read_bytes(), "application/json")
        extra += f"<script>fetch('/api/{name}')</script>"
    for index, text in enumerate(html):
        path = "/xxpl/list.html" if index == 0 else f"/xxpl/list_{index}.html"
        tail = extra if index == 0 else ""
        if index + 1 < len(html):
            tail += f'<a href="/xxpl/list_{index + 1}.html">下一页</a>'
        site.page(path, text.replace("</body>", f"{tail}</body>") if tail else text)


@pytest.fixture(scope="module")
def browser() -> Any:
    capturer = PlaywrightCapturer(allow_private=True, concurrency=1, restart_after=500)
    yield capturer
    capturer.close()


@pytest.mark.parametrize("case", PAIRS, ids=lambda case: case.id)
def test_archiver_diff_gives_the_labelled_events(
    case: Any, browser: PlaywrightCapturer, tmp_path: Path, clock: Any
) -> None:
    config = tmp_path / "sites.yaml"
    config.write_text(
        f"storage: {{kind: local, path: {tmp_path / 'archive'}}}\n"
        "network: {allow_private: true}\n"
        f"state_dir: {tmp_path / 'var'}\nsites: []\n",
        encoding="utf-8",
    )
    (tmp_path / "entities.yaml").write_text(
        (ROOT / "config" / "entities.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    store = LocalStore(tmp_path / "archive")
    deps = Deps(
        store=store,
        capturer=browser,
        index=SqliteIndex(tmp_path / "var" / "index.sqlite"),
        aliases=load_alias_table(config),
        now=clock.now,
        sleep=clock.sleep,
        screenshots=False,
    )
    runner = CliRunner()
    with LocalSite() as site:
        target = Site.model_validate(
            {"id": "corpus", "name": "示例", "url": site.url("/xxpl/list.html")}
        )
        serve_version(site, case.folder, case.label["versions"][0])
        first = check_site(target, deps)
        assert first.outcome is Outcome.NEW, first.error
        for step, (spec, expected) in enumerate(
            zip(case.label["versions"][1:], case.steps, strict=True), 1
        ):
            serve_version(site, case.folder, spec)
            clock.advance(3600)
            result = check_site(target, deps)
            if result.confirm_at is not None:  # a suspect list: the re-check, when due
                clock.advance(target.confirm_delay)
                result = check_site(target, deps)
            assert result.outcome is not Outcome.FAILED, (step, result.error)
            if result.outcome is Outcome.UNCHANGED:
                got: list[tuple[str, ...]] = []
            else:
                assert result.version is not None
                shown = runner.invoke(
                    main_group,
                    [
                        "--config",
                        str(config),
                        "diff",
                        "corpus",
                        str(result.version.manifest.seq),
                        "--json",
                    ],
                )
                assert shown.exit_code == 0, shown.output
                got = sorted(corpus.event_key(e) for e in json.loads(shown.output)["events"])
            want = sorted(corpus.event_key(e) for e in expected)
            assert got == want, f"step {step}"
