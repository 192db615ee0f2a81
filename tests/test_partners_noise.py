"""Quiet changes give no partner event, on every page the outsiders ever wrote.

benchmarks/bench_noise.py changes each kept HTML page in ways that say nothing about its
partners (whitespace, bracket width, related news, a sidebar, a counter, row order, a new
template, an editor's spans, padding, CMS attributes) and counts the events between the two
readings. The whole corpus must give none; the focused tests below are the causes it found.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_noise


@pytest.mark.slow
def test_no_quiet_change_of_any_kept_page_makes_a_partner_event() -> None:
    failures = []
    for page_id, markup in bench_noise.pages():
        if "</html>" not in markup[-4000:].lower():
            continue
        first = bench_noise.read(markup)
        if not first.partners or first.suspect:
            continue
        for number, name in enumerate(bench_noise.TRANSFORMS):
            after = bench_noise.read(bench_noise.changed(markup, [name], seed=number))
            events = bench_noise.events_between(first.partners, after.partners)
            if events:
                failures.append(f"{page_id} [{name}]: {events[:3]}")
    assert not failures, "\n".join(failures)


def card(label: str, product: str) -> str:
    return (
        "<div class='card'><div class='card-hd'><span class='org'>{name}</span></div>"
        f"<div class='card-bd'><p>{label}<em>{product}</em></p></div></div>"
    )


@pytest.mark.parametrize("label", ["合作产品：", "<span>合作产品：</span>", "<b>合作产品</b>"])
def test_a_card_field_label_in_its_own_element_keeps_its_colon_out_of_the_value(
    label: str,
) -> None:
    cards = "".join(
        card(label, product).format(name=name)
        for name, product in (
            ("上海数禾信息科技有限公司", "还呗"),
            ("马上消费金融股份有限公司", "安逸花"),
        )
    )
    markup = f"<html><body><h1>合作机构名单</h1><h2>平台运营机构</h2>{cards}</body></html>"
    read = bench_noise.read(markup)
    assert [(p.name, p.products) for p in read.partners] == [
        ("上海数禾信息科技有限公司", ("还呗",)),
        ("马上消费金融股份有限公司", ("安逸花",)),
    ]


def test_a_partner_in_two_product_rows_keeps_both_hotlines_whatever_the_row_order() -> None:
    rows = [
        "<tr><td>奇富借条</td><td>上海淇毓信息科技有限公司</td><td>中国人民财产保险股份有限公司</td>"
        "<td>10100360</td></tr>",
        "<tr><td>拿去花</td><td>上海携程商务有限公司</td><td>中国人民财产保险股份有限公司</td>"
        "<td>95010</td></tr>",
    ]
    head = "<tr><th>产品名称</th><th>平台运营机构</th><th>增信服务机构</th><th>客服电话</th></tr>"

    def insurer(order: list[str]) -> str:
        markup = (
            f"<html><body><h1>合作机构名单</h1><table>{head}{''.join(order)}</table></body></html>"
        )
        found = [p for p in bench_noise.read(markup).partners if "人民财产" in p.name]
        return found[0].hotline

    assert insurer(rows) == insurer(rows[::-1]) == "10100360；95010"
