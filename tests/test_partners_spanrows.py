"""Spans of one list item are its cells (spanrows.py): a way of serving beside the name
("信用保证保险", which ends like an insurer's name) is a field, never glued to the name; a
list item of two names is still no row."""

from __future__ import annotations

from lxml import html

from archiver.partners.dom import parse
from archiver.partners.spanrows import row_cells
from tests.test_partners_structure import PICC, _extract

TAIPING = "太平财产保险有限公司"


def _li(*spans: str) -> str:
    return "<li>" + "".join(f"<span>{span}</span>" for span in spans) + "</li>"


def test_a_name_and_its_way_of_serving_in_spans_are_two_cells() -> None:
    body = (
        "<h3>增信服务机构</h3><div><span>机构名称</span><span>合作产品/增信方式</span></div>"
        f"<ul>{_li(PICC, '信用保证保险')}{_li(TAIPING, '信用保证保险')}</ul>"
    )
    assert {p.name for p in _extract(body).partners} == {PICC, TAIPING}


def _item(markup: str) -> html.HtmlElement:
    root = parse(f"<html><body><ul>{markup}</ul></body></html>")
    assert root is not None
    item = root.find(".//li")
    assert item is not None
    return item


def test_two_names_in_the_spans_of_one_item_are_no_row() -> None:
    assert row_cells(_item(_li(PICC, TAIPING))) is None
    assert row_cells(_item(_li(TAIPING, "信用保证保险"))) == [TAIPING, "信用保证保险"]
