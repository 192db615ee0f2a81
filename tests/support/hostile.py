"""A hostile-page corpus on 127.0.0.1, for the tests and the benchmark of untrusted pages.

    with LocalSite() as bank, LocalSite(host="127.0.0.2") as internal:
        sites = install(bank, internal, secret_file)

`bank` serves one page per attack next to a normal list page; `internal` (another host)
holds `SECRET` the pages try to make the archiver read. Bombs are built lazily and small:
the 300 MB attachment is streamed chunk by chunk, never held in memory.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.testing import LocalSite, Route

SECRET = "S3CR3T-internal-9d41c7"
NAMES = (
    "蚂蚁智信（杭州）信息技术有限公司",
    "上海淇毓信息科技有限公司",
    "深圳前海微众银行股份有限公司",
)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def list_page(extra: str = "", *, title: str = "互联网助贷业务合作机构名单") -> str:
    """A partner-list page, with `extra` markup inside its region."""
    rows = "".join(
        f"<tr><td>{i}</td><td>{name}</td><td>平台运营机构</td></tr>"
        for i, name in enumerate(NAMES, 1)
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><table><tr><th>序号</th><th>合作机构名称</th><th>合作类别</th></tr>"
        f"{rows}</table>{extra}</body></html>"
    )


def streamed(total: int, chunk: int = 1 << 20) -> Callable[[], Iterator[bytes]]:
    """A body of `total` bytes made chunk by chunk when it is served (a "PDF" header first)."""

    def chunks() -> Iterator[bytes]:
        sent = 0
        block = b"%PDF-1.4\n" + b"0" * (chunk - 9)
        while sent < total:
            piece = block[: min(chunk, total - sent)]
            sent += len(piece)
            yield piece
            block = b"0" * chunk

    return chunks


def gzip_bomb(decoded_bytes: int = 400_000_000) -> bytes:
    """gzip of `decoded_bytes` zeros (400 MB -> about 400 KB), compressed a MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1 << 20)
    parts = [packer.compress(zeros) for _ in range(decoded_bytes // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


def xlsx_bomb() -> bytes:
    """A ~2 KB workbook whose sheet declares, fills and merges A1:XFD1048576."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>合作机构名称</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        "</worksheet>"
    )
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                'package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'worksheet+xml"/></Types>'
            ),
            "_rels/.rels": _rels("xl/workbook.xml", "officeDocument"),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": _rels("worksheets/sheet1.xml", "worksheet"),
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def docx_bomb(paragraphs: int = 50_000) -> bytes:
    """A small DOCX with `paragraphs` styled paragraphs (python-docx took 49 s on 50,000)."""
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t>第{i}段</w:t></w:r></w:p>'
        for i in range(paragraphs)
    )
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                'package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/word/document.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                'document.main+xml"/></Types>'
            ),
            "_rels/.rels": _rels("word/document.xml", "officeDocument"),
            "word/document.xml": f'<?xml version="1.0"?><w:document {ns}><w:body>{body}'
            "</w:body></w:document>",
        }
    )


def deep_json(depth: int = 5000) -> bytes:
    """A JSON body nested `depth` levels."""
    return ('{"data":' * depth + "[]" + "}" * depth).encode()


def _rels(target: str, kind: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"/></Relationships>'
    )


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class HostileSite:
    """One site of the corpus and what it does."""

    id: str
    path: str
    attack: str
    wait_for: str = ""  # a selector the capture waits for (the page's own fetch has settled)


def install(bank: LocalSite, internal: LocalSite, secret_file: Path) -> list[HostileSite]:
    """Serve the corpus on `bank` and the secrets on `internal`; the sites to configure."""
    inside = internal.base_url
    secret_text = f"<p>内部资料 {SECRET} 请勿外传，内部资料 {SECRET} 请勿外传。</p>"
    internal.page("/frame.html", f"<html><body>{secret_text}</body></html>")
    internal.page("/page.html", f"<html><body>{secret_text}</body></html>")
    internal.file("/creds.txt", SECRET.encode(), "text/plain")
    internal.file("/secret.json", json.dumps({"data": [SECRET]}).encode(), "application/json")
    secret_file.write_text(f"<html><body>{secret_text}</body></html>", encoding="utf-8")

    bank.page("/normal.html", list_page())
    bank.page("/frame.html", list_page(f'<iframe src="{inside}/frame.html"></iframe>'))
    bank.page("/attach.html", list_page(f'<a href="{inside}/creds.txt?x=.pdf">名单附件</a>'))
    bank.page("/nextfile.html", list_page(f'<a href="file://{secret_file}">下一页</a>'))
    bank.page(
        "/redirect.html",
        list_page(
            '<a href="/go.pdf">附件</a><script>fetch("/api.json").catch(() => 0)'
            ".finally(() => { const p = document.createElement('p'); p.id = 'xhr-done';"
            " p.textContent = '加载完成'; document.body.append(p); });</script>"
        ),
    )
    bank.redirect("/go.pdf", f"{inside}/creds.txt?x=.pdf")
    bank.redirect("/api.json", f"{inside}/secret.json")
    bank.redirect("/away.html", f"{inside}/page.html")
    bank.page("/big.html", list_page('<a href="/big.pdf">名单（PDF）</a>'))
    bank.set("/big.pdf", Route(content_type=PDF, stream=streamed(300_000_000)))
    bank.page("/gzip.html", list_page('<a href="/bomb.pdf">名单（PDF）</a>'))
    bank.set(
        "/bomb.pdf",
        Route(body=gzip_bomb(), content_type=PDF, headers=(("Content-Encoding", "gzip"),)),
    )
    bank.page("/xlsx.html", list_page('<a href="/bomb.xlsx">名单（Excel）</a>'))
    bank.file("/bomb.xlsx", xlsx_bomb(), XLSX)
    bank.page("/docx.html", list_page('<a href="/bomb.docx">名单（Word）</a>'))
    bank.file("/bomb.docx", docx_bomb(), DOCX)
    bank.page(
        "/surrogate.html",
        list_page(
            "<p id='s'>备注</p><script>document.getElementById('s').textContent += "
            "String.fromCharCode(0xD800) + '说明';</script>"
        ),
    )
    bank.page("/deep.html", list_page("<script>fetch('/deep.json')</script>"))
    bank.file("/deep.json", deep_json(), "application/json")
    bank.page(
        "/huge.html",
        "<html><body><script>document.body.textContent = '名'.repeat(12e6);</script>"
        "</body></html>",
    )
    bank.page(
        "/flood.html",
        list_page("<script>for (let i = 0; i < 30; i++) fetch('/flood/' + i + '.json');</script>"),
    )
    for i in range(30):
        bank.dynamic(f"/flood/{i}.json", _flood_route)
    return [
        HostileSite("normal", "/normal.html", "none: a normal list page"),
        HostileSite("frame", "/frame.html", "an iframe on another host"),
        HostileSite("attach", "/attach.html", "an attachment link to another host"),
        HostileSite("nextfile", "/nextfile.html", "a 下一页 link to file:///"),
        HostileSite(
            "redirect",
            "/redirect.html",
            "attachment and XHR redirected off the host",
            wait_for="#xhr-done",  # the XHR's redirect hop was followed (or refused)
        ),
        HostileSite("away", "/away.html", "the page redirects to another host"),
        HostileSite("big", "/big.html", "a 300 MB attachment"),
        HostileSite("gzip", "/gzip.html", "a 400 KB gzip bomb"),
        HostileSite("xlsx", "/xlsx.html", "an XLSX spanning A1:XFD1048576"),
        HostileSite("docx", "/docx.html", "a DOCX with 50,000 paragraphs"),
        HostileSite("surrogate", "/surrogate.html", "a lone surrogate in the text"),
        HostileSite("deep", "/deep.html", "a JSON body nested 5,000 deep"),
        HostileSite("huge", "/huge.html", "a tiny page that builds 12 M characters"),
        HostileSite("flood", "/flood.html", "30 fetches of 1 MB JSON"),
    ]


def _flood_route(path: str) -> Route:
    """A distinct 1 MB JSON body per path."""
    body = json.dumps({"path": path, "pad": path * (1_000_000 // max(len(path), 1))})
    return Route(body=body.encode(), content_type="application/json")


def config_yaml(bank: LocalSite, sites: list[HostileSite], root: Path) -> str:
    """A sites.yaml for the corpus (private addresses allowed: everything is on loopback)."""
    entries = "".join(
        f"  - {{id: {s.id}, name: {s.id}, url: '{bank.url(s.path)}'"
        + (f", wait_for: '{s.wait_for}'" if s.wait_for else "")
        + "}\n"
        for s in sites
    )
    return (
        f"storage: {{kind: local, path: '{root / 'archive'}'}}\n"
        f"state_dir: '{root / 'var'}'\n"
        "network: {allow_private: true}\n"
        "browser: {concurrency: 2, screenshot: false}\n"
        "defaults: {every: 1h, timeout: 30s, confirm_delay: 1s}\n"
        f"sites:\n{entries}"
    )
