"""PDF lists as their text layer gives them: cells wrapped onto lines of their own, a second
table after the list, a superseded file beside the current one (pure, real PDFs)."""

from __future__ import annotations

import pytest

from archiver.partners import AliasTable, extract
from tests.test_partners_documents import aliases, capture, pdf, response

__all__ = ["aliases"]  # the module's fixture, shared

PDF = "application/pdf"


def test_a_wrapped_cell_between_a_numbered_record_and_its_hotline_is_no_name(
    aliases: AliasTable,
) -> None:
    """A landscape table whose address cell wraps: "…益田路5033号平" / "安金融中心" /
    "95556 2023-07-01". The fragment continues record 2; under a category heading, where a
    lone line that looks like an organisation is taken as a name, it is still not one."""
    body = pdf(
        "合作机构名单",
        "序号  合作机构名称  统一社会信用代码  注册地址  客服电话  合作起始日期",
        "一、平台运营机构",
        "1  北京三快在线科技有限公司  91110108580853389M  北京市朝阳区望京东路4号  10107888  2023-03-01",
        "二、增信服务机构",
        "2  国任财产保险股份有限公司  91440300668533390T  深圳市福田区益田路5033号平",
        "安金融中心",
        "956030  2024-10-10",
        "3  华安财产保险股份有限公司  914403007109301597  深圳市罗湖区深南东路5015号  95556  2023-07-01",
    )
    result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
    assert [p.name for p in result.partners] == [
        "北京三快在线科技有限公司",
        "国任财产保险股份有限公司",
        "华安财产保险股份有限公司",
    ]


@pytest.mark.parametrize("numbered", [False, True], ids=["unnumbered", "numbered"])
def test_every_line_of_a_list_is_a_name_when_no_record_is_numbered_or_each_is(
    aliases: AliasTable, numbered: bool
) -> None:
    names = ["北京三快在线科技有限公司", "中国人民银行征信中心", "阳光财产保险股份有限公司"]
    lines = [f"{n}  {name}" if numbered else name for n, name in enumerate(names, 1)]
    result = extract(
        capture(response("名单.pdf", pdf("合作机构名单", "合作机构名称", *lines), PDF)),
        aliases=aliases,
    )
    assert [p.name for p in result.partners] == names


def test_a_table_of_products_keyed_by_product_after_the_list_gives_no_partners(
    aliases: AliasTable,
) -> None:
    """表二 "产品名称 产品类型 年化利率区间 合作平台": its 合作平台 cells (小米金融) are brands
    of a product table, not partners, with or without a 序号 column."""
    for seq in ("", "序号  "):
        body = pdf(
            "表一：合作机构名单",
            "序号  机构名称  机构类型",
            "1  北京小米数字科技有限公司  平台运营机构",
            "表二：助贷业务产品信息",
            f"{seq}产品名称  产品类型  年化利率区间（单利）  合作平台",
            f"{'1  ' if seq else ''}小米随心借  个人消费贷款  7.2%-24%  小米金融",
        )
        result = extract(capture(response("名单.pdf", body, PDF)), aliases=aliases)
        assert [p.name for p in result.partners] == ["北京小米数字科技有限公司"], seq
