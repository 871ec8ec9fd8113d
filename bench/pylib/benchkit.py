"""What every benchmark driver here needs: the machine line, load average,
medians and percentiles, running wrk and reading its figures, a process's
memory from /proc, small HTTP calls, and enrolling a device at a hub.
"""
import json
import os
import re
import statistics
import subprocess
import time
import urllib.request


def machine():
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1048576
    return f"{os.cpu_count()} cores (nproc), {mem:.0f} GiB RAM, {os.uname().sysname} {os.uname().machine}"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def proc_kib(pid, field):
    """VmRSS / VmHWM / ... of a process in KiB, or -1."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return -1


_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_REQS = re.compile(r"(\d+) requests in ([\d.]+)(\w+),")
_WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk(url, connections, seconds, threads=1, script=None, env=None, latency=False, timeout=30):
    """Runs wrk; returns dict(rate, requests, non2xx, errors, text)."""
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout}s"]
    if latency:
        cmd.append("--latency")
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    e = dict(os.environ)
    e.update(env or {})
    out = subprocess.run(cmd, capture_output=True, text=True, env=e, check=True).stdout
    m = _WRK_RATE.search(out)
    non2xx = _WRK_NON2XX.search(out)
    errs = _WRK_ERRORS.search(out)
    reqs = _WRK_REQS.search(out)
    return {
        "rate": float(m.group(1)) if m else 0.0,
        "requests": int(reqs.group(1)) if reqs else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(int(g) for g in errs.groups()) if errs else 0,
        "text": out,
    }


def http(method, url, body=None, headers=None, timeout=30):
    """One request; returns (status, body bytes, headers). Never raises on an HTTP status."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def wait_http(url, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if http("GET", url, timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def enroll_device(hub_bin, hub_db, hub_url, tenant, location, name, short_code):
    """Provisions a device with the admin CLI and enrolls it; returns its token."""
    code = subprocess.run([hub_bin, "device", "add", "--db", hub_db, "--tenant", tenant,
                           "--location", location, "--name", name, "--short-code", short_code],
                          capture_output=True, text=True, check=True).stdout.strip()
    st, body, _ = http("POST", hub_url + "/v1/enroll", {"code": code, "device_name": name})
    if st != 200:
        raise RuntimeError(f"enroll at {hub_url} answered {st}: {body[:200]!r}")
    return json.loads(body)["token"], json.loads(body)["device_id"]


def metric(text, name):
    """The first sample of a Prometheus metric without labels, or None."""
    m = re.search(r"^" + re.escape(name) + r" ([-\d.e+]+)$", text, re.M)
    return float(m.group(1)) if m else None
