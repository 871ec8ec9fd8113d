#include "sync/hub/http/request_target.h"

#include <doctest/doctest.h>

namespace larder::hub::http {
namespace {

TEST_CASE("percent_decode decodes escapes and '+' only where asked") {
  CHECK(percent_decode("a%20b", false).value() == "a b");
  CHECK(percent_decode("a+b", false).value() == "a+b");
  CHECK(percent_decode("a+b", true).value() == "a b");
  CHECK(percent_decode("%2B", true).value() == "+");
  CHECK(percent_decode("%c3%B6", false).value() == "\xc3\xb6");
  CHECK(percent_decode("", true).value() == "");
}

TEST_CASE("percent_decode refuses malformed escapes and NUL") {
  for (const char* bad : {"%", "%2", "a%", "%zz", "%g0", "%0g", "x%2"}) {
    INFO(bad);
    auto r = percent_decode(bad, true);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
  CHECK(percent_decode("%2", true).status().message() == "truncated percent escape at offset 0");
  CHECK(percent_decode("ab%zz", true).status().message() == "bad percent escape at offset 2");
  CHECK(percent_decode("%00", true).status().message() ==
        "percent escape decodes to NUL at offset 0");
}

TEST_CASE("parse_request_target splits path and query") {
  auto t = parse_request_target("/v1/pull?cursor=a%2Fb&wait=30&x=1+2&&flag&=v#frag");
  REQUIRE(t.is_ok());
  CHECK(t->path == "/v1/pull");
  REQUIRE(t->query.size() == 5);
  CHECK(t->query[0] == std::pair<std::string, std::string>{"cursor", "a/b"});
  CHECK(t->query[1] == std::pair<std::string, std::string>{"wait", "30"});
  CHECK(t->query[2] == std::pair<std::string, std::string>{"x", "1 2"});
  CHECK(t->query[3] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(t->query[4] == std::pair<std::string, std::string>{"", "v"});

  auto plain = parse_request_target("/");
  REQUIRE(plain.is_ok());
  CHECK(plain->path == "/");
  CHECK(plain->query.empty());

  auto encoded = parse_request_target("/a%20b+c?");
  REQUIRE(encoded.is_ok());
  CHECK(encoded->path == "/a b+c");  // '+' is literal in a path
  CHECK(encoded->query.empty());
}

TEST_CASE("parse_request_target refuses what no handler should see") {
  CHECK(parse_request_target("").status().message() == "request target must start with '/'");
  CHECK(parse_request_target("http://x/").status().message() ==
        "request target must start with '/'");
  CHECK(parse_request_target("*").status().code() == Code::kInvalidArgument);
  CHECK(parse_request_target("/a/../b").status().message() ==
        "request path must not hold '.' or '..' segments");
  CHECK(parse_request_target("/a/%2e%2e/b").status().code() == Code::kInvalidArgument);
  CHECK(parse_request_target("/a/.").status().code() == Code::kInvalidArgument);
  CHECK(parse_request_target("/a/..b").is_ok());  // a name, not a segment
  CHECK(parse_request_target("/p%zz").status().message() ==
        "in the request path: bad percent escape at offset 2");
  CHECK(parse_request_target("/p?k%=v").status().message() ==
        "in a query parameter name: truncated percent escape at offset 1");
  CHECK(parse_request_target("/p?k=%0").status().message() ==
        "in query parameter 'k': truncated percent escape at offset 0");
}

}  // namespace
}  // namespace larder::hub::http
