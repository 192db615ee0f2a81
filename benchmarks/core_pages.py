"""Realistic partner-list disclosure pages and Chinese texts for the core benchmarks.

Deterministic (seeded) so every run serves the same bytes: a lender's announcement page with
a header, navigation, a 浏览量 counter and a clock that a script fills in, an intro, a table
of 20-400 partners (序号, 合作机构名称, 合作类型, 合作产品, 合作期限, 客服电话, 备注) and a
footer, plus one stylesheet and one script that every page loads, as real sites do.
"""

from __future__ import annotations

import random

from archiver.testing import LocalSite

CITIES = (
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "重庆",
    "天津",
    "武汉",
    "西安",
    "长沙",
    "苏州",
    "厦门",
    "青岛",
    "合肥",
    "郑州",
    "济南",
    "福州",
    "昆明",
)
STEMS = (
    "奇富",
    "信也",
    "乐信",
    "度小满",
    "融360",
    "洋钱罐",
    "小赢",
    "嘉银",
    "宜人",
    "还呗",
    "分期乐",
    "拍拍贷",
    "携程金融",
    "美团",
    "滴滴金融",
    "京东科技",
    "蚂蚁智信",
    "360数科",
    "众安",
    "平安普惠",
    "中原",
    "马上",
    "萨摩耶",
    "桔子",
    "你我贷",
    "极融",
    "羊小咩",
    "玖富",
    "钱站",
    "安逸花",
    "有钱花",
    "借呗",
    "微众",
    "网商",
    "百信",
    "星图",
    "云闪",
    "易鑫",
    "瓴岳",
    "数禾",
)
TRADES = (
    "科技",
    "信息技术",
    "网络科技",
    "金融信息服务",
    "数字科技",
    "融资担保",
    "商务咨询",
    "信息咨询",
)
FORMS = ("有限公司", "股份有限公司", "有限责任公司")
CATEGORIES = (
    "平台运营机构",
    "营销获客",
    "增信服务机构",
    "融资担保",
    "信息科技服务",
    "共同出资",
    "贷后催收",
    "客户筛选",
)
PRODUCTS = (
    "好期贷",
    "随借随还",
    "消费分期",
    "信用贷",
    "安逸花",
    "小额贷",
    "经营贷",
    "乐花借钱",
    "借钱",
    "闪电贷",
    "满易贷",
    "e贷",
)
REMARKS = (
    "",
    "",
    "",
    "",
    "",
    "已更名",
    "已注销",
    "已暂停合作",
    "已终止",
    "（原某某科技有限公司）",
)
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加"
    "量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与"
    "关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者"
)

CSS = b"""body{font-family:"WenQuanYi Zen Hei",sans-serif;margin:0;color:#333}
.header{background:#b71c1c;color:#fff;padding:12px 40px}.nav a{color:#fff;margin-right:16px}
.main{width:1100px;margin:20px auto}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:6px 8px;font-size:14px}th{background:#f5f5f5}
.footer{background:#333;color:#aaa;padding:20px 40px;font-size:12px}
"""
JS = b"""(function(){
  var n = 1000 + Math.floor(Math.random() * 9000);
  var v = document.getElementById('views');
  if (v) v.textContent = '\\u6d4f\\u89c8\\u91cf\\uff1a' + n;
  var c = document.getElementById('clock');
  if (c) c.textContent = '\\u5f53\\u524d\\u65f6\\u95f4\\uff1a' + new Date().toISOString();
})();
"""


MIDDLES = (
    "前海",
    "数智",
    "汇通",
    "融通",
    "云图",
    "众联",
    "启明",
    "恒信",
    "宏达",
    "博远",
    "安盈",
    "锦程",
    "华信",
    "金桥",
    "海纳",
    "同创",
    "卓越",
    "鼎盛",
    "和润",
    "天成",
)


def partner_name(rng: random.Random) -> str:
    """A plausible company name, sometimes with a city qualifier (names may repeat)."""
    return _name(rng, (rng.choice(MIDDLES), rng.choice(STEMS), rng.choice(TRADES)))


def _name(rng: random.Random, parts: tuple[str, str, str]) -> str:
    middle, stem, trade = parts
    city = rng.choice(CITIES)
    if rng.random() < 0.6:
        return f"{city}{middle}{stem}{trade}{rng.choice(FORMS)}"
    return f"{middle}{stem}{trade}（{city}）{rng.choice(FORMS)}"


def partner_pool(index: int) -> list[tuple[str, str, str]]:
    """Distinct (middle, stem, trade) triples for page `index`, in the page's order."""
    pool = [(m, s, t) for m in MIDDLES for s in STEMS for t in TRADES]
    random.Random(index).shuffle(pool)
    return pool


def row(rng: random.Random, number: int, parts: tuple[str, str, str]) -> str:
    """One table row of a partner list."""
    products = "、".join(rng.sample(PRODUCTS, rng.randint(1, 3)))
    start = rng.randint(2019, 2025)
    begins = f"{start}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    period = f"{begins}至{start + rng.randint(1, 3)}年12月31日"
    phone = f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    return (
        f"<tr><td>{number}</td><td>{_name(rng, parts)}</td><td>{rng.choice(CATEGORIES)}</td>"
        f"<td>{products}</td><td>{period}</td><td>{phone}</td><td>{rng.choice(REMARKS)}</td></tr>"
    )


def rows_for(index: int, total: int = 100) -> int:
    """Table rows of page `index`: spread evenly over 20..400, in a shuffled order."""
    order = list(range(total))
    random.Random(7).shuffle(order)
    return 20 + round(380 * order[index % total] / max(1, total - 1))


def disclosure_page(index: int, *, rows: int, generation: int = 0) -> str:
    """The HTML of site `index` at `generation` (each generation adds one partner)."""
    rng = random.Random(1000 + index)
    lender = f"{rng.choice(CITIES)}{rng.choice(('银行', '消费金融', '农商银行', '信托'))}"
    pool = partner_pool(index)
    body_rows = [row(rng, n + 1, pool[n]) for n in range(rows)]
    extra = random.Random(50_000 + index)  # the same new partners, one more per generation
    body_rows.extend(row(extra, rows + g + 1, pool[rows + g]) for g in range(generation))
    nav = "".join(
        f'<a href="/nav/{k}.html">{label}</a>'
        for k, label in enumerate(
            ("首页", "关于我们", "产品服务", "信息披露", "新闻公告", "联系我们")
        )
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>关于互联网助贷业务合作机构名单的公告-{lender}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body>
<div class="header"><h1>{lender}股份有限公司</h1><div class="nav">{nav}</div>
<span id="clock"></span></div>
<div class="main">
<h2>关于互联网助贷业务合作机构名单的公告</h2>
<p class="meta">发布时间：2025-09-30 <span id="views">浏览量：0</span></p>
<p>根据《关于加强商业银行互联网助贷业务管理提升金融服务质效的通知》（金规〔2025〕9号）要求，
现将我行（司）互联网助贷业务合作机构名单公告如下。
截至2025年9月30日，合作机构共{rows + generation}家。
如对合作机构有疑问，请拨打客服热线或登录官网查询。</p>
<table><thead><tr><th>序号</th><th>合作机构名称</th><th>合作类型</th><th>合作产品</th>
<th>合作期限</th><th>客服电话</th><th>备注</th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody></table>
<p>特此公告。</p><p style="text-align:right">{lender}股份有限公司<br>2025年9月30日</p>
</div>
<div class="footer">版权所有 © 2013-2025 {lender}股份有限公司
 京ICP备{rng.randint(10000000, 99999999)}号 客服热线：95{rng.randint(100, 999)}</div>
<script src="/static/site.js"></script>
</body></html>
"""


def serve_static(site: LocalSite) -> None:
    """The stylesheet and the script every page loads."""
    site.file("/static/site.css", CSS, "text/css; charset=utf-8")
    site.file("/static/site.js", JS, "application/javascript; charset=utf-8")


def site_path(index: int) -> str:
    """Path of site `index` on the LocalSite."""
    return f"/lender-{index:03d}/partners.html"


def publish(site: LocalSite, count: int, *, generation: int = 0) -> list[str]:
    """Serve `count` disclosure pages at `generation`; return their URLs."""
    serve_static(site)
    for index in range(count):
        publish_one(site, index, generation=generation)
    return [site.url(site_path(index)) for index in range(count)]


def publish_one(site: LocalSite, index: int, *, generation: int) -> None:
    """Serve page `index` at `generation` (each generation adds one partner)."""
    html = disclosure_page(index, rows=rows_for(index), generation=generation)
    site.page(site_path(index), html)


def chinese_text(size_chars: int, *, seed: int) -> str:
    """A long disclosure-like Chinese text of about `size_chars` characters, in lines."""
    rng = random.Random(seed)
    lines: list[str] = []
    total = 0
    number = 0
    while total < size_chars:
        number += 1
        kind = rng.random()
        if kind < 0.5:
            line = (
                f"{number} {partner_name(rng)} {rng.choice(CATEGORIES)} "
                f"{'、'.join(rng.sample(PRODUCTS, 2))} 400-{rng.randint(100, 999)}-"
                f"{rng.randint(1000, 9999)}"
            )
        else:
            line = "".join(rng.choice(COMMON) for _ in range(rng.randint(20, 120))) + "。"
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)
