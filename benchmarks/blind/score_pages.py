#!/usr/bin/env python3
"""Score the `archiver` product (a black box) on a directory of labelled static pages.

Usage
-----
    python3 /work/blind4/score_pages.py --archiver /work/wt/baseline/.venv/bin/archiver
    python3 /work/blind4/score_pages.py --archiver PATH --pages /work/blind4/pages2
    python3 /work/blind4/score_pages.py --archiver PATH --only trs-jsbank-detail-related --only h5-mobile-cfc

Options
    --archiver PATH   the product's command (required)
    --pages DIR       a pages directory holding <page-id>/... and labels.yaml (default: pages/ beside this file)
    --out FILE        result JSON (default: results/pages-<dir name>-<UTC timestamp>.json beside this file;
                      an existing file is never overwritten)
    --only ID         score only this page (repeatable)
    --entities PATH   entities.yaml to put beside the temporary sites file (default: the product's own
                      config/entities.yaml, found from the command's path <repo>/.venv/bin/archiver; 'none' for none)
    --keep            keep the temporary config/archive directory (its path is printed)
    --timeout SEC     limit for the whole `archiver check` run (default 3600)

Label format: see /work/blind4/BRIEF.md ("Page labels"). Each entry needs id, entry, list, partners;
terminated, forbidden and ambiguous are optional. Unknown keys are ignored.

What it does
    1. Serves the pages directory on 127.0.0.1 (a threaded HTTP server on a free port, started here).
       Files are served byte for byte (a page cut short stays cut short, GBK stays GBK).
    2. Writes a temporary sites.yaml: one site per page (ids pg001, pg002, ...; name = page id,
       url = http://127.0.0.1:PORT/<page-id>/<entry>), a temporary archive and state directory,
       `confirm_delay: 1s` under defaults and `network: {allow_private: true}`, each kept only if
       `archiver config check` accepts it.
    3. Runs `archiver -c sites.yaml check --json --no-screenshot` once for every site, then
       `archiver -c sites.yaml show <site> --json` for each site that produced a version.
    4. Compares, per page, the product's partner list with the label:
       - names are normalised by NFKC, removing all whitespace and mapping full-/half-width
         brackets to one form; nothing else;
       - a partner whose `markers` (or `status`) say terminated / suspended / ended / deregistered
         is compared against `terminated`, every other partner against `partners`;
       - the product's list status: 'unparseable' stays 'unparseable'; 'ok' becomes 'absent' when
         no partner at all was read; absent-like words ('absent', 'empty', 'none', 'no_list') become
         'absent'; anything else (e.g. 'truncated', a failed check's status) is kept as is;
       - exact page = current-name set equals the label's `partners` set and list status equals `list`;
       - a forbidden string is "read" when a partner name equals it after normalisation, or contains
         it (strings of 4+ characters) while not being a labelled name itself.
       Ambiguous pages (`ambiguous: true`) are reported apart and left out of the main totals.
    5. Writes every detail (expected, read, misses, extras, forbidden hits, the product's raw check
       line and manifest, stderr tail) to the result JSON and prints a short summary.

Requires PyYAML; if the running Python lacks it, the script re-runs itself with the Python next to
the archiver command (a virtualenv's bin/python).
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

try:
    import yaml  # type: ignore
except ImportError:  # pragma: no cover - re-exec with the product's interpreter
    yaml = None

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# normalisation (BRIEF.md: NFKC, all whitespace removed, full/half-width brackets to one form)

_BRACKETS = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
                           "〈": "<", "〉": ">", "＜": "<", "＞": ">"})


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = s.translate(_BRACKETS)
    return re.sub(r"\s+", "", s)


ENDED_RE = re.compile(r"terminat|suspend|ended|^end$|^ends?_|cancel|deregist|revok|withdraw|stopp|exited|"
                      r"终止|暂停|注销|停止", re.I)
ABSENT_WORDS = {"absent", "empty", "none", "no_list", "nolist", "no_partners", "not_a_list"}


def is_ended(p: dict) -> bool:
    vals = []
    m = p.get("markers")
    if isinstance(m, str):
        vals += [x for x in re.split(r"[,;\s]+", m) if x]
    elif isinstance(m, list):
        vals += [str(x) for x in m]
    for k in ("status", "state"):
        if isinstance(p.get(k), str) and p.get(k):
            vals.append(p[k])
    return any(ENDED_RE.search(v) for v in vals)


# ---------------------------------------------------------------------------------------------
# HTTP server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map)
    extensions_map.update({
        ".htm": "text/html", ".html": "text/html", ".json": "application/json",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pdf": "application/pdf", ".svg": "image/svg+xml", ".js": "application/javascript",
    })
    requests_log: list = []

    def log_message(self, fmt, *args):  # keep stdout clean, remember the requests
        QuietHandler.requests_log.append(fmt % args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_server(root: Path):
    handler = functools.partial(QuietHandler, directory=str(root))
    srv = Server(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv, srv.server_address[1]


# ---------------------------------------------------------------------------------------------
# running the product


def run(cmd, timeout=600, env=None):
    t0 = time.time()
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        return cp.returncode, cp.stdout, cp.stderr, time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return -9, out, err + "\n[scorer] timeout", time.time() - t0


def dump_yaml(obj) -> str:
    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=1000)


def find_entities(archiver: Path) -> Path | None:
    # <repo>/.venv/bin/archiver -> <repo>/config/entities.yaml
    for base in (archiver.resolve().parent, archiver.parent):
        cand = base.parent.parent / "config" / "entities.yaml"
        if cand.is_file():
            return cand
    return None


def build_config(tmp: Path, sites: list, archiver: str, env) -> tuple[Path, dict]:
    cfg_path = tmp / "sites.yaml"
    extras = {"confirm_delay": True, "allow_private": True}
    notes = {}
    for attempt in range(4):
        cfg = {"storage": {"kind": "local", "path": str(tmp / "archive")}, "state_dir": str(tmp / "var")}
        if extras["allow_private"]:
            cfg["network"] = {"allow_private": True}
        cfg["defaults"] = {"confirm_delay": "1s"} if extras["confirm_delay"] else {}
        cfg["sites"] = sites
        cfg_path.write_text(dump_yaml(cfg), encoding="utf-8")
        rc, out, err, _ = run([archiver, "-c", str(cfg_path), "config", "check"], timeout=120, env=env)
        text = out + err
        notes[f"config_check_{attempt}"] = {"rc": rc, "output": text[-3000:]}
        if rc == 0:
            return cfg_path, {"accepted": {k: v for k, v in extras.items()}, "log": notes}
        changed = False
        if extras["allow_private"] and re.search(r"network|allow_private", text):
            extras["allow_private"] = False
            changed = True
        elif extras["confirm_delay"] and "confirm_delay" in text:
            extras["confirm_delay"] = False
            changed = True
        if not changed:
            break
    raise SystemExit(f"[scorer] archiver config check rejects the generated configuration:\n{text}")


def parse_json_lines(text: str) -> list:
    objs = []
    dec = json.JSONDecoder()
    i = 0
    while True:
        j = text.find("{", i)
        if j < 0:
            break
        try:
            obj, end = dec.raw_decode(text, j)
        except json.JSONDecodeError:
            i = j + 1
            continue
        if isinstance(obj, dict):
            objs.append(obj)
        i = end
    return objs


# ---------------------------------------------------------------------------------------------
# scoring


def derive_status(raw_status: str | None, n_read: int) -> str:
    s = (raw_status or "").strip()
    low = s.lower()
    if low == "ok":
        return "ok" if n_read else "absent"
    if low == "unparseable":
        return "unparseable"
    if low in ABSENT_WORDS:
        return "absent"
    return s or "none"


def score_page(lab: dict, manifest: dict | None, check_line: dict | None) -> dict:
    exp_p = {norm(p["name"]): p["name"] for p in (lab.get("partners") or [])}
    exp_t = {norm(p["name"]): p["name"] for p in (lab.get("terminated") or [])}
    forb = [f for f in (lab.get("forbidden") or []) if f]
    read_cur, read_end, read_rows = {}, {}, []
    if manifest:
        for p in manifest.get("partners") or []:
            nm = p.get("name") or p.get("raw") or ""
            ended = is_ended(p)
            read_rows.append({"name": nm, "raw": p.get("raw"), "category": p.get("category_raw") or p.get("category"),
                              "markers": p.get("markers"), "ended": ended})
            (read_end if ended else read_cur)[norm(nm)] = nm
    raw_status = (manifest or {}).get("list_status") if manifest else (check_line or {}).get("status")
    status = derive_status(raw_status, len(read_cur) + len(read_end))
    cur_tp = sorted(set(read_cur) & set(exp_p))
    cur_fp = sorted(set(read_cur) - set(exp_p))
    cur_fn = sorted(set(exp_p) - set(read_cur))
    end_tp = sorted(set(read_end) & set(exp_t))
    end_fp = sorted(set(read_end) - set(exp_t))
    end_fn = sorted(set(exp_t) - set(read_end))
    labelled = set(exp_p) | set(exp_t)
    hits = []
    for f in forb:
        nf = norm(f)
        for k, nm in list(read_cur.items()) + list(read_end.items()):
            if k == nf or (len(nf) >= 4 and nf in k and k not in labelled):
                hits.append({"forbidden": f, "read_as": nm})
    exact = set(read_cur) == set(exp_p) and status == lab.get("list")
    return {
        "exact": exact,
        "status_expected": lab.get("list"), "status_read": status, "status_raw": raw_status,
        "status_ok": status == lab.get("list"),
        "current": {"tp": len(cur_tp), "fp": [read_cur[k] for k in cur_fp], "fn": [exp_p[k] for k in cur_fn]},
        "terminated": {"tp": len(end_tp), "fp": [read_end[k] for k in end_fp], "fn": [exp_t[k] for k in end_fn]},
        "forbidden_read": hits,
        "expected_partners": list(exp_p.values()), "expected_terminated": list(exp_t.values()),
        "read_current": list(read_cur.values()), "read_ended": list(read_end.values()), "read_rows": read_rows,
    }


def totals(results: list) -> dict:
    n = len(results)
    t = {"pages": n, "exact": sum(r["score"]["exact"] for r in results),
         "status_ok": sum(r["score"]["status_ok"] for r in results)}
    ctp = sum(r["score"]["current"]["tp"] for r in results)
    cfp = sum(len(r["score"]["current"]["fp"]) for r in results)
    cfn = sum(len(r["score"]["current"]["fn"]) for r in results)
    etp = sum(r["score"]["terminated"]["tp"] for r in results)
    efp = sum(len(r["score"]["terminated"]["fp"]) for r in results)
    efn = sum(len(r["score"]["terminated"]["fn"]) for r in results)

    def pr(tp, fp, fn):
        return {"tp": tp, "fp": fp, "fn": fn,
                "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                "recall": round(tp / (tp + fn), 4) if tp + fn else None}
    t["names"] = pr(ctp + etp, cfp + efp, cfn + efn)
    t["names_current"] = pr(ctp, cfp, cfn)
    t["names_terminated"] = pr(etp, efp, efn)
    t["forbidden_read"] = sum(len(r["score"]["forbidden_read"]) for r in results)
    t["list_status_accuracy"] = round(t["status_ok"] / n, 4) if n else None
    return t


def one_line(r: dict) -> str:
    s = r["score"]
    bits = []
    if not s["status_ok"]:
        bits.append(f"status {s['status_read']} (raw {s['status_raw']}) != {s['status_expected']}")
    if s["current"]["fn"]:
        bits.append(f"missed {len(s['current']['fn'])}: " + "、".join(s["current"]["fn"][:4]) + ("…" if len(s["current"]["fn"]) > 4 else ""))
    if s["current"]["fp"]:
        bits.append(f"extra {len(s['current']['fp'])}: " + "、".join(s["current"]["fp"][:4]) + ("…" if len(s["current"]["fp"]) > 4 else ""))
    if s["terminated"]["fn"]:
        bits.append(f"terminated not marked {len(s['terminated']['fn'])}: " + "、".join(s["terminated"]["fn"][:3]))
    if s["terminated"]["fp"]:
        bits.append(f"marked ended wrongly {len(s['terminated']['fp'])}: " + "、".join(s["terminated"]["fp"][:3]))
    if s["forbidden_read"]:
        bits.append(f"forbidden read {len(s['forbidden_read'])}: " + "、".join(h["read_as"] for h in s["forbidden_read"][:3]))
    return "; ".join(bits) or "ok"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archiver", required=True)
    ap.add_argument("--pages", default=str(HERE / "pages"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--entities", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--timeout", type=float, default=3600)
    args = ap.parse_args()

    archiver = str(Path(args.archiver).absolute())
    if yaml is None:
        py = Path(archiver).parent / "python"
        if py.exists() and os.environ.get("_SCORE_PAGES_REEXEC") != "1":
            os.environ["_SCORE_PAGES_REEXEC"] = "1"
            os.execv(str(py), [str(py), str(Path(__file__).resolve())] + sys.argv[1:])
        raise SystemExit("[scorer] PyYAML is needed (pip install pyyaml, or run with the product's venv python)")

    pages_dir = Path(args.pages).resolve()
    labels = yaml.safe_load((pages_dir / "labels.yaml").read_text(encoding="utf-8")) or []
    if args.only:
        labels = [l for l in labels if l["id"] in args.only]
        missing = set(args.only) - {l["id"] for l in labels}
        if missing:
            raise SystemExit(f"[scorer] unknown page ids: {sorted(missing)}")
    for l in labels:
        entry = pages_dir / l["id"] / l.get("entry", "index.html")
        if not entry.is_file():
            raise SystemExit(f"[scorer] {l['id']}: entry {entry} does not exist")

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else HERE / "results" / f"pages-{pages_dir.name}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    k = 1
    base = out
    while out.exists():
        out = base.with_name(f"{base.stem}-{k}{base.suffix}")
        k += 1

    tmp = Path(tempfile.mkdtemp(prefix="score-pages-"))
    srv, port = start_server(pages_dir)
    env = dict(os.environ)
    env.pop("ARCHIVER_CONFIG", None)
    t_start = time.time()
    try:
        ent = args.entities
        ent_path = None
        if ent is None:
            ent_path = find_entities(Path(archiver))
        elif ent.lower() != "none":
            ent_path = Path(ent)
        if ent_path:
            shutil.copy(ent_path, tmp / "entities.yaml")

        sites, by_site = [], {}
        for i, l in enumerate(labels, 1):
            sid = f"pg{i:03d}"
            url = f"http://127.0.0.1:{port}/{l['id']}/{l.get('entry', 'index.html')}"
            sites.append({"id": sid, "name": l["id"], "url": url})
            by_site[sid] = l
        cfg_path, cfg_info = build_config(tmp, sites, archiver, env)
        print(f"[scorer] {len(labels)} pages served on 127.0.0.1:{port}; config {cfg_path}; "
              f"entities {'yes' if ent_path else 'no'}; accepted {cfg_info['accepted']}", flush=True)

        cmd = [archiver, "-c", str(cfg_path), "check", "--json", "--no-screenshot"]
        rc, cout, cerr, dur = run(cmd, timeout=args.timeout, env=env)
        if rc == 2 and "no-screenshot" in (cerr + cout):
            cmd = [archiver, "-c", str(cfg_path), "check", "--json"]
            rc, cout, cerr, dur = run(cmd, timeout=args.timeout, env=env)
        print(f"[scorer] archiver check: rc={rc} in {dur:.0f}s", flush=True)
        lines = {o.get("site"): o for o in parse_json_lines(cout) if o.get("site")}

        results = []
        for sid, l in by_site.items():
            line = lines.get(sid)
            src, sout, serr, _ = run([archiver, "-c", str(cfg_path), "show", sid, "--json"], timeout=300, env=env)
            manifest = None
            if src == 0:
                try:
                    manifest = json.loads(sout)
                except json.JSONDecodeError:
                    objs = parse_json_lines(sout)
                    manifest = objs[0] if objs else None
            sc = score_page(l, manifest, line)
            if manifest:
                manifest = {k: v for k, v in manifest.items() if k not in ("blobs",)}
            results.append({"id": l["id"], "site": sid, "kind": l.get("kind"), "note": l.get("note"),
                            "ambiguous": bool(l.get("ambiguous")), "score": sc,
                            "raw": {"check": line, "show_rc": src, "show_stderr": serr[-2000:], "manifest": manifest}})
    finally:
        srv.shutdown()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    main_r = [r for r in results if not r["ambiguous"]]
    amb_r = [r for r in results if r["ambiguous"]]
    report = {
        "scorer": "score_pages.py", "started_at": stamp, "duration_s": round(time.time() - t_start, 1),
        "archiver": archiver, "pages_dir": str(pages_dir), "check_command": cmd, "check_rc": rc,
        "check_stderr_tail": cerr[-6000:], "config": cfg_info,
        "totals": totals(main_r), "totals_ambiguous": totals(amb_r), "totals_all": totals(results),
        "pages": results,
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")

    t = report["totals"]
    print(f"\n== {pages_dir.name}: {t['exact']}/{t['pages']} pages exact (ambiguous pages apart: "
          f"{report['totals_ambiguous']['exact']}/{report['totals_ambiguous']['pages']})")
    print(f"names: precision {t['names']['precision']} recall {t['names']['recall']} "
          f"(tp {t['names']['tp']}, fp {t['names']['fp']}, fn {t['names']['fn']}); "
          f"current P/R {t['names_current']['precision']}/{t['names_current']['recall']}, "
          f"terminated P/R {t['names_terminated']['precision']}/{t['names_terminated']['recall']}")
    print(f"list status: {t['status_ok']}/{t['pages']} right; forbidden strings read as partners: {t['forbidden_read']}")
    for r in results:
        if not r["score"]["exact"] or r["score"]["terminated"]["fn"] or r["score"]["terminated"]["fp"] or r["score"]["forbidden_read"]:
            tag = " (ambiguous)" if r["ambiguous"] else ""
            print(f"  - {r['id']}{tag}: {one_line(r)}")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
