#include "sync/protocol/wire.h"

#include <doctest/doctest.h>

namespace larder::sync {
using nlohmann::json;

namespace {

WireOrder sample_order() {
  WireOrder o;
  o.id = "0190b3c4-0000-7000-8000-000000000001";
  o.number = "K1-0001";
  o.location_id = "loc-1";
  o.subtotal_minor = 1300;
  o.tax_minor = 104;
  o.total_minor = 1404;
  o.currency = "USD";
  o.tax_rate_bp = 800;
  o.placed_at = "2026-11-23T12:00:00.000Z";
  WireLine l{1, "i-burger", "Burger", 650, 2, 1300, {}};
  l.options.push_back({"o-cheese", "m-extras", "Cheese", 50});
  o.lines.push_back(l);
  return o;
}

}  // namespace

TEST_CASE("push request round trip and content hash") {
  PushRequest req;
  req.orders.push_back(sample_order());
  req.heartbeat = Heartbeat{"0.1.0", 3, std::nullopt, "v1.1.2"};
  auto back = push_request_from_json(to_json(req));
  REQUIRE_MESSAGE(back.is_ok(), back.status().to_string());
  REQUIRE(back->orders.size() == 1);
  CHECK(back->orders[0].lines[0].options[0].name == "Cheese");
  CHECK(back->heartbeat->cursor == "v1.1.2");
  CHECK(order_content_hash(back->orders[0]) == order_content_hash(sample_order()));

  WireOrder moved = sample_order();
  moved.status = "ready";  // status is not content
  CHECK(order_content_hash(moved) == order_content_hash(sample_order()));
  WireOrder changed = sample_order();
  changed.lines[0].quantity = 3;
  CHECK(order_content_hash(changed) != order_content_hash(sample_order()));
}

TEST_CASE("push request validation names the field") {
  json good = to_json(PushRequest{{sample_order()}, std::nullopt});
  struct Case {
    const char* pointer;
    json value;
    const char* message;
  };
  const Case cases[] = {
      {"/orders/0/lines/0/quantity", 0, "orders[0].lines[0].quantity must be an integer from 1 to 99"},
      {"/orders/0/lines/0/options/0/price_delta_minor", "50",
       "orders[0].lines[0].options[0].price_delta_minor must be an integer from -1000000000000 to 1000000000000"},
      {"/orders/0/currency", "EURO", "orders[0].currency must be 1 to 3 characters"},
      {"/orders/0/currency", "EU", "orders[0].currency must be a 3-letter ISO 4217 code"},
      {"/orders/0/status", "eaten", "orders[0].status is not a known order status"},
      {"/orders/0/lines", json::array(), "orders[0].lines must not be empty"},
      {"/orders/0/total_minor", -1, "orders[0].total_minor must be an integer from 0 to 1000000000000"},
      {"/orders/0/surprise", 1, "orders[0].surprise is not a known field"},
      {"/orders", json::object(), "orders must be an array"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pointer);
    json j = good;
    j[json::json_pointer(c.pointer)] = c.value;
    auto r = push_request_from_json(j);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
  json many = {{"orders", json::array()}};
  for (int i = 0; i < 101; ++i) many["orders"].push_back(good["orders"][0]);
  CHECK(push_request_from_json(many).status().message() == "orders must have at most 100 elements");
}

TEST_CASE("pull response and enroll round trips") {
  PullResponse p;
  p.changes.push_back({"items", false, {{"id", "i1"}}, {{"name", "Fries"}}});
  p.changes.push_back({"items", true, {{"id", "i2"}}, nullptr});
  p.cursor = "v1.5.0";
  p.more = true;
  auto back = pull_response_from_json(to_json(p));
  REQUIRE(back.is_ok());
  CHECK(back->changes.size() == 2);
  CHECK(back->changes[1].is_delete);
  CHECK(back->more);
  json bad = to_json(p);
  bad["changes"][0]["op"] = "merge";
  CHECK(pull_response_from_json(bad).status().message() == "changes[0].op must be upsert or delete");

  EnrollResponse e{"d1", "t1", "Acme Burgers", "l1", "K1", "tok"};
  CHECK(enroll_response_from_json(to_json(e))->token == "tok");
  CHECK(enroll_request_from_json(json{{"code", "ABCD-1234"}})->code == "ABCD-1234");
  CHECK(enroll_request_from_json(json{{"kode", "x"}}).status().message() == "code is required");

  PushResponse r{{{"a", PushOutcome::kAccepted, ""}, {"b", PushOutcome::kRejected, "conflict"}}};
  auto rb = push_response_from_json(to_json(r));
  REQUIRE(rb.is_ok());
  CHECK(rb->results[1].outcome == PushOutcome::kRejected);
  CHECK(rb->results[1].reason == "conflict");
  CHECK(error_body("bad_cursor", "x").dump() == R"({"error":{"code":"bad_cursor","message":"x"}})");
}

}  // namespace larder::sync
