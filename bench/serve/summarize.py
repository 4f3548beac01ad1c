#!/usr/bin/env python3
"""Summarises one `hey -o csv` run: answers by status, throughput, p50/p99 of accepted (200)
answers, of refusals at admission (shed: 429, 503 and other 4xx/5xx) and p50 of 504s (admitted,
deadline passed), and requests that got no answer (sent - answered), as one JSON line.
With DEADLINE_MS set, also the 200s slower than it (ok_over_deadline).
Usage: summarize.py CSV SENT SECONDS [LABEL]"""
import csv, json, os, sys

def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(-(-p * len(values) // 100)) - 1))
    return round(values[k] * 1000, 3)

path, sent, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
label = sys.argv[4] if len(sys.argv) > 4 else path
codes, ok, shed, expired = {}, [], [], []
with open(path) as f:
    for row in csv.DictReader(f):
        code = row["status-code"]
        codes[code] = codes.get(code, 0) + 1
        t = float(row["response-time"])
        (ok if code == "200" else expired if code == "504" else shed).append(t)
answered = sum(codes.values())
deadline = os.environ.get("DEADLINE_MS")
late = {"ok_over_deadline": sum(1 for t in ok if t * 1000 > float(deadline))} if deadline else {}
print(json.dumps({"run": label, "sent": sent, "answered": answered, "no_answer": sent - answered,
                  "codes": codes, "ok_per_s": round(len(ok) / seconds, 1),
                  "ok_p50_ms": pct(ok, 50), "ok_p99_ms": pct(ok, 99),
                  "shed_p50_ms": pct(shed, 50), "shed_p99_ms": pct(shed, 99),
                  "expired_p50_ms": pct(expired, 50), **late}))
