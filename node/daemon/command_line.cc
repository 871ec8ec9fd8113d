#include "node/daemon/command_line.h"

#include <sys/stat.h>

#include <map>
#include <optional>

namespace larder::node {
namespace {

struct OptionSpec {
  const char* name;   // "--config"
  const char* alias;  // "-c", or nullptr
  const char* value;  // what the value is, in the usage: "FILE"
  std::string NodeCommand::*field;
  bool required;
  const char* help;
};

struct CommandSpec {
  const char* name;
  NodeCommand::Kind kind;
  const char* help;
  std::vector<OptionSpec> options;
};

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> specs = {
      {"run",
       NodeCommand::Kind::kRun,
       "Serve every enrolled tenant (the daemon)",
       {{"--config", "-c", "FILE", &NodeCommand::config_path, true,
         "TOML config file (must exist)"}}},
      {"enroll",
       NodeCommand::Kind::kEnroll,
       "Add a tenant to this device with an enrollment code",
       {{"--hub", nullptr, "URL", &NodeCommand::hub, true,
         "The hub's URL, e.g. https://hub.example.com"},
        {"--code", nullptr, "CODE", &NodeCommand::code, true,
         "The one-time enrollment code from the back office"},
        {"--config", "-c", "FILE", &NodeCommand::config_path, false,
         "TOML config file (for data_dir and the CA)"},
        {"--data-dir", nullptr, "DIR", &NodeCommand::data_dir, false,
         "Overrides the config's data_dir"},
        {"--name", nullptr, "NAME", &NodeCommand::name, false,
         "A name for this device, shown in the fleet list"}}},
      {"config-example",
       NodeCommand::Kind::kConfigExample,
       "Print a commented config with every option",
       {}},
  };
  return specs;
}

const CommandSpec* find_command(const std::string& name) {
  for (const CommandSpec& c : commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Result<NodeCommand> parse_command_line(const std::vector<std::string>& args) {
  NodeCommand out;
  const CommandSpec* cmd = nullptr;
  std::map<std::string, bool> given;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      NodeCommand help;
      help.command = cmd != nullptr ? cmd->name : "";
      return help;
    }
    if (arg == "--version") {
      NodeCommand version;
      version.kind = NodeCommand::Kind::kVersion;
      return version;
    }
    if (cmd == nullptr) {
      cmd = find_command(arg);
      if (cmd == nullptr) {
        return invalid_argument(arg.starts_with("-")
                                    ? "a command comes first: run, enroll or config-example"
                                    : "unknown command \"" + arg +
                                          "\": the commands are run, enroll and config-example");
      }
      out.kind = cmd->kind;
      out.command = cmd->name;
      continue;
    }
    std::string where = std::string("larder-node ") + cmd->name + ": ";
    std::string name = arg;
    std::optional<std::string> value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const OptionSpec* opt = nullptr;
    for (const OptionSpec& o : cmd->options) {
      if (name == o.name || (o.alias != nullptr && name == o.alias)) opt = &o;
    }
    if (opt == nullptr) {
      return invalid_argument(where + (name.starts_with("-")
                                           ? "unknown option " + name
                                           : "unexpected argument \"" + name + "\""));
    }
    if (!value) {
      if (i + 1 >= args.size()) return invalid_argument(where + opt->name + " needs a value");
      value = args[++i];
    }
    if (given[opt->name]) return invalid_argument(where + opt->name + " is given twice");
    given[opt->name] = true;
    out.*(opt->field) = *value;
  }
  if (cmd == nullptr) {
    return invalid_argument("a command is required: run, enroll or config-example");
  }
  for (const OptionSpec& o : cmd->options) {
    if (o.required && !given[o.name]) {
      return invalid_argument(std::string("larder-node ") + cmd->name + ": " + o.name +
                              " is required");
    }
  }
  if (out.kind == NodeCommand::Kind::kRun && !is_file(out.config_path)) {
    return invalid_argument("larder-node run: --config " + out.config_path + ": no such file");
  }
  return out;
}

std::string usage(const std::string& command) {
  std::string text =
      "larder-node: the offline-first edge node for restaurant kiosks and POS terminals\n\n";
  const CommandSpec* one = find_command(command);
  for (const CommandSpec& c : commands()) {
    if (one != nullptr && one != &c) continue;
    text += std::string("larder-node ") + c.name;
    for (const OptionSpec& o : c.options) {
      std::string shown = std::string(o.name) + " " + o.value;
      text += o.required ? " " + shown : " [" + shown + "]";
    }
    text += std::string("\n  ") + c.help + "\n";
    for (const OptionSpec& o : c.options) {
      std::string flag = o.alias != nullptr ? std::string(o.alias) + ", " + o.name : o.name;
      text +=
          "    " + flag + std::string(flag.size() < 16 ? 16 - flag.size() : 1, ' ') + o.help + "\n";
    }
  }
  if (one == nullptr) {
    text +=
        "\nlarder-node [COMMAND] --help    this help\nlarder-node --version           the "
        "version\n";
  }
  return text;
}

}  // namespace larder::node
