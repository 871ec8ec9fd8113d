#include "sync/hub/db/pg_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "tests/support/pg_server.h"

namespace larder::hub::db {
namespace {

using std::chrono::milliseconds;

TEST_CASE("the pool is bounded and acquire times out when all are leased") {
  PgPool pool({testing::shared_pg_server().conninfo(), 2, nullptr});
  auto a = pool.acquire(milliseconds(1000));
  auto b = pool.acquire(milliseconds(1000));
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(pool.open_count() == 2);
  auto c = pool.acquire(milliseconds(50));
  CHECK(c.status().code() == Code::kResourceExhausted);
  CHECK(c.status().message().find("pool of 2") != std::string::npos);
}

TEST_CASE("a returned connection is reused; a waiter gets it") {
  PgPool pool({testing::shared_pg_server().conninfo(), 1, nullptr});
  std::string first_pid;
  {
    auto a = pool.acquire(milliseconds(1000));
    REQUIRE(a.is_ok());
    first_pid = std::string((**a).exec("SELECT pg_backend_pid() AS p")->get(0, "p"));
  }
  CHECK(pool.idle_count() == 1);
  auto held = pool.acquire(milliseconds(1000));
  REQUIRE(held.is_ok());
  CHECK((**held).exec("SELECT pg_backend_pid() AS p")->get(0, "p") == first_pid);
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto w = pool.acquire(milliseconds(10000));
    got = w.is_ok();
  });
  { auto release = std::move(held).value(); }  // give it back
  waiter.join();
  CHECK(got);
}

TEST_CASE("broken connections and open transactions are discarded, not reused") {
  PgPool pool({testing::shared_pg_server().conninfo(), 2, nullptr});
  {
    auto a = pool.acquire(milliseconds(1000));
    REQUIRE(a.is_ok());
    REQUIRE((**a).exec("BEGIN").is_ok());  // forgotten transaction
  }
  CHECK(pool.open_count() == 0);
  std::string pid;
  {
    auto a = pool.acquire(milliseconds(1000));
    REQUIRE(a.is_ok());
    pid = std::string((**a).exec("SELECT pg_backend_pid() AS p")->get(0, "p"));
  }
  {
    auto killer = pool.acquire(milliseconds(1000));
    auto victim_again = pool.acquire(milliseconds(1000));
    REQUIRE(killer.is_ok());
    REQUIRE(victim_again.is_ok());
    PgConnection& victim = **victim_again;
    std::string victim_pid(victim.exec("SELECT pg_backend_pid() AS p")->get(0, "p"));
    REQUIRE((**killer).exec("SELECT pg_terminate_backend($1::int)", {victim_pid}).is_ok());
    auto r = victim.exec("SELECT 1");
    CHECK(r.status().code() == Code::kUnavailable);
  }
  CHECK(pool.open_count() == 1);  // the killed one was dropped
  auto fresh = pool.acquire(milliseconds(1000));
  REQUIRE(fresh.is_ok());
  CHECK((**fresh).exec("SELECT 1").is_ok());
}

TEST_CASE("a failed connect frees its slot") {
  PgPool pool({"host=127.0.0.1 port=1 connect_timeout=2", 1, nullptr});
  CHECK(pool.acquire(milliseconds(100)).status().code() == Code::kUnavailable);
  CHECK(pool.open_count() == 0);
}

}  // namespace
}  // namespace larder::hub::db
