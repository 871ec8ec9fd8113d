#!/usr/bin/env python3
"""hub_pull_hold: the REAL larder-hub holding N idle GET /v1/sync/pull?wait=60
long-polls (each with a current cursor, so nothing is there to answer), and
the hub's RSS growth per held pull.

Starts its own larder-hub (a copy of the stack's database conninfo;
long_poll.max_wait_ms = 60000, limits.max_connections = 20000,
timeouts.idle_ms = 120000 so an idle timer never races the 60 s wait, the
default worker pool and io threads) with RLIMIT_NOFILE raised, enrolls a device, reads the feed to
its end for a current cursor, then opens N keep-alive connections, each with
one pull. Pulls are opened in steps so the worker queue (256) never
overflows: a pull needs a worker for its first feed read before it parks.
A pull that answers (its 60 s passed) is sent again at once on the same
connection, as a node does, so N stay held. RSS (VmRSS of the hub) is read
before the first and once N are held; the figure is the growth per held
pull. Kernel socket buffers are not in RSS. Goal (issue 3): N = 10,000 held,
< 20 KB each.
"""
import argparse
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import benchkit  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def current_cursor(hub_url, token):
    cursor = "0"
    while True:
        st, body, _ = benchkit.http("GET", f"{hub_url}/v1/sync/pull?cursor={cursor}&limit=10000",
                                    headers={"Authorization": "Bearer " + token})
        if st != 200:
            raise RuntimeError(f"pull answered {st}: {body[:200]!r}")
        j = json.loads(body)
        cursor = j["cursor"]
        if not j["more"]:
            return cursor


class Conn:
    __slots__ = ("sock", "buf", "sent_at", "status")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--hub-db", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--location", required=True)
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--wait", type=int, default=60)
    ap.add_argument("--hold-seconds", type=int, default=20, help="how long to keep N held after opening")
    a = ap.parse_args()

    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))  # the hub inherits it
    work = tempfile.mkdtemp(prefix="larder-pull-hold-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(os.path.join(work, "hub.toml"), "w") as f:
        f.write(f'[server]\nlisten_address = "127.0.0.1"\nport = {port}\n'
                f'[database]\nconninfo = "{a.hub_db}"\n'
                f'[limits]\nmax_connections = 20000\n[timeouts]\nidle_ms = 120000\n'
                f'[long_poll]\nmax_wait_ms = 60000\n')
    log = open(os.path.join(work, "hub.log"), "w")
    hub = subprocess.Popen([a.hub_bin, "serve", "--config", os.path.join(work, "hub.toml")],
                           stdout=log, stderr=log)
    try:
        if not benchkit.wait_http(url + "/healthz", 20):
            raise RuntimeError("larder-hub did not start; see " + work + "/hub.log")
        token, _ = benchkit.enroll_device(a.hub_bin, a.hub_db, url, a.tenant, a.location,
                                          "bench long-poller", "LP")
        cursor = current_cursor(url, token)
        for _ in range(20):
            benchkit.http("GET", url + "/metrics")
            benchkit.http("GET", f"{url}/v1/sync/pull?cursor={cursor}",
                          headers={"Authorization": "Bearer " + token})
        time.sleep(0.5)
        rss_before = benchkit.proc_kib(hub.pid, "VmRSS")
        threads_before = len(os.listdir(f"/proc/{hub.pid}/task"))
        load0 = benchkit.loadavg()

        req = (f"GET /v1/sync/pull?cursor={cursor}&wait={a.wait} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {token}\r\n\r\n").encode()
        sel = selectors.DefaultSelector()
        answered_early, bad, busy = 0, 0, 0
        retry = []  # (when, conn): answered 503 (worker queue full); sent again 1 s later, as Retry-After says

        def held():
            st, body, _ = benchkit.http("GET", url + "/metrics")
            v = benchkit.metric(body.decode(), "larder_hub_long_polls_open")
            return int(v or 0)

        def pump(timeout):
            nonlocal answered_early, bad, busy
            now = time.monotonic()
            while retry and retry[0][0] <= now:
                c = retry.pop(0)[1]
                c.sent_at = now
                c.sock.sendall(req)
            for key, _ in sel.select(timeout):
                c = key.data
                try:
                    data = c.sock.recv(65536)
                except ConnectionError:
                    data = b""
                if not data:
                    bad += 1
                    sel.unregister(c.sock)
                    c.sock.close()
                    continue
                c.buf += data
                end = c.buf.find(b"\r\n\r\n")
                if end < 0:
                    continue
                head = c.buf[:end].decode(errors="replace")
                length = 0
                for line in head.split("\r\n")[1:]:
                    k, _, v = line.partition(":")
                    if k.strip().lower() == "content-length":
                        length = int(v)
                if len(c.buf) < end + 4 + length:
                    continue
                c.buf = c.buf[end + 4 + length:]
                status = head.split(" ", 2)[1]
                if status == "503":
                    busy += 1
                    retry.append((time.monotonic() + 1, c))
                    continue
                if status != "200":
                    bad += 1
                elif time.monotonic() - c.sent_at < a.wait - 1:
                    answered_early += 1
                c.sent_at = time.monotonic()
                c.sock.sendall(req)

        t_open = time.monotonic()
        conns = []
        step = 100
        for i in range(a.connections):
            c = Conn()
            c.sock = socket.create_connection(("127.0.0.1", port))
            c.sock.setblocking(False)
            c.buf = b""
            c.sent_at = time.monotonic()
            c.sock.sendall(req)
            sel.register(c.sock, selectors.EVENT_READ, c)
            conns.append(c)
            if (i + 1) % step == 0:
                # Keep at most ~200 pulls waiting for a worker (the queue holds 256).
                while held() < i + 1 - 200:
                    pump(0.01)
                pump(0)
        deadline = time.monotonic() + 60
        while held() < a.connections - 5 and time.monotonic() < deadline:
            pump(0.05)
        open_s = time.monotonic() - t_open
        # Hold, answering re-polls, then read RSS.
        end = time.monotonic() + a.hold_seconds
        while time.monotonic() < end:
            pump(0.1)
        n_held = held()
        rss_holding = benchkit.proc_kib(hub.pid, "VmRSS")
        hwm = benchkit.proc_kib(hub.pid, "VmHWM")
        threads = len(os.listdir(f"/proc/{hub.pid}/task"))
        st, body, _ = benchkit.http("GET", url + "/metrics")
        open_conns = benchkit.metric(body.decode(), "larder_hub_http_open_connections")
        load1 = benchkit.loadavg()
        per = (rss_holding - rss_before) * 1024.0 / max(n_held, 1)
        for c in conns:
            try:
                c.sock.close()
            except OSError:
                pass
        ok = n_held >= a.connections - 5 and bad == 0 and answered_early == 0
        print(f"| long-polls held (larder_hub_long_polls_open) | {n_held} of {a.connections} "
              f"({int(open_conns or 0)} open connections) |")
        print(f"| time to open all | {open_s:.1f} s |")
        print(f"| hub RSS before / holding (VmHWM) | {rss_before} KiB / {rss_holding} KiB ({hwm} KiB) |")
        print(f"| RSS growth per held pull | {per:.0f} bytes (goal < 20480: {'met' if per < 20480 and ok else 'MISSED'}) |")
        print(f"| hub threads before / holding | {threads_before} / {threads} |")
        print(f"| errors or non-200 answers other than 503 / answered before wait | {bad} / {answered_early} |")
        print(f"| 503 server_busy answers while opening (retried after 1 s) | {busy} |")
        print(f"| load average start -> end | {load0} -> {load1} |")
        return 0 if ok else 1
    finally:
        hub.terminate()
        try:
            hub.wait(20)
        except subprocess.TimeoutExpired:
            hub.kill()
        log.close()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
