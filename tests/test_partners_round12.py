"""Shapes blind round 12 found read wrong on its first, held-out score, each in a variant of
its own (the outsiders' pages themselves run in tests/test_partners_blind12.py)."""

from __future__ import annotations

from benchmarks import bench_noise

ANT = "蚂蚁智信（杭州）信息技术有限公司"
JD = "北京京东叁佰陆拾度电子商务有限公司"
DXM = "度小满科技（北京）有限公司"
MT = "北京三快在线科技有限公司"
ZA = "众安在线财产保险股份有限公司"
KX = "深圳市凯旋融资担保有限公司"
PICC = "中国人民财产保险股份有限公司"


def _page(body: str, title: str = "互联网助贷业务合作机构名单") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def _read(body: str, title: str = "互联网助贷业务合作机构名单") -> dict[str, str]:
    return {p.name: p.category_raw for p in bench_noise.read(_page(body, title)).partners}


def _remarks(body: str) -> dict[str, str]:
    return {p.name: p.remark for p in bench_noise.read(_page(body)).partners}


def test_names_three_to_a_row_under_a_merged_category_row_are_all_read() -> None:
    """A layout table of names, three per row, under a category row merged across (colspan):
    only the first column was read, 6 of 11 names lost."""
    body = (
        '<table border="1"><tr><td colspan="3">平台运营机构</td></tr>'
        f"<tr><td>{ANT}</td><td>{JD}</td><td>{DXM}</td></tr>"
        f"<tr><td>{MT}</td><td></td><td></td></tr>"
        '<tr><td colspan="3">增信服务机构</td></tr>'
        f"<tr><td>{ZA}</td><td>{KX}</td><td></td></tr></table>"
    )
    assert _read(body) == {
        ANT: "平台运营机构",
        JD: "平台运营机构",
        DXM: "平台运营机构",
        MT: "平台运营机构",
        ZA: "增信服务机构",
        KX: "增信服务机构",
    }


def test_a_table_laid_out_sideways_is_read_upright() -> None:
    """Labels down the first column, one partner per column: the product row was read as the
    names (借呗 | 有钱花) and the real names were lost."""
    body = (
        "<table>"
        f"<tr><td>合作机构名称</td><td>{ANT}</td><td>{DXM}</td><td>{KX}</td></tr>"
        "<tr><td>机构类别</td><td>平台运营机构</td><td>平台运营机构</td><td>增信服务机构</td></tr>"
        "<tr><td>合作产品</td><td>借呗</td><td>有钱花</td><td>融资担保</td></tr>"
        "<tr><td>客服热线</td><td>95188</td><td>95055</td><td>4008-123-456</td></tr>"
        "</table>"
    )
    read = bench_noise.read(_page(body)).partners
    assert {p.name: (p.category_raw, p.products, p.hotline) for p in read} == {
        ANT: ("平台运营机构", ("借呗",), "95188"),
        DXM: ("平台运营机构", ("有钱花",), "95055"),
        KX: ("增信服务机构", ("融资担保",), "4008-123-456"),
    }


def test_a_sentence_of_names_split_over_spans_is_one_sentence() -> None:
    """WPS export: "甲公司、" and "乙公司。" in spans of one paragraph were read as a row of two
    cells, the first taken as the second's category."""
    span = '<span style="mso-spacerun:yes"><font face="仿宋_GB2312">{}</font></span>'
    body = (
        "<p>一、增信服务机构</p>"
        f"<p>{span.format(ZA + '、')}{span.format(PICC + '、')}{span.format(KX + '。')}</p>"
    )
    assert _read(body) == {ZA: "增信服务机构", PICC: "增信服务机构", KX: "增信服务机构"}


def test_the_publisher_that_announces_the_list_is_never_its_partner() -> None:
    """A WeChat repost: the account's name (a bank's short name) above a list published only
    as images was read as the one partner; "甲银行现将…名单公示如下" says whose list it is."""
    markup = (
        "<html><body><h1>关于公示互联网助贷业务合作机构名单的公告</h1>"
        '<div><span class="meta">浦联银行</span><em>2026年2月18日</em></div>'
        "<p>根据监管要求，浦联银行现将互联网助贷业务合作机构名单公示如下：</p>"
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" data-src="list1.png" alt="图片"></p>'
        "</body></html>"
    )
    assert [p.name for p in bench_noise.read(markup).partners] == []


def test_a_note_on_who_compiled_the_table_is_no_partner() -> None:
    """An Excel export's 填报说明 sheet: "本表由甲银行股份有限公司网络金融部汇总" was a partner."""
    body = (
        f"<table><tr><th>序号</th><th>机构名称</th></tr><tr><td>1</td><td>{ANT}</td></tr></table>"
        "<table><tr><td>1</td><td>本表由浦联银行股份有限公司网络金融部汇总</td></tr>"
        "<tr><td>2</td><td>本名单由浦联银行股份有限公司零售金融部编制</td></tr></table>"
    )
    assert list(_read(body)) == [ANT]


def test_an_ended_partner_named_only_in_a_note_across_the_table_is_ended() -> None:
    """ "注：…2.原合作机构甲公司已于…终止合作，不再列示" in a row merged across an Excel export:
    the ended partner was not read at all (the label says terminated)."""
    note = (
        "注：1.排名不分先后；2.原合作机构北京玖富普惠信息技术有限公司已于2025年8月31日终止合作，"
        "不再列示；3.制表单位：浦联银行网络金融部。"
    )
    body = (
        "<table><tr><th>序号</th><th>机构名称</th><th>合作类型</th></tr>"
        f"<tr><td>1</td><td>{ANT}</td><td>平台运营机构</td></tr>"
        f"<tr><td>2</td><td>{MT}</td><td>平台运营机构</td></tr>"
        f'<tr><td colspan="3">{note}</td></tr></table>'
    )
    assert _remarks(body) == {ANT: "", MT: "", "北京玖富普惠信息技术有限公司": "已终止合作"}


def test_a_partnership_the_partner_ends_with_the_lender_in_a_numbered_clause_is_ended() -> None:
    body = (
        f"<p>一、本公司合作的平台运营机构包括：{ANT}、{MT}。</p>"
        f"<p>二、{DXM}与本行的互联网助贷业务合作已于2025年12月31日终止。</p>"
    )
    assert _remarks(body) == {ANT: "", MT: "", DXM: "已终止合作"}


def test_a_policy_that_sends_the_reader_to_the_list_elsewhere_announces_none() -> None:
    """A rule's announcement ("本办法所称平台运营机构，是指…", "合作机构名单另行公示") carries no
    list: absent, not unparseable."""
    body = (
        "<p>第二条 本办法所称平台运营机构，是指为本行提供获客服务的机构。</p>"
        "<p>本行互联网助贷业务合作机构名单另行公示，请关注本行官网“信息披露”栏目。</p>"
    )
    read = bench_noise.read(_page(body, title="关于发布《互联网助贷业务管理办法》的公告"))
    assert (read.list_status.value, read.partners) == ("absent", ())


def test_a_lead_that_warns_of_fraud_does_not_disown_the_list_it_introduces() -> None:
    """ "现将与本公司开展…合作的机构公示如下，请…谨防诈骗" above H5 cards read as a fraud warning
    over a list of impostors: nothing was read on any step (4 missed events)."""
    cards = "".join(
        f'<div class="card"><span class="tag">平台运营机构</span><div class="nm">{name}</div>'
        "<div><label>客服电话</label><span>95188</span></div></div>"
        for name in (ANT, MT)
    )
    lead = "<p>现将与本公司开展互联网助贷业务合作的机构公示如下，请认准官方渠道，谨防诈骗。</p>"
    assert _read(lead + cards, title="合作机构公示") == {ANT: "平台运营机构", MT: "平台运营机构"}


def test_a_heading_that_names_the_publisher_and_the_edition_gives_the_bare_category() -> None:
    """ "中原消费金融增信服务机构名单公示（2025年12月更新）" became the category itself: three
    false category changes when the list was re-published under that heading."""
    body = (
        f"<h2>浦联消费金融增信服务机构名单公示（2025年12月更新）</h2><p>1. {ZA}</p><p>2. {KX}</p>"
    )
    assert _read(body) == {ZA: "增信服务机构", KX: "增信服务机构"}


def test_a_rows_number_after_its_category_is_no_product() -> None:
    """A landscape PDF's text (机构类别 | 序号 | 机构名称 | …): the number was read as the product,
    8 false field changes on a layout step."""
    body = (
        "<p>机构类别 序号 机构名称 客服电话</p>"
        f"<p>平台运营机构 1 {ANT} 95188</p><p>平台运营机构 2 {MT} 10107888</p>"
    )
    read = bench_noise.read(_page(body)).partners
    assert {p.name: p.products for p in read} == {ANT: (), MT: ()}


def test_the_lenders_signature_with_its_date_is_no_partner_wherever_it_stands() -> None:
    """ "甲农村商业银行股份有限公司　2025年11月" under the list was a partner as soon as a
    related-news block followed it (a quiet change made an `added`)."""
    body = (
        f"<p>1. {ANT}</p><p>2. {MT}</p><p>浦联农村商业银行股份有限公司　2025年11月</p>"
        "<h3>相关新闻</h3><ul><li>关于调整营业时间的公告 2026-08-10</li></ul>"
    )
    assert list(_read(body)) == [ANT, MT]
