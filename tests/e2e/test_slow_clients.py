#!/usr/bin/env python3
"""Slow and greedy clients against a real larder-node (node/api/connection_limits.h).

The node listens on the LAN (0.0.0.0, with a token) with few connection threads, and
slowhttptest (Debian package slowhttptest) attacks it from this machine's LAN address
with four times as many slow connections as it has threads: Slowloris (headers a few
bytes a second) and R-U-Dead-Yet (a body a few bytes a second). Meanwhile the kiosk
and a POS terminal on loopback must be answered at once, every time: the attacker's
address is held to half the threads, and each of its requests is cut when
request_timeout_ms has passed since its first byte, however often it sends.

Skipped (reported, passing) when slowhttptest is not installed or the machine has no
non-loopback IPv4 address to attack from.
"""

import fcntl
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, log  # noqa: E402

TOKEN = "e2e-slow-clients-token-0123456789"
MAX_CONNECTIONS = 8
REQUEST_TIMEOUT_S = 2
ATTACK_CONNECTIONS = 4 * MAX_CONNECTIONS
ATTACK_SECONDS = 12


def lan_address():
    """An IPv4 address of this machine that is not loopback, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(s.fileno(), 0x8915,  # SIOCGIFADDR
                                     struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue
            addr = socket.inet_ntoa(packed[20:24])
            if not addr.startswith("127."):
                return addr
    finally:
        s.close()
    return None


def listen_on_lan(stack):
    """Restarts the node on 0.0.0.0 with a token and few threads (once per run)."""
    if getattr(stack, "slow_clients_configured", False):
        return
    token_file = os.path.join(stack.work, "api-token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(token_file, 0o600)
    path = os.path.join(stack.work, "node.toml")
    with open(path) as f:
        toml = f.read()
    toml = toml.replace("[api]\n", "[api]\nlisten_address = \"0.0.0.0\"\ntoken_file = \"%s\"\n"
                        "max_connections = %d\nmax_event_streams = 2\nrequest_timeout_ms = %d\n"
                        % (token_file, MAX_CONNECTIONS, REQUEST_TIMEOUT_S * 1000), 1)
    with open(path, "w") as f:
        f.write(toml)
    stack.stop_node()
    stack.start_node()
    harness.wait_until(lambda: stack.node("GET", "/readyz").status == 200, 20, what="node ready")
    stack.slow_clients_configured = True


def metric(stack, pattern):
    r = stack.node("GET", "/metrics", headers=[("Authorization", "Bearer " + TOKEN)])
    check(r.status == 200, "GET /metrics: %r" % r)
    total = 0
    for line in r.body.decode().splitlines():
        if re.match(pattern, line):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def attack_while_serving(stack, mode):
    if not shutil.which("slowhttptest"):
        log("SKIP: slowhttptest is not installed (apt-get install slowhttptest)")
        return
    lan = lan_address()
    if not lan:
        log("SKIP: no non-loopback IPv4 address on this machine to attack from")
        return
    listen_on_lan(stack)
    port = stack.node_url.rsplit(":", 1)[1]
    target = "http://%s:%s/api/v1/tenants/%s/orders" % (lan, port, stack.tenant)
    if mode == "-H":
        target = "http://%s:%s/healthz" % (lan, port)
    out = open(os.path.join(stack.work, "slowhttptest%s.log" % mode), "w")
    attack = subprocess.Popen(
        ["slowhttptest", mode, "-c", str(ATTACK_CONNECTIONS), "-r", str(ATTACK_CONNECTIONS),
         "-i", "1", "-x", "8", "-s", "8192", "-l", str(ATTACK_SECONDS), "-p", "2", "-u", target],
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    auth = [("Authorization", "Bearer " + TOKEN)]
    slowest = 0.0
    try:
        time.sleep(2)  # every slow connection opened and dribbling
        check(attack.poll() is None, "slowhttptest exited early; see %s" % out.name)
        deadline = time.monotonic() + ATTACK_SECONDS - 4
        rounds = 0
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            r = stack.node("GET", "/healthz", timeout=5)  # the kiosk
            check(r.status == 200, "kiosk GET /healthz during the attack: %r" % (r,))
            r = stack.place_order(headers=auth + [("Idempotency-Key", harness.uuid7())],
                                  timeout=5)  # a POS terminal
            check(r.status == 201, "POS order during the attack: %r" % (r,))
            slowest = max(slowest, time.monotonic() - t0)
            rounds += 1
            time.sleep(0.3)
        log("%s: %d rounds served, slowest %.3f s" % (mode, rounds, slowest))
        check(slowest < 1.5, "a round took %.3f s during the attack" % slowest)
    finally:
        if attack.poll() is None:
            os.killpg(attack.pid, 15)
        attack.wait()
        out.close()
    # The attacker was refused beyond its share, and its requests were cut.
    check(metric(stack, r'larder_api_requests_total\{route="other",status="503"\}') > 0,
          "no connection of the attacker was refused")
    check(metric(stack, r'larder_api_requests_total\{.*status="408"\}') > 0,
          "no slow request was cut at request_timeout_ms")


def test_slowloris_headers_do_not_starve_the_pos(stack):
    attack_while_serving(stack, "-H")


def test_slow_bodies_do_not_starve_the_pos(stack):
    attack_while_serving(stack, "-B")


if __name__ == "__main__":
    sys.exit(harness.main([test_slowloris_headers_do_not_starve_the_pos,
                           test_slow_bodies_do_not_starve_the_pos]))
