"""Shapes blind round 21 found read wrong, each in a variant of its own (the outsiders' pages
themselves run in tests/test_partners_blind21.py)."""

from __future__ import annotations

import pytest

from archiver.models import ListStatus, Marker
from benchmarks import bench_noise
from tests.test_partners_round18 import ANT, PICC, QY, ZA, _page, _read

FUND = "易方达基金管理有限公司"
WEALTH = "招银理财有限责任公司"


def _table(*names: str, label: str = "机构名称") -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{name}</td></tr>" for n, name in enumerate(names, 1))
    return f"<table><tr><th>序号</th><th>{label}</th></tr>{rows}</table>"


@pytest.mark.parametrize(
    "heading",
    [
        "<h3>代销业务合作机构</h3>",
        "<h3>三、代理销售合作机构名单</h3>",
        "<p>我行代销的理财产品及基金合作机构如下：</p>",
    ],
    ids=["heading", "numbered", "lead"],
)
def test_a_distribution_list_beside_the_partner_list_is_not_read(heading: str) -> None:
    """A bank's 代销 partners (funds, wealth products) published under the loan partners in
    the same table shape: another business, not partners of this list (blind round 10's
    trap-agency-sales-partners, held as an xfail since; round 21 asked for it again)."""
    body = f"<h3>互联网助贷业务合作机构</h3>{_table(ANT, QY, ZA)}{heading}{_table(FUND, WEALTH)}"
    assert set(_read(body)) == {ANT, QY, ZA}


def test_a_page_of_distribution_partners_only_has_no_partner_list() -> None:
    """ "代销产品合作机构名单" titles another business's list: no partner list on the page,
    and the bank's logo (alt="徽商银行") is no picture of one."""
    lead = "<img src='/img/hs.png' alt='徽商银行'><p>现将代销合作机构名单公示如下：</p>"
    body = lead + _table(FUND, WEALTH)
    read = bench_noise.read(_page(body, title="代销产品合作机构名单"))
    assert (read.list_status, read.partners) == (ListStatus.ABSENT, ())


def test_notes_run_in_one_line_each_explain_their_own_mark() -> None:
    """ "注：①原名称为…。②该机构自2025年11月起暂停合作。" in one paragraph: ② marks its name
    suspended, ① explains a rename, not an end."""
    body = _table(ANT, f"{QY}①", f"{PICC}②") + (
        "<p>注：①原名称为“上海淇毓信息技术有限公司”。②该机构自2025年11月起暂停合作。</p>"
    )
    read = {p.name: p.markers for p in bench_noise.read(_page(body)).partners}
    assert read == {ANT: (), QY: (), PICC: (Marker.SUSPENDED,)}
