"""Partner events on a simulated world: precision, recall and alerts on quiet epochs.

    python benchmarks/bench_world.py                      # 60 institutions, 6 epochs
    python benchmarks/bench_world.py --sites 24 --epochs 4 --out benchmarks/results/world.json

N institutions on 127.0.0.1, each publishing its partner list (平台运营机构, 营销获客机构,
增信服务机构, with hotlines) in one of six page layouts that real sites use: a TRS article
table with a rotating 相关新闻 block, a portal with left navigation and a list per category,
numbered prose items, H5 cards, one table per category, a Word-exported table. Every request
sees new noise (a clock, a view counter, the related news). After the first epoch, every
institution gets one kind of step per epoch:

- noise: rows reordered, bracket widths and spaces changed, a rename note tidied away;
- layout: the same list in another of the six layouts;
- fault: HTTP 503, a page cut off mid-list that stays cut off on the re-check, a WAF
  interstitial, a maintenance page, an app shell that never loads its list;
- real: one or two of added, dropped, renamed (with a rename note in one of several forms),
  category changed, hotline changed.

Expected events are the differences between the list before and after each non-fault epoch
(a fault epoch expects none and leaves the list as it was). Every check goes through the
product as `archiver check` runs it (`Runner.run_pass`, with its confirmations), and its
events are compared by type and normalised names. The world is written by the team, so it is
not a blind measure: it checks the event rules at scale on every layout, fault and change.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archiver.adapters.browser import PlaywrightCapturer
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.config import Site
from archiver.pipeline import Deps
from archiver.testing import LocalSite, Route

PLATFORM, MARKETING, CREDIT = "平台运营机构", "营销获客机构", "增信服务机构"
POOL = [
    ("蚂蚁智信（杭州）信息技术有限公司", PLATFORM),
    ("上海淇毓信息科技有限公司", PLATFORM),
    ("深圳市分期乐网络科技有限公司", PLATFORM),
    ("度小满科技（北京）有限公司", PLATFORM),
    ("京东科技信息技术有限公司", PLATFORM),
    ("北京三快在线科技有限公司", PLATFORM),
    ("上海携程宏睿信息技术有限公司", PLATFORM),
    ("北京字跳网络技术有限公司", PLATFORM),
    ("上海拍拍贷金融信息服务有限公司", PLATFORM),
    ("深圳市小赢信息技术有限责任公司", PLATFORM),
    ("上海数禾信息科技有限公司", PLATFORM),
    ("北京玖富普惠信息技术有限公司", PLATFORM),
    ("北京快手科技有限公司", MARKETING),
    ("北京微梦创科网络技术有限公司", MARKETING),
    ("上海哔哩哔哩科技有限公司", MARKETING),
    ("深圳市腾讯计算机系统有限公司", MARKETING),
    ("北京小米移动软件有限公司", MARKETING),
    ("广州唯品会电子商务有限公司", MARKETING),
    ("中国人民财产保险股份有限公司", CREDIT),
    ("中国平安财产保险股份有限公司", CREDIT),
    ("众安在线财产保险股份有限公司", CREDIT),
    ("阳光财产保险股份有限公司", CREDIT),
    ("深圳市凯旋融资担保有限公司", CREDIT),
    ("福州三六零融资担保有限公司", CREDIT),
    ("重庆度小满融资担保有限公司", CREDIT),
    ("深圳市信也融资担保有限公司", CREDIT),
    ("天津京东盛际融资担保有限公司", CREDIT),
    ("重庆两江新区融资担保有限公司", CREDIT),
]
NEWS = [
    "关于开展反诈宣传活动的通知",
    "我行荣获2025年度普惠金融服务奖",
    "关于调整部分网点营业时间的公告",
    "关于信用卡积分规则调整的通知",
    "关于举办金融知识进万家活动的公告",
    "关于个人养老金业务上线的公告",
    "关于防范冒用我行名义诈骗的风险提示",
    "2025年第三季度消费者权益保护工作报告",
]
LAYOUTS = ("trs_table", "portal_groups", "numbered_prose", "h5_cards", "tables_by_kind", "word")
FAULTS = ("http_503", "cut_off", "waf", "maintenance", "empty_shell")
RENAME_NOTES = (
    "{new}（原名称：{old}）",
    "{new}（原“{old}”，已更名）",
    "{new}(曾用名:{old})",
    "{new}（原{old}已更名为{new}）",
)


@dataclass
class Entry:
    """One partner as the institution publishes it."""

    name: str
    category: str
    hotline: str
    note: str = ""  # a rename note shown with the name for one epoch


@dataclass
class Institution:
    number: int
    entries: list[Entry]
    layout: str
    fault: str = ""
    shown: list[Entry] = field(default_factory=list)  # the order and forms on the page
    wide_brackets: bool = True
    hits: int = 0


def renamed(name: str) -> str:
    """A plausible new legal name for `name` (the brand part changes), or "" for none."""
    for old, new in (
        ("信息技术", "数字科技"),
        ("网络科技", "数字科技"),
        ("信息科技", "智能科技"),
        ("科技", "数字科技"),
        ("融资担保有限公司", "融资担保集团有限公司"),
    ):
        if old in name:
            return name.replace(old, new, 1)
    return ""


def hotline(rng: random.Random) -> str:
    """A customer-service number in one of the shapes real ones have."""
    kind = rng.randrange(4)
    if kind == 0:
        return f"95{rng.randint(100, 999)}"
    if kind == 1:
        return f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    return f"{rng.choice(('021', '010', '0755'))}-{rng.randint(20000000, 89999999)}"


class World:
    """The institutions, their truth and the pages they serve."""

    def __init__(self, size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.site = LocalSite()
        self.institutions: list[Institution] = []
        for i in range(size):
            picks = self.rng.sample(POOL, self.rng.randint(5, 10))
            entries = [Entry(name, kind, hotline(self.rng)) for name, kind in picks]
            institution = Institution(i, entries, LAYOUTS[i % len(LAYOUTS)])
            institution.shown = list(entries)
            self.institutions.append(institution)
            self.site.dynamic(f"/i{i}/list.html", self._route(i))

    def _route(self, i: int) -> Callable[[str], Route]:
        return lambda path: self._page(i)

    # --- steps -------------------------------------------------------------------------------

    def step(self, institution: Institution, kind: str) -> list[dict[str, str]]:
        """Apply one kind of step; return the partner events a user should get."""
        institution.fault = ""
        for entry in institution.entries:
            entry.note = ""  # a rename note lasts one epoch; tidying it away is no event
        if kind == "noise":
            institution.shown = list(institution.entries)
            self.rng.shuffle(institution.shown)
            institution.wide_brackets = not institution.wide_brackets
            return []
        if kind == "layout":
            others = [layout for layout in LAYOUTS if layout != institution.layout]
            institution.layout = self.rng.choice(others)
            institution.shown = list(institution.entries)
            return []
        if kind == "fault":
            institution.fault = self.rng.choice(FAULTS)
            return []
        events: list[dict[str, str]] = []
        for change in self.rng.sample(
            ("added", "dropped", "renamed", "category", "hotline"), self.rng.choice((1, 1, 2))
        ):
            events += self._change(institution, change)
        institution.shown = list(institution.entries)
        return events

    def _change(self, institution: Institution, change: str) -> list[dict[str, str]]:
        entries = institution.entries
        names = {e.name for e in entries}
        if change == "added":
            spare = [(n, k) for n, k in POOL if n not in names and renamed(n) not in names]
            name, kind = self.rng.choice(spare)
            entries.insert(
                self.rng.randrange(len(entries) + 1), Entry(name, kind, hotline(self.rng))
            )
            return [{"type": "added", "name": name}]
        if change == "dropped" and len(entries) > 4:
            gone = entries.pop(self.rng.randrange(len(entries)))
            return [{"type": "dropped", "name": gone.name}]
        if change == "renamed":
            candidates = [e for e in entries if renamed(e.name) not in names | {""}]
            if candidates:
                entry = self.rng.choice(candidates)
                old, entry.name = entry.name, renamed(entry.name)
                entry.note = self.rng.choice(RENAME_NOTES).format(new=entry.name, old=old)
                return [{"type": "renamed", "old": old, "new": entry.name}]
        if change == "category":
            movable = [e for e in entries if e.category in (PLATFORM, MARKETING)]
            if movable:
                entry = self.rng.choice(movable)
                entry.category = MARKETING if entry.category == PLATFORM else PLATFORM
                return [{"type": "field_changed", "name": entry.name, "field": "category"}]
        entry = self.rng.choice(entries)
        entry.hotline = hotline(self.rng)
        return [{"type": "field_changed", "name": entry.name, "field": "hotline"}]

    # --- pages -------------------------------------------------------------------------------

    def _page(self, i: int) -> Route:
        institution = self.institutions[i]
        institution.hits += 1
        bank = f"江南{'一二三四五六七八九十'[i % 10]}农村商业银行股份有限公司"
        if institution.fault == "http_503":
            return Route(
                body=b"<html><body><h1>503 Service Unavailable</h1></body></html>", status=503
            )
        if institution.fault == "waf":
            body = (
                "<div class='waf'><h2>访问受限</h2>"
                "<p>您的访问存在异常，请完成安全验证后继续访问。</p><p>事件ID："
                + str(institution.hits * 7919)
                + "</p></div>"
            )
            return Route(body=frame("安全验证", body, bank, institution.hits, furniture=False))
        if institution.fault == "maintenance":
            body = (
                "<div class='notice'><h2>系统维护公告</h2><p>尊敬的客户：为提升服务质量，"
                "我行网站于今日00:00至06:00进行系统升级维护，期间暂停访问，敬请谅解。</p></div>"
            )
            return Route(body=frame("系统维护", body, bank, institution.hits))
        if institution.fault == "empty_shell":
            shell = (
                "<div id='app'><div class='loading'>加载中…</div></div>"
                "<script src='/static/js/app.8f3a.js'></script>"
            )
            return Route(
                body=frame("合作机构名单", shell, bank, institution.hits, furniture=False)
            )
        listing = LAYOUT_RENDER[institution.layout](self._shown(institution))
        page = frame("互联网助贷业务合作机构名单公示", listing, bank, institution.hits)
        if institution.fault == "cut_off":
            text = page.decode()
            cut = text.find("</tr>", len(text) // 2) if "</tr>" in text else len(text) * 3 // 5
            page = text[: max(cut, len(text) // 2)].encode()
        return Route(body=page)

    def _shown(self, institution: Institution) -> list[Entry]:
        by_name = {e.name: e for e in institution.entries}
        shown = [by_name[e.name] for e in institution.shown if e.name in by_name]
        shown += [e for e in institution.entries if e not in shown]
        if institution.wide_brackets:
            return shown
        narrow = str.maketrans("（）", "()")
        return [
            replace(e, name=e.name.translate(narrow), note=e.note.translate(narrow)) for e in shown
        ]


def display(entry: Entry) -> str:
    return htmllib.escape(entry.note or entry.name)


def frame(title: str, main: str, bank: str, hits: int, *, furniture: bool = True) -> bytes:
    news = "".join(
        f"<li><a href='/news/{(hits + k) % 40}.html'>{NEWS[(hits + k) % len(NEWS)]}</a>"
        f"<span>2025-{(hits + k) % 12 + 1:02d}-{(hits * 3 + k) % 28 + 1:02d}</span></li>"
        for k in range(5)
    )
    side = f"<div class='side'><h3>相关新闻</h3><ul>{news}</ul></div>" if furniture else ""
    nav = (
        "<nav class='menu'><a href='/'>首页</a><a href='/gr/'>个人金融</a>"
        "<a href='/gs/'>公司金融</a>"
        "<a href='/xxgk/'>信息披露</a><a href='/about/'>关于我们</a></nav>"
        if furniture
        else ""
    )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{title}-{bank}</title></head><body><header><div class='logo'>{bank}</div>"
        f"<div class='clock'>今天是2025年11月{hits % 28 + 1}日 "
        f"{hits % 24:02d}:{hits % 60:02d}</div>"
        f"</header>{nav}<div class='crumb'>当前位置：首页 &gt; 信息披露 &gt; 公告</div>"
        f"<div class='main'><h1>{title}</h1>{main}</div>{side}"
        f"<footer><p>版权所有 © {bank}　备案号：苏ICP备05012345号</p>"
        f"<p>访问量：{100000 + hits * 13}</p></footer></body></html>"
    ).encode()


def trs_table(entries: list[Entry]) -> str:
    rows = "".join(
        f"<tr><td>{k}</td><td>{display(e)}</td><td>{e.category}</td><td>{e.hotline}</td></tr>"
        for k, e in enumerate(entries, 1)
    )
    return (
        "<div class='info'>发布时间：2025-10-20　来源：本行　【打印】【关闭】</div>"
        "<p>根据《商业银行互联网助贷业务管理办法》要求，现将我行互联网助贷业务合作机构名单公示如下：</p>"
        "<table border='1'><tr><th>序号</th><th>合作机构名称</th><th>合作机构类型</th>"
        f"<th>客服电话</th></tr>{rows}</table><p>特此公告。</p>"
    )


def portal_groups(entries: list[Entry]) -> str:
    left = (
        "<div class='leftnav'><ul><li>公司治理</li><li>年度报告</li>"
        "<li class='on'>合作机构公示</li><li>服务价格</li></ul></div>"
    )
    parts = [left, "<div class='content'>"]
    for kind in (PLATFORM, MARKETING, CREDIT):
        group = [e for e in entries if e.category == kind]
        if group:
            items = "".join(f"<li>{display(e)}（客服电话：{e.hotline}）</li>" for e in group)
            parts.append(f"<h3>{kind}</h3><ul>{items}</ul>")
    return "".join(parts) + "</div>"


def numbered_prose(entries: list[Entry]) -> str:
    items = "".join(
        f"<p>{k}. {display(e)}；合作机构类别：{e.category}；客服电话：{e.hotline}。</p>"
        for k, e in enumerate(entries, 1)
    )
    return f"<p>我行现有互联网助贷业务合作机构如下：</p>{items}<p>特此公告。</p>"


def h5_cards(entries: list[Entry]) -> str:
    cards = "".join(
        f"<div class='card'><span class='tag'>{e.category}</span><div class='name'>{display(e)}"
        f"</div><p class='tel'>客服电话：{e.hotline}</p></div>"
        for e in entries
    )
    return f"<div class='cards'>{cards}</div>"


def tables_by_kind(entries: list[Entry]) -> str:
    parts = []
    for number, kind in enumerate((PLATFORM, MARKETING, CREDIT), 1):
        group = [e for e in entries if e.category == kind]
        if group:
            rows = "".join(
                f"<tr><td>{k}</td><td>{display(e)}</td><td>{e.hotline}</td></tr>"
                for k, e in enumerate(group, 1)
            )
            parts.append(
                f"<h3>{'一二三'[number - 1]}、{kind}</h3><table><tr><th>序号</th><th>机构名称</th>"
                f"<th>客服电话</th></tr>{rows}</table>"
            )
    return "".join(parts)


def word(entries: list[Entry]) -> str:
    def cell(text: str) -> str:
        return (
            "<td style='border:solid windowtext 1.0pt'><p class=MsoNormal>"
            f"<span style='font-family:宋体'>{text}</span></p></td>"
        )

    rows = "".join(
        f"<tr>{cell(str(k))}{cell(display(e))}{cell(e.category)}{cell(e.hotline)}</tr>"
        for k, e in enumerate(entries, 1)
    )
    return (
        "<div class=WordSection1><p class=MsoNormal align=center>"
        "<b>互联网助贷业务合作机构名单</b></p>"
        "<table class=MsoTableGrid border=1 cellspacing=0>"
        f"<tr>{cell('序号')}{cell('合作机构名称')}{cell('合作类别')}{cell('客服电话')}</tr>{rows}"
        "</table></div>"
    )


LAYOUT_RENDER = {
    "trs_table": trs_table,
    "portal_groups": portal_groups,
    "numbered_prose": numbered_prose,
    "h5_cards": h5_cards,
    "tables_by_kind": tables_by_kind,
    "word": word,
}


# --- scoring ---------------------------------------------------------------------------------


def norm(name: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", name).split())
    return text.replace("（", "(").replace("）", ")")


def event_key(event: dict[str, str]) -> tuple[str, ...]:
    if event["type"] == "renamed":
        return ("renamed", norm(event["old"]), norm(event["new"]))
    if event["type"] == "field_changed":
        return ("field_changed", norm(event["name"]), event["field"])
    return (event["type"], norm(event["name"]))


def reported(result: Any) -> list[dict[str, str]]:
    out = []
    for event in result.events:
        kind = str(event.type)
        out.append(
            {
                "type": kind,
                "name": event.name,
                "old": event.old,
                "new": event.new,
                "field": event.field,
            }
        )
    return out


@dataclass
class Score:
    """Events matched, false and missed, and quiet steps that alerted."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    quiet_steps: int = 0
    quiet_alerting: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    wrong: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        where: dict[str, Any],
        expected: list[dict[str, str]],
        got: list[dict[str, str]],
    ) -> None:
        want = Counter(event_key(e) for e in expected)
        have = Counter(event_key(e) for e in got)
        self.steps[where["step"]] += 1
        self.tp += sum((want & have).values())
        self.fp += sum((have - want).values())
        self.fn += sum((want - have).values())
        if where["step"] != "real":
            self.quiet_steps += 1
            self.quiet_alerting += bool(have)
        if want != have:
            missed = [list(k) for k in (want - have)]
            false = [list(k) for k in (have - want)]
            self.wrong.append({**where, "missed": missed, "false": false})

    def line(self) -> str:
        return (
            f"tp={self.tp} fp={self.fp} fn={self.fn} "
            f"quiet alerting {self.quiet_alerting}/{self.quiet_steps}"
        )

    def summary(self) -> dict[str, Any]:
        tp, fp, fn = self.tp, self.fp, self.fn
        return {
            "steps": dict(self.steps),
            "events_expected": tp + fn,
            "events_reported": tp + fp,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "quiet_steps": self.quiet_steps,
            "quiet_steps_alerting": self.quiet_alerting,
            "wrong": self.wrong,
        }


def run_pass(sites: list[Site], deps: Deps, workers: int) -> list[Any]:
    from archiver.discovery.politeness import HostGate
    from archiver.runner import Runner

    gate = HostGate(delay_s=0.0, now=deps.now, sleep=time.sleep)  # one host for the whole world
    return list(Runner(deps, gate=gate).run_pass(sites, workers=workers).results)


def run_world(world: World, args: argparse.Namespace) -> Score:
    """Every epoch: one step per institution, one pass of checks, the events scored."""
    capturer = PlaywrightCapturer(concurrency=args.workers, restart_after=400, allow_private=True)
    score = Score()
    with tempfile.TemporaryDirectory() as tmp:
        deps = Deps(
            store=LocalStore(Path(tmp) / "archive"),
            capturer=capturer,
            index=SqliteIndex(Path(tmp) / "index.sqlite"),
            now=_utc_now,
            sleep=time.sleep,
        )
        sites = [
            Site(
                id=f"inst-{i:03d}",
                name=f"银行{i}",
                url=world.site.url(f"/i{i}/list.html"),
                confirm_delay=args.confirm_delay,
            )
            for i in range(len(world.institutions))
        ]
        for epoch in range(args.epochs):
            expected: dict[str, list[dict[str, str]]] = {}
            steps: dict[str, str] = {}
            for site, institution in zip(sites, world.institutions, strict=True):
                kind = world.rng.choice(("noise", "layout", "fault", "real")) if epoch else ""
                steps[site.id] = kind
                expected[site.id] = world.step(institution, kind) if epoch else []
            got: dict[str, list[dict[str, str]]] = {site.id: [] for site in sites}
            for result in run_pass(sites, deps, args.workers):
                got[result.site_id] += reported(result)
            for number, site in enumerate(sites):
                if epoch:
                    layout = world.institutions[number].layout
                    where = {"epoch": epoch, "site": site.id, "step": steps[site.id]}
                    score.add({**where, "layout": layout}, expected[site.id], got[site.id])
            print(f"epoch {epoch}: {score.line()}", file=sys.stderr)
    capturer.close()
    return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--confirm-delay", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    from archiver import logs

    logs.configure(level="error", fmt="json")
    world = World(args.sites, args.seed)
    world.site.start()
    began = time.perf_counter()
    try:
        score = run_world(world, args)
    finally:
        world.site.stop()
    summary = {
        "sites": args.sites,
        "epochs": args.epochs,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - began, 1),
        **score.summary(),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _utc_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


if __name__ == "__main__":
    main()
