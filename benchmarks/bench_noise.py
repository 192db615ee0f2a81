"""Quiet changes give no partner event: a metamorphic benchmark over every kept HTML page.

    .venv/bin/python -m benchmarks.bench_noise              # all rounds (~1-2 min)
    .venv/bin/python -m benchmarks.bench_noise --show 20    # print the first 20 failures

Issue 15 asks for zero alerts on noise-only and layout-only steps of pages nobody on the team
wrote. Blind rounds measure that on a few dozen sequences; this benchmark measures it on every
static HTML page the outsiders ever wrote (tests/fixtures/blind*/pages*, the first step of each
sequence) under changes that by construction say nothing about the partners:

- `whitespace`: a line break after every block element, indentation of the markup;
- `width`: brackets and colons in the text flipped between full and half width;
- `related`: a 相关新闻 block of other announcements (some naming companies) after the content;
- `sidebar`: a column of 最新公告 links before the content;
- `counter`: a 浏览次数 / 发布时间 line that changes on every visit;
- `reorder`: rows of plain tables and items of lists in reverse order;
- `spans`: the text of cells and items wrapped in styled spans (an editor's re-save);
- `padding`: non-breaking and ideographic spaces around the text of cells and items;
- `attributes`: a new data attribute and class token on every element;
- `template`: the body wrapped in a new site template (navigation, breadcrumb, footer with the
  publisher's name, 备案号 and copyright);
- `all`: every change above at once;

and changes of layout, each alone (a redesign that keeps the list):

- `bold`: names set in bold in their cells and items;
- `split`: a long table broken in two, its header row repeated;
- `divtable`: each plain table rebuilt as rows of divs with a span per cell;
- `cards`: each row of a table with a header a card, the name on top, the other columns
  "label：value" lines under it;
- `bullets`: numbered lists bulleted and bulleted lists numbered;
- `columns`: the columns of each table with a header after its first in the opposite order;
- `headers`: header cells written as bold data cells (`<td><strong>`, no `<th>`);
- `rowspan`: the category cells of consecutive rows of one category merged (rowspan);
- `grouped`: a table of names and categories only shown as a heading per category and a
  numbered list of its names.

Each page is read as published (`archiver.extract.disclosure`, the lxml path, no browser) and
read again after each change; the events `partners.compare` makes between the two readings
must be none. Pages that read no partner, and readings the pipeline makes no event from (cut off,
suspect), are left out. The events are made
as the pipeline makes them, before its belief gate: stricter than a run of the daemon, where
a cut-off or suspect reading makes no event at all.

Written by the team (not blind): a floor under the blind rounds, never a substitute for them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import yaml
from lxml import etree, html

from archiver.extract import disclosure
from archiver.models import Capture, Disclosure, ListStatus, Manifest, Partner, RenderedPage
from archiver.partners import AliasTable
from archiver.partners.cells import Column, column_of
from archiver.partners.dom import cell_text
from archiver.partners.events import compare
from archiver.partners.htmltables import mark_rows_hidden_by_style, shown_rows

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
RESULTS = Path(__file__).resolve().parent / "results" / "noise.json"
URL = "https://www.example-bank.com.cn/xxgk/hzjg/index.html"
_BLOCKS = ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "dt", "dd", "table", "ul")
_FULL = str.maketrans("()：:", "（）:：")
_HALF = str.maketrans("（）：", "():")
_RELATED = (
    "关于调整部分网点营业时间的公告",
    "关于防范电信网络诈骗的风险提示",
    "本行与中国银联股份有限公司签署战略合作协议",
    "关于个人客户信息更新的温馨提示",
    "关于与上海某某信息科技有限公司合作到期的说明",
    "2026年第三季度消费者权益保护工作报告",
)
Transform = Callable[[html.HtmlElement, random.Random], None]


def read(markup: str) -> Disclosure:
    """What `archiver` reads from one page's HTML, without a browser."""
    page = RenderedPage(url=URL, html=markup, text="", title="")
    capture = Capture(
        site_id="noise",
        requested_url=URL,
        final_url=URL,
        status=200,
        fetched_at=datetime.now(UTC),
        browser_version="bench",
        pages=(page,),
    )
    return disclosure(capture, aliases=AliasTable())


def events_between(before: tuple[Partner, ...], after: tuple[Partner, ...]) -> list[str]:
    """The partner events the pipeline would make from `before` to `after`, as text."""
    previous = Manifest(
        site_id="noise",
        seq=1,
        captured_at=datetime.now(UTC),
        requested_url=URL,
        final_url=URL,
        http_status=200,
        browser_version="bench",
        content_digest="",
        partners=before,
    )
    events, _departed = compare(previous, after, aliases=AliasTable())
    return [
        f"{e.type.value} {e.name}"
        + (f" {e.field}: {e.before!r} -> {e.after!r}" if e.field else "")
        for e in events
    ]


def _body(root: html.HtmlElement) -> html.HtmlElement:
    found = root.find(".//body")
    return found if found is not None else root


def whitespace(root: html.HtmlElement, _rng: random.Random) -> None:
    for element in root.iter(*_BLOCKS):
        element.tail = "\n  " + (element.tail or "").strip() if element.tail else "\n  "


def width(root: html.HtmlElement, rng: random.Random) -> None:
    table = _FULL if rng.random() < 0.5 else _HALF
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        if element.text:
            element.text = element.text.translate(table)
        if element.tail:
            element.tail = element.tail.translate(table)


def _links_block(rng: random.Random, heading: str, css: str) -> html.HtmlElement:
    titles = rng.sample(_RELATED, 4)
    items = "".join(
        f'<li><a href="/xxgk/{rng.randrange(10_000)}.html">{t}</a>'
        f"<span>2026-0{rng.randrange(1, 9)}-1{rng.randrange(9)}</span></li>"
        for t in titles
    )
    return html.fragment_fromstring(f'<div class="{css}"><h3>{heading}</h3><ul>{items}</ul></div>')


def related(root: html.HtmlElement, rng: random.Random) -> None:
    _body(root).append(_links_block(rng, "相关新闻", "related-news"))


def sidebar(root: html.HtmlElement, rng: random.Random) -> None:
    _body(root).insert(0, _links_block(rng, "最新公告", "side-column"))


def counter(root: html.HtmlElement, rng: random.Random) -> None:
    line = html.fragment_fromstring(
        f'<div class="info">发布时间：2026-11-{rng.randrange(10, 29)} 浏览次数：'
        f"{rng.randrange(100, 99_999)} 【字体：大 中 小】【打印】【关闭】</div>"
    )
    _body(root).insert(0, line)


def reorder(root: html.HtmlElement, _rng: random.Random) -> None:
    for table in root.iter("table"):
        if any(cell.get("rowspan") or cell.get("colspan") for cell in table.iter("td", "th")):
            continue  # merged cells belong to their neighbours: reversing breaks the table
        for section in [table, *table.findall("tbody")]:
            rows = [r for r in section if r.tag == "tr" and r.find("th") is None]
            body_rows = rows[1:] if section.find("tr/th") is None and rows else rows
            _reverse(section, body_rows)
    for listing in root.iter("ul", "ol"):
        items = [item for item in listing if item.tag == "li"]
        named = sum(1 for item in items if "公司" in item.text_content())
        if listing.tag == "ol" or listing.find(".//a") is not None or named * 2 < len(items):
            continue  # numbered items, menus and tab bars keep their order
        _reverse(listing, items)


def _reverse(parent: html.HtmlElement, children: list[html.HtmlElement]) -> None:
    if len(children) < 2:
        return
    index = list(parent).index(children[0])
    tails = [child.tail for child in children]
    for child in children:
        parent.remove(child)
    for offset, (child, tail) in enumerate(zip(reversed(children), tails, strict=True)):
        child.tail = tail
        parent.insert(index + offset, child)


def template(root: html.HtmlElement, rng: random.Random) -> None:
    body = _body(root)
    content = html.fragment_fromstring("<div class='main-content'></div>")
    if body.text:
        content.text, body.text = body.text, None
    for child in list(body):
        content.append(child)
    header = html.fragment_fromstring(
        "<div class='header'><ul class='nav'><li><a href='/'>首页</a></li>"
        "<li><a href='/grjr/'>个人金融</a></li><li><a href='/xxgk/'>信息披露</a></li>"
        "<li><a href='/xxgk/hzjg/'>合作机构名单</a></li></ul>"
        "<div class='crumb'>当前位置：<a href='/'>首页</a> &gt; "
        "<a href='/xxgk/'>信息披露</a></div></div>"
    )
    footer = html.fragment_fromstring(
        f"<div class='footer'><p>版权所有 © 2026 本行 客服热线：9553{rng.randrange(10)}</p>"
        "<p>京ICP备05012345号-1 京公网安备11010202001234号</p></div>"
    )
    body.extend([header, content, footer])


def spans(root: html.HtmlElement, rng: random.Random) -> None:
    """What an editor's re-save does: the text of cells and items wrapped in styled spans."""
    style = rng.choice(("font-family:宋体;font-size:12pt", "font-size:14px", "color:#333"))
    for element in list(root.iter("td", "th", "li", "p", "dd", "dt")):
        if element.text and element.text.strip():
            span = html.Element("span", style=style)
            span.text, element.text = element.text, None
            element.insert(0, span)


def padding(root: html.HtmlElement, _rng: random.Random) -> None:
    """Non-breaking and ideographic spaces around the text of cells and items."""
    for element in root.iter("td", "th", "li", "dd", "dt"):
        if element.text and element.text.strip():
            element.text = f"\u00a0{element.text}\u3000"


def attributes(root: html.HtmlElement, rng: random.Random) -> None:
    """A CMS's tokens: a new id, class and data attribute on every element."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in ("html", "head", "script"):
            element.set("data-v-" + format(rng.randrange(16**6), "06x"), "")
            classes = element.get("class")
            element.set("class", f"{classes or ''} x{rng.randrange(10_000)}".strip())


def bold(root: html.HtmlElement, _rng: random.Random) -> None:
    """Names set in bold inside their cells and items."""
    for element in list(root.iter("td", "li")):
        if element.text and "公司" in element.text:
            strong = html.Element("strong")
            strong.text, element.text = element.text, None
            element.insert(0, strong)


def split(root: html.HtmlElement, _rng: random.Random) -> None:
    """A long table broken in two by the editor, its header row repeated."""
    for table in list(root.iter("table")):
        if table.find(".//table") is not None or _merged(table):
            continue
        rows = [r for r in table.iter("tr") if _owner(r) is table]
        if len(rows) < 7 or (rows[0].find("th") is None and rows[0].find("td/b") is None):
            continue
        parent = table.getparent()
        if parent is None or any(r.getparent() is not rows[0].getparent() for r in rows):
            continue
        half = len(rows) // 2 + 1
        second = html.Element("table", table.attrib)
        second.append(html.fromstring(etree.tostring(rows[0], encoding="unicode")))
        for row in rows[half:]:
            row.getparent().remove(row)
            second.append(row)
        parent.insert(parent.index(table) + 1, second)
        table.tail, second.tail = "\n", table.tail


def _replace_table(table: html.HtmlElement, rebuilt: html.HtmlElement) -> None:
    """Put a table's redesign in its place, its caption ("表1 平台运营机构") kept as the
    line above it, as a redesign keeps a table's title."""
    rebuilt.tail = table.tail
    caption = table.find("caption")
    if caption is not None and cell_text(caption).strip():
        title = html.Element("p", {"class": "table-title"})
        title.text = cell_text(caption).replace("\n", " ")
        rebuilt.insert(0, title)
    parent = table.getparent()
    assert parent is not None
    parent.replace(table, rebuilt)


def divtable(root: html.HtmlElement, _rng: random.Random) -> None:
    """A redesign: each plain table rebuilt as rows of divs with a span per cell."""
    for table in list(root.iter("table")):
        if table.find(".//table") is not None or _merged(table) or table.getparent() is None:
            continue
        grid = html.Element("div", {"class": "list-table"})
        for row in (r for r in table.iter("tr") if _owner(r) is table):
            line = html.Element("div", {"class": "list-row"})
            for cell in row:
                if cell.tag in ("td", "th"):
                    column = html.Element("span", {"class": "col"})
                    lines = cell_text(cell).split("\n")
                    column.text = lines[0]
                    for more in lines[1:]:
                        etree.SubElement(column, "br").tail = more
                    line.append(column)
            grid.append(line)
        _replace_table(table, grid)


def cards(root: html.HtmlElement, _rng: random.Random) -> None:
    """A redesign for phones: each row of a plain table with a header becomes a card, the
    name on top and every other column a "label：value" line under it."""
    for table in list(root.iter("table")):
        if table.find(".//table") is not None or _merged(table) or table.getparent() is None:
            continue
        rows = [[cell_text(c) for c in r if c.tag in ("td", "th")] for r in table.iter("tr")]
        rows = [row for row in rows if any(row)]
        if len(rows) < 2 or len({len(row) for row in rows}) != 1:
            continue
        roles = [column_of(label)[0] for label in rows[0]]
        if roles.count(Column.NAME) != 1:
            continue
        name_at = roles.index(Column.NAME)
        deck = html.Element("div", {"class": "card-list"})
        for row in rows[1:]:
            card = etree.SubElement(deck, "div", {"class": "card"})
            head = etree.SubElement(etree.SubElement(card, "div", {"class": "card-hd"}), "span")
            head.text = row[name_at].replace("\n", " ")
            body = etree.SubElement(card, "div", {"class": "card-bd"})
            for label, role, value in zip(rows[0], roles, row, strict=True):
                if role not in (Column.NAME, Column.SEQ) and value:
                    line = etree.SubElement(body, "p")
                    line.text = f"{label}：{value.replace(chr(10), ' ')}"
        _replace_table(table, deck)


def columns(root: html.HtmlElement, _rng: random.Random) -> None:
    """A redesign that keeps each plain table's first column (序号, or the key) in place and
    shows the others in the opposite order; tables with a header row naming one column of
    names only (a key-value table reversed would no longer read as one)."""
    for table in list(root.iter("table")):
        if table.find(".//table") is not None or _merged(table):
            continue
        rows = [r for r in table.iter("tr") if _owner(r) is table]
        labels = [cell_text(c) for c in rows[0] if c.tag in ("td", "th")] if rows else []
        if [column_of(label)[0] for label in labels].count(Column.NAME) != 1:
            continue
        for row in rows:
            cells = [cell for cell in row if cell.tag in ("td", "th")]
            if len(cells) < 3:
                continue
            tail = cells[-1].tail
            for cell in cells[1:]:
                row.remove(cell)
            for cell in reversed(cells[1:]):
                cell.tail = "\n"
                row.append(cell)
            cells[1].tail = tail


def _plain_rows(table: html.HtmlElement) -> list[list[html.HtmlElement]] | None:
    """The cells of a plain table's rows (no nesting, no merged cell, one cell count), the
    header row first, or None."""
    if table.find(".//table") is not None or _merged(table) or table.getparent() is None:
        return None
    rows = [
        [c for c in r if c.tag in ("td", "th")] for r in table.iter("tr") if _owner(r) is table
    ]
    if len(rows) < 3 or len({len(row) for row in rows}) != 1:
        return None
    return rows


def _roles(header: list[html.HtmlElement]) -> list[Column | None]:
    return [column_of(cell_text(cell))[0] for cell in header]


def rowspan(root: html.HtmlElement, _rng: random.Random) -> None:
    """An editor's table: the category cells of consecutive rows of one category merged into
    one cell spanning them."""
    for table in list(root.iter("table")):
        rows = _plain_rows(table)
        if rows is None or _roles(rows[0]).count(Column.CATEGORY) != 1:
            continue
        at = _roles(rows[0]).index(Column.CATEGORY)
        body = rows[1:]
        start = 0
        while start < len(body):
            end = start + 1
            text = cell_text(body[start][at])
            while end < len(body) and cell_text(body[end][at]) == text and text:
                end += 1
            if end - start > 1:
                body[start][at].set("rowspan", str(end - start))
                for row in body[start + 1 : end]:
                    row[at].getparent().remove(row[at])
            start = end


def grouped(root: html.HtmlElement, _rng: random.Random) -> None:
    """A redesign: a table of names and categories (and nothing else) shown as a heading per
    category and a numbered list of its names, categories in order of first appearance."""
    for table in list(root.iter("table")):
        rows = _plain_rows(table)
        roles = _roles(rows[0]) if rows else []
        if rows is None or roles.count(Column.NAME) != 1 or roles.count(Column.CATEGORY) != 1:
            continue
        if any(role not in (Column.SEQ, Column.NAME, Column.CATEGORY) for role in roles):
            continue
        name_at, category_at = roles.index(Column.NAME), roles.index(Column.CATEGORY)
        if not re.search(r"类|型", cell_text(rows[0][category_at])):
            continue  # 合作内容, 服务内容: what the partner does, no heading of a group
        groups: dict[str, list[str]] = {}
        for row in rows[1:]:
            groups.setdefault(cell_text(row[category_at]), []).append(cell_text(row[name_at]))
        if "" in groups:
            continue
        block = html.Element("div", {"class": "partner-groups"})
        for number, (category, names) in enumerate(groups.items(), 1):
            heading = etree.SubElement(block, "h4")
            heading.text = f"{'一二三四五六七八九十'[min(number, 10) - 1]}、{category}"
            listing = etree.SubElement(block, "ol")
            for name in names:
                etree.SubElement(listing, "li").text = name.replace("\n", " ")
        block.tail = table.tail
        table.getparent().replace(table, block)


def headers(root: html.HtmlElement, _rng: random.Random) -> None:
    """An editor's table: header cells written as bold data cells (th becomes td + strong)."""
    for cell in list(root.iter("th")):
        strong = html.Element("strong")
        strong.text, cell.text = cell.text, None
        for child in list(cell):
            strong.append(child)
        cell.insert(0, strong)
        cell.tag = "td"
        for name in ("scope", "abbr"):
            cell.attrib.pop(name, None)


def bullets(root: html.HtmlElement, _rng: random.Random) -> None:
    """Numbered lists shown with bullets and bulleted lists with numbers."""
    for listing in root.iter("ol", "ul"):
        items = [item for item in listing if item.tag == "li"]
        named = sum(1 for item in items if "公司" in item.text_content())
        if listing.find(".//a") is None and items and named * 2 >= len(items):
            listing.tag = "ul" if listing.tag == "ol" else "ol"


def _merged(table: html.HtmlElement) -> bool:
    return any(cell.get("rowspan") or cell.get("colspan") for cell in table.iter("td", "th"))


def _owner(row: html.HtmlElement) -> html.HtmlElement | None:
    return next(row.iterancestors("table"), None)


NOISE: dict[str, Transform] = {
    "whitespace": whitespace,
    "width": width,
    "related": related,
    "sidebar": sidebar,
    "counter": counter,
    "reorder": reorder,
    "template": template,
    "spans": spans,
    "padding": padding,
    "attributes": attributes,
}
LAYOUT: dict[str, Transform] = {
    "bold": bold,
    "split": split,
    "divtable": divtable,
    "cards": cards,
    "bullets": bullets,
    "columns": columns,
    "headers": headers,
    "rowspan": rowspan,
    "grouped": grouped,
}
TRANSFORMS = {**NOISE, **LAYOUT}


def changed(markup: str, names: list[str], seed: int) -> str:
    root = html.document_fromstring(markup)
    rng = random.Random(seed)
    if any(name in LAYOUT for name in names):
        _drop_unshown_rows(root)
    for name in names:
        TRANSFORMS[name](root, rng)
    return etree.tostring(root, encoding="unicode", method="html")


def _drop_unshown_rows(root: html.HtmlElement) -> None:
    """A redesign carries what the page shows: the rows it hides and no control shows (an
    old row kept in the markup) are not rebuilt as visible divs, cards or bullets."""
    mark_rows_hidden_by_style(root)
    for table in list(root.iter("table")):
        shown = set(shown_rows(table))
        for row in [r for r in table.iter("tr") if _owner(r) is table and r not in shown]:
            row.drop_tree()


def pages() -> Iterator[tuple[str, str]]:
    """(id, HTML) of every kept static HTML page and first sequence step."""
    for labels in sorted(FIXTURES.glob("blind*/pages*/labels.yaml")):
        for label in yaml.safe_load(labels.read_text(encoding="utf-8")) or []:
            if label.get("kind") not in ("html", None) or label.get("list", "ok") != "ok":
                continue  # documents need their attachments; cut-off pages make no events
            if label.get("ambiguous"):
                continue
            entry = labels.parent / label["id"] / label.get("entry", "index.html")
            if entry.suffix in (".html", ".htm") and entry.is_file():
                yield (
                    f"{labels.parent.parent.name}/{labels.parent.name}/{label['id']}",
                    _text(entry),
                )
    for labels in sorted(FIXTURES.glob("blind*/labels.yaml")):  # rounds 1 and 2
        for label in (yaml.safe_load(labels.read_text(encoding="utf-8")) or {}).get("pages", []):
            entry = labels.parent / "pages" / label["entry"]
            if label.get("status", "ok") == "ok" and entry.suffix in (".html", ".htm"):
                yield f"{labels.parent.name}/{label['id']}", _text(entry)
    for labels in sorted(FIXTURES.glob("blind*/seqs/labels.yaml")):
        for label in yaml.safe_load(labels.read_text(encoding="utf-8")) or []:
            first = label["steps"][0]["dir"]
            entry = labels.parent / label["id"] / first / label.get("entry", "index.html")
            if entry.suffix in (".html", ".htm") and entry.is_file():
                yield f"{labels.parent.parent.name}/seqs/{label['id']}", _text(entry)


_CHARSET = re.compile(rb"charset=[\"']?(gb2312|gbk|gb18030)", re.IGNORECASE)


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return raw.decode("gb18030" if _CHARSET.search(raw[:2048]) else "utf-8", errors="replace")


def trials(changes: list[str], only: str = "") -> Iterator[tuple[str, str, list[str]]]:
    """(page id, change, the events it made) for each kept page and each named change
    ("all": every noise change at once). Pages cut off in transit, and readings the
    pipeline makes no event from, are left out."""
    for page_id, markup in pages():
        if only not in page_id:
            continue
        if "</html>" not in markup[-4000:].lower():
            continue  # cut off in transit: its last row stays last in any re-rendering
        first = read(markup)
        if not first.partners or first.suspect or first.list_status is not ListStatus.OK:
            continue  # nothing to lose, or a reading the pipeline never makes events from
        for number, name in enumerate(changes):
            steps = list(NOISE) if name == "all" else [name]
            seed = zlib.crc32(f"{page_id}#{number}".encode())
            after = read(changed(markup, steps, seed)).partners
            yield page_id, name, events_between(first.partners, after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=10, help="failures to print")
    parser.add_argument("--only", default="", help="page ids containing this text")
    args = parser.parse_args(argv)
    started = time.monotonic()
    names = [*TRANSFORMS, "all"]
    tried: Counter[str] = Counter()
    alerting: Counter[str] = Counter()
    failures: list[dict[str, object]] = []
    for page_id, name, events in trials(names, args.only):
        tried[name] += 1
        if events:
            alerting[name] += 1
            failures.append({"page": page_id, "change": name, "events": events[:8]})
    total, bad = sum(tried.values()), sum(alerting.values())
    summary = {
        "pages": tried["all"],
        "changes": total,
        "alerting": bad,
        "by_change": {n: f"{alerting[n]}/{tried[n]}" for n in names},
        "seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({**summary, "failures": failures}, ensure_ascii=False, indent=1), "utf-8"
    )
    for failure in failures[: args.show]:
        sys.stdout.write(f"{failure['page']} [{failure['change']}]: {failure['events']}\n")
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
