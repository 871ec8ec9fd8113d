#!/usr/bin/env python3
"""End-to-end: the node keeps selling while the hub is away, and loses nothing.

- offline: with the hub stopped, 20 orders are placed (all 201), the node reports
  offline with outbox_depth 20; once the hub is back every order is in PostgreSQL
  exactly once and the node is online with an empty outbox;
- resync: while the hub is stopped, orders are queued, menu rows are deleted centrally
  and their tombstones purged, so the node's cursor is stale (410); once the hub is back
  the node rebuilds its replica (the deleted rows are gone from GET menu) and its queued
  orders still reach PostgreSQL exactly once.

Usage: test_offline_resync.py BUILD_DIR SOURCE_DIR [test-name-substring...]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (ITEM_BURGER, ITEM_FRIES, ITEM_LEMONADE, ITEM_VEGGIE, OPTION_BACON,  # noqa: E402
                     OPTION_CHEESE, OPTION_LARGE, OPTION_NO_PICKLES, OPTION_REGULAR, check, find_item,
                     log, wait_until)

CATEGORY_DRINKS = "0190b3c4-0000-7000-8000-00000000c003"

ORDER_VARIANTS = [
    [{"item_id": ITEM_BURGER, "quantity": 1, "option_ids": [OPTION_CHEESE]}],
    [{"item_id": ITEM_VEGGIE, "quantity": 2}, {"item_id": ITEM_FRIES, "quantity": 1, "option_ids": [OPTION_LARGE]}],
    [{"item_id": ITEM_FRIES, "quantity": 3, "option_ids": [OPTION_REGULAR]}],
    [{"item_id": ITEM_BURGER, "quantity": 2, "option_ids": [OPTION_BACON, OPTION_NO_PICKLES]}],
]


def settled(st):
    s = st.status()
    return s if s["online"] and s["outbox_depth"] == 0 else None


def go_offline(st):
    st.stop_hub()
    t0 = time.monotonic()
    s = wait_until(lambda: st.status()["online"] is False, 20, what="the node to report offline")
    log("the node reported offline %.2f s after the hub stopped" % (time.monotonic() - t0))
    return s


def place_orders(st, n, variants=ORDER_VARIANTS):
    ids = []
    for i in range(n):
        r = st.place_order(variants[i % len(variants)])
        check(r.status == 201, "order %d while offline: %r" % (i, r))
        check(r.json()["sync"] == "pending", "a new order while offline is %r" % r.json()["sync"])
        ids.append(r.json()["id"])
    check(len(set(ids)) == n, "the node gave duplicate order ids: %r" % ids)
    return ids


def check_exactly_once(st, ids):
    counts = st.central_order_counts(ids)
    wrong = {i: n for i, n in counts.items() if n != 1}
    check(not wrong, "orders not in PostgreSQL exactly once: %r" % wrong)
    arr = "ARRAY[%s]::uuid[]" % ",".join("'%s'" % i for i in ids)
    central = {r[0]: r[1:] for r in st.psql(
        "SELECT o.id::text, o.total_minor, count(i.line_no), coalesce(sum(i.quantity), 0) "
        "FROM orders o LEFT JOIN order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id "
        "WHERE o.id = ANY(%s) GROUP BY o.id, o.total_minor" % arr)}
    for oid in ids:
        got = st.node("GET", st.tpath("/orders/" + oid))
        check(got.status == 200, "GET order %s: %r" % (oid, got))
        o = got.json()
        check(o["sync"] == "synced", "order %s is %r on the node" % (oid, o["sync"]))
        want = [str(o["total_minor"]), str(len(o["lines"])), str(sum(l["quantity"] for l in o["lines"]))]
        check(central.get(oid) == want,
              "order %s in PostgreSQL (total, lines, quantity) %r, on the node %r" % (oid, central.get(oid), want))


def test_offline_orders_reach_postgres_once(st):
    wait_until(lambda: settled(st), 20, what="online with an empty outbox")
    try:
        go_offline(st)
        ids = place_orders(st, 20)
        s = st.status()
        check(s["online"] is False and s["outbox_depth"] == 20,
              "status while offline with 20 orders: %r" % s)
        check(st.central_order_counts(ids) == {i: 0 for i in ids}, "orders reached PostgreSQL with the hub down")
    finally:
        st.start_hub()
    t0 = time.monotonic()
    s = wait_until(lambda: settled(st), 30, what="the outbox to drain after the hub came back")
    log("offline: 20 orders drained %.2f s after the hub came back" % (time.monotonic() - t0))
    check(s["dead_letters"] == 0, "dead letters after the drain: %r" % s)
    check_exactly_once(st, ids)


def menu_without_drinks(st):
    """The demo menu without the Drinks category, the lemonade and the 'No pickles' option."""
    doc = st.demo_menu()
    doc["categories"] = [c for c in doc["categories"] if c["id"] != CATEGORY_DRINKS]
    doc["items"] = [i for i in doc["items"] if i["id"] != ITEM_LEMONADE]
    doc["item_modifiers"] = [m for m in doc["item_modifiers"] if m["item_id"] != ITEM_LEMONADE]
    doc["options"] = [o for o in doc["options"] if o["id"] != OPTION_NO_PICKLES]
    return doc


def option_ids(menu_json):
    out = set()
    for c in menu_json["categories"]:
        for it in c["items"]:
            for g in it["modifiers"]:
                out.update(o["id"] for o in g["options"])
    return out


def resyncs_in_log(st):
    return st.read_log("node.log").count("asked for a resync")


def test_resync_keeps_outbox(st):
    wait_until(lambda: settled(st), 30, what="online with an empty outbox")
    m = st.menu().json()
    check(find_item(m, ITEM_LEMONADE) is not None and OPTION_NO_PICKLES in option_ids(m),
          "the lemonade and 'No pickles' must be on the menu before the test")
    resyncs0 = resyncs_in_log(st)
    try:
        go_offline(st)
        old_cursor = st.status()["cursor"]
        check(old_cursor and old_cursor.startswith("v1."), "the node's cursor: %r" % old_cursor)
        # Orders queued before and after the central delete (none uses a deleted row).
        ids = place_orders(st, 4, ORDER_VARIANTS[:3])
        st.import_menu(menu_without_drinks(st))
        ids += place_orders(st, 3, ORDER_VARIANTS[:3])
        time.sleep(0.05)  # the tombstones must be older than "now" at the purge
        _, out, _ = st.hub_cli("purge", "--retention-days", "0", "--db", st.owner_db)
        check(out.startswith("purged ") and not out.startswith("purged 0 "), "purge printed %r" % out)
        tenant_version = int(old_cursor.split(".")[1])
        oldest = st.psql("SELECT oldest_valid_version FROM feed_counters "
                         "WHERE location_id = '00000000-0000-0000-0000-000000000000'")
        check(oldest and int(oldest[0][0]) > tenant_version,
              "the purge did not make cursor %s stale (oldest_valid_version %r)" % (old_cursor, oldest))
        s = st.status()
        check(s["outbox_depth"] == 7 and s["online"] is False, "status before the hub returns: %r" % s)
    finally:
        st.start_hub()
    # The hub answers the node's old cursor with 410.
    r = st.pull(st.token(), old_cursor)
    check(r.status == 410 and harness.error_of(r)[0] == "resync_required",
          "the stale cursor answered %r" % r)
    t0 = time.monotonic()

    def rebuilt():
        m = st.menu().json()
        return m if find_item(m, ITEM_LEMONADE) is None and OPTION_NO_PICKLES not in option_ids(m) else None
    m = wait_until(rebuilt, 30, what="the deleted rows to leave GET menu")
    log("resync: replica rebuilt %.2f s after the hub came back" % (time.monotonic() - t0))
    check(resyncs_in_log(st) > resyncs0, "the node log shows no resync")
    check("Drinks" not in [c["name"] for c in m["categories"]], "the deleted category is still shown")
    for item in (ITEM_BURGER, ITEM_VEGGIE, ITEM_FRIES):
        check(find_item(m, item) is not None, "item %s vanished in the resync" % item)
    s = wait_until(lambda: settled(st), 30, what="the outbox to drain after the resync")
    check(s["dead_letters"] == 0, "dead letters after the resync: %r" % s)
    check(s["cursor"] != old_cursor, "the node's cursor did not move")
    check_exactly_once(st, ids)
    # The rebuilt replica prices orders and refuses the deleted item.
    r = st.place_order([{"item_id": ITEM_LEMONADE, "quantity": 1, "option_ids": [OPTION_REGULAR]}])
    check(r.status == 422, "ordering the deleted lemonade answered %r" % r)
    r = st.place_order()
    check(r.status == 201, "ordering after the resync: %r" % r)
    wait_until(lambda: st.central_order_counts([r.json()["id"]])[r.json()["id"]] == 1, 15,
               what="the post-resync order in PostgreSQL")


if __name__ == "__main__":
    sys.exit(harness.main([
        test_offline_orders_reach_postgres_once,
        test_resync_keeps_outbox,
    ]))
