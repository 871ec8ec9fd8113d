#!/usr/bin/env python3
"""hub_ingest: orders/s through POST /v1/sync/push against pgbench running on the
same PostgreSQL server, in alternating rounds.

Push side: wrk (1 thread, C connections) runs push.lua: each request a push of
B new orders (2 lines, 1 option each) for one enrolled device; orders/s =
pushes/s x B, counted only if every push answered 200 with every order
"accepted". Push orders/s are counted in the database (orders stored from the
round's start until the hub's workers are idle, over that time).

References (pgbench -M extended -c C -j 1, under the hub role with set_config
of the tenant):
- order.pgbench, the goal's reference: one transaction per order, the
  statements a client storing orders one at a time runs (existence checks,
  the order row, each line and option); tps = orders/s.
- order_batch.pgbench: the hub's own SQL (sync/hub/db/orders.cc), one
  transaction per push of B orders; orders/s = tps x B. Push / this is what
  the HTTP side, authentication, validation and hashing cost.

Run by bench/run with a stack from tests/e2e/stack.sh; goal (issue 3): push
>= 0.5x order.pgbench.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402
import libpq  # noqa: E402


def run_pgbench(conninfo, clients, seconds, script, defines):
    cmd = ["pgbench", "-n", "-M", "extended", "-c", str(clients), "-j", "1", "-T", str(seconds),
           "-f", os.path.join(HERE, script)]
    for k, v in defines.items():
        cmd += ["-D", f"{k}={v}"]
    out = subprocess.run(cmd + [conninfo], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("pgbench failed: " + out.stderr[-2000:])
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError("pgbench had failed transactions:\n" + out.stdout)
    return float(m.group(1))


def batch_orders(batch, location, device):
    """order_batch.pgbench's :orders: B orders as ingest_orders sends them to
    PostgreSQL (canonical documents plus content_hash), the content of
    push.lua's orders; RRRRRRRRRRRR is replaced per transaction."""
    line1 = {"line_no": 1, "item_id": "0190b3c4-0000-7000-8000-00000000e001", "name": "Classic burger",
             "unit_price_minor": 940, "quantity": 2, "line_total_minor": 1880,
             "options": [{"option_id": "0190b3c4-0000-7000-8000-0000000a0003",
                          "modifier_id": "0190b3c4-0000-7000-8000-00000000f002", "name": "Cheese",
                          "price_delta_minor": 50}]}
    line2 = {"line_no": 2, "item_id": "0190b3c4-0000-7000-8000-00000000e003", "name": "Fries",
             "unit_price_minor": 500, "quantity": 1, "line_total_minor": 500,
             "options": [{"option_id": "0190b3c4-0000-7000-8000-0000000a0002",
                          "modifier_id": "0190b3c4-0000-7000-8000-00000000f001", "name": "Large",
                          "price_delta_minor": 150}]}
    orders = [{"id": f"0190b3c5-0000-7000-8{i:03x}-RRRRRRRRRRRR", "location_id": location,
               "device_id": device, "number": f"P-{i}", "currency": "USD",
               "placed_at": "2026-11-23T12:00:00.000Z", "subtotal_minor": 2380, "tax_minor": 190,
               "total_minor": 2570, "note": None, "tax_rate_bp": 800, "tax_inclusive": False,
               "content_hash": "0" * 64, "items": [line1, line2]} for i in range(batch)]
    return json.dumps(orders, separators=(",", ":"))


def stored_orders(pg, tenant):
    pg.exec("BEGIN")
    pg.exec(f"SELECT set_config('larder.tenant_id', '{tenant}', true)")
    n = int(pg.exec("SELECT count(*) FROM orders")[0][0])
    pg.exec("COMMIT")
    return n


def hub_idle(hub_url):
    """Waits until the hub's workers are idle: a push wrk gave up on at the end
    of its round still runs there, and its orders belong to this round."""
    while True:
        text = benchkit.http("GET", hub_url + "/metrics")[1].decode()
        if not benchkit.metric(text, "larder_hub_pool_in_use") and not benchkit.metric(text, "larder_hub_pool_queued"):
            return
        time.sleep(0.05)


def run_push(hub_url, clients, seconds, batch, token, location, run_no, pg=None, tenant=None):
    """Orders/s counted in the database: orders stored from the round's start
    until the hub is idle again, over that time (wrk's own count would miss
    the pushes still in flight when it stops, up to clients x batch orders)."""
    if pg is not None:
        before, t0 = stored_orders(pg, tenant), time.perf_counter()
    r = benchkit.wrk(hub_url + "/v1/sync/push", clients, seconds, threads=1,
                     script=os.path.join(HERE, "push.lua"),
                     env={"TOKEN": token, "LOCATION": location, "BATCH": str(batch), "RUN": str(run_no)})
    bad = re.search(r"bad_pushes (\d+)", r["text"])
    if r["non2xx"] or r["errors"] or (bad and int(bad.group(1))):
        raise RuntimeError("pushes failed:\n" + r["text"])
    if pg is None:
        return r["rate"] * batch
    hub_idle(hub_url)
    return (stored_orders(pg, tenant) - before) / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--hub-url", required=True)
    ap.add_argument("--hub-db", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--location", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--batch", type=int, nargs="+", default=[50])
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args()

    token, device = benchkit.enroll_device(a.hub_bin, a.hub_db, a.hub_url, a.tenant, a.location,
                                           "bench pusher", "BP")
    dbc = libpq.Conn(a.hub_db)
    load = [benchkit.loadavg()]
    print("| batch | clients | push orders/s (median) | pgbench orders/s (median) | push / pgbench | goal >= 0.5x |")
    print("|---:|---:|---:|---:|---:|---|")
    run_no = 0
    detail = []
    own_sql = []
    per_order = {"tenant": a.tenant, "location": a.location, "device": device}
    for batch in a.batch:
        per_push = {"tenant": a.tenant, "orders": batch_orders(batch, a.location, device)}
        run_push(a.hub_url, a.clients, 2, batch, token, a.location, 60000 + batch)  # warm-up
        push, pg, pgb = [], [], []
        sides = ["push", "pgbench", "pgbench_batch"]
        for r in range(a.rounds):
            for side in sides[r % 3:] + sides[:r % 3]:
                if side == "push":
                    run_no += 1
                    push.append(run_push(a.hub_url, a.clients, a.seconds, batch, token, a.location, run_no,
                                         dbc, a.tenant))
                elif side == "pgbench":
                    pg.append(run_pgbench(a.hub_db, a.clients, a.seconds, "order.pgbench", per_order))
                else:
                    pgb.append(batch * run_pgbench(a.hub_db, a.clients, a.seconds, "order_batch.pgbench",
                                                   per_push))
            load.append(benchkit.loadavg())
        ratio = benchkit.median(push) / benchkit.median(pg)
        print(f"| {batch} | {a.clients} | {benchkit.median(push):.0f} | {benchkit.median(pg):.0f} | "
              f"{ratio:.2f}x | {'met' if ratio >= 0.5 else 'MISSED'} |")
        own_sql.append(f"| {batch} | {benchkit.median(push):.0f} | {benchkit.median(pgb):.0f} | "
                       f"{benchkit.median(push) / benchkit.median(pgb):.2f}x |")
        detail.append(f"batch {batch}: push rounds {[round(x) for x in push]}, pgbench rounds "
                      f"{[round(x) for x in pg]}, pgbench (the hub's SQL) rounds {[round(x) for x in pgb]}")
        sys.stdout.flush()
    print()
    print("Against pgbench running the hub's own statements (order_batch.pgbench, one transaction per push):")
    print()
    print("| batch | push orders/s (median) | pgbench, hub's SQL, orders/s (median) | push / that |")
    print("|---:|---:|---:|---:|")
    for row in own_sql:
        print(row)
    print()
    for d in detail:
        print("- " + d)
    print(f"- {a.rounds} alternating rounds of {a.seconds} s each side; load average during: {' -> '.join(load)}")


if __name__ == "__main__":
    main()
