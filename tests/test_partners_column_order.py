"""A table reads the same whatever the order of its columns (bench_noise `columns` found
these: a redesign that shows the same columns in another order gave events)."""

from __future__ import annotations

from archiver.models import Partner
from benchmarks import bench_noise

ROWS = (
    ("1", "甲乙网络科技有限公司", "平台运营机构", "个人消费贷款", "合作中", "—"),
    ("2", "丙丁融资担保有限公司", "增信服务机构", "个人经营贷款", "已终止", "2025年7月起不再合作"),
    ("3", "戊己财产保险股份有限公司注", "增信服务机构", "个人消费贷款", "合作中", "—"),
)
LABELS = ("序号", "合作机构名称", "合作机构类型", "合作产品类型", "合作状态", "说明")


def table(order: tuple[int, ...]) -> tuple[Partner, ...]:
    def row(cells: tuple[str, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{cells[i]}</{tag}>" for i in order) + "</tr>"

    body = row(LABELS, "th") + "".join(row(r, "td") for r in ROWS)
    page = (
        "<html><body><h1>互联网助贷业务合作机构名单</h1>"
        f"<table>{body}</table><p>注：戊己财产保险股份有限公司原名戊己保险有限公司。</p>"
        "</body></html>"
    )
    return bench_noise.read(page).partners


def test_the_columns_in_any_order_read_the_same_partners_and_fields() -> None:
    published = table((0, 1, 2, 3, 4, 5))
    reversed_after_the_first = table((0, 5, 4, 3, 2, 1))
    assert [p.name for p in published] == [
        "甲乙网络科技有限公司",
        "丙丁融资担保有限公司",
        "戊己财产保险股份有限公司",
    ]
    assert bench_noise.events_between(published, reversed_after_the_first) == []


def test_the_institutions_type_is_the_category_not_the_products_type() -> None:
    categories = {p.name: p.category for p in table((0, 3, 2, 1))}
    assert categories["甲乙网络科技有限公司"] == "platform"
    assert categories["丙丁融资担保有限公司"] == "credit_enhancement"


def test_the_status_column_is_the_remark_whichever_remark_column_comes_first() -> None:
    remarks = {p.name: p.remark for p in table((0, 1, 5, 4))}
    assert remarks["甲乙网络科技有限公司"] == "合作中"


def test_a_last_name_with_a_note_marker_in_the_last_column_is_no_cut_row() -> None:
    names = [p.name for p in table((0, 2, 1))]
    assert "戊己财产保险股份有限公司" in names
