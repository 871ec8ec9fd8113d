#!/usr/bin/env python3
"""End-to-end bad input, against the real processes: tables of requests that must each
get the documented 4xx JSON error ({"error":{"code","message"}}), store nothing, and
leave the server up.

- hub (docs/PROTOCOL.md): malformed JSON, wrong types, unknown fields, out-of-range
  values, oversized bodies (a hub with a low max_body_bytes, and > 1 MiB on the default
  one), a Content-Type other than application/json (415), bad cursors, bad/absent/revoked
  tokens, a replayed enrollment code, limit/wait out of range, unknown paths and methods,
  /metrics without its token on a hub that has one;
- node (node/api/openapi.json): wrong Content-Type, malformed JSON, invalid orders,
  oversized body, bad Idempotency-Key, unknown/invalid tenant and order, wrong Host (421),
  wrong method (405), query parameters; checked with the hub stopped, so anything
  stored by mistake would show in outbox_depth.

Usage: test_bad_input.py BUILD_DIR SOURCE_DIR [test-name-substring...]
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (ITEM_BURGER, ITEM_FRIES, MODIFIER_EXTRAS, OPTION_CHEESE, OPTION_LARGE,  # noqa: E402
                     OPTION_REGULAR, check, error_of, log, uuid7, wait_until)


def valid_wire_order(st, oid=None):
    unit = 940
    return {"id": oid or uuid7(), "number": "BAD-1", "location_id": st.location, "status": "placed",
            "subtotal_minor": unit, "tax_minor": 75, "total_minor": unit + 75, "currency": "USD",
            "tax_rate_bp": 800, "tax_inclusive": False, "note": None,
            "placed_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "lines": [{"line_no": 1, "item_id": ITEM_BURGER, "name": "Classic burger",
                       "unit_price_minor": unit, "quantity": 1, "line_total_minor": unit,
                       "options": [{"option_id": OPTION_CHEESE, "modifier_id": MODIFIER_EXTRAS,
                                    "name": "Cheese", "price_delta_minor": 50}]}]}


def central_counts(st):
    """What a refused request must not change."""
    q = ("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), "
         "(SELECT count(*) FROM events), (SELECT count(*) FROM devices), "
         "(SELECT count(*) FROM devices WHERE token_hash IS NOT NULL), "
         "(SELECT string_agg(coalesce(token_hash, '-'), ',' ORDER BY id) FROM devices)")
    return st.psql(q)


def expect_error(resp, status, code, label):
    check(resp.status == status, "%s: want HTTP %d %s, got %r" % (label, status, code, resp))
    got_code, message = error_of(resp)
    check(got_code == code, "%s: want code %s, got %s (%s)" % (label, code, got_code, message))
    ctype = (resp.header("Content-Type") or "").lower()
    check(ctype.startswith("application/json"), "%s: Content-Type %r" % (label, ctype))
    return message


def mutate(st, fn):
    o = valid_wire_order(st)
    body = {"orders": [o]}
    fn(body, o)
    return body


def enroll_second_device(st, short_code):
    _, code, _ = st.hub_cli("device", "add", "--db", st.hub_db, "--tenant", st.tenant, "--location",
                            st.location, "--name", "Bad input " + short_code, "--short-code", short_code)
    code = code.strip()
    r = st.hub("POST", "/v1/enroll", {"code": code, "device_name": "e2e", "app_version": "0.0.1"})
    check(r.status == 200, "enroll with a fresh code: %r" % r)
    return code, r.json()


METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef"


def test_hub_bad_input(st):
    token_file = os.path.join(st.work, "metrics.token")
    with open(token_file, "w") as f:
        f.write(METRICS_TOKEN + "\n")
    small = harness.ExtraHub(st, {"limits": {"max_body_bytes": 4096},
                                  "metrics": {"token_file": token_file}}, "hub-small-body")
    try:
        tok = st.token()
        auth = [("Authorization", "Bearer " + tok)]
        jh = [("Content-Type", "application/json")]
        code, second = enroll_second_device(st, "K8")
        revoked_tok = second["token"]
        r = st.pull(revoked_tok)
        check(r.status == 200, "the second device cannot pull before its revocation: %r" % r)
        st.hub_cli("device", "revoke", "--db", st.hub_db, "--tenant", st.tenant, "--device", second["device_id"])
        revoked = [("Authorization", "Bearer " + revoked_tok)]
        cursor, _ = st.pull_to_head(tok)
        before = central_counts(st)
        big_order = valid_wire_order(st)
        big_order["lines"][0]["name"] = "x" * 200
        small_body = {"orders": [valid_wire_order(st) for _ in range(12)]}
        check(len(json.dumps(small_body)) > 4096, "the small-hub body is not above its limit")
        huge = '{"orders": [], "pad": "' + "x" * (1024 * 1024 + 10) + '"}'
        cases = [
            # (label, method, path, body, headers, status, code, hub url or None)
            ("malformed JSON", "POST", "/v1/sync/push", '{"orders": [', auth + jh, 400, "bad_request", None),
            ("not JSON at all", "POST", "/v1/sync/push", "orders please", auth + jh, 400, "bad_request", None),
            ("empty body", "POST", "/v1/sync/push", "", auth + jh, 400, "bad_request", None),
            ("array body", "POST", "/v1/sync/push", "[]", auth + jh, 400, "bad_request", None),
            ("orders not an array", "POST", "/v1/sync/push", {"orders": "x"}, auth, 400, "bad_request", None),
            ("quantity as string", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o["lines"][0].__setitem__("quantity", "1")), auth, 400, "bad_request", None),
            ("amount as float", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o.__setitem__("total_minor", 1015.5)), auth, 400, "bad_request", None),
            ("unknown top-level field", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: b.__setitem__("extra", 1)), auth, 400, "bad_request", None),
            ("unknown order field", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o.__setitem__("discount_minor", 5)), auth, 400, "bad_request", None),
            ("unknown line field", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o["lines"][0].__setitem__("colour", "red")), auth, 400, "bad_request", None),
            ("quantity 0", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o["lines"][0].__setitem__("quantity", 0)), auth, 400, "bad_request", None),
            ("no lines", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o.__setitem__("lines", [])), auth, 400, "bad_request", None),
            ("missing id", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o.pop("id")), auth, 400, "bad_request", None),
            ("unknown status", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: o.__setitem__("status", "eaten")), auth, 400, "bad_request", None),
            ("101 orders", "POST", "/v1/sync/push",
             {"orders": [valid_wire_order(st) for _ in range(101)]}, auth, 400, "bad_request", None),
            ("heartbeat wrong type", "POST", "/v1/sync/push",
             mutate(st, lambda b, o: b.__setitem__("heartbeat", {"app_version": 1, "outbox_depth": 0,
                                                                 "last_error": None, "cursor": ""})),
             auth, 400, "bad_request", None),
            ("body above max_body_bytes (small hub)", "POST", "/v1/sync/push", small_body, auth, 413,
             "body_too_large", small.url),
            ("body above 1 MiB (default hub)", "POST", "/v1/sync/push", huge, auth, 413, "body_too_large", None),
            ("push without token", "POST", "/v1/sync/push", {"orders": [valid_wire_order(st)]}, [], 401,
             "unauthorized", None),
            ("push with revoked token", "POST", "/v1/sync/push", {"orders": [valid_wire_order(st)]}, revoked,
             401, "unauthorized", None),
            ("garbage cursor", "GET", "/v1/sync/pull?cursor=garbage", None, auth, 400, "bad_cursor", None),
            ("v2 cursor", "GET", "/v1/sync/pull?cursor=v2.1.1.0.0", None, auth, 400, "bad_cursor", None),
            ("negative cursor", "GET", "/v1/sync/pull?cursor=v1.-1.0.0.0", None, auth, 400, "bad_cursor", None),
            ("cursor -1", "GET", "/v1/sync/pull?cursor=-1", None, auth, 400, "bad_cursor", None),
            ("short cursor", "GET", "/v1/sync/pull?cursor=v1.1.1", None, auth, 400, "bad_cursor", None),
            ("cursor from the future", "GET", "/v1/sync/pull?cursor=v1.999999.999999.0.0", None, auth, 410,
             "resync_required", None),
            ("limit 0", "GET", "/v1/sync/pull?cursor=0&limit=0", None, auth, 400, "bad_request", None),
            ("limit 10001", "GET", "/v1/sync/pull?cursor=0&limit=10001", None, auth, 400, "bad_request", None),
            ("limit abc", "GET", "/v1/sync/pull?cursor=0&limit=abc", None, auth, 400, "bad_request", None),
            ("wait -1", "GET", "/v1/sync/pull?cursor=0&wait=-1", None, auth, 400, "bad_request", None),
            ("wait 61", "GET", "/v1/sync/pull?cursor=0&wait=61", None, auth, 400, "bad_request", None),
            ("wait 1.5", "GET", "/v1/sync/pull?cursor=0&wait=1.5", None, auth, 400, "bad_request", None),
            ("pull without token", "GET", "/v1/sync/pull?cursor=0", None, [], 401, "unauthorized", None),
            ("Basic auth", "GET", "/v1/sync/pull?cursor=0", None, [("Authorization", "Basic dXNlcjpwYXNz")],
             401, "unauthorized", None),
            ("garbage token", "GET", "/v1/sync/pull?cursor=0", None, [("Authorization", "Bearer garbage")],
             401, "unauthorized", None),
            ("wrong secret", "GET", "/v1/sync/pull?cursor=0", None,
             [("Authorization", "Bearer ldt1.%s.%s" % (st.tenant, "A" * 43))], 401, "unauthorized", None),
            ("token of an unknown tenant", "GET", "/v1/sync/pull?cursor=0", None,
             [("Authorization", "Bearer " + tok.replace(st.tenant, uuid7()))], 401, "unauthorized", None),
            ("revoked token", "GET", "/v1/sync/pull?cursor=0", None, revoked, 401, "unauthorized", None),
            ("replayed enrollment code", "POST", "/v1/enroll", {"code": code}, [], 403, "enrollment_refused", None),
            ("unknown enrollment code", "POST", "/v1/enroll", {"code": "lde1.nothing"}, [], 403,
             "enrollment_refused", None),
            ("enroll without code", "POST", "/v1/enroll", {"device_name": "x"}, [], 400, "bad_request", None),
            ("enroll unknown field", "POST", "/v1/enroll", {"code": code, "tenant_id": st.tenant}, [], 400,
             "bad_request", None),
            ("enroll malformed JSON", "POST", "/v1/enroll", "{code:", jh, 400, "bad_request", None),
            # Bodies are read as UTF-8 JSON: anything not labelled so is refused before it is read.
            ("push as text/plain", "POST", "/v1/sync/push", json.dumps({"orders": [valid_wire_order(st)]}),
             auth + [("Content-Type", "text/plain")], 415, "unsupported_media_type", None),
            ("push without Content-Type", "POST", "/v1/sync/push",
             json.dumps({"orders": [valid_wire_order(st)]}), auth, 415, "unsupported_media_type", None),
            ("push in latin-1", "POST", "/v1/sync/push", json.dumps({"orders": [valid_wire_order(st)]}),
             auth + [("Content-Type", "application/json; charset=latin-1")], 415, "unsupported_media_type",
             None),
            ("push with two Content-Types", "POST", "/v1/sync/push",
             json.dumps({"orders": [valid_wire_order(st)]}), auth + jh + jh, 415, "unsupported_media_type",
             None),
            ("enroll as text/plain", "POST", "/v1/enroll", json.dumps({"code": code}),
             [("Content-Type", "text/plain")], 415, "unsupported_media_type", None),
            ("metrics, unauthenticated, on a hub with a metrics token", "GET", "/metrics", None, [], 401,
             "unauthorized", small.url),
            ("metrics with the wrong token", "GET", "/metrics", None,
             [("Authorization", "Bearer " + "w" * 32)], 401, "unauthorized", small.url),
            ("unknown path", "GET", "/v1/sync/nothing", None, auth, 404, "not_found", None),
            ("wrong method on push", "GET", "/v1/sync/push", None, auth, 405, "method_not_allowed", None),
            ("wrong method on pull", "POST", "/v1/sync/pull", "{}", auth, 405, "method_not_allowed", None),
        ]
        failures = []
        for label, method, path, body, headers, status, code_, url in cases:
            try:
                r = st.hub(method, path, body, headers, url=url, timeout=15)
                expect_error(r, status, code_, label)
                if status == 405:
                    check(r.header("Allow"), "%s: no Allow header" % label)
            except harness.TestFailure as e:
                failures.append(str(e))
            except Exception as e:  # connection errors are failures of the case too
                failures.append("%s: %r" % (label, e))
        check(not failures, "%d of %d hub cases failed:\n  %s" % (len(failures), len(cases), "\n  ".join(failures)))
        after = central_counts(st)
        check(after == before, "a refused request changed PostgreSQL: %r -> %r" % (before, after))
        for url in (st.hub_url, small.url):
            check(st.hub("GET", "/healthz", url=url).status == 200, "hub %s is not healthy after the cases" % url)
        check(small.alive(), "the small-body hub died")
        # The node's cursor and token still work, and a valid order is accepted:
        # the cases above were refused for what was wrong in them, not for being orders.
        r = st.pull(tok, cursor)
        check(r.status == 200, "a valid pull after the cases: %r" % r)
        ok = valid_wire_order(st)
        r = st.hub("POST", "/v1/sync/push", {"orders": [ok]}, auth)
        check(r.status == 200 and r.json()["results"][0]["result"] == "accepted", "a valid push: %r" % r)
        r = st.hub("POST", "/v1/sync/push", {"orders": [valid_wire_order(st)]}, auth, url=small.url)
        check(r.status == 200, "a push under the small hub's limit: %r" % r)
        # RFC 7235: the scheme is case-insensitive.
        for scheme in ("bearer", "BEARER"):
            r = st.hub("GET", "/v1/sync/pull?cursor=" + harness.urlquote(cursor), None,
                       [("Authorization", scheme + " " + tok)])
            check(r.status == 200, "a pull with the scheme %r: %r" % (scheme, r))
        # /metrics counts orders per tenant; with a token configured it needs it (test below);
        # /healthz and /readyz stay open.
        r = st.hub("GET", "/metrics")
        check(r.status == 200 and b"larder_hub_orders_total" in r.body, "GET /metrics: %r" % r)
        check(('tenant="%s"' % st.tenant).encode() in r.body, "GET /metrics counts per tenant")
        r = st.hub("GET", "/metrics", headers=[("Authorization", "bearer " + METRICS_TOKEN)], url=small.url)
        check(r.status == 200 and b"larder_hub_http_requests_total" in r.body, "GET /metrics with its token: %r" % r)
        for url in (st.hub_url, small.url):
            for path in ("/healthz", "/readyz"):
                r = st.hub("GET", path, url=url)
                check(r.status == 200, "GET %s on %s: %r" % (path, url, r))
        log("hub bad input: %d cases" % len(cases))
    finally:
        small.stop()


def node_order_cases(st):
    """(label, body, headers, status, code) for POST .../orders."""
    burger = {"item_id": ITEM_BURGER, "quantity": 1}
    jh = [("Content-Type", "application/json")]
    return [
        ("text/plain", json.dumps({"lines": [burger]}), [("Content-Type", "text/plain")], 415,
         "unsupported_media_type"),
        ("no Content-Type", json.dumps({"lines": [burger]}), [], 415, "unsupported_media_type"),
        ("multipart", '--b\r\nContent-Disposition: form-data; name="lines"\r\n\r\n1\r\n--b--\r\n',
         [("Content-Type", "multipart/form-data; boundary=b")], 415, "unsupported_media_type"),
        # cpp-httplib parses multipart bodies itself and refuses a malformed one.
        ("malformed multipart", "--b\r\n\r\n--b--", [("Content-Type", "multipart/form-data; boundary=b")],
         400, "bad_request"),
        ("latin-1 charset", json.dumps({"lines": [burger]}), [("Content-Type", "application/json; charset=latin-1")],
         415, "unsupported_media_type"),
        ("two Content-Types", json.dumps({"lines": [burger]}), jh + jh, 415, "unsupported_media_type"),
        ("malformed JSON", '{"lines": [', jh, 422, "invalid_order"),
        ("empty body", "", jh, 422, "invalid_order"),
        ("JSON array", "[]", jh, 422, "invalid_order"),
        ("unknown item", {"lines": [{"item_id": uuid7(), "quantity": 1}]}, [], 422, "invalid_order"),
        ("missing required modifier", {"lines": [{"item_id": ITEM_FRIES, "quantity": 1}]}, [], 422,
         "invalid_order"),
        ("two options of a single-choice group",
         {"lines": [{"item_id": ITEM_FRIES, "quantity": 1, "option_ids": [OPTION_REGULAR, OPTION_LARGE]}]}, [],
         422, "invalid_order"),
        ("option of another item", {"lines": [{"item_id": ITEM_BURGER, "quantity": 1, "option_ids": [OPTION_LARGE]}]},
         [], 422, "invalid_order"),
        ("quantity 0", {"lines": [{"item_id": ITEM_BURGER, "quantity": 0}]}, [], 422, "invalid_order"),
        ("quantity 100", {"lines": [{"item_id": ITEM_BURGER, "quantity": 100}]}, [], 422, "invalid_order"),
        ("quantity as string", {"lines": [{"item_id": ITEM_BURGER, "quantity": "1"}]}, [], 422, "invalid_order"),
        ("quantity 1.5", '{"lines": [{"item_id": "%s", "quantity": 1.5}]}' % ITEM_BURGER, jh, 422, "invalid_order"),
        ("no lines", {"lines": []}, [], 422, "invalid_order"),
        ("unknown field", {"lines": [burger], "price_minor": 1}, [], 422, "invalid_order"),
        ("client-sent price", {"lines": [dict(burger, unit_price_minor=1)]}, [], 422, "invalid_order"),
        ("duplicate key", '{"lines": [{"item_id": "%s", "quantity": 1}], "lines": []}' % ITEM_BURGER, jh, 422,
         "invalid_order"),
        ("note too long", {"lines": [burger], "note": "n" * 201}, [], 422, "invalid_order"),
        ("oversized body", {"lines": [burger], "note": "n" * (70 * 1024)}, [], 413, "payload_too_large"),
        ("Idempotency-Key too long", {"lines": [burger]}, [("Idempotency-Key", "k" * 65)], 400,
         "invalid_idempotency_key"),
        ("Idempotency-Key with a space", {"lines": [burger]}, [("Idempotency-Key", "a b")], 400,
         "invalid_idempotency_key"),
        ("two Idempotency-Keys", {"lines": [burger]}, [("Idempotency-Key", "k1"), ("Idempotency-Key", "k2")], 400,
         "invalid_idempotency_key"),
    ]


def test_node_bad_input(st):
    # With the hub stopped, an order stored by mistake stays in the outbox: outbox_depth shows it.
    wait_until(lambda: (lambda s: s["outbox_depth"] == 0 and s["online"])(st.status()), 30,
               what="an empty outbox")
    st.stop_hub()
    try:
        s0 = st.status()
        failures = []

        def run(label, method, path, body, headers, status, code, **kw):
            t0 = time.monotonic()
            try:
                r = st.node(method, path, body, headers, **kw)
                if time.monotonic() - t0 > 1:
                    log("slow case (%.1f s): %s" % (time.monotonic() - t0, label))
                expect_error(r, status, code, label)
                if status == 405:
                    check(r.header("Allow"), "%s: no Allow header" % label)
                if status == 422:
                    details = r.json()["error"].get("details")
                    check(isinstance(details, list) and details and all("path" in d and "message" in d
                                                                         for d in details),
                          "%s: 422 without details: %r" % (label, r.body[:300]))
            except harness.TestFailure as e:
                failures.append(str(e))
            except Exception as e:
                failures.append("%s: %r" % (label, e))

        orders = st.tpath("/orders")
        n = 0
        for label, body, headers, status, code in node_order_cases(st):
            run("POST orders, " + label, "POST", orders, body, headers, status, code)
            n += 1
        unknown_tenant = uuid7()
        bad_tenant = "t" * 65
        some_order = uuid7()
        burger = {"lines": [{"item_id": ITEM_BURGER, "quantity": 1}]}
        table = [
            ("unknown tenant, menu", "GET", "/api/v1/tenants/%s/menu" % unknown_tenant, None, [], 404, "unknown_tenant"),
            ("unknown tenant, order", "POST", "/api/v1/tenants/%s/orders" % unknown_tenant, burger, [], 404,
             "unknown_tenant"),
            ("unknown tenant, get order", "GET", "/api/v1/tenants/%s/orders/%s" % (unknown_tenant, some_order), None,
             [], 404, "unknown_tenant"),
            ("unknown tenant, events", "GET", "/api/v1/events?tenant=%s" % unknown_tenant, None, [], 404,
             "unknown_tenant"),
            ("invalid tenant, menu", "GET", "/api/v1/tenants/%s/menu" % bad_tenant, None, [], 400, "invalid_tenant"),
            ("invalid tenant, order", "POST", "/api/v1/tenants/%s/orders" % bad_tenant, burger, [], 400,
             "invalid_tenant"),
            ("unknown order", "GET", st.tpath("/orders/" + some_order), None, [], 404, "unknown_order"),
            ("invalid order id", "GET", st.tpath("/orders/" + "o" * 65), None, [], 400, "invalid_order_id"),
            ("query on status", "GET", "/api/v1/status?verbose=1", None, [], 400, "invalid_query"),
            ("query on menu", "GET", st.tpath("/menu?at=now"), None, [], 400, "invalid_query"),
            ("query on orders", "POST", st.tpath("/orders?dry_run=1"), burger, [], 400, "invalid_query"),
            ("other query on events", "GET", "/api/v1/events?since=1", None, [], 400, "invalid_query"),
            ("unknown api path", "GET", "/api/v1/nothing", None, [], 404, "not_found"),
            ("GET on orders", "GET", orders, None, [], 405, "method_not_allowed"),
            ("DELETE an order", "DELETE", st.tpath("/orders/" + some_order), "", [], 405, "method_not_allowed"),
            # cpp-httplib reads a body after DELETE; without a length the node refuses
            # rather than read until the peer closes (node/api/api_server.cc).
            ("DELETE without Content-Length", "DELETE", st.tpath("/orders/" + some_order), None, [], 411,
             "length_required"),
            ("POST without Content-Length", "POST", orders, None, [("Content-Type", "application/json")], 411,
             "length_required"),
            ("PUT menu", "PUT", st.tpath("/menu"), burger, [], 405, "method_not_allowed"),
            ("POST status", "POST", "/api/v1/status", burger, [], 405, "method_not_allowed"),
            ("POST tenants", "POST", "/api/v1/tenants", burger, [], 405, "method_not_allowed"),
            ("DELETE events", "DELETE", "/api/v1/events", "", [], 405, "method_not_allowed"),
            ("POST healthz", "POST", "/healthz", "{}", [("Content-Type", "application/json")], 405,
             "method_not_allowed"),
            ("POST readyz", "POST", "/readyz", "{}", [("Content-Type", "application/json")], 405,
             "method_not_allowed"),
            ("POST metrics", "POST", "/metrics", "{}", [("Content-Type", "application/json")], 405,
             "method_not_allowed"),
        ]
        for label, method, path, body, headers, status, code in table:
            run(label, method, path, body, headers, status, code)
            n += 1
        # Wrong Host header on every endpoint (DNS rebinding): 421 before anything else.
        for method, path, body in [("GET", "/healthz", None), ("GET", "/readyz", None),
                                   ("GET", "/api/v1/tenants", None), ("GET", st.tpath("/menu"), None),
                                   ("POST", orders, burger), ("GET", st.tpath("/orders/" + some_order), None),
                                   ("GET", "/api/v1/status", None), ("GET", "/api/v1/events", None),
                                   ("GET", "/metrics", None), ("GET", "/", None)]:
            run("Host evil.example on %s %s" % (method, path), method, path, body, [], 421, "bad_host",
                host="evil.example:%s" % st.node_url.rsplit(":", 1)[1])
            n += 1
        run("no Host header on POST orders", "POST", orders, burger, [], 421, "bad_host", host=False)
        run("Host 127.0.0.2 on POST orders", "POST", orders, burger, [], 421, "bad_host", host="127.0.0.2")
        n += 2
        check(not failures, "%d of %d node cases failed:\n  %s" % (len(failures), n, "\n  ".join(failures)))
        s1 = st.status()
        check(s1["outbox_depth"] == s0["outbox_depth"] and s1["orders_synced"] == s0["orders_synced"]
              and s1["dead_letters"] == s0["dead_letters"],
              "a refused request stored something: %r -> %r" % (s0, s1))
        check(st.node("GET", "/healthz").status == 200, "the node is not healthy after the cases")

        # Idempotency-Key: a retry returns the first order; another body under the key is 409.
        key = "e2e-" + uuid7()
        first = st.place_order(headers=[("Idempotency-Key", key)])
        check(first.status == 201 and first.header("Idempotent-Replayed") is None, "first keyed order: %r" % first)
        again = st.place_order(headers=[("Idempotency-Key", key)])
        check(again.status == 201 and again.header("Idempotent-Replayed") == "true"
              and again.json()["id"] == first.json()["id"], "keyed retry: %r" % again)
        other = st.place_order([{"item_id": ITEM_BURGER, "quantity": 2}], headers=[("Idempotency-Key", key)])
        expect_error(other, 409, "idempotency_key_reused", "the same key with another body")
        s2 = st.status()
        check(s2["outbox_depth"] == s0["outbox_depth"] + 1,
              "a keyed order and its retries must store exactly one order: %r -> %r" % (s0, s2))
        log("node bad input: %d cases" % (n + 3))
    finally:
        st.start_hub()
    wait_until(lambda: (lambda s: s["outbox_depth"] == 0 and s["online"])(st.status()), 30,
               what="the keyed order to sync")
    check(st.central_order_counts([first.json()["id"]]) == {first.json()["id"]: 1},
          "the keyed order is not in PostgreSQL exactly once")


def test_node_form_body_is_unsupported_media_type(st):
    s0 = st.status()
    r = st.node("POST", st.tpath("/orders"), "lines=1", [("Content-Type", "application/x-www-form-urlencoded")])
    check(st.status()["outbox_depth"] == s0["outbox_depth"], "a form-encoded request stored an order")
    expect_error(r, 415, "unsupported_media_type", "POST orders with a form-encoded body")


def test_hub_cli_bad_input(st):
    """The admin CLI and plain SQL refuse what the node could not use, with a clear message."""
    cli = lambda *args: st.hub_cli(*args, check_rc=False)  # noqa: E731
    # A location the node could not parse (its menu would fail): refused, nothing stored.
    before = st.psql("SELECT count(*) FROM locations")
    for extra, want in [(["--timezone", "posixrules"], "timezone 'posixrules' is not accepted"),
                        (["--timezone", "posix/Europe/Paris"], "timezone 'posix/Europe/Paris' is not accepted"),
                        (["--timezone", "Factory"], "timezone 'Factory' is not accepted"),
                        (["--opening-hours", '{"monday": [["08:00", "22:00"]]}'],
                         'opening_hours has the key "monday"'),
                        (["--opening-hours", '{"mon": [["25:00", "26:00"]]}'], 'opening_hours.mon[0][0] is "25:00"'),
                        (["--opening-hours", '{"mon": [["8:00", "22:00"]]}'], 'opening_hours.mon[0][0] is "8:00"')]:
        rc, _, err = cli("location", "add", "--db", st.hub_db, "--tenant", st.tenant, "--name", "Bad", *extra)
        check(rc == 1 and want in err and "SQLSTATE" not in err, "location add %r: exit %d, %r" % (extra, rc, err))
    for tz, hours in [("Factory", "{}"), ("UTC", '{"mon": [["8:00", "22:00"]]}')]:
        try:
            st.psql("INSERT INTO locations (tenant_id, id, name, timezone, opening_hours) VALUES "
                    "('%s', '%s', 'SQL', '%s', '%s')" % (st.tenant, uuid7(), tz, hours))
        except harness.TestFailure as e:
            check("timezone 'Factory'" in str(e) or "opening_hours.mon[0][0]" in str(e),
                  "the SQL refusal does not name the field: %s" % e)
        else:
            raise harness.TestFailure("SQL stored a location with timezone %r, opening_hours %r" % (tz, hours))
    check(st.psql("SELECT count(*) FROM locations") == before, "a refused location was stored")
    st.menu()

    # purge as the hub role would see no tenant: refused, naming the role it needs.
    rc, out, err = cli("purge", "--db", st.hub_db, "--retention-days", "7")
    check(rc == 1 and "must run as the schema owner, larder_owner" in err and "purged" not in out,
          "purge as larder_hub: exit %d, %r %r" % (rc, out, err))
    for days in ["-1", "3651", "99999999999999999999"]:
        rc, out, err = cli("purge", "--db", st.owner_db, "--retention-days", days)
        check(rc != 0 and "--retention-days: must be a whole number of days from 0 to 3650" in err,
              "purge --retention-days %s: exit %d, %r" % (days, rc, err))

    # completed and cancelled are final: the kitchen cannot cancel a completed order.
    r = st.place_order()
    check(r.status == 201, "an order: %r" % r)
    oid = r.json()["id"]
    wait_until(lambda: st.central_order_counts([oid])[oid] == 1, 30, what="the order at the hub")
    st.hub_cli("order", "status", "--db", st.hub_db, "--tenant", st.tenant, oid, "completed")
    rc, _, err = cli("order", "status", "--db", st.hub_db, "--tenant", st.tenant, oid, "cancelled")
    check(rc == 1 and "is completed, a final status; it cannot become cancelled" in err,
          "cancelling a completed order: exit %d, %r" % (rc, err))
    wait_until(lambda: st.node("GET", st.tpath("/orders/" + oid)).json()["status"] == "completed", 15,
               what="completed on the node")
    check(st.psql("SELECT status FROM orders WHERE id = '%s'" % oid) == [["completed"]],
          "the hub's order is no longer completed")


if __name__ == "__main__":
    sys.exit(harness.main([
        test_hub_bad_input,
        test_hub_cli_bad_input,
        test_node_bad_input,
        test_node_form_body_is_unsupported_media_type,
    ]))
