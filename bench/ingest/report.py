#!/usr/bin/env python3
"""Turns run.sh's wrk result lines into medians, ratios and target checks; prints them and writes
(or replaces) the section named --label in bench/RESULTS.md."""
import argparse
import datetime
import json
import os
import re
import statistics

p = argparse.ArgumentParser()
for name in ("results", "rows", "pending", "label", "cmd", "env", "nproc", "cpu", "kernel", "dotnet", "uptime", "note", "out"):
    p.add_argument("--" + name, default="")
a = p.parse_args()

rows = [json.loads(l) for l in open(a.results) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["label"], []).append(r)
paced_label = next((l for l in by if l.startswith("paced-")), None)
target_rate = int(paced_label.split("-")[1]) if paced_label else 0
events_per = {"single": 1, "batch": 1000, "ceiling-single": 1, "ceiling-batch": 1000}
if paced_label:
    events_per[paced_label] = 1


def med(label, key):
    return statistics.median(r[key] for r in by[label])


def ratios(num, den):
    return [n["rps"] / d["rps"] for n, d in zip(by.get(num, []), by.get(den, []))]


single_ratio = ratios("single", "ceiling-single")
batch_ratio = ratios("batch", "ceiling-batch")
meta_labels = [l for l in by if not l.startswith("ceiling") and l != "warmup-bare"]
ok = sum(r["requests"] - r["err_status"] for l in meta_labels for r in by[l])
non2xx = sum(r["err_status"] for l in meta_labels for r in by[l])
timeouts = sum(r["err_timeout"] for l in meta_labels for r in by[l])
worst = max(r["max_ms"] for l in by for r in by[l] if not l.startswith("warmup"))
stored = int(a.rows or 0)
inflight_bound = sum(1 for l in meta_labels for _ in by[l]) * int(os.environ.get("CONNS", "256"))

order = ["ceiling-single", "single", paced_label, "ceiling-batch", "batch"]
lines = []
lines.append("| run | deliveries/s | events/s | p50 ms | p99 ms | p99.9 ms | max ms | each run: deliveries/s (load 1 min) |")
lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
for l in order:
    if not l or l not in by:
        continue
    rps = med(l, "rps")
    each = " / ".join(f"{r['rps']:,.0f} ({r['load1']:.1f})" for r in by[l])
    lines.append(f"| {l} | {rps:,.0f} | {rps * events_per[l]:,.0f} | {med(l, 'p50_ms'):.2f} | {med(l, 'p99_ms'):.2f} | "
                 f"{med(l, 'p999_ms'):.2f} | {med(l, 'max_ms'):.2f} | {each} |")

checks = []
s_rps = med("single", "rps")
checks.append(("durable single-event deliveries/s >= 10,000", s_rps >= 10_000, f"{s_rps:,.0f} (median)"))
sr = statistics.median(single_ratio) if single_ratio else 0
checks.append(("single / ceiling >= 0.5 (same run)", sr >= 0.5, f"{sr:.2f} (median of {', '.join(f'{x:.2f}' for x in single_ratio)})"))
if paced_label:
    p99 = med(paced_label, "p99_ms")
    achieved = med(paced_label, "rps")
    checks.append((f"p99 <= 50 ms at {target_rate:,}/s", p99 <= 50 and achieved >= 0.95 * target_rate,
                   f"p99 {p99:.2f} ms at {achieved:,.0f}/s achieved"))
checks.append(("nothing slower than 1 s (max of every measured run)", worst <= 1000, f"max {worst:.1f} ms, {timeouts} timeouts"))
checks.append(("rows in InboundDeliveries >= 200s wrk counted", stored >= ok and non2xx == 0,
               f"{stored:,} rows, {ok:,} 200s, {non2xx} non-2xx; surplus {stored - ok} (bound {inflight_bound})"))

br = statistics.median(batch_ratio) if batch_ratio else 0
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
section = [f"### Ingest: {a.label}", ""]
section.append(f"- Date: {now}. Machine: `nproc` = {a.nproc}, CPU `{a.cpu}`, Linux {a.kernel}, .NET SDK {a.dotnet}.")
section.append(f"- Load: `{a.uptime.strip()}` at the end; the 1-minute load at the start of each run is in the last column.")
section.append(f"- Command: `{a.cmd}` ({a.env}; wrk 4.1 on the same 2 cores, loopback).")
if a.note:
    section.append(f"- Note: {a.note}")
section.append("")
section += lines
section.append("")
section.append(f"Ratios from the same run: single / ceiling {', '.join(f'{x:.2f}' for x in single_ratio)} (median {sr:.2f}); "
               f"batch / ceiling {', '.join(f'{x:.2f}' for x in batch_ratio)} (median {br:.2f}).")
section.append("")
for name, passed, detail in checks:
    section.append(f"- {'PASS' if passed else 'MISS'} {name}: {detail}")
section.append(f"- Processor backlog when the app was stopped: {a.pending} deliveries pending.")
text = "\n".join(section) + "\n"
print()
print(text)

begin, end = f"<!-- ingest:{a.label}:begin -->", f"<!-- ingest:{a.label}:end -->"
block = f"{begin}\n{text}{end}\n"
doc = open(a.out).read() if os.path.exists(a.out) else "# Benchmarks\n\n"
if begin in doc and end in doc:
    doc = re.sub(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", lambda _: block, doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n" + block
open(a.out, "w").write(doc)
print(f"wrote section '{a.label}' to {a.out}")
