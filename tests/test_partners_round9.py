"""The classes round 9 showed (after its held-out score), each in a shape of our own."""

from __future__ import annotations

from benchmarks import bench_noise


def ended(markup: str) -> dict[str, bool]:
    page = f"<html><body><h1>互联网助贷业务合作机构名单</h1>{markup}</body></html>"
    return {p.name: bool(p.markers) for p in bench_noise.read(page).partners}


def test_a_name_struck_through_with_its_category_beside_it_is_ended() -> None:
    items = (
        "<li>甲乙网络科技有限公司（平台运营机构）</li>"
        "<li><del>丙丁信息技术有限公司</del>（平台运营机构）</li>"
        "<li><span style='text-decoration: line-through'>戊己融资担保有限公司</span>"
        "（增信服务机构）</li>"
        "<li><s>庚辛科技有限公司</s>（已暂停新增合作）</li>"
    )
    assert ended(f"<p>（划线机构为已终止合作机构）</p><ol>{items}</ol>") == {
        "甲乙网络科技有限公司": False,
        "丙丁信息技术有限公司": True,
        "戊己融资担保有限公司": True,
        "庚辛科技有限公司": True,
    }


def test_a_circled_number_explained_in_a_note_marks_its_names() -> None:
    rows = (
        "<tr><td>1</td><td>甲乙网络科技有限公司</td><td>平台运营机构</td></tr>"
        "<tr><td>2</td><td>深圳榕树信息科技有限公司<sup>①</sup></td><td>平台运营机构</td></tr>"
        "<tr><td>3</td><td>重庆兴农融资担保集团有限公司<sup>②</sup></td><td>增信服务机构</td></tr>"
    )
    notes = (
        "<p>注：</p><p>① 该机构已于2025年10月31日与本行终止合作，存量业务按原合同履行。</p>"
        "<p>② 该机构自2025年11月15日起暂停新增业务合作。</p>"
    )
    table = f"<table><tr><th>序号</th><th>机构名称</th><th>合作类型</th></tr>{rows}</table>{notes}"
    assert ended(table) == {
        "甲乙网络科技有限公司": False,
        "深圳榕树信息科技有限公司": True,
        "重庆兴农融资担保集团有限公司": True,
    }


def test_a_notice_that_a_partnership_is_paused_from_a_date_marks_it() -> None:
    notice = (
        "<div class='notice'><b>重要提示：</b>自2025年11月1日起，我行已终止与甲乙网络科技有限公司"
        "的互联网助贷业务合作；我行与戊己融资担保有限公司的增信合作同日起暂停。</div>"
    )
    rows = "".join(
        f"<tr><td>{name}</td></tr>"
        for name in ("甲乙网络科技有限公司", "丙丁信息技术有限公司", "戊己融资担保有限公司")
    )
    page = f"{notice}<table><tr><th>机构名称</th></tr>{rows}</table>"
    assert ended(page) == {
        "甲乙网络科技有限公司": True,
        "丙丁信息技术有限公司": False,
        "戊己融资担保有限公司": True,
    }
