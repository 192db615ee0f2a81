"""Workbooks as their reader sees them: every visible sheet that holds a partner table, each
titled, with a two-level header; hidden rows, columns and sheets archived, not read (pure)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from archiver.models import Capture, HttpResponse, ListStatus, RenderedPage
from archiver.partners import AliasTable, extract, load_aliases

CONFIG = Path(__file__).parent.parent / "config" / "entities.yaml"
URL = "https://www.example-cfc.cn/xxpl/20251009.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANT = "蚂蚁智信（杭州）信息技术有限公司"
MEITUAN = "北京三快在线科技有限公司"
GUARANTOR = "四川省金玉融资担保有限公司"
INSURER = "华安财产保险股份有限公司"
BUREAU = "百行征信有限公司"


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases(CONFIG.read_text())


def read(book: openpyxl.Workbook, aliases: AliasTable) -> tuple[list[str], str]:
    buffer = io.BytesIO()
    book.save(buffer)
    attachment = HttpResponse(
        url="https://www.example-cfc.cn/upload/hzjg.xlsx",
        status=200,
        media_type=XLSX,
        body=buffer.getvalue(),
    )
    page = RenderedPage(url=URL, html="<h1>合作机构名单</h1>", text="详见附件", title="名单")
    result = extract(
        Capture(
            site_id="t",
            requested_url=URL,
            final_url=URL,
            status=200,
            fetched_at=datetime(2025, 10, 9, tzinfo=UTC),
            browser_version="test",
            pages=(page,),
            attachments=(attachment,),
        ),
        aliases=aliases,
    )
    assert result.list_status is ListStatus.OK, result.list_note
    return sorted(p.name for p in result.partners), result.document_texts[0][1]


def titled_sheet(book: openpyxl.Workbook, title: str, names: list[str]) -> None:
    """A sheet as a filing template lays it out: a title merged across the table (only its
    first cell stored), the filer, a group label over 机构名称 | 统一社会信用代码, a note."""
    sheet = book.create_sheet(title)
    sheet.append([f"互联网助贷业务{title}名单"])
    sheet.append(["填报单位：某某消费金融股份有限公司      数据截止日：2025年9月30日"])
    sheet.append(["序号", "合作机构信息", None, "合作平台/产品"])
    sheet.append([None, "机构名称", "统一社会信用代码", None])
    for number, name in enumerate(names, start=1):
        sheet.append([number, name, f"91330106MA2KCNBX{number}N", "某平台"])
    sheet.append(["注：1.合作平台名称为对客展示名称。"])
    for merged in (
        "A1:D1",
        "A2:D2",
        "B3:C3",
        "A3:A4",
        "D3:D4",
        f"A{len(names) + 5}:D{len(names) + 5}",
    ):
        sheet.merge_cells(merged)


def test_every_visible_sheet_with_a_titled_two_level_table_is_read(aliases) -> None:
    book = openpyxl.Workbook()
    book.active.title = "填报说明"
    book.active.append(["1.本表按监管要求编制。"])
    titled_sheet(book, "平台运营机构", [ANT, MEITUAN])
    titled_sheet(book, "增信服务机构", [GUARANTOR, INSURER])
    other = book.create_sheet("其他合作机构")
    for row in (["序号", "机构名称", "合作内容"], [1, BUREAU, "征信服务"], ["合计", "1家", ""]):
        other.append(row)
    names, _ = read(book, aliases)
    assert names == sorted([ANT, MEITUAN, GUARANTOR, INSURER, BUREAU])


def test_hidden_rows_columns_and_sheets_are_archived_not_read(aliases) -> None:
    """What the spreadsheet's reader does not see (a draft row, a hidden column of notes,
    last quarter's sheet left in the file) is not on the list; its text is archived."""
    book = openpyxl.Workbook()
    current = book.active
    current.title = "2025年三季度"
    for row in (
        ["序号", "合作机构名称", "合作机构类别", "内部备注"],
        [1, ANT, "平台运营机构", "草稿：拟新增厦门美图网科技有限公司"],
        [2, "厦门美图网科技有限公司", "平台运营机构", ""],
        [3, GUARANTOR, "增信服务机构", ""],
    ):
        current.append(row)
    current.row_dimensions[3].hidden = True
    current.column_dimensions["D"].hidden = True
    old = book.create_sheet("2025年二季度（旧）")
    for row in (["序号", "合作机构名称"], [1, "北京玖富普惠信息技术有限公司"]):
        old.append(row)
    old.sheet_state = "hidden"
    names, text = read(book, aliases)
    assert names == sorted([ANT, GUARANTOR])
    assert "厦门美图网科技有限公司" in text
    assert "草稿" in text
