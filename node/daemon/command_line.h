// The larder-node command line: which command to run, with which options.
//
//   larder-node run --config FILE
//   larder-node enroll --hub URL --code CODE [--config FILE] [--data-dir DIR] [--name NAME]
//   larder-node config-example
//   larder-node [COMMAND] --help | --version
//
// Options take their value as the next argument or after '=' (--config=FILE);
// -c is --config. A mistake (no command, an unknown one, an unknown or
// repeated option, a missing value or required option, a --config file that
// does not exist) is kInvalidArgument with a message naming it; main prints it
// with the usage and exits 2.
//
// (A small parser of our own rather than CLI11: the daemon keeps every page
// of code it ran at start-up resident, and CLI11 was 230 KB of it.)
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace larder::node {

struct NodeCommand {
  enum class Kind { kRun, kEnroll, kConfigExample, kHelp, kVersion };
  Kind kind = Kind::kHelp;
  std::string command;  // for kHelp: the command asked about, "" for all
  std::string config_path;
  std::string hub;
  std::string code;
  std::string name;
  std::string data_dir;
};

Result<NodeCommand> parse_command_line(const std::vector<std::string>& args);

// The help text: of one command, or of all when `command` is "".
std::string usage(const std::string& command);

}  // namespace larder::node
