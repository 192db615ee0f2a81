"""A single-page app whose shell shows only a spinner until a timer fetches the list: the
capture waits for the list. Real Chromium, pages served on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from archiver.adapters.browser import PlaywrightCapturer
from archiver.partners import AliasTable, extract
from archiver.ports import CaptureRequest
from archiver.testing import LocalSite

pytestmark = pytest.mark.browser
ANT = "蚂蚁智信（杭州）信息技术有限公司"
KX = "深圳市凯旋融资担保有限公司"

SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>合作机构</title>
<style>.spin{{margin:60px auto;width:32px;height:32px;border:3px solid #ddd}}</style></head>
<body><div id="{root}">{inside}</div><script>
setTimeout(function(){{fetch("/api/list.json").then(function(r){{return r.json();}})
.then(function(d){{var root=document.getElementById("{root}");root.innerHTML="";
var t=document.createElement("table");t.innerHTML="<tr><th>合作机构名称</th></tr>"+
d.records.map(function(n){{return "<tr><td>"+n+"</td></tr>";}}).join("");
root.appendChild(t);}});}}, 800);
</script></body></html>"""


@pytest.mark.parametrize(
    ("root", "inside"),
    [("root", '<div class="spin"></div>'), ("app", "")],
    ids=["spinner", "empty-app-root"],
)
def test_a_list_drawn_after_a_timer_behind_a_spinner_is_captured(
    local_site: LocalSite, root: str, inside: str
) -> None:
    local_site.page("/index.html", SHELL.format(root=root, inside=inside))
    body = json.dumps({"records": [ANT, KX]}, ensure_ascii=False).encode()
    local_site.file("/api/list.json", body, "application/json")
    capturer = PlaywrightCapturer(allow_private=True, concurrency=1)
    try:
        request = CaptureRequest(site_id="t", url=local_site.url("/index.html"), timeout_s=20)
        with capturer.open(request) as session:
            capture = session.snapshot()
    finally:
        capturer.close()
    assert "蚂蚁智信" in capture.text
    assert {p.name for p in extract(capture, aliases=AliasTable()).partners} == {ANT, KX}
