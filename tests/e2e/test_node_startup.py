"""larder-node's start-up with broken files, on the real binary (no hub, no PostgreSQL).

One tenant's corrupt database or malformed credentials leaves the others served, the
broken tenants logged (naming the file), reported unavailable in /api/v1/status and
answered 503; a tenant database without credentials is a warning; a lost master key
is refused while tenant databases exist; the API binds listen_address "[::1]"; a
missing hub_ca_file is a configuration error at start. The node's files are 0600.

argv: BUILD_DIR SOURCE_DIR. Everything runs in a temporary directory; every node
started is stopped (SIGTERM, then SIGKILL) however the test ends.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, log, wait_until  # noqa: E402


def free_port_v6():
    s = socket.socket(socket.AF_INET6)
    s.bind(("::1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(port, path):
    conn = http.client.HTTPConnection("::1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "[::1]:%d" % port})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read().decode("utf-8") or "null")
    finally:
        conn.close()


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class Node:
    """A larder-node run process, its stderr kept in a file."""

    def __init__(self, binary, config, log_path):
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if k not in ("CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET")}
        out = open(log_path, "w")  # spdlog writes to stdout, main's errors to stderr
        self.proc = subprocess.Popen([binary, "run", "--config", config], stdout=out,
                                     stderr=subprocess.STDOUT, env=env)
        out.close()

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait(self, timeout=30):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main():
    build, source = sys.argv[1], sys.argv[2]
    binary = os.path.join(build, "node", "daemon", "larder-node")
    work = tempfile.mkdtemp(prefix="larder-node-startup-")
    data = os.path.join(work, "data")
    tenants = os.path.join(data, "tenants")
    port = free_port_v6()
    config = os.path.join(work, "node.toml")
    with open(config, "w") as f:
        f.write('data_dir = "%s"\nmaster_key_file = "%s/master.key"\n'
                '[api]\nlisten_address = "[::1]"\nport = %d\n'
                '[sync]\nbackoff_max_ms = 1000\n' % (data, data, port))
    os.makedirs(tenants, mode=0o700)
    os.chmod(data, 0o700)
    dead_hub = "http://127.0.0.1:%d" % free_port_v6()  # nothing listens there
    for tenant in ("acme", "globex", "initech", "umbrella"):
        write_private(os.path.join(tenants, tenant + ".credentials.json"), json.dumps({
            "hub_url": dead_hub, "device_id": "dev-" + tenant, "tenant_id": tenant,
            "tenant_name": tenant.title(), "location_id": "loc-1", "short_code": "K1",
            "token": "token-" + tenant}))
    nodes = []

    def start(name):
        n = Node(binary, config, os.path.join(work, name + ".log"))
        nodes.append(n)
        return n

    def serving(n):
        def up():
            check(n.proc.poll() is None, "larder-node exited (%s): %s" % (n.proc.returncode, n.log_text()))
            try:
                return get(port, "/healthz")[0] == 200
            except OSError:
                return False
        wait_until(up, 20, what="larder-node answering on [::1]:%d" % port)

    try:
        log("first start: every tenant's database is made, 0600, on [::1]")
        n = start("first")
        serving(n)
        status, body = get(port, "/api/v1/status")
        check(status == 200 and len(body["tenants"]) == 4, "status of four tenants: %r" % body)
        for f in ("acme.db", "acme.db-wal", "acme.db-shm", "acme.salt"):
            check(mode(os.path.join(tenants, f)) == 0o600, "%s is %o, not 0600" % (f, mode(os.path.join(tenants, f))))
        check(mode(os.path.join(data, "master.key")) == 0o600, "master.key is not 0600")
        n.stop()

        log("globex's database is garbage, initech's credentials are, umbrella's are gone")
        globex_db = os.path.join(tenants, "globex.db")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(globex_db + suffix):
                os.remove(globex_db + suffix)
        write_private(globex_db, "x" * 4096)
        initech = os.path.join(tenants, "initech.credentials.json")
        write_private(initech, "{not json")
        os.remove(os.path.join(tenants, "umbrella.credentials.json"))
        n = start("broken")
        serving(n)
        status, body = get(port, "/api/v1/tenants")
        check([t["id"] for t in body["tenants"]] == ["acme"], "only acme offered: %r" % body)
        status, body = get(port, "/api/v1/status")
        by_id = {t["id"]: t for t in body["tenants"]}
        check(by_id["acme"]["available"] is True, "acme available: %r" % body)
        check(by_id["globex"]["available"] is False and globex_db in by_id["globex"]["last_error"],
              "globex unavailable, naming its file: %r" % body)
        check(by_id["initech"]["available"] is False and initech in by_id["initech"]["last_error"],
              "initech unavailable, naming its file: %r" % body)
        check("umbrella" not in by_id, "umbrella is not served: %r" % body)
        log("acme's last_error with no hub: %r" % by_id["acme"].get("last_error"))
        status, body = get(port, "/api/v1/tenants/globex/menu")
        check(status == 503 and body["error"]["code"] == "unavailable", "globex menu: %d %r" % (status, body))
        status, body = get(port, "/api/v1/tenants/acme/menu")
        check(status == 503 and body["error"]["code"] == "not_ready", "acme still syncing: %d %r" % (status, body))
        text = n.log_text()
        check("error tenant globex is not served: opening %s" % globex_db in text,
              "the log names globex's file:\n" + text)
        check("error tenant initech is not served: %s" % initech in text, "the log names initech's file:\n" + text)
        check("warning tenant umbrella has a database (%s/umbrella.db) but no credentials file" % tenants in text,
              "the log warns of umbrella's orphaned database:\n" + text)
        check("error local API: tenant globex: UNAVAILABLE: tenant globex is not served" in text,
              "the 503 is logged with its cause:\n" + text)
        n.stop()

        log("a lost master key is refused while tenant databases exist")
        os.rename(os.path.join(data, "master.key"), os.path.join(work, "master.key.saved"))
        n = start("no-key")
        rc = n.wait()
        check(rc == 1, "exit code %d, not 1" % rc)
        check(not os.path.exists(os.path.join(data, "master.key")), "a new master key was made")
        check("does not exist, but 4 database(s) encrypted under it do" in n.log_text(),
              "the refusal says why:\n" + n.log_text())

        log("a missing hub_ca_file is a configuration error")
        with open(config, "a") as f:
            f.write('hub_ca_file = "%s/no-such-ca.pem"\n' % work)
        n = start("no-ca")
        rc = n.wait()
        check(rc == 2, "exit code %d, not 2" % rc)
        check("option 'sync.hub_ca_file' names a file that cannot be read" in n.log_text(),
              "the config error names the option:\n" + n.log_text())
        log("PASS")
        return 0
    except Exception as e:  # noqa: BLE001 - report and fail
        log("FAIL: %s" % e)
        for n in nodes:
            sys.stderr.write("--- %s\n%s\n" % (n.log_path, n.log_text()[-4000:]))
        return 1
    finally:
        for n in nodes:
            n.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
