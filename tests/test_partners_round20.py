"""Shapes blind round 20 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind20.py; its documents in
tests/test_partners_round20_docs.py)."""

from __future__ import annotations

import pytest

from archiver.models import ListStatus
from archiver.partners import AliasTable, compare
from benchmarks import bench_noise
from tests.test_partners_documents import aliases
from tests.test_partners_events import version as manifest
from tests.test_partners_round18 import ANT, JD, PICC, QY, ZA, _page, _read

__all__ = ["aliases"]  # (a fixture)

OLD = "北京玖富普惠信息技术有限公司"


def _rows(*rows: tuple[str, str, str]) -> str:
    cells = "".join(f"<tr{attrs}><td>{n}</td><td>{name}</td></tr>" for attrs, n, name in rows)
    return f"<table><tr><th>序号</th><th>机构名称</th></tr>{cells}</table>"


@pytest.mark.parametrize(
    "hidden",
    [" style='display: none'", " hidden", " class='row hide'", " class='d-none'", " class='gone'"],
    ids=["inline", "attribute", "framework-class", "bootstrap-class", "page-class"],
)
def test_a_hidden_row_between_shown_rows_is_not_published(hidden: str) -> None:
    """An old row kept in the markup but hidden (inline, by the hidden attribute, by a class
    the frameworks or the page's own <style> hide) between shown rows: no button shows it,
    so nobody sees it as a partner (blind round 20, hidden-old-rows)."""
    body = "<style>.gone { color: red; display:none }</style>" + _rows(
        ("", "1", ANT), (hidden, "2", OLD), ("", "2", QY), ("", "3", ZA)
    )
    assert set(_read(body)) == {ANT, QY, ZA}


def test_hidden_rows_at_the_end_are_read_when_they_go_on_with_the_numbering() -> None:
    """Rows 4 and 5 hidden at the end of rows 1-3 are what "查看更多" shows: partners. A
    hidden last row numbered 9 after 1-3 goes on with nothing: an old row, not read."""
    shown = [("", "1", ANT), ("", "2", QY), ("", "3", ZA)]
    more = _rows(*shown, (" style='display:none'", "4", PICC), (" hidden", "5", JD))
    assert set(_read(more + "<a>查看更多</a>")) == {ANT, QY, ZA, PICC, JD}
    stale = _rows(*shown, (" hidden", "9", OLD))
    assert set(_read(stale)) == {ANT, QY, ZA}


@pytest.mark.parametrize("corner", ["项目", "", "内容"])
def test_a_table_with_the_partners_as_column_headers_is_read_upright(corner: str) -> None:
    """项目 | 甲公司 | 乙公司 over rows 合作类型 / 合作产品 / 客服电话: the names head the
    columns, the products are no partners (blind round 20, transposed-table)."""
    body = (
        f"<table><tr><th>{corner}</th><th>{QY}</th><th>{ZA}</th></tr>"
        "<tr><th>合作类型</th><td>平台运营机构</td><td>增信服务机构</td></tr>"
        "<tr><th>合作产品</th><td>360借条</td><td>—</td></tr>"
        "<tr><th>客服电话</th><td>10100-0360</td><td>1010-9955</td></tr></table>"
    )
    assert _read(body) == {QY: "平台运营机构", ZA: "增信服务机构"}


def test_an_faq_that_asks_where_the_list_is_announces_no_list() -> None:
    """常见问题: "Q3：如何查询合作机构名单？" asks about the list, and the answers name a partner
    in passing; the page has no list (absent), it does not hide one (blind round 20,
    faq-mentions-only: read as unparseable)."""
    body = (
        "<h4>Q1：借款由谁放款？</h4><p>A：由我行出资放款。</p>"
        "<h4>Q3：如何查询合作机构名单？</h4><p>A：请访问我行官网“信息披露”栏目查询。</p>"
    )
    found = bench_noise.read(_page(body, title="常见问题"))
    assert found.list_status is ListStatus.ABSENT


def test_a_hidden_copy_of_the_last_list_under_the_shown_one_is_not_read() -> None:
    """<div style="display:none"> under the list holding last edition's table (the same header,
    most names the same, one more): an old copy nothing on the page shows. A hidden tab pane of
    other names under the same header is still read (tests/test_partners_structure.py)."""
    head = "<tr><th>序号</th><th>机构名称</th><th>机构类别</th></tr>"
    shown = [(QY, "平台运营机构"), (ZA, "增信服务机构")]
    rows = "".join(
        f"<tr><td>{i}</td><td>{n}</td><td>{c}</td></tr>" for i, (n, c) in enumerate(shown, 1)
    )
    old = "".join(
        f"<tr><td>{i}</td><td>{n}</td><td>{c}</td></tr>"
        for i, (n, c) in enumerate([shown[0], (OLD, "平台运营机构"), shown[1]], 1)
    )
    hidden = f"<div style='display:none' class='old'><table>{head}{old}</table></div>"
    body = f"<table>{head}{rows}</table>{hidden}"
    assert set(_read(body)) == {QY, ZA}


@pytest.mark.parametrize(
    "note",
    [
        "更正说明：2025年9月12日发布的名单中“{old}”系笔误，现更正为“{new}”。",
        "注：原名单所列{old}有误，应为{new}。",
    ],
    ids=["correction-note", "should-be"],
)
def test_a_name_corrected_by_a_note_is_renamed(aliases: AliasTable, note: str) -> None:
    """A typo fixed with a 更正 note that names both spellings: the same partner, renamed,
    not one dropped and one added (blind round 20, seq-typo-correction-note)."""
    typo, fixed = "深圳市分期乐网络技科有限公司", "深圳市分期乐网络科技有限公司"
    before = f"<ol><li>{ANT}</li><li>{typo}</li></ol>"
    after = f"<ol><li>{ANT}</li><li>{fixed}</li></ol><p>{note.format(old=typo, new=fixed)}</p>"
    assert _events(aliases, before, after) == [("renamed", typo, fixed)]


@pytest.mark.parametrize("way", ["company-to-branch", "branch-to-company"])
def test_a_company_replaced_by_its_branch_is_renamed(aliases: AliasTable, way: str) -> None:
    """太平财产保险有限公司 -> 太平财产保险有限公司上海分公司 (or back): a branch is no legal
    person of its own, so the partner is the same, renamed, not one dropped and one added
    (blind round 20, seq-branch-suffix). A branch added beside its company stays added."""
    head, branch = "太平财产保险有限公司", "太平财产保险有限公司上海分公司"
    old_name, new_name = (head, branch) if way == "company-to-branch" else (branch, head)
    before = f"<ol><li>{ANT}</li><li>{old_name}</li></ol>"
    after = f"<ol><li>{ANT}</li><li>{new_name}</li></ol>"
    assert _events(aliases, before, after) == [("renamed", old_name, new_name)]
    both = f"<ol><li>{ANT}</li><li>{head}</li><li>{branch}</li></ol>"
    if way == "company-to-branch":
        assert _events(aliases, before, both) == [("added", "", "")]


def _events(aliases: AliasTable, before: str, after: str) -> list[tuple[str, str, str]]:
    old_list = bench_noise.read(_page(before)).partners
    events, _ = compare(
        manifest(old_list), bench_noise.read(_page(after)).partners, aliases=aliases
    )
    return [(e.type.value, e.old, e.new) for e in events]


@pytest.mark.parametrize("words", ["旧版名单：", "往期名单", "已停用名单（2025年9月版）："])
def test_a_hidden_block_that_calls_itself_the_old_list_is_not_read(words: str) -> None:
    """A display:none block opening with "旧版名单：" beside the list: last edition's names,
    kept in the markup, shown to nobody (blind round 9, commented-out-old-list, held as an
    xfail since round 9; round 20's hidden copies made the rule)."""
    body = (
        f"<div style='display:none'><p>{words}{OLD}、{JD}</p></div>"
        f"<table><tr><th>序号</th><th>机构名称</th></tr><tr><td>1</td><td>{ANT}</td></tr>"
        f"<tr><td>2</td><td>{QY}</td></tr></table>"
    )
    assert set(_read(body)) == {ANT, QY}
