#include "sync/hub/db/provisioning.h"

#include <doctest/doctest.h>

#include "sync/hub/db/credentials.h"
#include "sync/hub/db/ops_test_fixture.h"

namespace larder::hub::db {
namespace {

using ops_test::hub;
using ops_test::provision;

TEST_CASE("enrollment trades a code for a token once; replayed and expired codes are refused") {
  PgConnection conn = hub();
  auto p = provision(conn, 501);
  FakeEnv env;
  auto dev = add_device(conn, env, p.tenant, p.location, "Kiosk 1", "K1", std::chrono::seconds(600));
  REQUIRE_MESSAGE(dev.is_ok(), dev.status().to_string());
  CHECK(dev->enrollment_code.rfind("lde1." + p.tenant + ".", 0) == 0);
  // Only the hash is stored.
  auto stored = ops_test::connect(ops_test::database().owner_conninfo);
  {
    auto tx = Transaction::begin_for_tenant(stored, p.tenant);
    auto r = tx->exec("SELECT enrollment_code_hash FROM devices WHERE id = $1", {dev->device_id});
    REQUIRE(r.is_ok());
    CHECK(r->get(0, "enrollment_code_hash") == sha256_hex(dev->enrollment_code));
  }

  auto enrolled = enroll_device(conn, env, dev->enrollment_code);
  REQUIRE_MESSAGE(enrolled.is_ok(), enrolled.status().to_string());
  CHECK(enrolled->identity.tenant_id == p.tenant);
  CHECK(enrolled->identity.location_id == p.location);
  CHECK(enrolled->identity.device_id == dev->device_id);
  CHECK(enrolled->identity.short_code == "K1");

  auto replay = enroll_device(conn, env, dev->enrollment_code);
  CHECK(replay.status().code() == Code::kPermissionDenied);
  CHECK(replay.status().message().find("already used") != std::string::npos);

  auto who = authenticate_device(conn, enrolled->token);
  REQUIRE_MESSAGE(who.is_ok(), who.status().to_string());
  CHECK(who->device_id == dev->device_id);

  // Expired.
  auto dev2 = add_device(conn, env, p.tenant, p.location, "Kiosk 2", "K2", std::chrono::seconds(60));
  REQUIRE(dev2.is_ok());
  env.advance_ms(61'000);
  auto late = enroll_device(conn, env, dev2->enrollment_code);
  CHECK(late.status().code() == Code::kPermissionDenied);
  CHECK(late.status().message().find("expired") != std::string::npos);

  // Unknown, malformed, and a forged tenant prefix.
  CHECK(enroll_device(conn, env, "lde1." + p.tenant + "." + std::string(32, 'a')).status().code() ==
        Code::kPermissionDenied);
  CHECK(enroll_device(conn, env, "nonsense").status().code() == Code::kPermissionDenied);
  std::string forged = enrolled->token;
  forged.replace(5, 36, feed_test::id(999, 0));
  CHECK(authenticate_device(conn, forged).status().code() == Code::kPermissionDenied);

  // Duplicate short code.
  CHECK(add_device(conn, env, p.tenant, p.location, "Again", "K1", std::chrono::seconds(60)).status().code() ==
        Code::kAlreadyExists);
}

TEST_CASE("a revoked token is refused; heartbeats feed the fleet view") {
  PgConnection conn = hub();
  auto p = provision(conn, 502);
  FakeEnv env;
  auto dev = add_device(conn, env, p.tenant, p.location, "POS", "P1", std::chrono::seconds(600));
  REQUIRE(dev.is_ok());
  auto enrolled = enroll_device(conn, env, dev->enrollment_code);
  REQUIRE(enrolled.is_ok());

  Heartbeat hb;
  hb.app_version = "1.2.3";
  hb.outbox_depth = 4;
  hb.last_error = "timeout talking to hub";
  hb.cursor = "opaque";
  hb.tenant_version = 1;
  hb.location_version = 1;
  CHECK(record_heartbeat(conn, env, enrolled->identity, hb).is_ok());
  auto fleet = list_devices(conn, p.tenant);
  REQUIRE_MESSAGE(fleet.is_ok(), fleet.status().to_string());
  REQUIRE(fleet->size() == 1);
  const DeviceStatus& d = fleet->front();
  CHECK(d.short_code == "P1");
  CHECK(d.enrolled);
  CHECK_FALSE(d.revoked);
  CHECK(d.app_version == "1.2.3");
  CHECK(d.outbox_depth == 4);
  CHECK(d.last_error == "timeout talking to hub");
  REQUIRE(d.last_seen_unix_ms.has_value());
  CHECK(*d.last_seen_unix_ms == env.now_unix_ms());
  CHECK(d.lag_versions >= 0);

  CHECK(revoke_device(conn, p.tenant, dev->device_id).is_ok());
  CHECK(revoke_device(conn, p.tenant, dev->device_id).is_ok());  // idempotent
  auto refused = authenticate_device(conn, enrolled->token);
  CHECK(refused.status().code() == Code::kPermissionDenied);
  CHECK(refused.status().message().find("revoked") != std::string::npos);
  CHECK(record_heartbeat(conn, env, enrolled->identity, hb).code() == Code::kPermissionDenied);
  CHECK(list_devices(conn, p.tenant)->front().revoked);
}

TEST_CASE("bad provisioning input is refused with the field named") {
  PgConnection conn = hub();
  CHECK(add_tenant(conn, {"not-a-uuid", "x", "USD", std::nullopt, std::nullopt}).message().find("tenant id") !=
        std::string::npos);
  CHECK(add_tenant(conn, {feed_test::id(503, 0), "x", "usd", std::nullopt, std::nullopt}).code() ==
        Code::kInvalidArgument);
  auto p = provision(conn, 503);
  LocationSpec bad;
  bad.tenant_id = p.tenant;
  bad.id = feed_test::id(503, 9);
  bad.name = "X";
  bad.timezone = "Mars/Olympus";
  CHECK(add_location(conn, bad).message() ==
        "timezone 'Mars/Olympus' is not an IANA zone name (names are case-sensitive, e.g. Europe/Paris)");
  FakeEnv env;
  CHECK(add_device(conn, env, p.tenant, feed_test::id(503, 8), "K", "K9", std::chrono::seconds(5)).status().code() ==
        Code::kNotFound);
}

}  // namespace
}  // namespace larder::hub::db
