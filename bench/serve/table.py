#!/usr/bin/env python3
"""One markdown row per rate of each `bench/serve/run.sh ... overload` result (overload.jsonl), labelled
by the file's folder: served/s, p50/p99 of 200s and of refusals at admission (client-side), the shares
of the requests sent that expired (504) or were refused (429, 503), and the share of 200s answered
within 20 ms by the server's own histogram. Usage: table.py FILE.jsonl...  (labelled by FILE, or by its folder when FILE is overload)"""
import json, os, sys

print("| run | offered | served/s | 200 p50 / p99 ms | shed p50 / p99 ms | 504 | 429 + 503 | 200s within 20 ms, server |")
print("|---|---:|---:|---|---|---:|---:|---:|")
for path in sys.argv[1:]:
    name = os.path.basename(path)[: -len(".jsonl")]
    label = os.path.basename(os.path.dirname(os.path.abspath(path))) if name == "overload" else name
    for line in open(path):
        r = json.loads(line)
        codes, sent = r["codes"], r["sent"]
        share = lambda *cs: f"{100 * sum(codes.get(c, 0) for c in cs) / sent:.1f}%"
        within = r.get("server_200_within_20ms")
        print(f"| {label} | {r['multiple']}x | {r['ok_per_s']:,.0f} | {r['ok_p50_ms']} / {r['ok_p99_ms']} | "
              f"{r['shed_p50_ms']} / {r['shed_p99_ms']} | {share('504')} | {share('429', '503')} | "
              f"{'-' if within is None else f'{100 * within:.1f}%'} |")
