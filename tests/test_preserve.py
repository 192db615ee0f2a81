"""Keep everything the institution showed; believe a list only when it was read right.

Every case of issue 16 as pages served on 127.0.0.1, through Chromium and the command line
(`archiver check --json`, `show`, `diff --json`, `history`, `reextract`, `verify`), as a user
runs it: a real process, a real browser, a local store, the .eml spool for alerts.
"""

from __future__ import annotations

import email
import json
import struct
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from archiver import archive, codec, keys
from archiver.adapters.local_store import LocalStore
from archiver.adapters.sqlite_index import SqliteIndex
from archiver.archive import Blob
from archiver.config import Site
from archiver.models import Belief, EventType, ListStatus, Manifest, PartnerEvent
from archiver.partners import AliasTable, partner_of
from archiver.pipeline import Deps
from archiver.runner import Runner
from archiver.testing import LocalSite

pytestmark = pytest.mark.browser

ANT, QY, FQL, KX = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳市分期乐网络科技有限公司",
    "深圳市凯旋融资担保有限公司",
)
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
CHROME = (
    '<header class="site-header"><h1>某某银行股份有限公司</h1><div class="top">今天是{today}'
    "</div></header><nav><a href='/'>首页</a><a href='/about'>关于我们</a><a href='/x'>"
    "信息披露</a><a href='/y'>个人业务</a><a href='/z'>公司业务</a></nav>"
    "<div class='banner'><img src='/banner{banner}.png'><p>{promo}</p></div>"
)
RELATED = (
    "<div class='side'><h3>相关新闻</h3><ul>{items}</ul></div>"
    "<footer>©2013-2025 某某银行 版权所有 本页访问量：{views} 次 地址：北京市西城区金融大街1号"
    " 客服热线：95599 备案号：京ICP备00000000号</footer>"
)
NEWS = [
    "关于开展反诈宣传活动的通知",
    "我行荣获2025年度普惠金融奖",
    "关于调整营业时间的公告",
    "关于信用卡积分规则调整的通知",
    "关于举办理财知识讲座的公告",
]


def page(body: str, *, n: int = 0, title: str = "公告") -> str:
    """A page with the furniture real bank sites carry, its noise set by `n`."""
    chrome = CHROME.format(
        today=f"2025年11月{n % 28 + 1}日 星期{'一二三四五六日'[n % 7]}",
        banner=n % 3,
        promo=["双十一理财节", "新客专享利率", "信用卡分期免息"][n % 3],
    )
    items = "".join(
        f"<li><a href='/n/{(n + i) % 5}'>{NEWS[(n + i) % 5]}</a></li>" for i in range(3)
    )
    side = RELATED.format(items=items, views=1000 + 37 * n)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body>{chrome}<div id='main'>{body}</div>{side}</body></html>"
    )


def table(*names: str) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return (
        "<h2>互联网助贷业务合作机构名单</h2><table><tr><th>序号</th><th>合作机构名称</th></tr>"
        f"{rows}</table><p>特此公告。</p>"
    )


def png(width: int, height: int, shade: int) -> bytes:
    raw = b"".join(b"\x00" + bytes([shade, 40, 90]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )


def pdf(lines: list[str]) -> bytes:
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = FPDF()
    document.add_page()
    document.add_font("zh", fname=FONT)
    document.set_font("zh", size=12)
    for line in lines:
        document.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def archiver(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def check(config: Path, *sites: str) -> list[dict[str, Any]]:
    done = archiver(config, "check", "--json", *sites)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def write_config(tmp_path: Path, sites: list[tuple[str, str]], *, delay: str = "1s") -> Path:
    path = tmp_path / "sites.yaml"
    lines = [
        f"storage: {{kind: local, path: {tmp_path / 'archive'}}}",
        f"state_dir: {tmp_path / 'var'}",
        "network: {allow_private: true}",
        "alerts: {email: {to: [compliance@example.org]}, operator: {to: [ops@example.org]}}",
        "sites:",
        *(
            f'  - {{id: {sid}, name: 测试银行{sid}, url: "{url}", confirm_delay: {delay}}}'
            for sid, url in sites
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def mails(tmp_path: Path) -> list[tuple[str, str]]:
    """(subject, recipients) of every spooled e-mail."""
    found = []
    for path in sorted((tmp_path / "var").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        found.append((str(make_header(decode_header(message["Subject"]))), message["To"] or ""))
    return found


def test_a_list_image_swapped_in_place_or_renamed_is_a_new_version_and_an_alert(
    tmp_path: Path, local_site: LocalSite
) -> None:
    local_site.page(
        "/list.html",
        page("<h2>互联网助贷业务合作机构名单</h2><p><img src='/upload/list.png' alt='图片1'></p>"),
    )
    local_site.file("/upload/list.png", png(300, 200, 10), "image/png")
    for n in range(3):
        local_site.file(f"/banner{n}.png", png(600, 100, 50 * n), "image/png")
    config = write_config(tmp_path, [("img-bank", local_site.url("/list.html"))])
    [first] = check(config)
    assert (first["outcome"], first["belief"]) == ("new", "unparseable")
    shown = json.loads(archiver(config, "show", "img-bank", "--json").stdout)
    images = [b for b in shown["blobs"] if b["role"] == "image"]
    assert [b["url"].rsplit("/", 1)[-1] for b in images] == ["list.png"]  # not the banner
    assert check(config)[0]["outcome"] == "unchanged"

    local_site.file("/upload/list.png", png(300, 200, 200), "image/png")  # same name
    [in_place] = check(config)
    assert (in_place["outcome"], in_place["version"], in_place["events"]) == ("changed", 2, [])
    local_site.page(
        "/list.html",
        page(
            "<h2>互联网助贷业务合作机构名单</h2><p><img src='/upload/list2.png' alt='图片1'></p>"
        ),
    )
    local_site.file("/upload/list2.png", png(300, 200, 120), "image/png")  # a new name
    assert check(config)[0]["version"] == 3
    local_site.page(
        "/list.html",
        page(
            "<h2>互联网助贷业务合作机构名单</h2><p><img src='/upload/list3.png' alt='图片1'></p>"
        ),
    )
    local_site.file("/upload/list3.png", png(300, 200, 120), "image/png")  # same bytes
    assert check(config)[0]["outcome"] == "unchanged"  # by bytes, whatever the URL

    sent = mails(tmp_path)
    updated = [(s, to) for s, to in sent if "名单图片已更新，无法自动识别" in s]
    readers = [to for _, to in updated if "compliance@" in to]
    operators = [to for _, to in updated if "ops@" in to]
    assert len(readers) == 2, sent  # one per changed image, to the partner subscribers
    assert operators, sent  # and the operators hear of it


def test_an_image_whose_alt_text_repeats_the_list_is_read(
    tmp_path: Path, local_site: LocalSite
) -> None:
    alt = "合作机构名单：1." + ANT + " 2." + QY + " 3." + FQL
    local_site.page("/list.html", page(f"<h2>合作机构名单</h2><img src='/l.png' alt='{alt}'>"))
    local_site.file("/l.png", png(300, 200, 10), "image/png")
    config = write_config(tmp_path, [("alt-bank", local_site.url("/list.html"))])
    assert check(config)[0]["belief"] == "believed"


PROSE = (
    "<h2>关于互联网助贷业务合作机构的公告</h2><p>根据监管要求，现将我行合作机构公告如下："
    f"平台运营机构共3家，包括：{ANT}、{QY}、{FQL}；增信服务机构共1家，包括：{KX}。</p>"
)


def test_prose_with_counts_is_never_silently_absent(tmp_path: Path, local_site: LocalSite) -> None:
    """Until the reader reads it (issue 15), a page that announces a list and yields no names
    is unparseable and the operator is told: never ok/absent."""
    local_site.page("/list.html", page(PROSE))
    config = write_config(tmp_path, [("prose-bank", local_site.url("/list.html"))])
    [result] = check(config)
    if result["belief"] != "believed":
        assert result["belief"] == "unparseable"
        assert any("名单无法解析" in s for s, _ in mails(tmp_path))


def test_prose_with_counts_is_read(tmp_path: Path, local_site: LocalSite) -> None:
    local_site.page("/list.html", page(PROSE))
    config = write_config(tmp_path, [("prose-bank", local_site.url("/list.html"))])
    check(config)
    shown = json.loads(archiver(config, "show", "prose-bank", "--json").stdout)
    assert sorted(p["name"] for p in shown["partners"]) == sorted([ANT, QY, FQL, KX])


def test_partners_marked_ended_are_listed_under_their_own_heading(
    tmp_path: Path, local_site: LocalSite
) -> None:
    """`archiver show` and `archiver partners` keep a partner still on the page but marked
    已终止合作 apart from the current ones, under 已终止合作机构."""
    local_site.page("/list.html", page(table(ANT, f"{KX}（已终止合作）", QY)))
    config = write_config(tmp_path, [("ended-bank", local_site.url("/list.html"))], delay="0s")
    check(config)
    check(config)  # the confirmation: the list is believed and becomes the current one
    shown = archiver(config, "show", "ended-bank").stdout
    assert shown.index(QY) < shown.index("已终止合作机构") < shown.index(KX)
    listed = archiver(config, "partners", "--site", "ended-bank")
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout
    assert text.index(QY) < text.index("已终止合作机构") < text.index(KX)
    rows = json.loads(archiver(config, "partners", "--site", "ended-bank", "--json").stdout)
    assert {p["name"]: p["ended"] for p in rows} == {ANT: False, KX: True, QY: False}


def test_a_truncated_pdf_is_preserved_never_believed_and_the_operator_told(
    tmp_path: Path, local_site: LocalSite
) -> None:
    names = [ANT, QY, FQL, KX, "重庆两心金诚科技有限公司", "上海耳序信息技术有限公司"]
    whole = pdf(["互联网助贷业务合作机构名单", *(f"{i}. {n}" for i, n in enumerate(names, 1))])
    local_site.page(
        "/list.html",
        page("<h2>合作机构名单</h2><p>详见附件：<a href='/list.pdf'>名单.pdf</a></p>"),
    )
    local_site.file("/list.pdf", whole, "application/pdf")
    config = write_config(tmp_path, [("pdf-bank", local_site.url("/list.html"))])
    [first] = check(config)
    assert (first["outcome"], first["belief"]) == ("new", "believed")
    cut = whole[: whole.rindex(b"%%EOF") - 300]  # served with its tail missing, every time
    local_site.file("/list.pdf", cut, "application/pdf")
    [second] = check(config)
    assert (second["outcome"], second["belief"], second["events"]) == ("changed", "truncated", [])
    for _ in range(2):  # it repeats: still never believed, nothing new to keep
        assert check(config)[0]["outcome"] == "unchanged"
    diff = json.loads(archiver(config, "diff", "pdf-bank", "--json").stdout)
    assert (diff["belief"], diff["events"]) == ("truncated", [])
    shown = json.loads(archiver(config, "show", "pdf-bank", "2", "--json").stdout)
    kept = [b for b in shown["blobs"] if b["role"] == "attachment"]
    assert kept and kept[0]["size_bytes"] == len(cut)  # the cut document is preserved
    assert any("页面不完整" in s and "ops@" in to for s, to in mails(tmp_path))
    assert not any("助贷合作机构名单变更" in s for s, _ in mails(tmp_path))


def test_a_page_cut_off_mid_table_is_never_believed_however_often_it_repeats(
    tmp_path: Path, local_site: LocalSite
) -> None:
    """Issue 15, item 2: HTTP 200, no footer, the numbering stops; the re-check sees the same."""
    names = [ANT, QY, FQL, KX]
    local_site.page("/list.html", page(table(*names)))
    config = write_config(tmp_path, [("cut-bank", local_site.url("/list.html"))])
    assert check(config)[0]["belief"] == "believed"
    whole = page(table(*names))
    cut = whole[: whole.index(FQL) - len("<tr><td>3</td><td>")]
    local_site.page("/list.html", cut)
    results = check(config)  # the pass, then (had it been suspect) its re-check
    assert [r["belief"] for r in results] == ["truncated"]
    assert all(r["events"] == [] for r in results)
    assert check(config)[0]["outcome"] == "unchanged"
    history = json.loads(archiver(config, "history", "cut-bank", "--json").stdout)
    assert [v["belief"] for v in history["versions"]] == ["believed", "truncated"]


def test_noise_outside_the_region_writes_nothing(tmp_path: Path, local_site: LocalSite) -> None:
    for n in range(3):
        local_site.file(f"/banner{n}.png", png(600, 100, 60 * n), "image/png")
    local_site.page("/list.html", page(table(ANT, QY, FQL), n=0))
    config = write_config(tmp_path, [("noisy-bank", local_site.url("/list.html"))])
    assert check(config)[0]["outcome"] == "new"
    archive_dir = tmp_path / "archive"
    before = sorted(p for p in archive_dir.rglob("*") if p.is_file() and "outbox" not in p.parts)
    for n in (1, 2, 5):  # a clock, a counter, a rotating banner, rotating related news
        local_site.page("/list.html", page(table(ANT, QY, FQL), n=n))
        [result] = check(config)
        assert (result["outcome"], result["bytes_written"]) == ("unchanged", 0)
    after = sorted(p for p in archive_dir.rglob("*") if p.is_file() and "outbox" not in p.parts)
    assert [p for p in after if "/versions/" in str(p) or "/blobs/" in str(p)] == [
        p for p in before if "/versions/" in str(p) or "/blobs/" in str(p)
    ]
    shown = json.loads(archiver(config, "show", "noisy-bank", "--json").stdout)
    assert sorted(p["name"] for p in shown["partners"]) == sorted([ANT, QY, FQL])


def test_ten_confirmations_are_one_wait_and_run_together(
    tmp_path: Path, local_site: LocalSite, capturer: Any, clock: Any
) -> None:
    """A pass whose ten lists collapse: ten unconfirmed versions, one wait for the delay (not
    ten sleeping slots), then ten re-checks that believe the collapse."""
    sites = [
        Site(id=f"bank-{i}", name=f"银行{i}", url=local_site.url(f"/{i}.html"), confirm_delay=60)
        for i in range(10)
    ]
    for i in range(10):
        local_site.page(f"/{i}.html", page(table(ANT, QY, FQL, KX)))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    deps = Deps(
        store=LocalStore(tmp_path / "archive"),
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=clock.now,
        screenshots=False,
    )
    runner = Runner(deps)
    first = runner.run_pass(sites, workers=2, sleep=sleep).results
    assert {r.belief for r in first} == {Belief.BELIEVED} and slept == []
    for i in range(10):
        local_site.page(f"/{i}.html", page(table(ANT)))
    seen: list[Any] = []
    results = runner.run_pass(sites, workers=2, sleep=sleep, on_result=seen.append).results
    assert len(slept) == 1 and slept[0] <= 60  # one wait for all ten
    assert [r.belief for r in seen[:10]] == [Belief.UNCONFIRMED] * 10
    assert {r.belief for r in results} == {Belief.BELIEVED}
    for result in results:
        assert result.version is not None and result.version.manifest.confirms == 2
        assert sorted(e.name for e in result.events) == sorted([QY, FQL, KX])


def test_archiver_check_runs_the_confirmations_it_owes(
    tmp_path: Path, local_site: LocalSite
) -> None:
    local_site.page("/list.html", page(table(ANT, QY, FQL, KX)))
    config = write_config(tmp_path, [("shrink-bank", local_site.url("/list.html"))])
    check(config)
    local_site.page("/list.html", page(table(ANT)))
    suspect, confirmed = check(config)
    assert (suspect["belief"], suspect["events"], suspect["confirm_at"] is not None) == (
        "unconfirmed",
        [],
        True,
    )
    assert confirmed["belief"] == "believed"
    assert sorted(e["name"] for e in confirmed["events"]) == sorted([QY, FQL, KX])
    diff = json.loads(archiver(config, "diff", "shrink-bank", "--json").stdout)
    assert diff["baseline"] == 1 and len(diff["events"]) == 3


def test_the_daemon_schedules_the_confirmations_the_bucket_owes(
    tmp_path: Path, local_site: LocalSite, capturer: Any, clock: Any
) -> None:
    """A restart loses nothing: an unconfirmed head is a re-check owed, read from the store."""
    site = Site(id="owed", name="银行", url=local_site.url("/l.html"), confirm_delay=60)
    local_site.page("/l.html", page(table(ANT, QY, FQL, KX)))
    deps = Deps(
        store=LocalStore(tmp_path / "archive"),
        capturer=capturer,
        index=SqliteIndex(tmp_path / "index.sqlite"),
        now=clock.now,
        screenshots=False,
    )
    runner = Runner(deps)
    runner.check(site)
    local_site.page("/l.html", page(table(ANT)))
    suspect = runner.check(site)
    assert suspect.confirm_at is not None
    fresh = Runner(deps)  # a new process
    assert fresh.owed([site]) == {"owed": suspect.confirm_at}


# --- an archive written by an older reader --------------------------------------------------


def old_manifest(
    store: LocalStore, previous: tuple[str, str] | None, seq: int, html: str, url: str
) -> tuple[str, str]:
    """Write a schema-1 version the way the reader before issue 16 did: it read the related
    news as partners. Returns (key, sha256) for the next link."""
    dom = Blob("dom", html.encode(), "text/html; charset=utf-8", url)
    text = Blob("text", b"old canonical text " + str(seq).encode(), "text/plain; charset=utf-8")
    refs = [archive.put_blob(store, blob)[0] for blob in (text, dom)]
    news = NEWS[seq - 1]
    listed = tuple(partner_of(n, aliases=AliasTable()) for n in (ANT, QY, news))
    events: tuple[PartnerEvent, ...] = ()
    if seq > 1:
        events = (
            PartnerEvent(type=EventType.DROPPED, name=NEWS[seq - 2], match_key=NEWS[seq - 2]),
            PartnerEvent(type=EventType.ADDED, name=news, match_key=listed[2].match_key),
        )
    manifest = Manifest(
        schema_version=1,
        site_id="old-bank",
        seq=seq,
        captured_at=datetime(2025, 9, seq, tzinfo=UTC),
        requested_url=url,
        final_url=url,
        http_status=200,
        browser_version="Chromium 120",
        title="公告",
        content_digest=f"{seq:064x}",
        blobs=tuple(refs),
        list_status=ListStatus.OK,
        partners=listed,
        events=events,
        archiver_version="0.0.9",
    )
    data = codec.to_data(manifest)
    for added in ("belief", "belief_note", "reader_version", "list_digest", "baseline"):
        data.pop(added)
    for added in ("last_believed", "confirms", "confirm_after"):
        data.pop(added)
    if previous is not None:
        data["previous"] = {"key": previous[0], "digest": previous[1], "seq": seq - 1}
    raw = codec.canonical_json(data)
    key = keys.version_key("old-bank", seq)
    assert store.put(key, raw, content_type="application/json", create_only=True)
    return key, keys.sha256_hex(raw)


def test_reextract_repairs_history_written_by_an_older_reader(
    tmp_path: Path, local_site: LocalSite
) -> None:
    url = local_site.url("/old.html")
    config = write_config(tmp_path, [("old-bank", url)])
    store = LocalStore(tmp_path / "archive")
    link = old_manifest(store, None, 1, page(table(ANT, QY), n=0), url)
    old_manifest(store, link, 2, page(table(ANT, QY), n=1), url)
    manifests = {k: store.get(k) for k in archive.version_keys(store, "old-bank")}

    dry = archiver(config, "reextract", "old-bank", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert [c["version"] for c in planned["changes"]] == [1, 2]
    assert planned["changes"][1]["events_after"] == []
    assert {e["name"] for e in planned["changes"][1]["events_before"]} == set(NEWS[:2])
    assert not list(store.list("sites/old-bank/readings/"))  # a dry run writes nothing

    done = archiver(config, "reextract", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["written"] == 2
    assert {k: store.get(k) for k in archive.version_keys(store, "old-bank")} == manifests
    assert archiver(config, "verify", "old-bank").returncode == 0  # the chain is untouched
    history = json.loads(archiver(config, "history", "old-bank", "--json").stdout)
    assert [bool(v["corrected_by"]) for v in history["versions"]] == [True, True]
    assert [v["events"] for v in history["versions"]] == [[], []]
    current = json.loads(archiver(config, "partners", "--site", "old-bank", "--json").stdout)
    assert sorted(p["name"] for p in current) == sorted([ANT, QY])  # the index is rebuilt
    diff = json.loads(archiver(config, "diff", "old-bank", "2", "--json").stdout)
    assert diff["events"] == [] and diff["corrected_by"]
    assert mails(tmp_path) == []  # no alert for history that reinterpretation changes
    published = tmp_path / "archive" / "public" / "sites" / "old-bank"
    assert "已重新解读" in (published / "v2.html").read_text(encoding="utf-8")
    assert "已重新解读" in (published / "index.html").read_text(encoding="utf-8")
    again = json.loads(archiver(config, "reextract", "old-bank", "--json").stdout)
    assert (again["changes"], again["written"]) == ([], 0)  # idempotent


def test_after_a_reader_upgrade_the_first_check_compares_like_with_like(
    tmp_path: Path, local_site: LocalSite
) -> None:
    """The newest believed version was read by an older reader (it took a related-news title
    for a partner): the baseline is re-read from its evidence before events are made, so the
    upgrade itself is no partner news; only the real change is."""
    url = local_site.url("/old.html")
    config = write_config(tmp_path, [("old-bank", url)])
    store = LocalStore(tmp_path / "archive")
    old_manifest(store, None, 1, page(table(ANT, QY), n=0), url)
    local_site.page("/old.html", page(table(ANT, QY, FQL), n=3))
    [result] = check(config)
    assert result["outcome"] == "changed"
    assert [(e["type"], e["name"]) for e in result["events"]] == [("added", FQL)]
