#!/usr/bin/env python3
"""End-to-end crash safety: SIGKILL the node while it takes orders, many times.

Each round starts the node, fires orders from a few threads and kills the node with
SIGKILL a random few tens of ms into the burst (the hub stays up, so some kills land
in the middle of a push). Every order the node answered 201 for is recorded. At the
end, with the node running once more and the hub up: every acknowledged order is on
the node (GET order) and in PostgreSQL exactly once, no id or order number appears
twice, and the node's synced count equals what PostgreSQL holds for the device.
Each request carries its own Idempotency-Key; those left unanswered by a kill are
retried after the last restart and must yield exactly one order each, so PostgreSQL
ends with exactly one order per request.

LARDER_E2E_CRASH_ROUNDS overrides the number of rounds (default 100).
Usage: test_crash.py BUILD_DIR SOURCE_DIR
"""

import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ITEM_BURGER, ITEM_FRIES, OPTION_CHEESE, OPTION_LARGE, check, log, wait_until  # noqa: E402

THREADS = 3
LINES = [
    [{"item_id": ITEM_BURGER, "quantity": 1, "option_ids": [OPTION_CHEESE]}],
    [{"item_id": ITEM_FRIES, "quantity": 2, "option_ids": [OPTION_LARGE]}],
]


def burst(st, acked, unanswered, answers, lock, stop):
    while not stop.is_set():
        # Every request carries its own Idempotency-Key, so one left unanswered by
        # the kill can be retried after the restart without risking a second order.
        key = harness.uuid7()
        lines = random.choice(LINES)
        try:
            r = st.place_order(lines, headers=[("Idempotency-Key", key)], timeout=3)
        except Exception:
            # Killed mid-request or not listening: not acknowledged; maybe durable.
            with lock:
                answers["error"] = answers.get("error", 0) + 1
                unanswered.append((key, lines))
            time.sleep(0.001)
            continue
        with lock:
            answers[r.status] = answers.get(r.status, 0) + 1
            if r.status == 201:
                o = r.json()
                acked.append((o["id"], o["number"]))
            elif r.status == 503:  # documented "retry": not acknowledged, retried at the end
                unanswered.append((key, lines))


def test_sigkill_while_placing_orders(st):
    rounds = int(os.environ.get("LARDER_E2E_CRASH_ROUNDS", "100"))
    acked, unanswered, answers, lock = [], [], {}, threading.Lock()
    t_start = time.monotonic()
    kills_with_pending = 0
    for n in range(rounds):
        if n > 0:
            st.start_node()
        pid = st.node_pid()
        check(pid, "no node pid")
        before = len(acked)
        stop = threading.Event()
        threads = [threading.Thread(target=burst, args=(st, acked, unanswered, answers, lock, stop)) for _ in range(THREADS)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.01, 0.08))
        os.kill(pid, signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(10)
            check(not t.is_alive(), "a client thread hung after the kill")
        st.kill_node()  # reaps it
        if len(acked) > before:
            kills_with_pending += 1
    log("crash: %d rounds in %.1f s, %d orders acknowledged, answers %r"
        % (rounds, time.monotonic() - t_start, len(acked), answers))
    check(len(acked) >= rounds, "too few orders were acknowledged to prove anything: %d" % len(acked))
    ids = [i for i, _ in acked]
    numbers = [num for _, num in acked]
    check(len(set(ids)) == len(ids), "the node acknowledged the same order id twice")
    check(len(set(numbers)) == len(numbers), "the node gave two acknowledged orders the same number")
    non_201 = {k: v for k, v in answers.items() if k not in (201, 503, "error")}
    check(not non_201, "unexpected answers during the bursts: %r" % non_201)

    st.start_node()
    # Retry every unanswered request with its key: each gets exactly one order, the
    # one made durable before the kill (Idempotent-Replayed) or a new one.
    replayed = 0
    retried = []
    for key, lines in unanswered:
        r = st.place_order(lines, headers=[("Idempotency-Key", key)])
        check(r.status == 201, "retrying key %s after the crashes: %r" % (key, r))
        replayed += r.header("Idempotent-Replayed") == "true"
        retried.append((r.json()["id"], r.json()["number"]))
    log("crash: %d unanswered requests retried, %d of them had been stored before the kill"
        % (len(unanswered), replayed))
    if rounds >= 50:  # with fewer rounds, no kill may land inside a commit
        check(replayed >= 1, "no unanswered request had been stored: the kills never hit a commit in flight")
    t0 = time.monotonic()
    s = wait_until(lambda: (lambda s: s if s["online"] and s["outbox_depth"] == 0 else None)(st.status()),
                   60, what="the outbox to drain after the last restart")
    log("crash: outbox drained %.1f s after the last restart: %r" % (time.monotonic() - t0, s))
    check(s["dead_letters"] == 0, "dead letters after the crashes: %r" % s)
    missing = []
    for oid, num in acked:
        r = st.node("GET", st.tpath("/orders/" + oid))
        if r.status != 200 or r.json()["number"] != num or r.json()["sync"] != "synced":
            missing.append((oid, r.status, r.body[:200]))
    check(not missing, "%d acknowledged orders are missing or unsynced on the node, e.g. %r"
          % (len(missing), missing[:3]))
    counts = st.central_order_counts(ids)
    wrong = {i: c for i, c in counts.items() if c != 1}
    check(not wrong, "%d acknowledged orders are not in PostgreSQL exactly once, e.g. %r"
          % (len(wrong), list(wrong.items())[:5]))
    device = st.credentials()["device_id"]
    total, distinct_ids, distinct_numbers = map(int, st.psql(
        "SELECT count(*), count(DISTINCT id), count(DISTINCT number) FROM orders WHERE device_id = '%s'"
        % device)[0])
    check(total == distinct_ids == distinct_numbers,
          "PostgreSQL holds %d orders of the device, %d ids, %d numbers" % (total, distinct_ids, distinct_numbers))
    check(total == s["orders_synced"],
          "the node counts %d synced orders, PostgreSQL holds %d" % (s["orders_synced"], total))
    every = acked + retried
    check(len({i for i, _ in every}) == len(every),
          "an acknowledged order and a retried one share an id (or two retries do)")
    check(total == len(every),
          "PostgreSQL holds %d orders of the device for %d distinct requests (each with its own key)"
          % (total, len(every)))
    counts = st.central_order_counts([i for i, _ in retried])
    check(all(c == 1 for c in counts.values()), "a retried order is not in PostgreSQL exactly once")
    lines = st.psql("SELECT count(*) FROM orders o WHERE device_id = '%s' AND NOT EXISTS "
                    "(SELECT 1 FROM order_items i WHERE i.order_id = o.id)" % device)
    check(lines == [["0"]], "orders without lines in PostgreSQL: %r" % lines)
    log("crash: %d acknowledged + %d retried = %d orders, each in PostgreSQL once" % (len(acked), len(retried), total))


if __name__ == "__main__":
    sys.exit(harness.main([test_sigkill_while_placing_orders]))
