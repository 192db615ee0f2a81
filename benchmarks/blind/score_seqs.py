#!/usr/bin/env python3
"""Score `archiver` on the blind-4 change sequences (/work/blind4/seqs, labels in seqs/labels.yaml).

All sequences run in lockstep as one world: one configuration with one site per sequence, each
sequence served by its own threaded HTTP server on 127.0.0.1 (a free port each). Pass k serves
step k of every sequence (a sequence that has ended keeps serving its last step: a "hold" step,
quiet by definition), then runs one `archiver check --json` over every site, reads the events
each site reports, and for sites with a new version also `archiver show --json` (the partner
list read) and `archiver diff --json` (raw evidence).

Scoring (BRIEF.md): an event matches a labelled event when its type and normalised name(s) agree
(and `field` for field_changed); names are compared after NFKC, removing all whitespace and
mapping full-/half-width brackets to one form. Event precision and recall over all non-initial
steps except ambiguous ones; a real step is exact when its events equal the labelled ones (as a
multiset); a quiet step (noise, layout, fault) with any event is a false alert. Hold steps are
reported apart (their events count as false positives in precision too). Ambiguous steps are
listed apart and not scored. Events on the initial step are reported but not scored.

Usage: python3 score_seqs.py --archiver /path/to/archiver [--out results/X.json] [--keep]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
QUIET = {"noise", "layout", "fault"}

# ------------------------------------------------------------------------------------------
# names


_BR = str.maketrans({"（": "(", "）": ")", "［": "(", "］": ")", "[": "(", "]": ")", "【": "(", "】": ")",
                     "〔": "(", "〕": ")", "｛": "(", "｝": ")", "{": "(", "}": ")"})


def norm(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", "", s)
    return s.translate(_BR)


def ev_key(e: dict) -> tuple:
    t = e.get("type")
    if t == "renamed":
        return (t, norm(e.get("old")), norm(e.get("new")))
    if t == "field_changed":
        return (t, norm(e.get("name")), e.get("field"))
    return (t, norm(e.get("name")))


def ev_str(e: dict) -> str:
    t = e.get("type")
    if t == "renamed":
        return f"renamed {e.get('old')} -> {e.get('new')}"
    if t == "field_changed":
        extra = ""
        if "before" in e or "after" in e:
            extra = f" ({e.get('before')!r} -> {e.get('after')!r})"
        return f"field_changed {e.get('field')} of {e.get('name')}{extra}"
    return f"{t} {e.get('name')}"


# ------------------------------------------------------------------------------------------
# serving


class SeqServer:
    """Serves one sequence; `step` is the directory of the step currently served."""

    def __init__(self, seq_dir: Path, steps: list[dict]):
        self.seq_dir = seq_dir
        self.steps = steps
        self.idx = 0
        self.lock = threading.Lock()
        self.log: list = []
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_HEAD(self):
                self._serve(head=True)

            def do_GET(self):
                self._serve(head=False)

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                self._serve(head=False)

            def _send(self, code, body: bytes, ctype: str, head: bool):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def _serve(self, head: bool):
                with outer.lock:
                    st = outer.steps[outer.idx]
                path = unquote(urlsplit(self.path).path)
                code = outer._respond(self, st, path, head)
                with outer.lock:
                    outer.log.append((st["dir"], self.command, self.path, code))

        self.handler = H
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _respond(self, h, st: dict, path: str, head: bool) -> int:
        sdir = self.seq_dir / st["dir"]
        status = st.get("status")
        if status:
            bodies = {503: "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>",
                      502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"}
            f = sdir / path.lstrip("/")
            if f.is_file() and status not in bodies:
                body = f.read_bytes()
            else:
                body = bodies.get(status, f"<html><body><h1>{status}</h1></body></html>").encode()
            h._send(status, body, "text/html; charset=utf-8", head)
            return status
        over = {}
        hj = sdir / "_http.json"
        if hj.is_file():
            over = json.loads(hj.read_text(encoding="utf-8"))
        if path in over:
            o = over[path]
            body = o.get("body", "").encode("utf-8")
            h._send(o.get("status", 200), body, o.get("type", "application/json;charset=UTF-8"), head)
            return o.get("status", 200)
        rel = path.lstrip("/")
        f = sdir / rel
        if rel == "" or f.is_dir():
            f = f / "index.html"
        if rel.startswith("_http.json") or ".." in rel.split("/") or not f.is_file():
            h._send(404, b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>\xe6\x82\xa8\xe8\xae\xbf\xe9\x97\xae\xe7\x9a\x84\xe9\xa1\xb5\xe9\x9d\xa2\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</p></body></html>",
                    "text/html; charset=utf-8", head)
            return 404
        body = f.read_bytes()
        ext = f.suffix.lower()
        if ext in (".html", ".htm", ".shtml"):
            ctype = "text/html; charset=utf-8"
        elif ext == "":
            ctype = "application/json;charset=UTF-8"
        elif ext == ".txt":
            ctype = "text/plain; charset=utf-8"
        elif ext == ".docx":
            ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        elif ext == ".xlsx":
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            ctype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/json", "application/javascript"):
                ctype += "; charset=utf-8"
        h._send(200, body, ctype, head)
        return 200

    def set_step(self, k: int):
        with self.lock:
            self.idx = min(k, len(self.steps) - 1)

    def take_log(self):
        with self.lock:
            l, self.log = self.log, []
        return l

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------------------------------------
# the product


def run(cmd: list[str], timeout: float, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def parse_json_lines(out: str) -> list[dict]:
    objs = []
    dec = json.JSONDecoder()
    i = 0
    s = out
    while i < len(s):
        while i < len(s) and s[i] in " \t\r\n":
            i += 1
        if i >= len(s):
            break
        if s[i] not in "{[":
            j = s.find("\n", i)
            i = len(s) if j < 0 else j + 1
            continue
        try:
            o, j = dec.raw_decode(s, i)
        except json.JSONDecodeError:
            j = s.find("\n", i)
            i = len(s) if j < 0 else j + 1
            continue
        if isinstance(o, dict):
            objs.append(o)
        elif isinstance(o, list):
            objs.extend(x for x in o if isinstance(x, dict))
        i = j
    return objs


def partners_of(manifest: dict) -> tuple[list[str], list[str], list]:
    """(current names, terminated names, raw records) from `show --json`."""
    cur, term = [], []
    recs = manifest.get("partners") or []
    for r in recs:
        if not isinstance(r, dict):
            continue
        name = r.get("name") or r.get("raw") or ""
        marks = " ".join(str(m) for m in (r.get("markers") or [])) + " " + str(r.get("status") or "")
        if re.search(r"terminat|suspend|ended|paused|withdrawn|终止|暂停|停止", marks, re.I):
            term.append(name)
        else:
            cur.append(name)
    return cur, term, recs


def merge_entities(labels, seq_root: Path) -> str | None:
    groups, ents = {}, {}
    for lab in labels:
        ef = lab.get("entities")
        if not ef:
            continue
        d = yaml.safe_load((seq_root / lab["id"] / ef).read_text(encoding="utf-8")) or {}
        for k, v in (d.get("groups") or {}).items():
            groups[k] = v
        for k, v in (d.get("entities") or {}).items():
            ents[k] = v
    if not ents and not groups:
        return None
    out = {}
    if groups:
        out["groups"] = groups
    out["entities"] = ents
    return "# merged from the sequences' own entities.yaml files\n" + yaml.safe_dump(out, allow_unicode=True, sort_keys=False)


# ------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archiver", required=True, help="path of the archiver command")
    ap.add_argument("--out", help="JSON result file (default results/seqs-<timestamp>.json)")
    ap.add_argument("--seqs", default=str(HERE / "seqs"), help="sequences directory")
    ap.add_argument("--only", nargs="*", help="only these sequence ids")
    ap.add_argument("--keep", action="store_true", help="keep the temporary world directory")
    ap.add_argument("--pass-timeout", type=float, default=2400, help="seconds for one check pass")
    ap.add_argument("--screenshots", action="store_true", help="let the product take screenshots (slower)")
    args = ap.parse_args()

    arch = str(Path(args.archiver).resolve()) if os.path.exists(args.archiver) else args.archiver
    seq_root = Path(args.seqs).resolve()
    labels = yaml.safe_load((seq_root / "labels.yaml").read_text(encoding="utf-8"))
    if args.only:
        labels = [l for l in labels if l["id"] in set(args.only)]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_path = Path(args.out) if args.out else HERE / "results" / f"seqs-{stamp}.json"
    if out_path.exists():
        sys.exit(f"{out_path} exists; results are never overwritten")
    out_path.parent.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="blind4-seqs-"))
    servers = {l["id"]: SeqServer(seq_root / l["id"], l["steps"]) for l in labels}
    t0 = time.time()
    try:
        # ---------------- configuration
        sites = []
        for l in labels:
            s = {"id": l["id"], "name": l.get("name", l["id"]), "url": f"http://127.0.0.1:{servers[l['id']].port}/{l['entry']}"}
            if l.get("type"):
                s["type"] = l["type"]
            if l.get("discover"):
                s["discover"] = {}
            sites.append(s)
        base = {"storage": {"kind": "local", "path": str(work / "archive")}, "state_dir": str(work / "var"),
                "defaults": {"confirm_delay": "1s"}}
        ent = merge_entities(labels, seq_root)
        if ent:
            (work / "entities.yaml").write_text(ent, encoding="utf-8")
        cfg = work / "sites.yaml"
        config_notes = []

        def write_cfg(extra: dict):
            d = dict(base)
            d.update(extra)
            d["sites"] = sites
            cfg.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")

        write_cfg({"network": {"allow_private": True}})
        r = run([arch, "-c", str(cfg), "config", "check"], 120)
        if r.returncode != 0 and "network" in (r.stdout + r.stderr):
            config_notes.append("network.allow_private rejected by config check; left out: " + (r.stdout + r.stderr).strip()[:300])
            write_cfg({})
            r = run([arch, "-c", str(cfg), "config", "check"], 120)
        else:
            config_notes.append("network: {allow_private: true} accepted")
        if r.returncode != 0 and "confirm_delay" in (r.stdout + r.stderr):
            base["defaults"].pop("confirm_delay", None)
            config_notes.append("confirm_delay rejected; left out")
            write_cfg({} if "rejected" in config_notes[0] else {"network": {"allow_private": True}})
            r = run([arch, "-c", str(cfg), "config", "check"], 120)
        config_check = (r.returncode, (r.stdout + r.stderr).strip())
        print(f"config check: rc={r.returncode} {config_check[1][:300]}", flush=True)
        if r.returncode == 2:
            sys.exit("configuration rejected")

        # ---------------- passes
        n_pass = max(len(l["steps"]) for l in labels)
        check_cmd = [arch, "-c", str(cfg), "check", "--json"] + ([] if args.screenshots else ["--no-screenshot"])
        per = {l["id"]: [] for l in labels}
        passes = []
        for k in range(n_pass):
            for sid, srv in servers.items():
                srv.set_step(k)
            ts = time.time()
            try:
                r = run(check_cmd, args.pass_timeout)
                rc, so, se = r.returncode, r.stdout, r.stderr
            except subprocess.TimeoutExpired as e:
                rc, so, se = "timeout", (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), ""
            dur = time.time() - ts
            objs = parse_json_lines(so)
            by_site = {}
            others = []
            for o in objs:
                if o.get("site") in per:
                    by_site[o["site"]] = o
                else:
                    others.append(o)
            passes.append({"pass": k + 1, "rc": rc, "seconds": round(dur, 1), "stderr_tail": se[-3000:],
                           "other_objects": others})
            print(f"pass {k + 1}/{n_pass}: rc={rc} {dur:.0f}s, {len(by_site)}/{len(per)} sites reported", flush=True)
            for l in labels:
                sid = l["id"]
                srv = servers[sid]
                idx = min(k, len(l["steps"]) - 1)
                st = l["steps"][idx]
                hold = k >= len(l["steps"])
                o = by_site.get(sid)
                rec = {"pass": k + 1, "dir": st["dir"], "kind": "hold" if hold else st["kind"],
                       "hold": hold, "check": o, "requests": [list(x) for x in srv.take_log()]}
                if o and o.get("outcome") in ("new", "changed"):
                    r1 = run([arch, "-c", str(cfg), "show", sid, "--json"], 300)
                    try:
                        man = json.loads(r1.stdout)
                    except Exception:
                        man = {"_unparsed": r1.stdout[-2000:], "_stderr": r1.stderr[-2000:]}
                    cur, term, recs = partners_of(man)
                    rec["read"] = {"partners": cur, "terminated": term, "list_status": man.get("list_status"),
                                   "list_note": man.get("list_note"), "records": recs,
                                   "documents": man.get("documents")}
                    if o.get("outcome") == "changed":
                        r2 = run([arch, "-c", str(cfg), "diff", sid, "--json"], 300)
                        try:
                            dj = json.loads(r2.stdout)
                            dj.pop("text", None)
                            rec["diff"] = dj
                        except Exception:
                            rec["diff"] = {"_unparsed": r2.stdout[-2000:], "_stderr": r2.stderr[-1000:]}
                per[sid].append(rec)
    finally:
        for s in servers.values():
            s.close()

    # ---------------- scoring
    tp = fp = fn = 0
    real_total = real_exact = 0
    quiet_total = quiet_alert = 0
    hold_total = hold_alert = 0
    fps, fns, quiet_alerts, ambiguous, initial_events = [], [], [], [], []
    list_total = list_exact = 0
    items = []
    for l in labels:
        sid = l["id"]
        last_read = None
        for i, rec in enumerate(per[sid]):
            st = l["steps"][min(i, len(l["steps"]) - 1)]
            o = rec["check"] or {}
            got = [e for e in (o.get("events") or []) if isinstance(e, dict)]
            if "read" in rec:
                last_read = rec["read"]
            item = {"seq": sid, "pass": rec["pass"], "step": rec["dir"], "kind": rec["kind"],
                    "note": st.get("note", "") if not rec["hold"] else "hold: last step served again",
                    "expected_events": [] if rec["hold"] else (st.get("events") or []),
                    "events": got, "outcome": o.get("outcome"), "status": o.get("status"), "error": o.get("error"),
                    "version": o.get("version"), "check_raw": o, "read": rec.get("read"), "diff": rec.get("diff"),
                    "requests": rec["requests"]}
            # list as read after this pass vs labelled list (informational)
            if not rec["hold"] and st["kind"] != "fault" and "partners" in st and last_read is not None:
                exp_c = sorted(norm(p["name"]) for p in st.get("partners") or [])
                exp_t = sorted(norm(p["name"]) for p in st.get("terminated") or [])
                got_c = sorted(norm(n) for n in last_read["partners"])
                got_t = sorted(norm(n) for n in last_read["terminated"])
                ok = exp_c == got_c
                item["list_check"] = {"exact": ok, "terminated_exact": exp_t == got_t,
                                      "missing": sorted(set(exp_c) - set(got_c)), "extra": sorted(set(got_c) - set(exp_c))}
                list_total += 1
                list_exact += ok
            if st["kind"] == "initial" and not rec["hold"]:
                item["score"] = "initial (not scored)"
                if got:
                    initial_events.append(f"{sid}/{rec['dir']}: {len(got)} events on the first capture")
                items.append(item)
                continue
            if st.get("ambiguous") and not rec["hold"]:
                item["score"] = "ambiguous (not scored)"
                ambiguous.append(f"{sid}/{rec['dir']}: {'; '.join(ev_str(e) for e in got) or 'no events'}")
                items.append(item)
                continue
            exp = item["expected_events"]
            ce = Counter(ev_key(e) for e in exp)
            cg = Counter(ev_key(e) for e in got)
            m = ce & cg
            n_m = sum(m.values())
            tp += n_m
            rem_g = cg - m
            rem_e = ce - m
            fp += sum(rem_g.values())
            fn += sum(rem_e.values())
            left_g = list(got)
            fp_ev = []
            for e in got:
                k2 = ev_key(e)
                if rem_g[k2] > 0:
                    fp_ev.append(e)
                    rem_g[k2] -= 1
            fn_ev = []
            for e in exp:
                k2 = ev_key(e)
                if rem_e[k2] > 0:
                    fn_ev.append(e)
                    rem_e[k2] -= 1
            item["matched"] = n_m
            item["false_positives"] = [ev_str(e) for e in fp_ev]
            item["missed"] = [ev_str(e) for e in fn_ev]
            where = f"{sid}/{rec['dir']}" + (f" (hold, pass {rec['pass']})" if rec["hold"] else "") + f" [{item['kind']}]"
            ctx = f" (outcome {o.get('outcome')}, status {o.get('status')})"
            for e in fp_ev:
                fps.append(f"{where}: {ev_str(e)}{ctx}")
            for e in fn_ev:
                fns.append(f"{where}: {ev_str(e)}{ctx}" + (f" error={o.get('error')}" if o.get("error") else ""))
            if rec["hold"]:
                hold_total += 1
                if got:
                    hold_alert += 1
                    quiet_alerts.append(f"{where}: {len(got)} events")
                item["score"] = "hold"
            elif st["kind"] in QUIET:
                quiet_total += 1
                if got:
                    quiet_alert += 1
                    quiet_alerts.append(f"{where}: {len(got)} events")
                item["score"] = "quiet: false alert" if got else "quiet: silent"
            else:
                real_total += 1
                exact = not fp_ev and not fn_ev
                real_exact += exact
                item["score"] = "real: exact" if exact else "real: not exact"
            items.append(item)

    prec = tp / (tp + fp) if tp + fp else 1.0
    rec_ = tp / (tp + fn) if tp + fn else 1.0
    totals = {"sequences": len(labels), "steps": sum(len(l["steps"]) for l in labels),
              "labelled_events": tp + fn, "reported_events_scored": tp + fp, "matched": tp,
              "false_positives": fp, "false_negatives": fn,
              "event_precision": round(prec, 3), "event_recall": round(rec_, 3),
              "real_steps_exact": f"{real_exact}/{real_total}",
              "quiet_steps_with_false_alerts": f"{quiet_alert}/{quiet_total}",
              "hold_steps_with_alerts": f"{hold_alert}/{hold_total}",
              "lists_exact_after_readable_steps": f"{list_exact}/{list_total}",
              "ambiguous_steps": len(ambiguous), "seconds": round(time.time() - t0, 1)}
    result = {"archiver": arch, "command": " ".join([sys.executable] + sys.argv), "started": stamp,
              "config_notes": config_notes, "config_check": config_check,
              "check_command": " ".join(check_cmd[3:]), "totals": totals,
              "false_positive_events": fps, "missed_events": fns, "quiet_steps_alerting": quiet_alerts,
              "ambiguous": ambiguous, "initial_step_events": initial_events,
              "passes": passes, "items": items}
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.keep:
        result["world"] = str(work)
        print(f"world kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"archiver: {arch}")
    print(f"{totals['sequences']} sequences, {totals['steps']} steps, {totals['labelled_events']} labelled events (scored)")
    print(f"event precision {prec:.3f}  recall {rec_:.3f}  ({tp} matched, {fp} false positive, {fn} missed)")
    print(f"real steps exact {real_exact}/{real_total}")
    print(f"quiet steps with false alerts {quiet_alert}/{quiet_total}  (hold steps with alerts {hold_alert}/{hold_total})")
    print(f"lists exact after readable steps {list_exact}/{list_total} (informational)")
    if quiet_alerts:
        print("quiet steps alerting:")
        for x in quiet_alerts:
            print("  " + x)
    if fps:
        print("false positive events:")
        for x in fps:
            print("  " + x)
    if fns:
        print("missed events:")
        for x in fns:
            print("  " + x)
    if ambiguous:
        print("ambiguous steps (not scored):")
        for x in ambiguous:
            print("  " + x)
    if initial_events:
        print("events on first captures (not scored):")
        for x in initial_events:
            print("  " + x)
    print(f"result: {out_path}")


if __name__ == "__main__":
    main()
