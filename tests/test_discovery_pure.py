"""Discovery's pure parts: URLs, dates, links, content scoring, registry, budgets (the gates:
test_gate_contract.py)."""

from __future__ import annotations

import doctest
import importlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from archiver import dates, keys
from archiver.discovery import links, registry, robots, score, urls
from archiver.discovery.crawl import CrawlResult, Found
from archiver.discovery.politeness import Budget, BudgetExhausted
from archiver.models import Category, DocumentRef, Manifest, Partner

T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
DOCTEST_MODULES = [
    "archiver.discovery.urls",
    "archiver.dates",
    "archiver.discovery.links",
    "archiver.discovery.score",
    "archiver.discovery.politeness",
]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_doctests(name: str) -> None:
    """The examples in the docstrings hold."""
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/a?utm_source=x&id=3", "https://WWW.X.com", "https://www.x.com/a?id=3"),
        ("#top", "https://x.com/a", "https://x.com/a"),
        ("#/news/3", "https://x.com/", "https://x.com/#/news/3"),
        ("#!/n/3", "https://x.com/", "https://x.com/#!/n/3"),
        ("https://x.com:443/", "", "https://x.com/"),
        ("http://127.0.0.1:8080/a", "", "http://127.0.0.1:8080/a"),
    ],
)
def test_normalise(url: str, base: str, expected: str) -> None:
    """Links are normalised so one document has one URL."""
    assert urls.normalise(url, base) == expected


def test_archive_ids_are_stable_slugs() -> None:
    """A document's chain id depends on its URL only and is a valid site id."""
    slug = urls.doc_slug("https://x.com/a.html")
    assert slug == urls.doc_slug("https://x.com/a.html") != urls.doc_slug("https://x.com/b.html")
    chain = urls.archive_id("static-bank", slug)
    assert chain.startswith("static-bank--d") and len(slug) == 11
    assert keys.is_document_chain(chain) and urls.institution_of(chain) == "static-bank"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-01", "2025-10-01"),
        ("2025年10月1日 12:00:00", "2025-10-01"),
        ("（2025年9月）", ""),
        ("2025.10.08", "2025-10-08"),
        ("2025/10/08", "2025-10-08"),
        ("10-01 2025", "2025-10-01"),
        ("08-10-2025", "2025-10-08"),
        ("时间：2025-10-01 浏览量：1024", "2025-10-01"),
        ("2025-13-45", ""),
        ("浏览量 20251", ""),
    ],
)
def test_dates(text: str, expected: str) -> None:
    """The date-format zoo of real list pages reads as ISO dates."""
    assert dates.parse(text) == expected


RULES = links.LinkRules(entry="https://www.bank.cn/", columns=("公告", "信息披露"), more=("更多",))


@pytest.mark.parametrize(
    ("text", "url", "template", "dated", "expected"),
    [
        ("信息披露", "https://www.bank.cn/xxpl/", True, False, links.LinkKind.INDEX),
        ("更多", "https://www.bank.cn/gg/", False, False, links.LinkKind.INDEX),
        ("公告", "https://www.bank.cn/gg/9.html", False, True, links.LinkKind.CANDIDATE),
        (
            "关于合作机构名单的公告",
            "https://m.bank.cn/n/1",
            False,
            False,
            links.LinkKind.CANDIDATE,
        ),
        ("名单.pdf", "https://www.bank.cn/f/a.pdf", False, False, links.LinkKind.CANDIDATE),
        ("企业文化", "https://www.bank.cn/culture", True, False, None),
        ("关于我们", "https://www.bank.cn/about", False, False, None),
        ("合作机构名单", "https://other.cn/a.html", False, False, None),
        ("logo", "https://www.bank.cn/logo.png", False, False, None),
        ("2", "https://www.bank.cn/gg/2", False, False, None),
    ],
)
def test_link_kinds(
    text: str, url: str, template: bool, dated: bool, expected: links.LinkKind | None
) -> None:
    """Columns are read as indexes, announcements as candidates, the rest is ignored."""
    assert links.classify(text, url, RULES, in_template=template, dated=dated) is expected


def test_html_links_read_dates_in_rows_not_in_containers() -> None:
    """A date counts for a link only when it sits in that link's own row."""
    html = (
        '<nav><a href="/gg/">公告</a><a href="/xxpl/">信息披露</a></nav>'
        '<table><tr><td><a href="/gg/1.html">公告</a></td><td>2025-10-01</td></tr></table>'
        '<div><a href="/gg/2.html">关于互联网贷款合作机构名单的公告</a></div>'
    )
    found = {lk.url: lk for lk in links.html_links(html, "https://www.bank.cn/", RULES)}
    assert found["https://www.bank.cn/gg/"].kind is links.LinkKind.INDEX
    assert found["https://www.bank.cn/gg/1.html"].published == "2025-10-01"
    assert found["https://www.bank.cn/gg/1.html"].kind is links.LinkKind.CANDIDATE
    assert found["https://www.bank.cn/gg/2.html"].priority == 2


def test_json_links_read_list_endpoints() -> None:
    """宁银-style data.json items and epoch-ms dates become candidates."""
    body = '{"rows":[{"title":"临时公告","url":"./d/1.html","time":1759276800000},{"x":1}]}'
    found = links.json_links(body.encode(), "https://www.bank.cn/gg/data.json", RULES)
    assert [(lk.url, lk.published) for lk in found] == [
        ("https://www.bank.cn/gg/d/1.html", "2025-10-01")
    ]
    assert links.json_links(b"not json", "https://www.bank.cn/", RULES) == []


LIST_TABLE = (
    "合作机构名单\n序号\t合作机构名称\t合作机构类别\n"
    "1\t上海淇毓信息科技有限公司\t平台运营机构\n2\t深圳市凯旋融资担保有限公司\t增信服务机构"
)
SCORE_CASES = [
    ("table list", LIST_TABLE, "公告", True),
    (
        "grouped list titled 临时公告",
        "一、平台运营机构\n1. 蚂蚁智信（杭州）信息技术有限公司\n2. 度小满科技（北京）有限公司",
        "临时公告",
        True,
    ),
    (
        "termination notice",
        "关于互联网助贷业务合作机构名单的公告\n自2025年10月1日起，我行已终止全部互联网助贷合作。",
        "公告",
        True,
    ),
    (
        "related-party table",
        "关联方名称\t关联关系\n某某控股集团有限公司\t股东\n某某置业发展有限公司\t关联方",
        "关于重大关联交易的公告",
        False,
    ),
    (
        "rate disclosure naming partners",
        "产品\t合作机构\t年化利率区间\n信用贷\t上海淇毓信息科技有限公司\t7%-24%\n信用贷2\t蚂蚁智信（杭州）信息技术有限公司\t7%",
        "互联网贷款产品利率公示",
        False,
    ),
    ("consumer protection", "消保之声：警惕冒充合作机构的诈骗。", "消保之声", False),
    ("phrase without names", "互联网贷款合作机构名单详见附件。", "公告", False),
    (
        "names without phrase",
        "上海淇毓信息科技有限公司\n蚂蚁智信（杭州）信息技术有限公司",
        "",
        False,
    ),
    (
        "own name does not count",
        "合作机构名单\n某某消费金融有限公司\n上海淇毓信息科技有限公司",
        "公告",
        False,
    ),
]


@pytest.mark.parametrize(("case", "text", "title", "expected"), SCORE_CASES)
def test_scoring(case: str, text: str, title: str, expected: bool) -> None:
    """Content, not the title, decides whether a page is a partner list."""
    verdict = score.assess(text, title=title, own_names=("某某消费金融有限公司",))
    assert verdict.is_list is expected, (case, verdict)


def test_scoring_reads_categories() -> None:
    """Heading and cell words give the categories a list covers."""
    assert score.assess(LIST_TABLE).categories == ("credit_enhancement", "platform")


def _partner(name: str, category: Category = Category.UNSPECIFIED) -> Partner:
    return Partner(raw=name, name=name, match_key=name, category=category)


def _manifest(*partners: Partner) -> Manifest:
    return Manifest(
        site_id="x--d",
        seq=1,
        captured_at=T0,
        requested_url="u",
        final_url="u",
        http_status=200,
        browser_version="b",
        content_digest="c",
        partners=partners,
    )


def _ref(
    url: str, *, published: str = "", categories: tuple[str, ...] = (), **kw: object
) -> DocumentRef:
    base = DocumentRef(
        url=url,
        archive_id=f"x--{url}",
        role="list",
        published=published,
        categories=categories,
        first_seen_at=T0,
        listed=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


P = Category.PLATFORM
C = Category.CREDIT_ENHANCEMENT
DERIVE_CASES = [
    (
        "newest list wins",
        [_ref("a", published="2025-07-01"), _ref("b", published="2025-10-01")],
        {"a": _manifest(_partner("甲")), "b": _manifest(_partner("乙"))},
        {"b"},
        ["乙"],
    ),
    (
        "newest per category",
        [
            _ref("all", published="2025-09-01", categories=("credit_enhancement", "platform")),
            _ref("credit", published="2025-09-15", categories=("credit_enhancement",)),
        ],
        {
            "all": _manifest(_partner("平台甲", P), _partner("担保甲", C)),
            "credit": _manifest(_partner("担保乙", C)),
        },
        {"all", "credit"},
        ["担保乙", "平台甲"],
    ),
    (
        "separate categories both current",
        [
            _ref("p", published="2025-09-01", categories=("platform",)),
            _ref("k", published="2025-06-01", categories=("collection",)),
        ],
        {"p": _manifest(_partner("甲")), "k": _manifest(_partner("催"))},
        {"p", "k"},
        ["甲", "催"],
    ),
    (
        "withdrawn list is superseded by the live one",
        [
            _ref("old", published="2025-09-01", state="withdrawn"),
            _ref("new", published="2025-10-20"),
        ],
        {"old": _manifest(_partner("甲")), "new": _manifest(_partner("甲"))},
        {"new"},
        ["甲"],
    ),
    (
        "withdrawn list kept when nothing replaces it",
        [_ref("old", published="2025-09-01", state="withdrawn")],
        {"old": _manifest(_partner("甲"), _partner("乙"))},
        {"old"},
        ["甲", "乙"],
    ),
    (
        "a second batch adds to the first (blind round 21, disc-second-batch)",
        [
            _ref("first", published="2025-09-01", title="合作机构名单公示（第一批）"),
            _ref("second", published="2025-11-20", title="合作机构名单公示（第二批）"),
        ],
        {"first": _manifest(_partner("甲", P)), "second": _manifest(_partner("乙", P))},
        {"first", "second"},
        ["甲", "乙"],
    ),
    (
        "an updated whole list after a batch replaces both",
        [
            _ref("first", published="2025-09-01", title="合作机构名单公示（第一批）"),
            _ref("second", published="2025-10-01", title="合作机构名单公示（第二批）"),
            _ref("whole", published="2025-11-20", title="关于更新合作机构名单的公告"),
        ],
        {
            "first": _manifest(_partner("甲", P)),
            "second": _manifest(_partner("乙", P)),
            "whole": _manifest(_partner("乙", P), _partner("丙", P)),
        },
        {"whole"},
        ["乙", "丙"],
    ),
    (
        "a 关于新增 announcement restates the whole list (blind rounds 6, 16, 17)",
        [
            _ref("first", published="2025-09-01", title="合作机构名单"),
            _ref("new", published="2025-11-20", title="关于新增互联网助贷业务合作机构的公告"),
        ],
        {"first": _manifest(_partner("甲", P)), "new": _manifest(_partner("乙", P))},
        {"new"},
        ["乙"],
    ),
    ("no version yet", [_ref("a")], {}, set(), []),
]


@pytest.mark.parametrize(("case", "refs", "versions", "current", "names"), DERIVE_CASES)
def test_derive(
    case: str,
    refs: list[DocumentRef],
    versions: dict[str, Manifest],
    current: set[str],
    names: list[str],
) -> None:
    """The institution's list is the newest list per category over its documents."""
    derived = registry.derive(refs, versions)
    assert set(derived.current) == current, case
    assert sorted(p.name for p in derived.partners) == sorted(names), case


def _crawl(*found: Found, complete: bool = True) -> CrawlResult:
    return CrawlResult(entry_url="https://b.cn/", found=found, complete=complete)


def test_merge_keeps_classification_and_first_sighting() -> None:
    """What an earlier check learnt survives a crawl that did not re-read the document."""
    first = registry.merge(
        [],
        _crawl(
            Found(
                url="https://b.cn/1",
                title="公告",
                listed=True,
                role="list",
                classified=True,
                published="2025-10-01",
            )
        ),
        site_id="b",
        now=T0,
    )
    later = T0 + timedelta(days=1)
    second = registry.merge(
        first,
        _crawl(Found(url="https://b.cn/1", title="公告", listed=True)),
        site_id="b",
        now=later,
    )
    doc = next(d for d in second if d.role != "index")
    assert doc.role == "list" and doc.first_seen_at == T0 and doc.classified_at == T0
    assert doc.archive_id == "b--" + urls.doc_slug("https://b.cn/1")
    assert [d.role for d in second].count("index") == 1


@pytest.mark.parametrize(
    ("complete", "published", "others", "listed"),
    [
        (True, "2025-10-01", ["2025-09-01"], False),  # inside the window read: removed
        (True, "2025-01-01", ["2025-09-01"], True),  # older than all seen: scrolled off
        (False, "2025-10-01", ["2025-09-01"], True),  # incomplete crawl decides nothing
        (True, "", [""], False),  # undated, index did not grow: removed
        (True, "", ["", ""], True),  # undated, index grew: maybe pushed off
    ],
)
def test_removal_needs_a_complete_crawl_and_the_window(
    complete: bool, published: str, others: list[str], listed: bool
) -> None:
    """An announcement missing from the index is removed only when it should have been seen."""
    gone = _ref("https://b.cn/gone", published=published, role="other")
    seen = [Found(url=f"https://b.cn/{i}", listed=True, published=p) for i, p in enumerate(others)]
    merged = registry.merge([gone], _crawl(*seen, complete=complete), site_id="b", now=T0)
    assert next(d for d in merged if d.url.endswith("gone")).listed is listed


def test_document_events() -> None:
    """New, removed, withdrawn, restored and recognised lists are events; a baseline is not."""
    a, b, c, d = (_ref(f"https://b.cn/{x}", role="other") for x in "abcd")
    before = (a, b, c, replace(d, state="withdrawn"))
    after = (
        replace(a, listed=False),
        replace(b, state="withdrawn"),
        replace(c, role="list"),
        d,
        _ref("https://b.cn/new", role="other"),
    )
    kinds = {
        (e.type.value, e.url.rsplit("/", 1)[-1]) for e in registry.document_events(before, after)
    }
    assert kinds == {
        ("announcement_removed", "a"),
        ("withdrawn", "b"),
        ("list_found", "c"),
        ("restored", "d"),
        ("new_announcement", "new"),
    }
    assert registry.document_events((), after) == ()


class FakeTime:
    """A clock whose sleep advances it."""

    def __init__(self) -> None:
        self.t = T0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += timedelta(seconds=seconds)


def test_budget_caps_pages_and_time() -> None:
    """The budget refuses the page after the last and any page after the time is up."""
    clock = FakeTime()
    budget = Budget(pages=2, seconds=60, now=clock.now)
    budget.take("u")
    budget.take("u")
    with pytest.raises(BudgetExhausted, match="page budget"):
        budget.take("u")
    clock.sleep(61)
    budget = Budget(pages=5, seconds=60, now=clock.now)
    clock.sleep(61)
    assert budget.remaining == 0
    with pytest.raises(BudgetExhausted, match="time budget"):
        budget.take("u")


@pytest.mark.parametrize(
    ("robots_txt", "url", "allowed"),
    [
        ("User-agent: *\nDisallow: /\nAllow: /xxgk/\n", "https://bank.cn/xxgk/hzjg.html", True),
        ("User-agent: *\nDisallow: /\nAllow: /xxgk/\n", "https://bank.cn/news/1.html", False),
        ("User-agent: *\nAllow: /xxgk/\nDisallow: /\n", "https://bank.cn/xxgk/hzjg.html", True),
        ("User-agent: *\nDisallow: /*.pdf$\n", "https://bank.cn/files/list.pdf", False),
        ("User-agent: *\nDisallow: /*.pdf$\n", "https://bank.cn/files/list.pdf?v=2", True),
        ("User-agent: *\nDisallow: /secret/\n", "https://bank.cn/secret/x", False),
        ("User-agent: other\nDisallow: /\n", "https://bank.cn/", True),
    ],
)
def test_robots_rules_take_the_longest_match_and_wildcards(
    robots_txt: str, url: str, allowed: bool
) -> None:
    """RFC 9309: the most specific rule wins whatever its order; `*` and `$` are wildcards."""
    rules = robots.rules_of(200, "text/plain", robots_txt.encode())
    assert rules.can_fetch(url, robots.AGENT) is allowed


def test_robots_answers_that_are_not_rules() -> None:
    """5xx closes the host for the run; 4xx and an HTML page (a soft 404) open it."""
    url = "https://bank.cn/xxgk/hzjg.html"
    assert not robots.rules_of(503, "text/plain", b"").can_fetch(url, robots.AGENT)
    assert robots.rules_of(404, "text/plain", b"Disallow: /").can_fetch(url, robots.AGENT)
    page = b"<html><body>User-agent: *<br>Disallow: /</body></html>"
    assert robots.rules_of(200, "text/html", page).can_fetch(url, robots.AGENT)
    delay = robots.rules_of(200, "text/plain", b"User-agent: *\nCrawl-delay: 4\n")
    assert delay.crawl_delay(robots.AGENT) == 4.0


def test_list_items_with_their_fields_in_brackets_after_the_name_are_names() -> None:
    """Round 11: "甲有限公司（客服电话：95152）" items were no names, so an announcement that
    republished the list as such items was never taken for the list."""
    text = "\n".join(
        f"{name}（客服电话：{phone}）"
        for name, phone in (
            ("北京抖音信息服务有限公司", "95152"),
            ("上海携程金融信息服务有限公司", "95010"),
            ("度小满科技（北京）有限公司", "95055"),
        )
    )
    verdict = score.assess(text, title="关于互联网助贷业务合作机构名单的公示")
    assert (verdict.is_list, verdict.names) == (True, 3)
