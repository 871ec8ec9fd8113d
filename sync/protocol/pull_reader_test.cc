#include "sync/protocol/pull_reader.h"

#include <doctest/doctest.h>

#include <random>

namespace larder::sync {
namespace {

using nlohmann::json;

// Equal values with equal types all the way down (json's == says 1u == 1).
bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !same(*it, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// The full reader's verdict (what parse_pull_response did before the fast path).
Result<PullResponse> full(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return unavailable("not JSON");
  return pull_response_from_json(j);
}

// The fast reader may decline; when it accepts, it must agree exactly.
void check_agrees(const std::string& body) {
  PullResponse fast;
  if (!read_pull_response_fast(body, &fast)) return;
  auto slow = full(body);
  INFO(body);
  REQUIRE_MESSAGE(slow.is_ok(), "the fast reader accepted what the full reader refuses: "
                                    << slow.status().to_string());
  CHECK(fast.cursor == slow->cursor);
  CHECK(fast.more == slow->more);
  REQUIRE(fast.changes.size() == slow->changes.size());
  for (std::size_t i = 0; i < fast.changes.size(); ++i) {
    CHECK(fast.changes[i].table == slow->changes[i].table);
    CHECK(fast.changes[i].is_delete == slow->changes[i].is_delete);
    CHECK(same(fast.changes[i].key, slow->changes[i].key));
    CHECK(same(fast.changes[i].row, slow->changes[i].row));
  }
}

// A page as larder-hub writes it: jsonb text spliced in verbatim.
const std::string kHubPage =
    R"({"changes":[{"table":"locations","op":"upsert","key":{"id": "l1"},"row":{"id": "l1", )"
    R"("name": "Main St", "timezone": "Europe/Berlin", "tax_rate_bp": 1900, "tax_inclusive": )"
    R"(false, "opening_hours": {"mon": [["08:00", "22:00"]]}, "updated_at": )"
    R"("2026-11-23T10:00:00+00:00"}},{"table":"items","op":"upsert","key":{"id": "i1"},"row":)"
    R"({"id": "i1", "name": "Caf\u00e9 cr\u00e8me \"large\" \ud83c\udf54", "price_minor": 890, )"
    R"("available": true, "image_url": null, "description": "line\nbreak\ttab\\slash\/", )"
    R"("weight": 0.25, "delta": -15, "big": 18446744073709551615, "tiny": -9223372036854775808, )"
    R"("exp": 1.5e3, "neg_zero": -0, "tags": [], "nested": {"a": {"b": [1, {"c": null}]}}, )"
    R"("raw": "naïve 日本 🍔"}},{"table":"options","op":"delete","key":{"id": "o1"}},)"
    R"({"table":"item_modifiers","op":"upsert","key":{"item_id": "i1", "modifier_id": "m1"},)"
    R"("row":{"sort_order": 0, "dup": 1, "dup": 2}}],"cursor":"v2.0.1.9.0.aXRlbXMAeyJpZCI6ICJpMSJ9.-",)"
    R"("more":true})";

}  // namespace

TEST_CASE("the fast pull reader reads a hub's page exactly as the full reader does") {
  PullResponse fast;
  REQUIRE(read_pull_response_fast(kHubPage, &fast));
  check_agrees(kHubPage);
  REQUIRE(fast.changes.size() == 4);
  CHECK(fast.changes[1].row["name"] == "Caf\xc3\xa9 cr\xc3\xa8me \"large\" \xf0\x9f\x8d\x94");
  CHECK(fast.changes[1].row["big"].is_number_unsigned());
  CHECK(fast.changes[1].row["delta"].is_number_integer());
  CHECK_FALSE(fast.changes[1].row["delta"].is_number_unsigned());
  CHECK(fast.changes[1].row["weight"].is_number_float());
  CHECK(fast.changes[2].is_delete);
  CHECK(fast.changes[2].row.is_null());
  CHECK(fast.changes[3].row["dup"] == 2);
  CHECK(fast.more);

  // Other spacing and member order (an older hub printed nlohmann's dump).
  std::string dumped = json::parse(kHubPage).dump(2);
  REQUIRE(read_pull_response_fast(dumped, &fast));
  check_agrees(dumped);
  CHECK(read_pull_response_fast(R"({"more":false,"cursor":"v1.1.0.0.0","changes":[]})", &fast));
  CHECK(fast.changes.empty());
  CHECK_FALSE(fast.more);
}

TEST_CASE(
    "the fast pull reader declines what it must not decide, and parse_pull_response still "
    "answers") {
  const char* declined[] = {
      "",
      "not json",
      "[]",
      "{}",
      R"({"changes":[],"cursor":"v1.1.0"})",                      // more missing
      R"({"changes":[],"cursor":"v1.1.0","more":null})",          // null
      R"({"changes":[],"cursor":"","more":true})",                // empty cursor
      R"({"changes":[],"cursor":"c","more":true,"extra":1})",     // unknown field
      R"({"changes":[],"changes":[],"cursor":"c","more":true})",  // duplicate field
      R"({"changes":[{"table":"items","op":"upsert","key":{}}],"cursor":"c","more":true})",  // no
                                                                                             // row
      R"({"changes":[{"table":"items","op":"delete","key":{},"row":{}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"merge","key":{},"row":{}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"","op":"upsert","key":{},"row":{}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":[],"row":{}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":{},"row":{"n":01}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":{},"row":{"n":1.}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":{},"row":{"n":18446744073709551616}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":{},"row":{"s":"\ud800"}}],"cursor":"c","more":true})",
      R"({"changes":[{"table":"items","op":"upsert","key":{},"row":{"s":"\x"}}],"cursor":"c","more":true})",
      "{\"changes\":[],\"cursor\":\"c\xff\",\"more\":true}",      // not UTF-8
      "{\"changes\":[],\"cursor\":\"c\xc0\xaf\",\"more\":true}",  // overlong
      "{\"changes\":[],\"cursor\":\"a\tb\",\"more\":true}",       // raw control character
      R"({"changes":[],"cursor":"c","more":true} x)",             // trailing garbage
      R"({"changes":[],"cursor":"c","more":true,})",
      R"({"changes":[,],"cursor":"c","more":true})",
      R"({"changes":[],"cursor":"c","more":tru})",
  };
  for (const char* body : declined) {
    CAPTURE(body);
    PullResponse out;
    CHECK_FALSE(read_pull_response_fast(body, &out));
  }
  // The answer comes from the full reader, with the field's path.
  CHECK(parse_pull_response("not json").status().code() == Code::kUnavailable);
  CHECK(parse_pull_response(R"({"changes":[],"cursor":"v1.1.0"})").status().message() ==
        "more is required");
  CHECK(parse_pull_response(R"({"changes":[],"cursor":"c","more":true,"extra":1})")
            .status()
            .message() == "extra is not a known field");
  // A valid corner the fast reader leaves alone is still read.
  auto big = parse_pull_response(
      R"({"changes":[{"table":"items","op":"upsert","key":{"id":"x"},"row":{"n":18446744073709551616}}],"cursor":"c","more":false})");
  REQUIRE(big.is_ok());
  CHECK(big->changes[0].row["n"].is_number_float());
}

TEST_CASE("the fast pull reader never accepts a mutated page differently from the full reader") {
  std::mt19937 rng(20261123);
  const std::string alphabet = "{}[]\":,\\ -0123456789.eEtrufalsn\xc3\xa9\x01uab";
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body = kHubPage;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body.erase(at, 1 + rng() % 3);
          break;
        case 1:
          body.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          body[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    PullResponse out;
    if (read_pull_response_fast(body, &out)) ++accepted;
    check_agrees(body);
  }
  MESSAGE(accepted << " of 20000 mutated pages were still valid and read fast");
  CHECK(accepted > 0);
}

}  // namespace larder::sync
