"""An Excel workbook saved as a web page: a frameset shows one sheet, the other sheets are
reached only through its tab strip. Real Chromium, pages served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.partners import AliasTable, extract
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite

pytestmark = pytest.mark.browser
ANT = "蚂蚁智信（杭州）信息技术有限公司"
FQL = "深圳市分期乐网络科技有限公司"
PICC = "中国人民财产保险股份有限公司"
KX = "深圳市凯旋融资担保有限公司"


def _frameset(sheets: int) -> str:
    links = "".join(
        f'<link id="shLink" href="book.files/sheet{n:03d}.htm">' for n in range(1, sheets + 1)
    )
    return (
        '<html><head><meta name="Excel Workbook Frameset"><meta charset="utf-8">'
        f'<title>合作机构名单</title>{links}<link id="shLink"></head>'
        '<frameset rows="*,39"><frame src="book.files/sheet001.htm" name="frSheet">'
        '<frame src="book.files/tabstrip.htm" name="frTabs"></frameset></html>'
    )


def _frameset_without_links(workbook_xml: bool) -> str:
    """A frameset that names its sheets only in its workbook XML (a conditional comment) or,
    without it, only in the links of its tab strip frame."""
    xml = (
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>"
        "<x:ExcelWorksheet><x:Name>平台</x:Name>"
        '<x:WorksheetSource HRef="book.files/sheet001.htm"/>'
        "</x:ExcelWorksheet><x:ExcelWorksheet><x:Name>增信</x:Name>"
        '<x:WorksheetSource HRef="book.files/sheet002.htm"/></x:ExcelWorksheet>'
        "</x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->"
    )
    return (
        '<html><head><meta name="Excel Workbook Frameset"><meta charset="utf-8">'
        f"<title>合作机构名单</title>{xml if workbook_xml else ''}</head>"
        '<frameset rows="*,39"><frame src="book.files/sheet001.htm" name="frSheet">'
        '<frame src="book.files/tabstrip.htm" name="frTabs"></frameset></html>'
    )


def _sheet(category: str, *names: str) -> str:
    rows = "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>{category}</td></tr>"
        for n, name in enumerate(names, 1)
    )
    return (
        '<html><head><meta charset="utf-8"></head><body><table>'
        f"<tr><td>序号</td><td>合作机构名称</td><td>合作机构类型</td></tr>{rows}"
        "</table></body></html>"
    )


@pytest.fixture(scope="module")
def capturer() -> Iterator[PlaywrightCapturer]:
    browser = PlaywrightCapturer(allow_private=True, concurrency=1)
    yield browser
    browser.close()


def _partners(site: LocalSite, capturer: PlaywrightCapturer) -> dict[str, str]:
    request = CaptureRequest(site_id="t", url=site.url("/book.htm"), timeout_s=20)
    with capturer.open(request) as session:
        capture = session.snapshot()
    return {p.name: p.category_raw for p in extract(capture, aliases=AliasTable()).partners}


def _tabstrip(*labels: str) -> str:
    cells = "".join(
        f'<td><a href="sheet{n:03d}.htm" target="frSheet">{label}</a></td>'
        for n, label in enumerate(labels, 1)
    )
    return f'<html><head><meta charset="utf-8"></head><body><table><tr>{cells}</tr></table>'


def test_every_sheet_of_a_workbook_frameset_is_read(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    local_site.page("/book.htm", _frameset(2))
    local_site.page("/book.files/sheet001.htm", _sheet("平台运营机构", ANT, FQL))
    local_site.page("/book.files/sheet002.htm", _sheet("增信服务机构", PICC, KX))
    local_site.page("/book.files/tabstrip.htm", _tabstrip("平台运营机构", "增信服务机构"))
    assert _partners(local_site, capturer) == {
        ANT: "平台运营机构",
        FQL: "平台运营机构",
        PICC: "增信服务机构",
        KX: "增信服务机构",
    }


def test_a_sheet_that_does_not_load_leaves_the_others_read(
    local_site: LocalSite, capturer: PlaywrightCapturer
) -> None:
    local_site.page("/book.htm", _frameset(3))
    local_site.page("/book.files/sheet001.htm", _sheet("平台运营机构", ANT, FQL))
    local_site.page("/book.files/sheet002.htm", "<h1>404 Not Found</h1>", status=404)
    local_site.page("/book.files/sheet003.htm", _sheet("增信服务机构", PICC, KX))
    local_site.page("/book.files/tabstrip.htm", _tabstrip("平台运营", "增信", "增信二"))
    assert set(_partners(local_site, capturer)) == {ANT, FQL, PICC, KX}


@pytest.mark.parametrize("workbook_xml", [True, False], ids=["workbook-xml", "tab-strip-only"])
def test_sheets_named_only_by_the_workbook_xml_or_the_tab_strip_are_read(
    local_site: LocalSite, capturer: PlaywrightCapturer, workbook_xml: bool
) -> None:
    local_site.page("/book.htm", _frameset_without_links(workbook_xml))
    local_site.page("/book.files/sheet001.htm", _sheet("平台运营机构", ANT, FQL))
    local_site.page("/book.files/sheet002.htm", _sheet("增信服务机构", PICC, KX))
    tabstrip = _tabstrip("平台运营机构", "增信服务机构") if not workbook_xml else "<p>tabs</p>"
    local_site.page("/book.files/tabstrip.htm", tabstrip)
    assert set(_partners(local_site, capturer)) == {ANT, FQL, PICC, KX}
