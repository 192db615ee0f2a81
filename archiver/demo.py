"""`archiver demo`: a bundled bank site whose partner list changes while you watch.

A LocalSite on 127.0.0.1 plays a short story (a partner added, noise that must be ignored, a
re-ordering, a suspension, a drop, a new as-of date), one step every `step_s` seconds, and
the real daemon checks it every `every_s` seconds into ./var/demo/archive.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from archiver.testing import LocalSite

PARTNERS = {
    "ant": ("蚂蚁智信（杭州）信息技术有限公司", "平台运营机构", "借呗"),
    "fql": ("深圳市分期乐网络科技有限公司", "平台运营机构", "分期乐"),
    "dxm": ("重庆度小满小额贷款有限公司", "平台运营机构", "有钱花"),
    "qy": ("上海淇毓信息科技有限公司", "平台运营机构", "360借条"),
    "kx": ("深圳市凯旋融资担保有限公司", "增信服务机构", ""),
}


@dataclass(frozen=True)
class Step:
    """One state of the demo page."""

    caption: str
    rows: tuple[str, ...]
    as_of: str = "2025年9月30日"
    views: int = 100
    half_width: bool = False
    suspended: str = ""


STORY = (
    Step("第一份名单：3 家平台运营机构和 1 家增信机构", ("ant", "fql", "dxm", "kx")),
    Step("新增一家合作机构：上海淇毓（奇富科技）", ("ant", "fql", "dxm", "qy", "kx"), views=257),
    Step(
        "只有噪声：浏览量和今天的日期变了（不应产生版本）",
        ("ant", "fql", "dxm", "qy", "kx"),
        views=301,
    ),
    Step(
        "只改版式：行序打乱、括号改成半角（不应产生告警）",
        ("qy", "dxm", "fql", "ant", "kx"),
        views=350,
        half_width=True,
    ),
    Step(
        "暂停合作：分期乐标注已暂停合作",
        ("ant", "fql", "dxm", "qy", "kx"),
        suspended="fql",
    ),
    Step("移除一家合作机构：度小满", ("ant", "fql", "qy", "kx"), suspended="fql"),
    Step(
        "只改截至日期",
        ("ant", "fql", "qy", "kx"),
        as_of="2025年12月31日",
        suspended="fql",
    ),
)


def render(step: Step, *, day: int) -> str:
    """The disclosure page for one step of the story."""
    rows = []
    for number, key in enumerate(step.rows, 1):
        name, category, product = PARTNERS[key]
        if step.half_width:
            name = name.replace("（", "(").replace("）", ")")
        remark = "已暂停合作，历史客户服务不受影响" if key == step.suspended else ""
        rows.append(
            f"<tr><td>{number}</td><td>{name}</td><td>{category}</td><td>{product}</td>"
            f"<td>{remark}</td></tr>"
        )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>关于互联网助贷业务合作机构名单的公告</title></head>
<body style="font-family: sans-serif; max-width: 960px; margin: 2em auto">
<div class="topbar">今天是2025年11月{day}日 星期六 | 示例银行股份有限公司</div>
<div id="content">
<h1>关于互联网助贷业务合作机构名单的公告</h1>
<p>发布时间：2025-10-01 浏览量：{step.views}</p>
<p>根据《关于加强商业银行互联网助贷业务管理提升金融服务质效的通知》，截至{step.as_of}，
本行互联网助贷业务合作机构名单如下：</p>
<table border="1" cellpadding="6" style="border-collapse: collapse">
<tr><th>序号</th><th>合作机构名称</th><th>合作机构类别</th><th>产品名称</th><th>备注</th></tr>
{"".join(rows)}
</table></div>
<div class="swiper">轮播广告第{step.views % 7}张</div>
</body></html>"""


class DemoSite:
    """Serves the story and moves it forward every `step_s` seconds."""

    def __init__(self, *, port: int = 0, step_s: float = 20.0) -> None:
        self.site = LocalSite(port=port)
        self.step_s = step_s
        self.position = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, name="demo-story", daemon=True)

    @property
    def url(self) -> str:
        """The disclosure page's URL."""
        return self.site.url("/xxgk/hzjg.html")

    def current(self) -> Step:
        """The step being served."""
        return STORY[self.position % len(STORY)]

    def start(self) -> DemoSite:
        """Serve the first step and start the story."""
        self.site.start()
        self._serve()
        self._thread.start()
        return self

    def _serve(self) -> None:
        self.site.page("/xxgk/hzjg.html", render(self.current(), day=1 + self.position % 28))

    def _play(self) -> None:
        while not self._stop.wait(self.step_s):
            self.position += 1
            self._serve()

    def stop(self) -> None:
        """Stop the story and the server."""
        self._stop.set()
        self.site.stop()


def write_config(directory: Path, url: str, *, entities: Path | None = None) -> Path:
    """A sites.yaml for the demo, so the other commands can read the demo archive.

    The curated `entities.yaml` (when there is one, e.g. config/entities.yaml in a clone) is
    copied beside it, so the demo recognises known renames like the real configuration.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if entities is not None and entities.is_file():
        shutil.copyfile(entities, directory / "entities.yaml")
    path = directory / "sites.yaml"
    path.write_text(
        f"""# Written by `archiver demo`; the daemon overrides `every` to a few seconds.
storage: {{kind: local, path: {directory / "archive"}}}
network: {{allow_private: true}}  # the demo site is on 127.0.0.1
state_dir: {directory}
sites:
  - id: demo-bank
    name: 示例银行
    legal_name: 示例银行股份有限公司
    type: city_bank
    url: "{url}"
    selector: "#content"
    every: 1m
    jitter: 0s
    confirm_delay: 2s
""",
        encoding="utf-8",
    )
    return path
