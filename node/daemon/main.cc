// larder-node: the offline-first edge node of a restaurant kiosk or POS device.
//   larder-node enroll --hub URL --code CODE [--config FILE]   add a tenant to this device
//   larder-node run --config FILE                             serve every enrolled tenant
//   larder-node config-example                                print a commented config
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "base/env.h"
#include "node/daemon/command_line.h"
#include "node/daemon/daemon.h"
#include "node/daemon/enroll.h"
#include "node/daemon/node_config.h"

#ifndef LARDER_VERSION
#define LARDER_VERSION "0.0.0"
#endif

namespace {

larder::Result<larder::node::NodeConfig> config_or_default(const std::string& path) {
  if (path.empty()) return larder::node::parse_node_config("", "(defaults)");
  return larder::node::load_node_config(path);
}

}  // namespace

int main(int argc, char** argv) {
  // Two malloc arenas, not glibc's eight per core: each thread that allocates
  // would otherwise get an arena of its own, and an arena keeps what its
  // threads freed. After a burst of connections (a thread each) the idle
  // daemon would hold one per thread; its allocations are not contended
  // enough to need them. Before any thread starts.
  mallopt(M_ARENA_MAX, 2);
  using Kind = larder::node::NodeCommand::Kind;
  auto cmd = larder::node::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!cmd.is_ok()) {
    std::cerr << "larder-node: " << cmd.status().message() << "\n\n" << larder::node::usage("");
    return 2;
  }
  switch (cmd->kind) {
    case Kind::kHelp:
      std::cout << larder::node::usage(cmd->command);
      return 0;
    case Kind::kVersion:
      std::cout << LARDER_VERSION << "\n";
      return 0;
    case Kind::kConfigExample:
      std::cout << larder::example_config(
          larder::node::node_config_options(),
          "larder-node configuration (larder-node run --config FILE)");
      return 0;
    case Kind::kRun:
    case Kind::kEnroll:
      break;
  }
  auto config = config_or_default(cmd->config_path);
  if (!config.is_ok()) {
    std::cerr << "larder-node: " << config.status().message() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  if (cmd->kind == Kind::kEnroll) {
    larder::node::EnrollOptions o;
    o.hub_url = cmd->hub;
    o.code = cmd->code;
    o.device_name = cmd->name;
    o.data_dir = cmd->data_dir.empty() ? config->data_dir : cmd->data_dir;
    o.master_key_file =
        cmd->data_dir.empty() ? config->master_key_file : cmd->data_dir + "/master.key";
    o.ca_file = config->hub_ca_file;
    o.app_version = LARDER_VERSION;
    auto creds = larder::node::enroll_device(o, larder::system_env());
    if (!creds.is_ok()) {
      std::cerr << "larder-node: enrollment failed: " << creds.status().message() << "\n";
      return 1;
    }
    std::cout << "enrolled: tenant " << creds->tenant_id << " (" << creds->tenant_name
              << "), location " << creds->location_id << ", device " << creds->device_id
              << " (order numbers " << creds->short_code << "-NNNN)\n"
              << "restart larder-node to serve it\n";
    return 0;
  }
  return larder::node::run_daemon(*config, LARDER_VERSION);
}
