#!/usr/bin/env python3
"""node_orders: durable order placement through the node API against raw
single-row SQLite commits with the same durability, in alternating rounds.

API side: wrk (1 thread, C connections) POSTs the same two-line order to
/api/v1/tenants/{t}/orders; every answer must be 201 (acknowledged once
durable: synchronous=FULL, WAL; commit grouping in node/core/tenant_writer.cc).
Reference: raw_commits_bench, C threads of single-row INSERT commits,
synchronous=FULL, WAL, plain SQLite (the project's SQLCipher build with
encrypted=false) on the same disk (a folder beside the node's data_dir).
Goal (issue 4): API orders/s >= 1.0x raw commits/s.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node-url", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--raw-bin", required=True)
    ap.add_argument("--raw-dir", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()

    def api():
        r = benchkit.wrk(f"{a.node_url}/api/v1/tenants/{a.tenant}/orders", a.clients, a.seconds,
                         script=os.path.join(HERE, "order.lua"), env={"TENANT": a.tenant})
        bad = re.search(r"bad_orders (\d+)", r["text"])
        if r["non2xx"] or r["errors"] or (bad and int(bad.group(1))):
            raise RuntimeError("orders failed:\n" + r["text"])
        return r["rate"]

    def raw():
        out = subprocess.run([a.raw_bin, "--dir", a.raw_dir, "--threads", str(a.clients),
                              "--seconds", str(a.seconds)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("raw_commits_bench failed: " + out.stderr)
        return float(re.search(r"commits_per_second ([\d.]+)", out.stdout).group(1))

    # warm-up: the node's first orders (menu cache, statement caches)
    benchkit.wrk(f"{a.node_url}/api/v1/tenants/{a.tenant}/orders", a.clients, 2,
                 script=os.path.join(HERE, "order.lua"), env={"TENANT": a.tenant})
    load = [benchkit.loadavg()]
    apis, raws = [], []
    for r in range(a.rounds):
        for side in (("api", "raw") if r % 2 == 0 else ("raw", "api")):
            (apis if side == "api" else raws).append(api() if side == "api" else raw())
        load.append(benchkit.loadavg())
    ratio = benchkit.median(apis) / benchkit.median(raws)
    print("| clients | node API orders/s (median) | raw SQLite commits/s (median) | API / raw | goal >= 1.0x |")
    print("|---:|---:|---:|---:|---|")
    print(f"| {a.clients} | {benchkit.median(apis):.0f} | {benchkit.median(raws):.0f} | {ratio:.2f}x | "
          f"{'met' if ratio >= 1.0 else 'MISSED'} |")
    print()
    print(f"- API rounds {[round(x) for x in apis]}, raw rounds {[round(x) for x in raws]}; "
          f"{a.rounds} alternating rounds of {a.seconds} s; load average {' -> '.join(load)}")


if __name__ == "__main__":
    main()
