#include "node/daemon/command_line.h"

#include <doctest/doctest.h>

#include "base/atomic_file.h"
#include "storage/testing/temp_dir.h"

namespace larder::node {
namespace {

using Kind = NodeCommand::Kind;

std::string error_of(const std::vector<std::string>& args) {
  auto r = parse_command_line(args);
  return r.is_ok() ? std::string("(accepted)") : r.status().message();
}

}  // namespace

TEST_CASE("run, enroll and config-example with their options") {
  storage::testing::TempDir dir;
  std::string conf = dir.file("node.toml");
  REQUIRE(write_file_atomically(conf, "", 0600).is_ok());
  auto run = parse_command_line({"run", "--config", conf});
  REQUIRE_MESSAGE(run.is_ok(), run.status().to_string());
  CHECK(run->kind == Kind::kRun);
  CHECK(run->config_path == conf);
  CHECK(parse_command_line({"run", "-c", conf})->config_path == conf);
  CHECK(parse_command_line({"run", "--config=" + conf})->config_path == conf);

  auto enroll = parse_command_line({"enroll", "--hub", "https://hub.example.com", "--code=ABC-123",
                                    "--name", "Kiosk 1", "--data-dir", "/srv/larder"});
  REQUIRE(enroll.is_ok());
  CHECK(enroll->kind == Kind::kEnroll);
  CHECK(enroll->hub == "https://hub.example.com");
  CHECK(enroll->code == "ABC-123");
  CHECK(enroll->name == "Kiosk 1");
  CHECK(enroll->data_dir == "/srv/larder");
  CHECK(enroll->config_path.empty());  // optional for enroll, and need not exist
  CHECK(parse_command_line({"enroll", "--hub", "h", "--code", "c", "-c", "/nowhere"}).is_ok());

  CHECK(parse_command_line({"config-example"})->kind == Kind::kConfigExample);
}

TEST_CASE("help and version, anywhere on the line") {
  CHECK(parse_command_line({"--help"})->kind == Kind::kHelp);
  CHECK(parse_command_line({"--help"})->command.empty());
  auto help = parse_command_line({"enroll", "--hub", "h", "-h"});
  CHECK(help->kind == Kind::kHelp);
  CHECK(help->command == "enroll");
  CHECK(parse_command_line({"--version"})->kind == Kind::kVersion);
  CHECK(parse_command_line({"run", "--version"})->kind == Kind::kVersion);
  std::string all = usage("");
  CHECK(all.find("larder-node run --config FILE\n") != std::string::npos);
  CHECK(all.find("larder-node enroll --hub URL --code CODE [--config FILE] [--data-dir DIR]"
                 " [--name NAME]\n") != std::string::npos);
  CHECK(all.find("larder-node config-example\n") != std::string::npos);
  CHECK(all.find("--version") != std::string::npos);
  std::string one = usage("run");
  CHECK(one.find("-c, --config") != std::string::npos);
  CHECK(one.find("larder-node enroll") == std::string::npos);
}

TEST_CASE("mistakes name what is wrong") {
  CHECK(error_of({}) == "a command is required: run, enroll or config-example");
  CHECK(error_of({"serve"}) ==
        "unknown command \"serve\": the commands are run, enroll and config-example");
  CHECK(error_of({"--config", "x", "run"}) ==
        "a command comes first: run, enroll or config-example");
  CHECK(error_of({"run"}) == "larder-node run: --config is required");
  CHECK(error_of({"run", "--config"}) == "larder-node run: --config needs a value");
  CHECK(error_of({"run", "--config", "/no/such/file.toml"}) ==
        "larder-node run: --config /no/such/file.toml: no such file");
  CHECK(error_of({"run", "--conf", "x"}) == "larder-node run: unknown option --conf");
  CHECK(error_of({"run", "extra"}) == "larder-node run: unexpected argument \"extra\"");
  CHECK(error_of({"enroll", "--hub", "h"}) == "larder-node enroll: --code is required");
  CHECK(error_of({"enroll", "--hub", "h", "--hub", "i", "--code", "c"}) ==
        "larder-node enroll: --hub is given twice");
  CHECK(error_of({"config-example", "--config", "x"}) ==
        "larder-node config-example: unknown option --config");
}

}  // namespace larder::node
