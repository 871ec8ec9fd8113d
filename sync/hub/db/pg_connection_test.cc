#include "sync/hub/db/pg_connection.h"

#include <doctest/doctest.h>

#include "sync/hub/db/pg_error.h"
#include "sync/hub/db/transaction.h"
#include "tests/support/pg_server.h"

namespace larder::hub::db {
namespace {

PgConnection connect_super() {
  auto c = PgConnection::connect(testing::shared_pg_server().conninfo());
  REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  return std::move(c).value();
}

TEST_CASE("exec passes text parameters, NULLs and reads rows back") {
  PgConnection conn = connect_super();
  auto r = conn.exec("SELECT $1::text AS a, $2::int + 1 AS b, $3::text IS NULL AS c, $1 AS d",
                     {std::string("it's \"quoted\""), std::string("41"), std::nullopt});
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(r->rows() == 1);
  CHECK(r->get(0, "a") == "it's \"quoted\"");
  CHECK(r->get_int(0, "b") == 42);
  CHECK(r->get_bool(0, "c"));
  CHECK(r->column("nope") == -1);
  CHECK(r->get(5, "a").empty());
  CHECK(r->is_null(0, 99));
  CHECK(conn.is_reusable());
}

TEST_CASE("errors carry PostgreSQL's message, SQLSTATE and a code") {
  PgConnection conn = connect_super();
  auto r = conn.exec("SELECT 1/0");
  REQUIRE_FALSE(r.is_ok());
  CHECK(sqlstate_of(r.status()) == "22012");
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message().find("division by zero") != std::string::npos);

  auto syntax = conn.exec("SELEC 1");
  CHECK(syntax.status().code() == Code::kInternal);
  CHECK(sqlstate_of(syntax.status()) == "42601");
  CHECK(code_for_sqlstate("23505") == Code::kAlreadyExists);
  CHECK(code_for_sqlstate("40001") == Code::kUnavailable);
  CHECK(code_for_sqlstate("LD412") == Code::kFailedPrecondition);

  auto bad = PgConnection::connect("host=127.0.0.1 port=1 connect_timeout=2");
  CHECK(bad.status().code() == Code::kUnavailable);
}

TEST_CASE("a transaction rolls back unless committed, and scopes the tenant setting") {
  PgConnection conn = connect_super();
  REQUIRE(conn.exec_script("DROP TABLE IF EXISTS tx_t; CREATE TABLE tx_t (v int)").is_ok());
  {
    auto tx = Transaction::begin(conn);
    REQUIRE(tx.is_ok());
    REQUIRE(tx->exec("INSERT INTO tx_t VALUES (1)").is_ok());
    CHECK_FALSE(conn.is_reusable());  // inside a transaction
  }
  CHECK(conn.exec("SELECT count(*) AS n FROM tx_t")->get_int(0, "n") == 0);
  {
    auto tx = Transaction::begin_for_tenant(conn, "11111111-1111-4111-8111-111111111111");
    REQUIRE(tx.is_ok());
    CHECK(tx->exec("SELECT current_setting('larder.tenant_id') AS t")->get(0, "t") ==
          "11111111-1111-4111-8111-111111111111");
    REQUIRE(tx->exec("INSERT INTO tx_t VALUES (2)").is_ok());
    CHECK(tx->commit().is_ok());
  }
  // The setting ended with the transaction.
  CHECK(conn.exec("SELECT coalesce(current_setting('larder.tenant_id', true), '') AS t")->get(0, "t") ==
        "");
  CHECK(conn.exec("SELECT count(*) AS n FROM tx_t")->get_int(0, "n") == 1);
  CHECK(Transaction::begin_for_tenant(conn, "acme").status().code() == Code::kInvalidArgument);

  // COMMIT after a failed statement is not a commit.
  auto tx = Transaction::begin(conn);
  REQUIRE(tx.is_ok());
  CHECK(tx->exec("INSERT INTO tx_t VALUES (3)").is_ok());
  CHECK_FALSE(tx->exec("SELECT 1/0").is_ok());
  Status commit = tx->commit();
  CHECK(commit.code() == Code::kFailedPrecondition);
  CHECK(conn.exec("SELECT count(*) AS n FROM tx_t")->get_int(0, "n") == 1);
  CHECK(conn.is_reusable());
}

}  // namespace
}  // namespace larder::hub::db
