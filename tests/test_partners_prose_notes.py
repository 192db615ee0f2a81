"""A list written as a sentence: a bracketed note after a complete legal name is part of that
name's piece, never the end of the list; a category label alone before one name is a list of
one."""

from __future__ import annotations

from tests.test_partners_structure import KX, _extract

ZY = "中原融资担保有限公司"
NOTE = "（中州金融控股集团有限公司关联方，已按关联交易管理办法履行审批程序）"
PLATFORMS = "<p>（一）平台运营机构：北京三快在线科技有限公司、京东科技信息技术有限公司。</p>"


def test_a_long_note_in_brackets_after_a_legal_name_keeps_the_name() -> None:
    body = f"<p>三、合作机构名单</p>{PLATFORMS}<p>（二）增信服务机构：{KX}、{ZY}{NOTE}。</p>"
    read = {p.name: p.category_raw for p in _extract(body).partners}
    assert read[ZY].endswith("增信服务机构") and read[KX].endswith("增信服务机构")
    assert "中州金融控股集团有限公司" not in read


def test_one_name_after_a_bare_category_label_is_a_list_of_one() -> None:
    body = f"<p>三、合作机构名单</p>{PLATFORMS}<p>（二）增信服务机构：{ZY}{NOTE}。</p>"
    assert ZY in {p.name for p in _extract(body).partners}


def test_a_field_after_a_name_and_its_category_is_no_list_of_one() -> None:
    body = "<p>阳光财产保险股份有限公司 增信服务机构 备注：信用保证保险</p>"
    assert "信用保证保险" not in {p.name for p in _extract(body).partners}
