#include "storage/replica_apply.h"

#include <doctest/doctest.h>

#include "storage/order_ledger.h"
#include "storage/sync_state.h"
#include "storage/testing/order_fixture.h"
#include "storage/testing/replica_db.h"

namespace larder::storage {
using nlohmann::json;

namespace {

ReplicaChange item(const std::string& id, std::int64_t price, bool available = true) {
  return ReplicaChange{"items",
                       false,
                       {{"id", id}},
                       {{"id", id},
                        {"category_id", "c1"},
                        {"name", "Item " + id},
                        {"price_minor", price},
                        {"available", available},
                        {"sort_order", 1},
                        {"updated_at", "2026-11-23T10:00:00Z"},
                        {"tenant_id", "ignored"},
                        {"a_future_column", 7}}};
}

ReplicaChange removed(const std::string& table, json key) {
  return ReplicaChange{table, true, std::move(key), nullptr};
}

}  // namespace

TEST_CASE("a batch and its cursor apply together; deletes and updates land") {
  testing::ReplicaDb db;
  auto r = apply_changes(*db, {item("i1", 500), item("i2", 650)}, "cursor-1");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->upserts == 2);
  CHECK(r->menu_changed);
  CHECK(*db->query_int("SELECT price_minor FROM items WHERE id = 'i2'") == 650);
  auto state = load_sync_state(*db);
  CHECK(state->cursor == "cursor-1");
  CHECK(state->replica_ready);

  r = apply_changes(*db, {item("i2", 700, false), removed("items", {{"id", "i1"}})}, "cursor-2");
  REQUIRE(r.is_ok());
  CHECK(r->deletes == 1);
  CHECK(*db->query_int("SELECT count(*) FROM items") == 1);
  CHECK(*db->query_int("SELECT price_minor FROM items WHERE id = 'i2'") == 700);
  CHECK(*db->query_int("SELECT available FROM items WHERE id = 'i2'") == 0);
  CHECK(load_sync_state(*db)->cursor == "cursor-2");
}

TEST_CASE("a bad row fails the whole batch: nothing written, cursor unchanged") {
  testing::ReplicaDb db;
  REQUIRE(apply_changes(*db, {item("i1", 500)}, "c1").is_ok());
  ReplicaChange bad = item("i3", 100);
  bad.row["price_minor"] = "12.50";
  auto r = apply_changes(*db, {item("i2", 1), bad}, "c2");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() ==
        "feed row items {\"id\":\"i3\"}: price_minor must be an integer, got \"12.50\"");
  CHECK(*db->query_int("SELECT count(*) FROM items") == 1);
  CHECK(load_sync_state(*db)->cursor == "c1");

  ReplicaChange missing = item("i4", 1);
  missing.row.erase("name");
  CHECK(apply_changes(*db, {missing}, "c3").status().message() ==
        "feed row items {\"id\":\"i4\"}: name is required");
  ReplicaChange no_key{"items", false, json::object(), {{"name", "x"}}};
  CHECK(apply_changes(*db, {no_key}, "c3").status().message() ==
        "feed row items {}: key column id is missing");
  ReplicaChange negative = item("i5", -1);
  CHECK(apply_changes(*db, {negative}, "c3").status().code() == Code::kInvalidArgument);
}

TEST_CASE("JSON columns, booleans, composite keys and unknown tables") {
  testing::ReplicaDb db;
  std::vector<ReplicaChange> batch = {
      {"locations",
       false,
       {{"id", "l1"}},
       {{"name", "Main St"},
        {"timezone", "Europe/Berlin"},
        {"opening_hours", {{"mon", json::array({json::array({"08:00", "22:00"})})}}},
        {"tax_rate_bp", 1900},
        {"tax_inclusive", true},
        {"updated_at", "t"}}},
      {"item_modifiers",
       false,
       {{"item_id", "i1"}, {"modifier_id", "m1"}},
       {{"sort_order", 2}, {"updated_at", "t"}}},
      {"loyalty_points", false, {{"id", "x"}}, {{"points", 3}}},
  };
  auto r = apply_changes(*db, batch, "c");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->ignored == 1);
  CHECK(*db->query_text("SELECT opening_hours FROM locations") == R"({"mon":[["08:00","22:00"]]})");
  CHECK(*db->query_int("SELECT tax_inclusive FROM locations") == 1);
  CHECK(*db->query_int("SELECT sort_order FROM item_modifiers WHERE item_id = 'i1'") == 2);
  REQUIRE(apply_changes(
              *db, {removed("item_modifiers", {{"item_id", "i1"}, {"modifier_id", "m1"}})}, "c2")
              .is_ok());
  CHECK(*db->query_int("SELECT count(*) FROM item_modifiers") == 0);
}

TEST_CASE("order status merges monotonically; other devices' orders are ignored") {
  testing::ReplicaDb db;
  REQUIRE(testing::write_test_order(*db, "o1", 1).is_ok());
  auto status = [](const std::string& s) {
    return ReplicaChange{"orders", false, {{"id", "o1"}}, {{"status", s}, {"updated_at", "t"}}};
  };
  auto r = apply_changes(*db, {status("ready")}, "c1");
  REQUIRE(r.is_ok());
  CHECK(r->orders_changed == std::vector<std::string>{"o1"});
  // A replayed older status does not move it back.
  r = apply_changes(*db, {status("accepted"), status("ready")}, "c2");
  CHECK(r->orders_changed.empty());
  CHECK(*db->query_text("SELECT status FROM orders WHERE id = 'o1'") == "ready");
  r = apply_changes(*db, {status("completed")}, "c3");
  CHECK(*db->query_text("SELECT status FROM orders WHERE id = 'o1'") == "completed");
  r = apply_changes(
      *db, {ReplicaChange{"orders", false, {{"id", "elsewhere"}}, {{"status", "ready"}}}}, "c4");
  CHECK(r->ignored == 1);
  CHECK(apply_changes(*db, {status("eaten")}, "c5").status().code() == Code::kInvalidArgument);
}

TEST_CASE("completed and cancelled are both final: neither replaces the other") {
  testing::ReplicaDb db;
  REQUIRE(testing::write_test_order(*db, "done", 1).is_ok());
  REQUIRE(testing::write_test_order(*db, "dropped", 2).is_ok());
  auto status = [](const std::string& id, const std::string& s) {
    return ReplicaChange{"orders", false, {{"id", id}}, {{"status", s}, {"updated_at", "t"}}};
  };
  REQUIRE(apply_changes(*db, {status("done", "completed"), status("dropped", "cancelled")}, "c1")
              .is_ok());
  auto r = apply_changes(*db, {status("done", "cancelled"), status("dropped", "completed")}, "c2");
  REQUIRE(r.is_ok());
  CHECK(r->orders_changed.empty());
  CHECK(*db->query_text("SELECT status FROM orders WHERE id = 'done'") == "completed");
  CHECK(*db->query_text("SELECT status FROM orders WHERE id = 'dropped'") == "cancelled");
  CHECK(order_status_rank("completed") == order_status_rank("cancelled"));
  CHECK(order_status_rank("ready") < order_status_rank("cancelled"));
}

TEST_CASE("resync rebuilds the menu in staging and swaps it in; orders survive") {
  testing::ReplicaDb db;
  REQUIRE(apply_changes(*db, {item("old1", 1), item("old2", 2)}, "c-old").is_ok());
  REQUIRE(testing::write_test_order(*db, "o1", 1).is_ok());
  CHECK_FALSE(staging_cursor(*db)->has_value());
  REQUIRE(begin_resync(*db).is_ok());
  CHECK(*staging_cursor(*db) == std::optional<std::string>(""));
  REQUIRE(apply_staging_changes(*db, {item("new1", 10)}, "s1").is_ok());
  // Half-way: readers still see the old menu, and the live cursor is the old one.
  CHECK(*db->query_int("SELECT count(*) FROM items") == 2);
  CHECK(load_sync_state(*db)->cursor == "c-old");
  CHECK(*staging_cursor(*db) == std::optional<std::string>("s1"));
  REQUIRE(apply_staging_changes(*db, {item("new2", 20), item("new3", 30)}, "s2").is_ok());
  REQUIRE(finish_resync(*db, "c-new").is_ok());
  CHECK(*db->query_text("SELECT group_concat(id) FROM (SELECT id FROM items ORDER BY id)") ==
        "new1,new2,new3");
  CHECK(load_sync_state(*db)->cursor == "c-new");
  CHECK(*testing::count_test_order_rows(*db, "o1") == testing::kTestOrderRows);
  CHECK(*db->query_int("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%staging_%'") == 0);
  CHECK_FALSE(staging_cursor(*db)->has_value());
  // The swapped-in tables have the live ones' indexes and definitions.
  CHECK(*db->query_text("SELECT group_concat(tbl_name || '.' || name) FROM (SELECT tbl_name, name"
                        " FROM sqlite_schema WHERE type = 'index' AND name IN ('categories_menu',"
                        " 'items_category', 'options_modifier') ORDER BY name)") ==
        "categories.categories_menu,items.items_category,options.options_modifier");
  CHECK(db->check_integrity().is_ok());
  // A resync can start again after an interrupted one.
  REQUIRE(begin_resync(*db).is_ok());
  REQUIRE(apply_staging_changes(*db, {item("lost", 1)}, "s1").is_ok());
  REQUIRE(begin_resync(*db).is_ok());
  CHECK(*staging_cursor(*db) == std::optional<std::string>(""));
  REQUIRE(finish_resync(*db, "c-empty").is_ok());
  CHECK(*db->query_int("SELECT count(*) FROM items") == 0);
}

TEST_CASE("a first bootstrap in staging: not ready, nothing visible, until the swap") {
  testing::ReplicaDb db;
  REQUIRE(begin_resync(*db).is_ok());
  REQUIRE(apply_staging_changes(*db, {item("i1", 1), item("i2", 2)}, "s1").is_ok());
  CHECK(*db->query_int("SELECT count(*) FROM items") == 0);
  CHECK_FALSE(load_sync_state(*db)->replica_ready);
  CHECK(load_sync_state(*db)->cursor.empty());
  REQUIRE(finish_resync(*db, "c1").is_ok());
  CHECK(*db->query_int("SELECT count(*) FROM items") == 2);
  CHECK(load_sync_state(*db)->replica_ready);
}

TEST_CASE("a staged page and its staging cursor commit together; a bad row changes neither") {
  testing::ReplicaDb db;
  REQUIRE(begin_resync(*db).is_ok());
  REQUIRE(apply_staging_changes(*db, {item("i1", 1)}, "s1").is_ok());
  ReplicaChange bad = item("i3", 1);
  bad.row["price_minor"] = "free";
  auto r = apply_staging_changes(*db, {item("i2", 2), bad}, "s2");
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(*staging_cursor(*db) == std::optional<std::string>("s1"));
  CHECK(*db->query_int("SELECT count(*) FROM staging_items") == 1);
}

TEST_CASE("staged pages and the swap need a staged build in progress") {
  testing::ReplicaDb db;
  CHECK(apply_staging_changes(*db, {item("i1", 1)}, "s1").status().code() ==
        Code::kFailedPrecondition);
  CHECK(finish_resync(*db, "c1").code() == Code::kFailedPrecondition);
  CHECK(*db->query_int("SELECT count(*) FROM items") == 0);
  CHECK(load_sync_state(*db)->cursor.empty());
}

TEST_CASE("staging left from an older schema is not resumed") {
  testing::ReplicaDb db;
  REQUIRE(begin_resync(*db).is_ok());
  REQUIRE(apply_staging_changes(*db, {item("i1", 1)}, "s1").is_ok());
  // As if a migration added a column to the live table after the build began.
  REQUIRE(db->exec("ALTER TABLE items ADD COLUMN calories INTEGER").is_ok());
  CHECK_FALSE(staging_cursor(*db)->has_value());
  REQUIRE(begin_resync(*db).is_ok());
  REQUIRE(apply_staging_changes(*db, {item("i2", 2)}, "s1").is_ok());
  REQUIRE(finish_resync(*db, "c1").is_ok());
  CHECK(*db->query_text("SELECT group_concat(id) FROM items") == "i2");
}

TEST_CASE("rows of every shape land: a row without optional columns keeps defaults") {
  testing::ReplicaDb db;
  ReplicaChange bare{"items",
                     false,
                     {{"id", "b1"}},
                     {{"category_id", "c1"},
                      {"name", "Bare"},
                      {"price_minor", 5},
                      {"available", true},
                      {"updated_at", "t"}}};
  ReplicaChange nulls = item("b2", 6);
  nulls.row["sort_order"] = nullptr;  // not nullable: keeps the default
  nulls.row["description"] = nullptr;
  auto r = apply_changes(*db, {bare, nulls, item("b3", 7)}, "c1");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(*db->query_int("SELECT sort_order FROM items WHERE id = 'b1'") == 0);
  CHECK(*db->query_int("SELECT sort_order FROM items WHERE id = 'b2'") == 0);
  CHECK(*db->query_int("SELECT sort_order FROM items WHERE id = 'b3'") == 1);
  // Updating with a smaller shape leaves the other columns as they were.
  ReplicaChange rename{"items",
                       false,
                       {{"id", "b3"}},
                       {{"category_id", "c1"},
                        {"name", "Renamed"},
                        {"price_minor", 8},
                        {"available", false},
                        {"updated_at", "t2"}}};
  REQUIRE(apply_changes(*db, {rename}, "c2").is_ok());
  CHECK(*db->query_int("SELECT sort_order FROM items WHERE id = 'b3'") == 1);
  CHECK(*db->query_text("SELECT name FROM items WHERE id = 'b3'") == "Renamed");
}

}  // namespace larder::storage
