#!/usr/bin/env python3
"""hub_ingest: orders/s through POST /v1/sync/push against pgbench running the
same SQL directly on the same PostgreSQL server, in alternating rounds.

Push side: wrk (1 thread, C connections) runs push.lua: each request a push of
B new orders (2 lines, 1 option each) for one enrolled device; orders/s =
pushes/s x B, counted only if every push answered 200 with every order
"accepted". Reference: pgbench -M extended -c C -j 1 running order.pgbench,
one transaction per order holding the statements ingest_order runs, under
the hub role with set_config of the tenant (tps = orders/s). Push orders/s
are counted in the database (orders stored from the round's start until the
hub's workers are idle, over that time).

Run by bench/run with a stack from tests/e2e/stack.sh; goal (issue 3): push
>= 0.5x pgbench.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402
import libpq  # noqa: E402


def run_pgbench(conninfo, clients, seconds, tenant, location, device):
    out = subprocess.run(
        ["pgbench", "-n", "-M", "extended", "-c", str(clients), "-j", "1", "-T", str(seconds),
         "-f", os.path.join(HERE, "order.pgbench"), "-D", f"tenant={tenant}",
         "-D", f"location={location}", "-D", f"device={device}", conninfo],
        capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("pgbench failed: " + out.stderr[-2000:])
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError("pgbench had failed transactions:\n" + out.stdout)
    return float(m.group(1))


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
    for batch in a.batch:
        run_push(a.hub_url, a.clients, 2, batch, token, a.location, 60000 + batch)  # warm-up
        push, pg = [], []
        for r in range(a.rounds):
            for side in (("push", "pgbench") if r % 2 == 0 else ("pgbench", "push")):
                if side == "push":
                    run_no += 1
                    push.append(run_push(a.hub_url, a.clients, a.seconds, batch, token, a.location, run_no,
                                             dbc, a.tenant))
                else:
                    pg.append(run_pgbench(a.hub_db, a.clients, a.seconds, a.tenant, a.location, device))
            load.append(benchkit.loadavg())
        ratio = benchkit.median(push) / benchkit.median(pg)
        print(f"| {batch} | {a.clients} | {benchkit.median(push):.0f} | {benchkit.median(pg):.0f} | "
              f"{ratio:.2f}x | {'met' if ratio >= 0.5 else 'MISSED'} |")
        detail.append(f"batch {batch}: push rounds {[round(x) for x in push]}, pgbench rounds {[round(x) for x in pg]}")
        sys.stdout.flush()
    print()
    for d in detail:
        print("- " + d)
    print(f"- {a.rounds} alternating rounds of {a.seconds} s each side; load average during: {' -> '.join(load)}")


if __name__ == "__main__":
    main()
