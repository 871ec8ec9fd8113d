#!/usr/bin/env python3
"""node_menu: GET /api/v1/tenants/{t}/menu requests/s from the node against
nginx serving the very same bytes as a static file, in alternating rounds.

The node's menu body is saved to a file; nginx (Debian's, on 127.0.0.1, a
minimal config in a temp dir: worker_processes N, access_log off, keepalive
defaults) serves it. wrk with C connections and T threads drives both; every
answer must be 2xx. Goal (issue 4): node >= 0.5x nginx.
"""
import argparse
import os
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node-url", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--node-max-connections", default="?", help="for the report only")
    a = ap.parse_args()

    path = f"/api/v1/tenants/{a.tenant}/menu"
    st, body, headers = benchkit.http("GET", a.node_url + path)
    if st != 200:
        raise RuntimeError(f"the node's menu answered {st}")
    work = tempfile.mkdtemp(prefix="larder-nginx-")
    os.chmod(work, 0o755)
    www = os.path.join(work, "www")
    os.makedirs(www)
    os.chmod(www, 0o755)
    with open(os.path.join(www, "menu.json"), "wb") as f:
        f.write(body)
    os.chmod(os.path.join(www, "menu.json"), 0o644)
    port = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes {a.nginx_workers};
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location / {{ default_type application/json; }}
  }}
}}
""")
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work], stderr=subprocess.DEVNULL)
    try:
        nginx_url = f"http://127.0.0.1:{port}/menu.json"
        if not benchkit.wait_http(nginx_url, 10):
            raise RuntimeError("nginx did not start; see " + work + "/error.log")
        if benchkit.http("GET", nginx_url)[1] != body:
            raise RuntimeError("nginx does not serve the same bytes")

        def run(url):
            r = benchkit.wrk(url, a.connections, a.seconds, threads=a.wrk_threads)
            if r["non2xx"] or r["errors"]:
                raise RuntimeError(f"{url}: non-2xx {r['non2xx']}, socket errors {r['errors']}:\n" + r["text"])
            return r["rate"]

        run(a.node_url + path)  # warm-up
        run(nginx_url)
        load = [benchkit.loadavg()]
        node, ref = [], []
        for r in range(a.rounds):
            for side in (("node", "nginx") if r % 2 == 0 else ("nginx", "node")):
                if side == "node":
                    node.append(run(a.node_url + path))
                else:
                    ref.append(run(nginx_url))
            load.append(benchkit.loadavg())
        ratio = benchkit.median(node) / benchkit.median(ref)
        print("| body | wrk | node requests/s (median) | nginx requests/s (median) | node / nginx | goal >= 0.5x |")
        print("|---:|---|---:|---:|---:|---|")
        print(f"| {len(body)} B | -t{a.wrk_threads} -c{a.connections} | {benchkit.median(node):.0f} | "
              f"{benchkit.median(ref):.0f} | {ratio:.2f}x | {'met' if ratio >= 0.5 else 'MISSED'} |")
        print()
        print(f"- node rounds {[round(x) for x in node]}, nginx rounds {[round(x) for x in ref]}; "
              f"nginx {a.nginx_workers} worker(s); node api.max_connections = {a.node_max_connections}; "
              f"{a.rounds} alternating rounds of {a.seconds} s; load average {' -> '.join(load)}")
    finally:
        nginx.terminate()
        nginx.wait(10)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
