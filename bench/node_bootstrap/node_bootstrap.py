#!/usr/bin/env python3
"""node_bootstrap: a fresh node's bootstrap of an N-item menu from cursor zero.

Makes a new tenant and location at the stack's hub, imports a generated
N-item menu (make_menu.py), and reads the whole feed once with a bare client
exactly as a bootstrapping node asks for it (staged=1, pages of --page-limit,
the node's sync.staged_limit default) to count its rows and learn the final
cursor: that read is the reference (the hub and PostgreSQL alone, no
replica). It also reads the feed as an older node would (pages of 500, no
staged: the import comes as one page), for comparison. Then enrolls a fresh
larder-node (own data_dir and port) and times `larder-node run` from its start
until /readyz answers 200 and until /api/v1/status shows the tenant's cursor
equal to the final one (caught up).
Reports rows/s (rows of the feed / time to caught up), the node's peak RSS
(VmHWM) then, and its idle RSS 5 s later; and the idle RSS of the stack's
demo node (one small tenant) after startup.
Goals (issue 4): >= 50,000 rows/s, peak RSS <= 64 MB, idle RSS with one
tenant <= 12 MB.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402
import make_menu  # noqa: E402

TENANT = "0190b3c5-0000-7000-8000-0000000b0001"
LOCATION = "0190b3c5-0000-7000-8000-0000000b0002"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def read_feed(hub_url, token, limit, staged):
    cursor, rows, pages = "0", 0, 0
    extra = "&staged=1" if staged else ""
    while True:
        st, body, _ = benchkit.http("GET", f"{hub_url}/v1/sync/pull?cursor={urllib.parse.quote(cursor)}"
                                    f"&limit={limit}{extra}",
                                    headers={"Authorization": "Bearer " + token}, timeout=120)
        if st != 200:
            raise RuntimeError(f"pull answered {st}: {body[:200]!r}")
        j = json.loads(body)
        rows += len(j["changes"])
        pages += 1
        cursor = j["cursor"]
        if not j["more"]:
            return cursor, rows, pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--node-bin", required=True)
    ap.add_argument("--hub-url", required=True)
    ap.add_argument("--hub-db", required=True)
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--idle-node-pid", type=int, default=0, help="the stack's demo node, for idle RSS")
    ap.add_argument("--work", default="")
    ap.add_argument("--page-limit", type=int, default=2000,
                    help="entries per staged page: the node's sync.staged_limit (SyncOptions default)")
    a = ap.parse_args()

    work = a.work or tempfile.mkdtemp(prefix="larder-bootstrap-")
    os.makedirs(work, exist_ok=True)
    hub = a.hub_bin
    run = lambda *args: subprocess.run([hub, *args], capture_output=True, text=True, check=True).stdout.strip()  # noqa: E731
    run("tenant", "add", "--db", a.hub_db, "--id", TENANT, "--name", "Bench 10k", "--currency", "USD")
    run("location", "add", "--db", a.hub_db, "--tenant", TENANT, "--id", LOCATION, "--name", "Bench",
        "--timezone", "UTC", "--tax-rate-bp", "800")
    menu_file = os.path.join(work, "menu.json")
    doc = make_menu.menu(a.items)
    with open(menu_file, "w") as f:
        json.dump(doc, f)
    t = time.perf_counter()
    run("menu", "import", "--db", a.hub_db, "--tenant", TENANT, menu_file)
    import_s = time.perf_counter() - t

    token, _ = benchkit.enroll_device(hub, a.hub_db, a.hub_url, TENANT, LOCATION, "bench reader", "BR")
    t = time.perf_counter()
    _, whole_rows, whole_pages = read_feed(a.hub_url, token, 500, False)
    whole_s = time.perf_counter() - t
    t = time.perf_counter()
    final_cursor, rows, pages = read_feed(a.hub_url, token, a.page_limit, True)
    ref_s = time.perf_counter() - t
    if whole_rows != rows:
        raise RuntimeError(f"the two reads disagree: {whole_rows} rows whole, {rows} rows staged")

    code = run("device", "add", "--db", a.hub_db, "--tenant", TENANT, "--location", LOCATION,
               "--name", "Bootstrap node", "--short-code", "BN")
    port = free_port()
    conf = os.path.join(work, "node.toml")
    with open(conf, "w") as f:
        f.write(f'data_dir = "{work}/node-data"\nlog_level = "warn"\n[api]\nport = {port}\n'
                f'[sync]\npull_wait_seconds = 20\nbackoff_max_ms = 2000\n')
    subprocess.run([a.node_bin, "enroll", "--config", conf, "--hub", a.hub_url, "--code", code,
                    "--name", "Bootstrap node"], capture_output=True, check=True)
    url = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "node.log"), "w")
    load0 = benchkit.loadavg()
    t0 = time.perf_counter()
    node = subprocess.Popen([a.node_bin, "run", "--config", conf], stdout=log, stderr=log)
    ready_s = caught_s = None
    peak_during = 0
    try:
        deadline = t0 + 300
        while time.perf_counter() < deadline:
            peak_during = max(peak_during, benchkit.proc_kib(node.pid, "VmRSS"))
            try:
                if ready_s is None and benchkit.http("GET", url + "/readyz", timeout=5)[0] == 200:
                    ready_s = time.perf_counter() - t0
                st, body, _ = benchkit.http("GET", url + "/api/v1/status", timeout=5)
                if st == 200:
                    ts = json.loads(body)["tenants"]
                    if ts and ts[0].get("cursor") == final_cursor:
                        caught_s = time.perf_counter() - t0
                        break
            except OSError:
                pass
            time.sleep(0.02)
        if caught_s is None:
            raise RuntimeError("the node did not catch up in 300 s; see " + work + "/node.log")
        hwm = benchkit.proc_kib(node.pid, "VmHWM")
        load1 = benchkit.loadavg()
        time.sleep(5)
        idle_after = benchkit.proc_kib(node.pid, "VmRSS")
    finally:
        node.terminate()
        node.wait(30)
        log.close()
    idle_demo = benchkit.proc_kib(a.idle_node_pid, "VmRSS") if a.idle_node_pid else -1

    rate = rows / caught_s
    print("| measure | value | goal |")
    print("|---|---:|---|")
    print(f"| feed rows for a {a.items}-item menu (tenant + location + menu rows) | {rows} in {pages} staged pages of <= {a.page_limit} | |")
    print(f"| node: start -> /readyz 200 | {ready_s * 1000:.0f} ms | |")
    print(f"| node: start -> caught up (status cursor = final cursor) | {caught_s * 1000:.0f} ms | |")
    print(f"| node bootstrap rate | {rate:.0f} rows/s | >= 50,000: {'met' if rate >= 50000 else 'MISSED'} |")
    print(f"| reference: bare client reading the same feed as the node (staged=1, limit {a.page_limit}) | {ref_s * 1000:.0f} ms = {rows / ref_s:.0f} rows/s | |")
    print(f"| bare client reading it as an older node (limit 500, whole transactions: {whole_pages} page(s)) | {whole_s * 1000:.0f} ms = {rows / whole_s:.0f} rows/s | |")
    print(f"| node peak RSS (VmHWM) when caught up | {hwm / 1024:.1f} MiB | <= 64 MiB: {'met' if hwm <= 64 * 1024 else 'MISSED'} |")
    print(f"| node RSS 5 s after catching up ({a.items}-item tenant) | {idle_after / 1024:.1f} MiB | |")
    if idle_demo > 0:
        print(f"| idle RSS, stack demo node (one tenant, 5 items) | {idle_demo / 1024:.1f} MiB | <= 12 MiB: "
              f"{'met' if idle_demo <= 12 * 1024 else 'MISSED'} |")
    print(f"| menu import of the document (larder-hub menu import) | {import_s * 1000:.0f} ms | |")
    print()
    print(f"- load average {load0} -> {load1}")


if __name__ == "__main__":
    main()
