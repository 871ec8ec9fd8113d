#include "base/config_file.h"

#include <doctest/doctest.h>

namespace larder {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"data_dir", std::string("/var/lib/larder"), "Where the databases live."},
    {"api.port", std::int64_t{8080}, "The API port.", 1, 65535},
    {"api.open", false, "Open to the LAN."},
    {"api.hosts", std::vector<std::string>{"localhost"}, "Allowed Host headers."},
};

}  // namespace

TEST_CASE("options from the file override defaults; the rest keep them, with lines") {
  auto r = parse_options(kSpecs, "data_dir = \"/srv\"\n[api]\nport = 9000\nhosts = [\"a\", \"b\"]\n",
                         "node.toml");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  CHECK(std::get<std::string>((*r)[0].value) == "/srv");
  CHECK((*r)[0].line == 1);
  CHECK(std::get<std::int64_t>((*r)[1].value) == 9000);
  CHECK((*r)[1].line == 3);
  CHECK(std::get<bool>((*r)[2].value) == false);
  CHECK((*r)[2].line == 0);
  CHECK(std::get<std::vector<std::string>>((*r)[3].value).size() == 2);
}

TEST_CASE("bad files get messages with the file, line and option") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"[api]\nprot = 1\n", "node.toml:2: unknown option 'api.prot'"},
      {"[api]\nport = \"80\"\n", "node.toml:2: option 'api.port' must be an integer, not a string"},
      {"[api]\nport = 70000\n", "node.toml:2: option 'api.port' is 70000; it must be between 1 and 65535"},
      {"[api]\nopen = 1\n", "node.toml:2: option 'api.open' must be true or false, not an integer"},
      {"[api]\nhosts = [1]\n", "node.toml:2: option 'api.hosts' must be an array of strings"},
      {"data_dir = 3.5\n", "node.toml:1: option 'data_dir' must be a string, not a number with a fraction"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto r = parse_options(kSpecs, c.text, "node.toml");
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
  auto syntax = parse_options(kSpecs, "[api\nport = 1\n", "node.toml");
  CHECK(syntax.status().message().rfind("node.toml:1:", 0) == 0);
  CHECK(syntax.status().message().find("TOML syntax error") != std::string::npos);
}

TEST_CASE("the example renders every option commented, and parses back to the defaults") {
  std::string example = example_config(kSpecs, "test config");
  CHECK(example.find("#port = 8080") != std::string::npos);
  CHECK(example.find("# Range: 1 to 65535.") != std::string::npos);
  CHECK(example.find("#hosts = [\"localhost\"]") != std::string::npos);
  CHECK(parse_options(kSpecs, example, "example").is_ok());
}

}  // namespace larder
