#!/usr/bin/env python3
"""One markdown row per rate of each `bench/serve/run.sh ... overload` result (overload.jsonl), labelled
by the file's folder: served/s, p50/p99 of 200s and of refusals at admission (client-side), the shares
of the requests sent that expired (504) or were refused (429, 503), the share of admitted requests
(200 + 504) that expired, and that expired or were answered after DEADLINE_MS as the client saw it
(when summarize.py had it), and the share of 200s answered
within 20 ms by the server's own histogram. Usage: table.py FILE.jsonl...  (labelled by FILE, or by its folder when FILE is overload)"""
import json, os, sys

print("| run | offered | served/s | 200 p50 / p99 ms | shed p50 / p99 ms | 504 | 504 of admitted | "
      "admitted past the deadline, client | 429 + 503 | 200s within 20 ms, server |")
print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    name = os.path.basename(path)[: -len(".jsonl")]
    label = os.path.basename(os.path.dirname(os.path.abspath(path))) if name == "overload" else name
    for line in open(path):
        r = json.loads(line)
        codes, sent = r["codes"], r["sent"]
        share = lambda *cs: f"{100 * sum(codes.get(c, 0) for c in cs) / sent:.1f}%"
        within = r.get("server_200_within_20ms")
        admitted = codes.get("200", 0) + codes.get("504", 0)
        admitted_504 = f"{100 * codes.get('504', 0) / admitted:.1f}%" if admitted else "-"
        missed = (f"{100 * (codes.get('504', 0) + r['ok_over_deadline']) / admitted:.1f}%"
                  if admitted and "ok_over_deadline" in r else "-")
        print(f"| {label} | {r['multiple']}x | {r['ok_per_s']:,.0f} | {r['ok_p50_ms']} / {r['ok_p99_ms']} | "
              f"{r['shed_p50_ms']} / {r['shed_p99_ms']} | {share('504')} | {admitted_504} | {missed} | {share('429', '503')} | "
              f"{'-' if within is None else f'{100 * within:.1f}%'} |")
