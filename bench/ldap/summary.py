#!/usr/bin/env python3
"""Summarises bench/ldap/run.sh's JSON lines: medians per server, case and pinning, and the
skydir/slapd ratios (throughput: higher is better for skydir; CPU per op, latency and memory:
lower is better for skydir)."""
import json, statistics, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n = sys.argv[2] if len(sys.argv) > 2 else "?"
runs, rss = {}, {}
for r in rows:
    if "rss_kib" in r:
        rss[r["label"]] = r["rss_kib"]
        continue
    server, pin, _ = r["label"].split(" ")
    key = (r["mode"], r["concurrency"], pin.split("=")[1])
    runs.setdefault(key, {}).setdefault(server, []).append(r)

def med(rs, k):
    vals = [x[k] for x in rs if x.get(k) is not None]
    return statistics.median(vals) if vals else float("nan")

print(f"\n{n} users; medians of the runs per case (pin=yes: server on core 0, load generator on core 1)\n")
print(f"{'case':<22}{'pin':<5}{'server':<8}{'ops/s':>10}{'cpu µs/op':>11}{'p50 µs':>9}{'p99 µs':>9}")
for (mode, c, pin), by in sorted(runs.items()):
    for server in ("skydir", "slapd"):
        rs = by.get(server, [])
        print(f"{mode + ' c=' + str(c):<22}{pin:<5}{server:<8}{med(rs,'ops_per_s'):>10.0f}"
              f"{med(rs,'server_cpu_us_per_op'):>11.0f}{med(rs,'p50_us'):>9.0f}{med(rs,'p99_us'):>9.0f}")
    s, o = by.get("skydir", []), by.get("slapd", [])
    if s and o:
        print(f"{'':<27}ratio skydir/slapd: ops/s {med(s,'ops_per_s')/med(o,'ops_per_s'):.2f}, "
              f"cpu/op {med(s,'server_cpu_us_per_op')/med(o,'server_cpu_us_per_op'):.2f}, "
              f"p99 {med(s,'p99_us')/med(o,'p99_us'):.2f}")
if rss:
    print(f"\nresident memory after the load: skydir {rss.get('skydir',0)/1024:.0f} MiB, "
          f"slapd {rss.get('slapd',0)/1024:.0f} MiB, ratio {rss.get('skydir',0)/max(rss.get('slapd',1),1):.2f}")
