#!/usr/bin/env python3
"""hub_latency: commit-to-delivery latency of a central change to a waiting pull.

A device's pull waits (GET /v1/sync/pull?wait=30 with a current cursor, on a
keep-alive connection); once it is parked, one UPDATE of an item's price
commits in its own transaction (libpq via ctypes, hub role, set_config of the
tenant). Latency = from COMMIT returning to the pull's whole response having
arrived (the response must carry the item). Repeated N times; p50 and p95.
Reference in the same run: the latency of the same pull answered at once
(wait=0, a change already committed): the floor of one feed read plus HTTP.
Goal (issue 3): p50 <= 20 ms, p95 <= 100 ms.
"""
import argparse
import json
import os
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402
import libpq  # noqa: E402


class KeepAlive:
    """One HTTP/1.1 keep-alive connection reading Content-Length bodies."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, text):
        self.sock.sendall(text.encode())

    def read_response(self):
        while b"\r\n\r\n" not in self.buf:
            self._more()
        end = self.buf.index(b"\r\n\r\n")
        head = self.buf[:end].decode()
        length = 0
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v)
        while len(self.buf) < end + 4 + length:
            self._more()
        body = self.buf[end + 4:end + 4 + length]
        self.buf = self.buf[end + 4 + length:]
        return int(head.split(" ", 2)[1]), body

    def _more(self):
        d = self.sock.recv(65536)
        if not d:
            raise ConnectionError("the hub closed the connection")
        self.buf += d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--hub-url", required=True)
    ap.add_argument("--hub-db", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--location", required=True)
    ap.add_argument("--item", default="0190b3c4-0000-7000-8000-00000000e005")
    ap.add_argument("--changes", type=int, default=200)
    a = ap.parse_args()

    token, _ = benchkit.enroll_device(a.hub_bin, a.hub_db, a.hub_url, a.tenant, a.location,
                                      "bench latency", "LT")
    host, port = a.hub_url.split("//")[1].split(":")
    http = KeepAlive(host, int(port))
    pg = libpq.Conn(a.hub_db)

    def pull(cursor, wait):
        http.send(f"GET /v1/sync/pull?cursor={cursor}&wait={wait}&limit=10000 HTTP/1.1\r\n"
                  f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n")

    cursor = "0"
    while True:
        pull(cursor, 0)
        st, body = http.read_response()
        j = json.loads(body)
        cursor = j["cursor"]
        if not j["more"]:
            break

    def commit_update(n):
        pg.exec("BEGIN")
        pg.exec(f"SELECT set_config('larder.tenant_id', '{a.tenant}', true)")
        pg.exec(f"UPDATE items SET price_minor = {1000 + n % 500} WHERE id = '{a.item}'")
        pg.exec("COMMIT")
        return time.perf_counter()

    waiting, immediate = [], []
    spurious = 0
    load0 = benchkit.loadavg()
    for n in range(a.changes):
        # Alternate: a parked pull woken by the commit, and (reference) a pull
        # sent after the commit that answers at once.
        pull(cursor, 30)
        time.sleep(0.03)  # let the hub read the feed once and park the pull
        t0 = commit_update(2 * n)
        while True:
            st, body = http.read_response()
            t1 = time.perf_counter()
            if st != 200:
                raise RuntimeError(f"change {n}: pull answered {st}: {body[:300]!r}")
            j = json.loads(body)
            if any(c.get("key", {}).get("id") == a.item for c in j["changes"]):
                break
            # An empty answer: the pull was woken by the notification of an
            # earlier commit that it had already read. Wait on.
            spurious += 1
            cursor = j["cursor"]
            pull(cursor, 30)
        waiting.append((t1 - t0) * 1000)
        cursor = j["cursor"]

        commit_update(2 * n + 1)
        t0 = time.perf_counter()
        pull(cursor, 0)
        st, body = http.read_response()
        immediate.append((time.perf_counter() - t0) * 1000)
        cursor = json.loads(body)["cursor"]
    load1 = benchkit.loadavg()
    p = benchkit.percentile
    print("| measure | n | p50 | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    print(f"| commit -> parked pull (wait=30) answered | {len(waiting)} | {p(waiting, 50):.1f} ms | "
          f"{p(waiting, 95):.1f} ms | {max(waiting):.1f} ms |")
    print(f"| reference: pull (wait=0) sent after commit, answered | {len(immediate)} | "
          f"{p(immediate, 50):.1f} ms | {p(immediate, 95):.1f} ms | {max(immediate):.1f} ms |")
    met = p(waiting, 50) <= 20 and p(waiting, 95) <= 100
    print()
    print(f"- goal p50 <= 20 ms and p95 <= 100 ms: {'met' if met else 'MISSED'}; {spurious} empty early answers (a pull woken by an\n  earlier commit's notification) were re-sent and waited on; load average {load0} -> {load1}")


if __name__ == "__main__":
    main()
