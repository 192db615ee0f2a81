"""Cards: a head of brand and category tag over field lines ("机构全称：…", "客服电话：…").

A card's head is no tab bar and its rows are no div table, whatever its brand says ("人保财险"
names insurance); a partner's 统一社会信用代码 given on a line of its own says who it is, as a
table's code column does: a new name on the same code is a rename."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks import bench_noise

A = ("上海甲乙金融科技有限公司", "91310000MA1FL1D95C")
B = ("北京丙丁网络技术有限公司", "91110108MA01XYWA3D")
C = ("深圳戊己科技有限公司", "91440300MA5FABCD4E")
RENAMED = ("上海甲乙数字科技有限公司", "91310000MA1FL1D95C")

Card = Callable[[str, str], list[str]]


def _labelled(name: str, code: str) -> list[str]:
    return [f"机构名称：{name}", f"统一社会信用代码：{code}", "合作类型：平台运营机构"]


def _unlabelled(name: str, code: str) -> list[str]:
    return [name, f"统一社会信用代码：{code}", "客服电话：95188"]


def _code_first(name: str, code: str) -> list[str]:
    return [f"统一社会信用代码：{code}", f"机构名称：{name}", "合作类型：平台运营机构"]


def _page(card: Card, *partners: tuple[str, str], after: str = "") -> str:
    cards = "".join(
        '<div class="card">' + "".join(f"<p>{line}</p>" for line in card(*p)) + "</div>"
        for p in partners
    )
    return f"<html><body><h2>互联网助贷业务合作机构名单</h2>{cards}{after}</body></html>"


def _codes(markup: str) -> dict[str, str]:
    return {p.name: p.credit_code for p in bench_noise.read(markup).partners}


def test_a_labelled_cards_code_is_kept_and_a_new_name_on_it_is_a_rename() -> None:
    before = bench_noise.read(_page(_labelled, A, B, C)).partners
    after = bench_noise.read(_page(_labelled, RENAMED, B, C)).partners
    assert {p.name: p.credit_code for p in after} == dict([RENAMED, B, C])
    assert bench_noise.events_between(before, after) == [f"renamed {RENAMED[0]}"]


def test_a_code_line_under_an_unlabelled_name_is_that_partners() -> None:
    assert _codes(_page(_unlabelled, A, B, C)) == dict([A, B, C])


def test_codes_before_their_names_are_not_given_to_anyone() -> None:
    """Whose code is whose is not sure when it comes first: none is kept (never a wrong one)."""
    assert _codes(_page(_code_first, A, B, C)) == {A[0]: "", B[0]: "", C[0]: ""}


def test_a_lone_code_under_a_list_is_the_publishers_not_the_last_partners() -> None:
    lines = "".join(f"<p>{name}</p>" for name, _ in (A, B, C))
    markup = (
        f"<html><body><h2>互联网助贷业务合作机构名单</h2>{lines}"
        "<p>统一社会信用代码：91110000100000000E</p></body></html>"
    )
    assert _codes(markup) == {A[0]: "", B[0]: "", C[0]: ""}


PICC = ("人保财险", "增信服务机构", "中国人民财产保险股份有限公司")
JD = ("京东金融", "平台运营机构", "北京京东叁佰陆拾度电子商务有限公司")


def _headed(*cards: tuple[str, str, str]) -> str:
    body = "".join(
        f'<div class="card"><div class="hd"><span>{brand}</span><span>{category}</span></div>'
        f'<div class="bd"><p>机构全称：{name}</p><p>客服电话：95518</p></div></div>'
        for brand, category, name in cards
    )
    title = "<h1>互联网助贷业务合作机构名单</h1>"
    return f'<html><body>{title}<div class="grid">{body}</div></body></html>'


def _categories(markup: str) -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(markup).partners}


def test_a_card_head_whose_brand_names_insurance_is_no_tab_bar() -> None:
    """ "人保财险 | 增信服务机构" over two field lines read as tabs and their panes: the brand
    became the category."""
    assert _categories(_headed(PICC)) == {PICC[2]: PICC[1]}


def test_cards_of_head_and_field_rows_are_no_div_table_in_any_order() -> None:
    """Two cards (head row, field row) read as a four-row div table lost the second partner."""
    expected = {JD[2]: JD[1], PICC[2]: PICC[1]}
    assert _categories(_headed(JD, PICC)) == expected
    assert _categories(_headed(PICC, JD)) == expected


def test_cards_in_an_old_templates_one_column_content_table_are_read_as_cards() -> None:
    """A table of one column whose cell holds a block of lines places the page's content
    (an old CMS template): its cards are read one by one, not as one cell of text."""
    cards = "".join(
        f'<div class="card"><div class="hd"><span>{name}</span></div>'
        f'<div class="bd"><p>类别：{kind}</p></div></div>'
        for name, kind in (
            (A[0], "平台运营机构"),
            (B[0], "平台运营机构"),
            ("广西某某融资担保有限公司", "增信服务机构"),
        )
    )
    markup = (
        "<html><body><table><tr><td>首页 | 信息披露</td></tr></table>"
        '<table width="96%"><tr><td>您现在的位置：首页 &gt;&gt; 合作机构名单</td></tr>'
        "<tr><td><b>某某银行互联网助贷业务合作机构名单</b></td></tr>"
        f'<tr><td><font size="2">{cards}<p>更新时间：2025年9月30日</p></font></td></tr>'
        "</table></body></html>"
    )
    read = {p.name: p.category.value for p in bench_noise.read(markup).partners}
    assert read == {
        A[0]: "platform",
        B[0]: "platform",
        "广西某某融资担保有限公司": "credit_enhancement",
    }
