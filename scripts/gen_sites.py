"""Regenerate config/sites.yaml: the curated sites already there, plus every institution of
DOMAIN.md §4 with a sourced domain (joint-stock, private, foreign, trust and city banks).

    .venv/bin/python scripts/gen_sites.py --domain ../shared/DOMAIN.md

Curated entries (ids, URLs, notes) are kept as they are; new ones get a pinyin id, the
homepage of their domain as entry page, `verified: false`, and discovery from `defaults:`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from archiver.config import CheckOptions

JOINT_STOCK = [
    ("中信银行", "中信银行股份有限公司", "citicbank.com"),
    ("光大银行", "中国光大银行股份有限公司", "cebbank.com"),
    ("招商银行", "招商银行股份有限公司", "cmbchina.com"),
    ("浦发银行", "上海浦东发展银行股份有限公司", "spdb.com.cn"),
    ("民生银行", "中国民生银行股份有限公司", "cmbc.com.cn"),
    ("华夏银行", "华夏银行股份有限公司", "hxb.com.cn"),
    ("平安银行", "平安银行股份有限公司", "bank.pingan.com"),
    ("兴业银行", "兴业银行股份有限公司", "cib.com.cn"),
    ("广发银行", "广发银行股份有限公司", "cgbchina.com.cn"),
    ("渤海银行", "渤海银行股份有限公司", "cbhb.com.cn"),
    ("浙商银行", "浙商银行股份有限公司", "czbank.com"),
    ("恒丰银行", "恒丰银行股份有限公司", "hfbank.com.cn"),
]
PRIVATE = [
    ("天津金城银行", "kcbebank.com", ""),
    ("上海华瑞银行", "shrbank.com", "no list found by a 2025-10 survey"),
    ("浙江网商银行", "mybank.cn", ""),
    ("温州民商银行", "ms-bank.cn", "no list found by a 2025-10 survey"),
    ("深圳前海微众银行", "webank.com", ""),
    ("湖南三湘银行", "csxbank.com", ""),
    ("重庆富民银行", "fbank.com", ""),
    ("四川新网银行", "xwbank.com", ""),
    ("北京中关村银行", "zgcbank.com", ""),
    ("吉林亿联银行", "yillionbank.com", ""),
    ("武汉众邦银行", "z-bank.com", ""),
    ("福建华通银行", "onebank.com.cn", ""),
    ("威海蓝海银行", "wegobank.cn", ""),
    (
        "江苏苏商银行",
        "suningbank.com",
        "domain from before the rename from 苏宁银行; likely stale",
    ),
    ("梅州客商银行", "kshbank.cn", ""),
    ("安徽新安银行", "xa-bank.com", ""),
    ("辽宁振兴银行", "newupbank.com", ""),
    ("江西裕民银行", "ymbank.com", ""),
]
FOREIGN = [
    ("东亚银行（中国）", "东亚银行（中国）有限公司", "hkbea.com.cn", ""),
    ("南洋商业银行（中国）", "南洋商业银行（中国）有限公司", "ncbchina.cn", ""),
    (
        "渣打银行（中国）",
        "渣打银行（中国）有限公司",
        "sc.com",
        "global domain; the China pages sit below it",
    ),
]
TRUSTS = [
    ("中诚信托", "中诚信托有限责任公司", "cctic.com.cn", "publishes as 临时公告"),
    ("交银国际信托", "交银国际信托有限公司", "bocommtrust.com", ""),
    ("云南信托", "云南国际信托有限公司", "yntrust.com", ""),
]
HOST_NOTES = {
    "ebank.bankcz.com": "source gives the e-bank host ebank.bankcz.com",
    "ebank.pzhccb.com": "source gives the predecessor's e-bank host ebank.pzhccb.com",
    "hrxjbank.com.cn": "华融湘江银行 is now 湖南银行; domain may have moved",
    "lzccb.cn": "not 柳州银行 (lzccb.com)",
}


def slug(name: str, suffix: str) -> str:
    """A site id from a Chinese name: pinyin of the name without its kind, plus a suffix."""
    core = re.sub(r"（中国）|银行|商业银行|国际信托|信托|市商业|股份有限公司", "", name)
    letters = "".join(lazy_pinyin(core))
    return re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-") + suffix


def homepage(domain: str) -> str:
    """https://www.<domain>/ for a bare domain, https://<host>/ for a named host."""
    host = (
        domain
        if domain.count(".") >= 2 and not domain.endswith((".com.cn", ".net.cn"))
        else (f"www.{domain}")
    )
    if domain.startswith(("ebank.", "bank.")):
        host = domain
    return f"https://{host}/"


def city_banks(domain_md: str) -> list[tuple[str, str]]:
    """(name, domain) of the §4.6 list in DOMAIN.md."""
    section = domain_md.split("4.6 City commercial banks", 1)[1].split("4.7", 1)[0]
    body = section.split("華融", 1)[0]
    pairs = re.findall(
        r"([\u4e00-\u9fa5()（）→]+银行(?:\([^)]*\))?)\s+([a-z0-9.\-]+\.[a-z]+)", body
    )
    return [(re.sub(r"\(.*\)", "", name), domain) for name, domain in pairs]


def entry(**fields: object) -> str:
    """One flow-style YAML line."""
    parts = []
    for key, value in fields.items():
        if value in ("", None):
            continue
        text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
        text = text.removesuffix("...").strip()
        if key == "url":
            text = f'"{value}"'
        parts.append(f"{key}: {text}")
    return "  - {" + ", ".join(parts) + "}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", default="../shared/DOMAIN.md", type=Path)
    parser.add_argument("--config", default="config/sites.yaml", type=Path)
    args = parser.parse_args()
    text = args.config.read_text(encoding="utf-8")
    head = text.split("\nsites:", 1)[0]
    curated = yaml.safe_load(text)["sites"]
    curated_lines = text.split("\nsites:", 1)[1].strip("\n").splitlines()
    hosts = {re.sub(r"^https?://(www\.|m\.)?", "", s["url"]).split("/")[0] for s in curated}
    ids = {s["id"] for s in curated}
    lines: list[str] = []

    def add(group: str, rows: list[dict[str, object]]) -> None:
        fresh = []
        for row in rows:
            domain = str(row.pop("domain"))
            if domain in hosts or re.sub(r"^(www\.|m\.)", "", domain) in hosts:
                continue
            site_id = str(row["id"])
            while site_id in ids:
                site_id += "-2"
            ids.add(site_id)
            row["id"] = site_id
            row["url"] = homepage(domain)
            note = " ; ".join(
                n for n in (str(row.pop("note", "")), HOST_NOTES.get(domain, "")) if n
            )
            fresh.append(entry(**row, verified=False, note=note))
        if fresh:
            lines.append(f"\n  # --- {group} " + "-" * max(4, 88 - len(group)))
            lines.extend(fresh)

    add(
        "joint-stock banks (domains: 2023 and 2025 public lists)",
        [
            {
                "id": slug(n, "-bank"),
                "name": n,
                "legal_name": legal,
                "type": "joint_stock_bank",
                "domain": d,
            }
            for n, legal, d in JOINT_STOCK
        ],
    )
    add(
        "private banks, not yet in the curated list (domains: 2023 snapshot)",
        [
            {
                "id": slug(n, "-bank"),
                "name": n,
                "legal_name": f"{n}股份有限公司",
                "type": "private_bank",
                "domain": d,
                "note": note,
            }
            for n, d, note in PRIVATE
        ],
    )
    add(
        "foreign banks",
        [
            {
                "id": slug(n, "-china"),
                "name": n,
                "legal_name": legal,
                "type": "foreign_bank",
                "domain": d,
                "note": note,
            }
            for n, legal, d, note in FOREIGN
        ],
    )
    add(
        "trust companies",
        [
            {
                "id": slug(n, "-trust"),
                "name": n,
                "legal_name": legal,
                "type": "trust",
                "domain": d,
                "note": note,
            }
            for n, legal, d, note in TRUSTS
        ],
    )
    add(
        "city commercial banks (domains: 2023 snapshot, re-verify)",
        [
            {"id": slug(n, "-bank"), "name": n, "type": "city_bank", "domain": d}
            for n, d in city_banks(args.domain.read_text(encoding="utf-8"))
        ],
    )
    discover = "discover" in CheckOptions.model_fields
    if discover and "discover:" not in head:
        head = head.replace(
            "defaults:\n", "defaults:\n  discover: {}  # every site is an institution\n", 1
        )
    out = head + "\nsites:\n" + "\n".join([*curated_lines, *lines]) + "\n"
    args.config.write_text(out, encoding="utf-8")
    print(f"{args.config}: {len(ids)} sites ({len(ids) - len(curated)} added)")


if __name__ == "__main__":
    main()
