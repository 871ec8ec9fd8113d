#!/usr/bin/env python3
"""End-to-end: changes flow between the centre and the screen, on one shared stack.

- a central price change reaches GET menu (new ETag, new price) and an SSE `menu` event;
- an order's status set centrally reaches the node (GET order, SSE `order`), and a move
  backwards is refused by the CLI;
- long-poll: a pull with wait=20 is woken by a commit; with nothing new, wait=2 answers
  empty with the same cursor;
- two hub processes on one database serve one device interchangeably;
- POST /v1/sync/push is exactly-once (accepted, duplicate, conflict rejected, foreign
  location rejected), checked in PostgreSQL.

Usage: test_sync_flows.py BUILD_DIR SOURCE_DIR [test-name-substring...]
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (ITEM_BURGER, ITEM_VEGGIE, ITEM_FRIES, MODIFIER_EXTRAS,  # noqa: E402
                     OPTION_BACON, OPTION_CHEESE, check, find_item, log, uuid7, wait_until)


def central_price(st, item_id):
    rows = st.psql("SELECT price_minor FROM items WHERE id = '%s'" % item_id)
    check(len(rows) == 1, "item %s is not in PostgreSQL: %r" % (item_id, rows))
    return int(rows[0][0])


def import_price(st, item_id, price):
    """Re-imports the demo menu with one item's price changed (one transaction)."""
    doc = st.demo_menu()
    for it in doc["items"]:
        if it["id"] == item_id:
            it["price_minor"] = price
    st.import_menu(doc)


def quiesce(st):
    """Waits until the node has pushed everything: its pushes would move the feed."""
    wait_until(lambda: (lambda s: s["online"] and s["outbox_depth"] == 0)(st.status()), 20,
               what="the node online with an empty outbox")


def test_menu_change_reaches_screen(st):
    r = st.menu()
    etag = r.header("ETag")
    check(etag, "GET menu has no ETag: %r" % r.headers)
    before = find_item(r.json(), ITEM_BURGER)
    check(before is not None, "the burger is not on the menu")
    check(st.node("GET", st.tpath("/menu"), headers=[("If-None-Match", etag)]).status == 304,
          "an unchanged menu must revalidate with 304")
    new_price = central_price(st, ITEM_BURGER) + 125
    sse = harness.SseReader(st.node_url, "/api/v1/events?tenant=" + st.tenant)
    try:
        sse.wait_connected()
        t0 = time.monotonic()
        import_price(st, ITEM_BURGER, new_price)
        check(central_price(st, ITEM_BURGER) == new_price, "the import did not change PostgreSQL")
        sse.wait_for(lambda e, d: e == "menu" and isinstance(d, dict) and d.get("tenant") == st.tenant,
                     10, "`menu` event")
        t_event = time.monotonic() - t0

        def updated():
            m = st.menu()
            it = find_item(m.json(), ITEM_BURGER)
            return m if it and it["price_minor"] == new_price else None
        m = wait_until(updated, 10, what="the new price on GET menu")
        log("menu change: SSE event after %.2f s, GET menu after %.2f s" % (t_event, time.monotonic() - t0))
        check(m.header("ETag") and m.header("ETag") != etag,
              "the ETag did not change with the price: %r -> %r" % (etag, m.header("ETag")))
        stale = st.node("GET", st.tpath("/menu"), headers=[("If-None-Match", etag)])
        check(stale.status == 200 and find_item(stale.json(), ITEM_BURGER)["price_minor"] == new_price,
              "If-None-Match with the old ETag must answer 200 with the new menu: %r" % stale)
        # A price the node did not see must not be charged: a new order uses it.
        o = st.place_order([{"item_id": ITEM_BURGER, "quantity": 1}])
        check(o.status == 201, "order after the price change: %r" % o)
        check(o.json()["lines"][0]["unit_price_minor"] == new_price,
              "the order was priced %r, not with the new price %d" % (o.json()["lines"][0], new_price))
    finally:
        sse.close()


def test_order_status_flows_back(st):
    r = st.place_order()
    check(r.status == 201, "place order: %r" % r)
    oid = r.json()["id"]
    check(r.json()["status"] == "placed", "a new order is %r" % r.json()["status"])
    wait_until(lambda: st.central_order_counts([oid])[oid] == 1, 15, what="the order in PostgreSQL")
    wait_until(lambda: st.node("GET", st.tpath("/orders/" + oid)).json()["sync"] == "synced", 15,
               what="the order marked synced on the node")
    sse = harness.SseReader(st.node_url)  # unfiltered: every tenant's events
    try:
        sse.wait_connected()
        t0 = time.monotonic()
        st.hub_cli("order", "status", "--db", st.hub_db, "--tenant", st.tenant, oid, "ready")
        sse.wait_for(lambda e, d: e == "order" and isinstance(d, dict) and d.get("id") == oid
                     and d.get("status") == "ready", 10, "`order` event with status ready")
        got = st.node("GET", st.tpath("/orders/" + oid))
        check(got.status == 200 and got.json()["status"] == "ready",
              "GET order after the event: %r" % got)
        log("order status: ready on the node after %.2f s" % (time.monotonic() - t0))
    finally:
        sse.close()
    rc, out, err = st.hub_cli("order", "status", "--db", st.hub_db, "--tenant", st.tenant, oid, "accepted",
                              check_rc=False)
    check(rc != 0, "moving ready back to accepted must fail; the CLI said: %r" % out)
    check("cannot move back" in err and oid in err,
          "the refusal must say why and name the order; stderr: %r" % err)
    rows = st.psql("SELECT status FROM orders WHERE id = '%s'" % oid)
    check(rows == [["ready"]], "PostgreSQL status after the refused move: %r" % rows)
    # Give a (wrong) change time to travel, then check the node kept ready.
    time.sleep(1.5)
    got = st.node("GET", st.tpath("/orders/" + oid))
    check(got.json()["status"] == "ready", "the node shows %r after the refused move" % got.json()["status"])
    # Forward again: completed reaches the node too.
    st.hub_cli("order", "status", "--db", st.hub_db, "--tenant", st.tenant, oid, "completed")
    wait_until(lambda: st.node("GET", st.tpath("/orders/" + oid)).json()["status"] == "completed", 10,
               what="completed on the node")


def test_long_poll(st):
    quiesce(st)
    tok = st.token()
    cursor, _ = st.pull_to_head(tok)
    # Nothing changes: after `wait` an empty page with the same cursor.
    t0 = time.monotonic()
    r = st.pull(tok, cursor, wait=2)
    dt = time.monotonic() - t0
    check(r.status == 200, "idle long-poll: %r" % r)
    j = r.json()
    check(j["changes"] == [] and j["cursor"] == cursor and j["more"] is False,
          "an idle long-poll must answer no changes and the same cursor: %r" % j)
    check(1.8 <= dt < 10, "an idle wait=2 pull answered after %.2f s" % dt)
    # A commit while the pull waits wakes it.
    new_price = central_price(st, ITEM_FRIES) + 10
    result = {}

    def poll():
        t = time.monotonic()
        result["resp"] = st.pull(tok, cursor, wait=20, timeout=40)
        result["t"] = time.monotonic()
        result["waited"] = result["t"] - t
    th = threading.Thread(target=poll)
    th.start()
    time.sleep(1.0)
    check("resp" not in result, "the long-poll answered before anything changed: %r" % result.get("resp"))
    import_price(st, ITEM_FRIES, new_price)
    t_commit = time.monotonic()
    th.join(30)
    check(not th.is_alive(), "the long-poll was not answered within 30 s")
    r = result["resp"]
    check(r.status == 200, "woken long-poll: %r" % r)
    j = r.json()
    lag = result["t"] - t_commit
    log("long-poll: answered %.2f s after the commit (waited %.2f s)" % (lag, result["waited"]))
    check(lag < 5, "the long-poll answered %.2f s after the commit (bound 5 s)" % lag)
    fries = [c for c in j["changes"] if c["table"] == "items" and c["key"].get("id") == ITEM_FRIES]
    check(fries and fries[0]["row"]["price_minor"] == new_price,
          "the woken pull does not carry the new fries price: %r" % j)
    check(j["cursor"] != cursor, "the cursor did not move")


def test_two_hubs_serve_one_node(st):
    quiesce(st)
    hub_b = harness.ExtraHub(st, {}, "hub-b")
    try:
        tok = st.token()
        cursor_a, _ = st.pull_to_head(tok)  # on hub A
        new_price = central_price(st, ITEM_VEGGIE) + 30
        import_price(st, ITEM_VEGGIE, new_price)
        r = st.pull(tok, cursor_a, url=hub_b.url)
        check(r.status == 200, "hub B refused hub A's cursor: %r" % r)
        j = r.json()
        veg = [c for c in j["changes"] if c["table"] == "items" and c["key"].get("id") == ITEM_VEGGIE]
        check(veg and veg[0]["row"]["price_minor"] == new_price,
              "hub B did not deliver the change made after the pull on hub A: %r" % j)
        cursor_b, _ = st.pull_to_head(tok, j["cursor"], url=hub_b.url)
        # And back to A with B's cursor.
        r = st.pull(tok, cursor_b)
        check(r.status == 200 and r.json()["changes"] == [] and r.json()["cursor"] == cursor_b,
              "hub A with hub B's cursor: %r" % r)
        # A long-poll held by hub B is woken by a commit.
        result = {}

        def poll():
            result["resp"] = st.pull(tok, cursor_b, wait=20, url=hub_b.url, timeout=40)
            result["t"] = time.monotonic()
        th = threading.Thread(target=poll)
        th.start()
        time.sleep(1.0)
        check("resp" not in result, "hub B answered the long-poll before any change: %r" % result.get("resp"))
        import_price(st, ITEM_VEGGIE, new_price + 1)
        t_commit = time.monotonic()
        th.join(30)
        check(not th.is_alive(), "hub B's long-poll was not answered within 30 s")
        r = result["resp"]
        check(r.status == 200, "hub B's woken long-poll: %r" % r)
        lag = result["t"] - t_commit
        log("two hubs: hub B's long-poll answered %.2f s after the commit" % lag)
        check(lag < 5, "hub B's long-poll answered %.2f s after the commit (bound 5 s)" % lag)
        veg = [c for c in r.json()["changes"] if c["table"] == "items" and c["key"].get("id") == ITEM_VEGGIE]
        check(veg and veg[0]["row"]["price_minor"] == new_price + 1, "hub B's long-poll: %r" % r.json())
        check(hub_b.alive() and st.hub("GET", "/healthz").status == 200, "a hub died")
    finally:
        hub_b.stop()
    # The node (on hub A throughout) converged too.
    wait_until(lambda: find_item(st.menu().json(), ITEM_VEGGIE)["price_minor"] == new_price + 1, 10,
               what="the node's veggie price")


def wire_order(st, oid, quantity=2, location=None):
    unit = 890 + 50  # burger with cheese; the hub checks arithmetic, not menu prices
    sub = unit * quantity
    tax = sub * 800 // 10000
    return {"id": oid, "number": "E2E-%s" % oid[-4:], "location_id": location or st.location,
            "status": "placed", "subtotal_minor": sub, "tax_minor": tax, "total_minor": sub + tax,
            "currency": "USD", "tax_rate_bp": 800, "tax_inclusive": False, "note": None,
            "placed_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "lines": [{"line_no": 1, "item_id": ITEM_BURGER, "name": "Classic burger",
                       "unit_price_minor": unit, "quantity": quantity, "line_total_minor": sub,
                       "options": [{"option_id": OPTION_CHEESE, "modifier_id": MODIFIER_EXTRAS,
                                    "name": "Cheese", "price_delta_minor": 50}]}]}


def push(st, token, orders):
    r = st.hub("POST", "/v1/sync/push", {"orders": orders}, headers=[("Authorization", "Bearer " + token)])
    check(r.status == 200, "push: %r" % r)
    return r.json()["results"]


def rejection_events(st):
    return int(st.psql("SELECT count(*) FROM events WHERE kind = 'order_rejected'")[0][0])


def test_push_exactly_once(st):
    tok = st.token()
    a, b = uuid7(), uuid7()
    batch = [wire_order(st, a), wire_order(st, b, quantity=1)]
    # b again with another option (bacon for cheese): other content, same arithmetic rules.
    b2 = wire_order(st, b, quantity=1)
    b2["lines"][0]["options"] = [{"option_id": OPTION_BACON, "modifier_id": MODIFIER_EXTRAS,
                                  "name": "Bacon", "price_delta_minor": 120}]
    b2["lines"][0]["unit_price_minor"] = b2["lines"][0]["line_total_minor"] = 890 + 120
    b2["subtotal_minor"] = 1010
    b2["tax_minor"] = 80
    b2["total_minor"] = 1090
    outcomes = [[x["result"] for x in push(st, tok, batch)] for _ in range(3)]
    check(outcomes == [["accepted", "accepted"], ["duplicate", "duplicate"], ["duplicate", "duplicate"]],
          "the same batch three times answered %r" % outcomes)
    counts = st.central_order_counts([a, b])
    check(counts == {a: 1, b: 1}, "orders in PostgreSQL: %r" % counts)
    lines = st.psql("SELECT count(*), sum(quantity) FROM order_items WHERE order_id = '%s'" % a)
    check(lines == [["1", "2"]], "order_items of %s: %r" % (a, lines))
    stored = st.psql("SELECT subtotal_minor, total_minor, number FROM orders WHERE id = '%s'" % a)

    # Same id, other content: rejected as a conflict, the stored order unchanged.
    events0 = rejection_events(st)
    conflict = wire_order(st, a, quantity=3)
    res = push(st, tok, [conflict])
    check(res[0]["id"] == a and res[0]["result"] == "rejected" and "conflict" in res[0].get("reason", ""),
          "a conflicting replay answered %r" % res)
    # Another option is different content too (the content hash covers options).
    res = push(st, tok, [b2])
    check(res[0]["result"] == "rejected" and "conflict" in res[0].get("reason", ""),
          "a replay with another option answered %r" % res)
    check(st.psql("SELECT subtotal_minor, total_minor, number FROM orders WHERE id = '%s'" % a) == stored,
          "the stored order changed after a conflict")
    check(st.psql("SELECT count(*), sum(quantity) FROM order_items WHERE order_id = '%s'" % a) == lines,
          "the stored lines changed after a conflict")
    check(st.psql("SELECT count(*) FROM order_item_options WHERE order_id = '%s'" % b) == [["1"]],
          "the stored options changed after a conflict")
    check(st.central_order_counts([a, b]) == {a: 1, b: 1}, "a conflict changed the order count")

    # Another location (unknown, then a real second location of the tenant): rejected, not stored.
    other_loc = uuid7()
    st.hub_cli("location", "add", "--db", st.hub_db, "--tenant", st.tenant, "--id", other_loc,
               "--name", "Second Street", "--timezone", "UTC", "--tax-rate-bp", "800")
    foreign = [wire_order(st, uuid7(), location=uuid7()), wire_order(st, uuid7(), location=other_loc)]
    res = push(st, tok, foreign)
    check([x["result"] for x in res] == ["rejected", "rejected"],
          "orders for another location answered %r" % res)
    ids = [o["id"] for o in foreign]
    check(st.central_order_counts(ids) == {i: 0 for i in ids}, "an order for another location was stored")
    # The same foreign order replayed stays rejected (never stored by a retry).
    res = push(st, tok, foreign[:1])
    check(res[0]["result"] == "rejected", "a replayed foreign order answered %r" % res)
    check(rejection_events(st) >= events0 + 5, "the hub did not record every rejection in events")
    # And after all that, the first order still replays as a duplicate.
    check([x["result"] for x in push(st, tok, batch)] == ["duplicate", "duplicate"],
          "the original batch no longer replays as duplicates")


def test_pull_wait_above_hub_max_is_clamped(st):
    """A wait the protocol allows (0-60) but above this hub's max_wait_ms waits max_wait_ms."""
    quiesce(st)
    hub = harness.ExtraHub(st, {"long_poll": {"max_wait_ms": 2000}}, "hub-short-wait")
    try:
        tok = st.token()
        cursor, _ = st.pull_to_head(tok, url=hub.url)
        t0 = time.monotonic()
        r = st.pull(tok, cursor, wait=10, url=hub.url)
        dt = time.monotonic() - t0
        check(r.status == 200, "wait=10 on a hub with max_wait_ms 2000 answered %r" % r)
        check(r.json()["changes"] == [] and r.json()["cursor"] == cursor, "the clamped wait: %r" % r.json())
        check(1.5 <= dt < 8, "the clamped wait answered after %.1f s (max_wait_ms 2000)" % dt)
    finally:
        hub.stop()


def test_hub_sigterm_answers_inflight_long_poll(st):
    """A long-poll in flight when the hub gets SIGTERM is answered at once and the hub exits promptly."""
    tok = st.token()
    cursor, _ = st.pull_to_head(tok)
    for attempt in range(5):
        hub = harness.ExtraHub(st, {}, "hub-term-%d" % attempt)
        try:
            result = {}

            def poll():
                try:
                    result["resp"] = st.pull(tok, cursor, wait=20, url=hub.url, timeout=30)
                except Exception as e:
                    result["resp"] = e
                result["t"] = time.monotonic()
            th = threading.Thread(target=poll)
            th.start()
            time.sleep(0.002 * attempt)  # SIGTERM while the pull is reaching its worker
            t0 = time.monotonic()
            hub.proc.terminate()
            try:
                hub.proc.wait(30)
            finally:
                th.join(30)
            exit_s = time.monotonic() - t0
            r = result.get("resp")
            check(exit_s < 5, "attempt %d: the hub took %.1f s to stop with a long-poll in flight" % (attempt, exit_s))
            answered = (isinstance(r, harness.Response) and r.status in (200, 503)) or isinstance(r, ConnectionError)
            check(answered and result["t"] - t0 < 5,
                  "attempt %d: the in-flight long-poll got %r after %.1f s" % (attempt, r, result["t"] - t0))
        finally:
            hub.stop()


if __name__ == "__main__":
    sys.exit(harness.main([
        test_menu_change_reaches_screen,
        test_order_status_flows_back,
        test_long_poll,
        test_two_hubs_serve_one_node,
        test_push_exactly_once,
        test_pull_wait_above_hub_max_is_clamped,
        test_hub_sigterm_answers_inflight_long_poll,
    ]))
