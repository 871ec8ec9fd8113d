// larder-node: the offline-first edge node of a restaurant kiosk or POS device.
//   larder-node enroll --hub URL --code CODE [--config FILE]   add a tenant to this device
//   larder-node run --config FILE                             serve every enrolled tenant
//   larder-node config-example                                print a commented config
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "base/env.h"
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
  CLI::App app{"larder-node: the offline-first edge node for restaurant kiosks and POS terminals"};
  app.set_version_flag("--version", LARDER_VERSION);
  app.require_subcommand(1);

  std::string config_path;
  auto* run = app.add_subcommand("run", "Serve every enrolled tenant (the daemon)");
  run->add_option("--config,-c", config_path, "TOML config file")->required()->check(CLI::ExistingFile);

  std::string hub, code, name, data_dir;
  auto* enroll = app.add_subcommand("enroll", "Add a tenant to this device with an enrollment code");
  enroll->add_option("--hub", hub, "The hub's URL, e.g. https://hub.example.com")->required();
  enroll->add_option("--code", code, "The one-time enrollment code from the back office")->required();
  enroll->add_option("--config,-c", config_path, "TOML config file (for data_dir and the CA)");
  enroll->add_option("--data-dir", data_dir, "Overrides the config's data_dir");
  enroll->add_option("--name", name, "A name for this device, shown in the fleet list");

  app.add_subcommand("config-example", "Print a commented config with every option");

  CLI11_PARSE(app, argc, argv);

  if (app.got_subcommand("config-example")) {
    std::cout << larder::example_config(larder::node::node_config_options(),
                                        "larder-node configuration (larder-node run --config FILE)");
    return 0;
  }
  auto config = config_or_default(config_path);
  if (!config.is_ok()) {
    std::cerr << "larder-node: " << config.status().message() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  if (app.got_subcommand("enroll")) {
    larder::node::EnrollOptions o;
    o.hub_url = hub;
    o.code = code;
    o.device_name = name;
    o.data_dir = data_dir.empty() ? config->data_dir : data_dir;
    o.master_key_file = data_dir.empty() ? config->master_key_file : data_dir + "/master.key";
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
