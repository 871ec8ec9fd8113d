#!/usr/bin/env python3
"""node_sse: back-office commit to the `menu` Server-Sent Event at the node.

A client holds GET /api/v1/events?tenant=T on the node. N times: one UPDATE of
an item's price commits centrally (libpq via ctypes, hub role, set_config of
the tenant, its own transaction); latency = from COMMIT returning to the
`event: menu` line's arrival on the stream. The path: PostgreSQL NOTIFY ->
hub wakes the node's parked pull -> node applies the page to its replica ->
event bus -> SSE. A pause between changes lets the node park its next pull.

Reference in the same run, same commits: a bare client's pull parked at the
same hub (wait=30, another device of the tenant) timed to its answer, so the
node's own share (receive, apply, publish) is the difference.
Goal (issue 4): p50 <= 50 ms, p95 <= 250 ms.
"""
import argparse
import json
import os
import select
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402
import libpq  # noqa: E402


def connect(url):
    host, port = url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node-url", required=True)
    ap.add_argument("--hub-url", required=True)
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--hub-db", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--location", required=True)
    ap.add_argument("--item", default="0190b3c4-0000-7000-8000-00000000e004")
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--pause-ms", type=int, default=150)
    a = ap.parse_args()

    token, _ = benchkit.enroll_device(a.hub_bin, a.hub_db, a.hub_url, a.tenant, a.location,
                                      "bench sse reference", "SR")
    cursor = "0"
    while True:
        st, body, _ = benchkit.http("GET", f"{a.hub_url}/v1/sync/pull?cursor={cursor}&limit=10000",
                                    headers={"Authorization": "Bearer " + token})
        j = json.loads(body)
        cursor = j["cursor"]
        if not j["more"]:
            break

    sse = connect(a.node_url)
    sse.sendall(f"GET /api/v1/events?tenant={a.tenant} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Accept: text/event-stream\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += sse.recv(65536)
    if b" 200 " not in buf.split(b"\r\n")[0]:
        raise RuntimeError("events answered " + buf.decode(errors="replace")[:300])
    hub = connect(a.hub_url)
    pg = libpq.Conn(a.hub_db)

    def send_pull():
        hub.sendall(f"GET /v1/sync/pull?cursor={cursor}&wait=30 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {token}\r\n\r\n".encode())

    def drain(sock):
        sock.setblocking(False)
        try:
            while sock.recv(65536):
                pass
        except BlockingIOError:
            pass
        sock.setblocking(True)

    time.sleep(0.5)
    drain(sse)
    lat, ref = [], []
    spurious = 0
    load0 = benchkit.loadavg()
    for n in range(a.changes):
        send_pull()
        time.sleep(a.pause_ms / 1000)  # the node and the reference park their pulls
        drain(sse)
        pg.exec("BEGIN")
        pg.exec(f"SELECT set_config('larder.tenant_id', '{a.tenant}', true)")
        pg.exec(f"UPDATE items SET price_minor = price_minor + 1 WHERE id = '{a.item}'")
        pg.exec("COMMIT")
        t0 = time.perf_counter()
        sbuf, hbuf = b"", b""
        t_sse = t_hub = None
        while t_sse is None or t_hub is None:
            ready, _, _ = select.select([x for x, t in ((sse, t_sse), (hub, t_hub)) if t is None], [], [], 10)
            if not ready:
                raise RuntimeError(f"change {n}: within 10 s: SSE event {'arrived' if t_sse else 'MISSING'} "
                                   f"(got {sbuf[:200]!r}), hub pull {'answered' if t_hub else 'MISSING'} ({hbuf[:200]!r})")
            for sock in ready:
                d = sock.recv(65536)
                if not d:
                    raise ConnectionError("a server closed its connection")
                if sock is sse:
                    sbuf += d
                    if b"event: menu" in sbuf:
                        t_sse = time.perf_counter()
                else:
                    hbuf += d
                    end = hbuf.find(b"\r\n\r\n")
                    if end >= 0:
                        length = 0
                        for line in hbuf[:end].decode().split("\r\n")[1:]:
                            k, _, v = line.partition(":")
                            if k.strip().lower() == "content-length":
                                length = int(v)
                        if len(hbuf) >= end + 4 + length:
                            j = json.loads(hbuf[end + 4:end + 4 + length])
                            cursor = j["cursor"]
                            hbuf = hbuf[end + 4 + length:]
                            if any(c.get("key", {}).get("id") == a.item for c in j["changes"]):
                                t_hub = time.perf_counter()
                            else:  # other changes (e.g. the node's pushed orders) or a wake by another commit: wait on
                                spurious += 1
                                send_pull()
        lat.append((t_sse - t0) * 1000)
        ref.append((t_hub - t0) * 1000)
    load1 = benchkit.loadavg()
    p = benchkit.percentile
    met = p(lat, 50) <= 50 and p(lat, 95) <= 250
    print("| measure | n | p50 | p95 | max | goal p50 <= 50 ms, p95 <= 250 ms |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| central UPDATE commit -> `event: menu` on the node's SSE | {len(lat)} | {p(lat, 50):.1f} ms | "
          f"{p(lat, 95):.1f} ms | {max(lat):.1f} ms | {'met' if met else 'MISSED'} |")
    print(f"| reference: same commit -> a bare parked pull at the hub answered | {len(ref)} | "
          f"{p(ref, 50):.1f} ms | {p(ref, 95):.1f} ms | {max(ref):.1f} ms | |")
    print()
    print(f"- {a.pause_ms} ms pause before each change; {spurious} empty early answers of the reference pull "
          f"without the item (other changes, or woken by another commit) were re-sent; load average {load0} -> {load1}")


if __name__ == "__main__":
    main()
