#include "node/core/node.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

#include "base/atomic_file.h"
#include "storage/testing/temp_dir.h"

namespace larder::node {
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

sync::Change row(const std::string& table, const std::string& id, json cols) {
  cols["updated_at"] = "t";
  return sync::Change{table, false, {{"id", id}}, cols};
}

sync::PullResponse menu_page() {
  sync::PullResponse p;
  p.cursor = "v1.3.1";
  p.changes = {
      row("tenants", "acme", {{"name", "Acme Burgers"}, {"currency", "USD"}}),
      row("locations", "loc-1",
          {{"name", "Main"}, {"timezone", "UTC"}, {"tax_rate_bp", 800}, {"tax_inclusive", false}}),
      row("menus", "m", {{"name", "All day"}, {"active", true}}),
      row("categories", "c", {{"menu_id", "m"}, {"name", "Burgers"}}),
      row("items", "burger",
          {{"category_id", "c"}, {"name", "Burger"}, {"price_minor", 650}, {"available", true}}),
      row("modifiers", "extras",
          {{"name", "Extras"}, {"selection", "multi"}, {"min_choices", 0}, {"max_choices", 2}}),
      sync::Change{"item_modifiers",
                   false,
                   {{"item_id", "burger"}, {"modifier_id", "extras"}},
                   {{"updated_at", "t"}}},
      row("options", "cheese",
          {{"modifier_id", "extras"},
           {"name", "Cheese"},
           {"price_delta_minor", 50},
           {"available", true}}),
  };
  return p;
}

struct Fixture {
  storage::testing::TempDir dir;
  FakeEnv env{1'790'000'000'000};
  std::unique_ptr<Node> node;
  Fixture() {
    TenantCredentials c{"http://127.0.0.1:1", "dev-1", "acme", "Acme", "loc-1", "K1", "secret"};
    REQUIRE(save_credentials(dir.path(), c).is_ok());
    auto n = Node::open(NodeOptions{dir.path(), "", "test"}, env);
    REQUIRE_MESSAGE(n.is_ok(), n.status().to_string());
    node = std::move(n).value();
  }
};

const char* kOrder = R"({"lines":[{"item_id":"burger","quantity":2,"option_ids":["cheese"]}]})";

}  // namespace

TEST_CASE("a node serves its enrolled tenant: not ready, then a pulled menu, then orders") {
  Fixture f;
  CHECK_FALSE(f.node->ready());
  CHECK(f.node->menu("acme").status().code() == Code::kFailedPrecondition);
  CHECK(f.node->menu("nobody").status().code() == Code::kNotFound);
  auto sub = f.node->events().subscribe();

  TenantRuntime* rt = f.node->runtime("acme");
  REQUIRE(rt != nullptr);
  sync::PullResponse page = menu_page();
  REQUIRE(rt->apply(page).is_ok());
  CHECK(f.node->ready());
  CHECK(*rt->cursor() == "v1.3.1");
  auto ev = sub->next(1s);
  REQUIRE(ev.has_value());
  CHECK(ev->type == "menu");
  auto menu = f.node->menu("acme");
  REQUIRE(menu.is_ok());
  CHECK(json::parse((*menu)->body)["categories"][0]["items"][0]["name"] == "Burger");

  int woken = 0;
  rt->set_order_listener([&] { ++woken; });
  PlaceOrderOutcome placed = f.node->place_order("acme", kOrder, std::string("key-1"));
  REQUIRE_MESSAGE(placed.placed.has_value(), placed.error.to_string());
  const storage::OrderRecord& o = placed.placed->order;
  CHECK(o.number == "K1-0001");
  CHECK(o.subtotal_minor == 1400);
  CHECK(o.tax_minor == 112);
  CHECK(o.total_minor == 1512);
  CHECK(o.lines[0].options[0].name == "Cheese");
  CHECK(o.placed_at == "2026-09-21T14:13:20.000Z");
  CHECK(woken == 1);
  CHECK(sub->next(1s)->type == "order");

  // The same key and body: the same order back, nothing new stored or pushed.
  PlaceOrderOutcome again = f.node->place_order("acme", kOrder, std::string("key-1"));
  REQUIRE(again.placed.has_value());
  CHECK(again.placed->replayed);
  CHECK(again.placed->order.id == o.id);
  CHECK(woken == 1);
  PlaceOrderOutcome reused = f.node->place_order(
      "acme", R"({"lines":[{"item_id":"burger","quantity":1}]})", std::string("key-1"));
  CHECK(reused.error.code() == Code::kConflict);

  PlaceOrderOutcome bad = f.node->place_order(
      "acme", R"({"lines":[{"item_id":"burger","quantity":1,"option_ids":["nope"]}]})",
      std::nullopt);
  REQUIRE(bad.invalid.size() == 1);
  CHECK(bad.invalid[0].path == "lines[0].option_ids[0]");

  auto found = f.node->order("acme", o.id);
  REQUIRE(found.is_ok());
  REQUIRE(found->has_value());
  CHECK(order_json(**found)["sync"] == "pending");

  auto pending = rt->pending_orders(10);
  REQUIRE(pending->size() == 1);
  CHECK((*pending)[0].lines[0].options[0].price_delta_minor == 50);
  sync::PushResponse answer{{{o.id, sync::PushOutcome::kAccepted, ""}}};
  REQUIRE(rt->record_push_results(answer).is_ok());
  CHECK(rt->pending_orders(10)->empty());
  json status = f.node->status();
  CHECK(status["tenants"][0]["outbox_depth"] == 0);
  CHECK(status["tenants"][0]["orders_synced"] == 1);
  CHECK(f.node->metrics_text().find("larder_node_outbox_depth{tenant=\"acme\"} 0") !=
        std::string::npos);
}

TEST_CASE("a staged bootstrap: not ready and no menu until the swap, resumable after a restart") {
  Fixture f;
  auto sub = f.node->events().subscribe();
  TenantRuntime* rt = f.node->runtime("acme");
  REQUIRE(rt->begin_resync().is_ok());
  sync::PullResponse first = menu_page();
  first.changes.resize(4);  // tenants, locations, menus, categories
  first.cursor = "v2.0.0.3.0.AA.-";
  REQUIRE(rt->apply_staging(first).is_ok());
  CHECK_FALSE(f.node->ready());
  CHECK(f.node->menu("acme").status().code() == Code::kFailedPrecondition);
  CHECK(*rt->cursor() == "");
  CHECK(f.node->status()["tenants"][0]["cursor"] == "");
  CHECK_FALSE(sub->next(20ms).has_value());  // no menu event for staged rows

  // The node restarts half-way: the build resumes from its staging cursor.
  sub.reset();
  f.node.reset();
  auto reopened = Node::open(NodeOptions{f.dir.path(), "", "test"}, f.env);
  REQUIRE_MESSAGE(reopened.is_ok(), reopened.status().to_string());
  f.node = std::move(reopened).value();
  rt = f.node->runtime("acme");
  sub = f.node->events().subscribe();
  CHECK(*rt->staging_cursor() == std::optional<std::string>("v2.0.0.3.0.AA.-"));
  CHECK_FALSE(f.node->ready());
  sync::PullResponse rest = menu_page();
  rest.changes.erase(rest.changes.begin(), rest.changes.begin() + 4);
  rest.cursor = "v1.3.1.0.0";
  REQUIRE(rt->apply_staging(rest).is_ok());
  CHECK_FALSE(f.node->ready());
  REQUIRE(rt->finish_resync(rest.cursor).is_ok());
  CHECK(f.node->ready());
  CHECK(*rt->cursor() == "v1.3.1.0.0");
  CHECK_FALSE(rt->staging_cursor()->has_value());
  CHECK(sub->next(1s)->type == "menu");
  auto menu = f.node->menu("acme");
  REQUIRE(menu.is_ok());
  CHECK(json::parse((*menu)->body)["categories"][0]["items"][0]["name"] == "Burger");
}

TEST_CASE("a resync keeps queued orders and the menu on screen until the swap") {
  Fixture f;
  TenantRuntime* rt = f.node->runtime("acme");
  sync::PullResponse page = menu_page();
  REQUIRE(rt->apply(page).is_ok());
  PlaceOrderOutcome placed = f.node->place_order("acme", kOrder, std::nullopt);
  REQUIRE_MESSAGE(placed.placed.has_value(), placed.error.to_string());

  REQUIRE(rt->begin_resync().is_ok());
  sync::PullResponse half = menu_page();
  half.changes.resize(5);  // through the burger; no modifiers yet
  half.changes[4].row["name"] = "Burger v2";
  half.cursor = "v2.0.0.9.0.AA.-";
  REQUIRE(rt->apply_staging(half).is_ok());
  // Screens still see the old menu, and orders can still be placed against it.
  auto menu = f.node->menu("acme");
  REQUIRE(menu.is_ok());
  CHECK(json::parse((*menu)->body)["categories"][0]["items"][0]["name"] == "Burger");
  PlaceOrderOutcome during = f.node->place_order("acme", kOrder, std::nullopt);
  REQUIRE_MESSAGE(during.placed.has_value(), during.error.to_string());

  sync::PullResponse rest = menu_page();
  rest.changes.erase(rest.changes.begin(), rest.changes.begin() + 5);
  REQUIRE(rt->apply_staging(rest).is_ok());
  REQUIRE(rt->finish_resync("v1.9.1.0.0").is_ok());
  menu = f.node->menu("acme");
  REQUIRE(menu.is_ok());
  CHECK(json::parse((*menu)->body)["categories"][0]["items"][0]["name"] == "Burger v2");
  auto pending = rt->pending_orders(10);
  REQUIRE(pending.is_ok());
  REQUIRE(pending->size() == 2);
  CHECK((*pending)[0].id == placed.placed->order.id);
  CHECK((*pending)[1].id == during.placed->order.id);
}

TEST_CASE("connectivity changes are published once per change") {
  Fixture f;
  auto sub = f.node->events().subscribe();
  TenantRuntime* rt = f.node->runtime("acme");
  rt->set_online(true, "");
  rt->set_online(true, "");
  rt->set_online(false, "hub unreachable");
  auto a = sub->next(1s);
  auto b = sub->next(1s);
  CHECK(a->data["online"] == true);
  CHECK(b->data["online"] == false);
  CHECK_FALSE(sub->next(20ms).has_value());
  CHECK(f.node->status()["tenants"][0]["last_error"] == "hub unreachable");
  CHECK(rt->heartbeat().last_error == "hub unreachable");
}

TEST_CASE("one tenant's broken database or credentials file leaves the others served") {
  storage::testing::TempDir dir;
  FakeEnv env{1'790'000'000'000};
  for (const char* id : {"acme", "globex", "initech", "umbrella"}) {
    TenantCredentials c{"http://127.0.0.1:1", "dev-1", id, id, "loc-1", "K1", "secret"};
    REQUIRE(save_credentials(dir.path(), c).is_ok());
  }
  REQUIRE(Node::open(NodeOptions{dir.path(), "", "test"}, env).is_ok());  // makes the databases
  // globex's database is garbage, initech's credentials are, and umbrella's are gone.
  const std::string globex_db = dir.path() + "/tenants/globex.db";
  REQUIRE(write_file_atomically(globex_db, std::string(4096, 'x'), 0600).is_ok());
  const std::string initech_creds = credentials_path(dir.path(), "initech");
  REQUIRE(write_file_atomically(initech_creds, "{not json", 0600).is_ok());
  REQUIRE(std::filesystem::remove(credentials_path(dir.path(), "umbrella")));

  auto opened = Node::open(NodeOptions{dir.path(), "", "test"}, env);
  REQUIRE_MESSAGE(opened.is_ok(), opened.status().to_string());
  Node& node = **opened;
  REQUIRE(node.runtimes().size() == 1);
  CHECK(node.runtimes()[0]->credentials().tenant_id == "acme");
  REQUIRE(node.tenants().size() == 1);
  CHECK(node.tenants()[0].id == "acme");

  // Each problem names its tenant and file, for the daemon's log.
  const auto& problems = node.problems();
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].tenant == "initech");
  CHECK(problems[0].file == initech_creds);
  CHECK(problems[0].unavailable);
  CHECK(problems[0].status.message().find(initech_creds) != std::string::npos);
  CHECK(problems[1].tenant == "globex");
  CHECK(problems[1].file == globex_db);
  CHECK(problems[1].unavailable);
  CHECK(problems[1].status.message().find("tenant globex is not served: opening " + globex_db) ==
        0);
  CHECK(problems[2].tenant == "umbrella");
  CHECK_FALSE(problems[2].unavailable);
  CHECK(problems[2].status.message().find(dir.path() + "/tenants/umbrella.db") !=
        std::string::npos);
  CHECK(problems[2].status.message().find("no credentials file") != std::string::npos);

  // The broken tenants answer "unavailable" (503), not "unknown" (404).
  CHECK(node.menu("globex").status().code() == Code::kUnavailable);
  CHECK(node.place_order("initech", kOrder, std::nullopt).error.code() == Code::kUnavailable);
  CHECK(node.order("globex", "x").status().code() == Code::kUnavailable);
  CHECK(node.menu("umbrella").status().code() == Code::kNotFound);
  json status = node.status();
  REQUIRE(status["tenants"].size() == 3);
  CHECK(status["tenants"][0]["id"] == "acme");
  CHECK(status["tenants"][0]["available"] == true);
  CHECK(status["tenants"][1]["id"] == "initech");
  CHECK(status["tenants"][1]["available"] == false);
  CHECK(status["tenants"][2]["id"] == "globex");
  CHECK(status["tenants"][2]["available"] == false);
  CHECK(status["tenants"][2]["last_error"].get<std::string>().find(globex_db) != std::string::npos);
  std::string metrics = node.metrics_text();
  CHECK(metrics.find("larder_node_tenant_available{tenant=\"acme\"} 1") != std::string::npos);
  CHECK(metrics.find("larder_node_tenant_available{tenant=\"globex\"} 0") != std::string::npos);

  // The healthy tenant is served, and readiness waits only for it.
  CHECK_FALSE(node.ready());
  sync::PullResponse page = menu_page();
  REQUIRE(node.runtime("acme")->apply(page).is_ok());
  CHECK(node.ready());
  PlaceOrderOutcome placed = node.place_order("acme", kOrder, std::nullopt);
  CHECK_MESSAGE(placed.placed.has_value(), placed.error.to_string());
}

}  // namespace larder::node
