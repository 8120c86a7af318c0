// aicore-proxy: the host process. Parses the command line, sets up logging, loads the config and
// plugins, and hands the first Runtime to runtime/Server, which serves until SIGINT/SIGTERM.
#include <Poco/Util/ServerApplication.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "cli/ConfigureCommand.hpp"
#include "cli/DeploymentsCommand.hpp"
#include "cli/InitCommand.hpp"
#include "cli/KeysCommand.hpp"
#include "cli/Options.hpp"
#include "cli/UsageCommand.hpp"
#include "config/Config.hpp"
#include "discovery/Discovery.hpp"
#include "log/Log.hpp"
#include "plugin/PluginRegistry.hpp"
#include "runtime/Reloader.hpp"
#include "runtime/Runtime.hpp"
#include "runtime/Server.hpp"
#include "shared/RedisUrl.hpp"

#ifndef AICORE_VERSION
#define AICORE_VERSION "0.0.0"
#endif

namespace aicore::host {
namespace {

void print_plugins(const std::string& dir, const PluginSet& set) {
  std::cout << "plugin folder: " << dir << "\n";
  if (set.reports.empty()) std::cout << "  (no plugins found)\n";
  for (const auto& r : set.reports) {
    std::cout << "  " << (r.name.empty() ? "?" : r.name) << " " << r.version << "  [" << r.status << "]\n"
              << "    file: " << r.file << "\n";
    if (!r.abi.empty()) {
      std::cout << "    abi: " << r.abi << "  interfaces:";
      for (const auto& i : r.interfaces) std::cout << " " << i;
      std::cout << "\n";
    }
  }
}

// The subcommands (keys, usage, configure, init, deployments): their exit status, or nullopt when
// `args` start none of them.
std::optional<int> run_subcommand(const std::vector<std::string>& args) {
  if (args.empty()) return std::nullopt;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& command = args[0];
  if (command == "keys") return keys_command(rest, std::cout, std::cerr);
  if (command == "usage") return usage_command(rest, std::cout, std::cerr);
  if (command == "init") return init_command(rest, std::cout, std::cerr);
  if (command == "deployments") return deployments_command(rest, std::cout, std::cerr);
  if (command == "configure") {
    const char* home = std::getenv("HOME");
    return configure_command(rest, home ? home : "", std::cout, std::cerr);
  }
  return std::nullopt;
}

class ProxyApp : public Poco::Util::ServerApplication {
 protected:
  // We parse our own command line (see cli/Options): "--name value" and exact exit codes.
  void defineOptions(Poco::Util::OptionSet&) override { stopOptionsProcessing(); }

  int main(const std::vector<std::string>& args) override {
    if (auto status = run_subcommand(args)) return *status;
    Options opt;
    try {
      opt = parse_options(args);
    } catch (const UsageError& e) {
      std::cerr << "aicore-proxy: " << e.what() << "\n";
      return kExitConfig;
    }
    if (opt.help) {
      std::cout << usage_text();
      return 0;
    }
    if (opt.version) {
      std::cout << "aicore-proxy " << AICORE_VERSION << " (plugin ABI " << ACP_ABI_VERSION_MAJOR << "."
                << ACP_ABI_VERSION_MINOR << ")\n";
      return 0;
    }
    if (opt.config.empty()) {
      std::cerr << "aicore-proxy: --config FILE is required (see --help)\n";
      return kExitConfig;
    }

    block_control_signals();  // before any thread exists, so every thread inherits it

    Config config;
    try {
      config = load_config(opt);
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    }

    setup_logging(config.log, opt.debug);
    for (const auto& w : config.warnings) spdlog::warn("config: {}", w);

    const std::string dir = plugin_dir(opt, config);
    PluginSet plugins = load_plugins(dir, config);
    if (opt.list_plugins) {
      print_plugins(dir, plugins);
      return 0;
    }

    std::shared_ptr<Runtime> rt;
    try {
      rt = Runtime::build(std::move(config), std::move(plugins));
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    }
    if (opt.check_config) {
      std::cout << "configuration OK: " << rt->config.subaccounts.size() << " subaccount(s), "
                << rt->router->models().size() << " model(s), " << rt->plugins.providers.size() << " provider plugin(s)"
                << (rt->config.discovers() ? " (and the deployments discovered at start-up)" : "") << "\n";
      for (const auto& m : rt->router->orphans())
        std::cerr << "aicore-proxy: config error: subAccounts.*.deployment_models." << m
                  << ": no enabled provider plugin serves this model (map it with plugins.models)\n";
      return rt->router->orphans().empty() ? 0 : kExitConfig;
    }
    try {
      rt->open_usage(nullptr);
    } catch (const LedgerError& e) {
      std::cerr << "aicore-proxy: config error: usage.file: " << e.what() << "\n";
      return kExitConfig;
    }
    rt = Discovery::discover_at_start(rt);
    ServeHooks hooks;
    hooks.rebuild = [opt](const Runtime& current) { return rebuild(opt, current); };
    hooks.wait_for_termination = [this] { waitForTerminationRequest(); };
    hooks.version = AICORE_VERSION;
    return serve(rt, hooks);
  }

 private:
  // The config file with the command line's overrides; its secrets join the redaction list.
  static Config load_config(const Options& opt) {
    Config config = load_config_file(opt.config);
    if (opt.port) config.port = *opt.port;
    if (opt.host) config.host = *opt.host;
    for (const auto& s : config.secrets()) Redactor::instance().add(s);
    return config;
  }

  static std::string plugin_dir(const Options& opt, const Config& config) {
    if (!opt.plugin_dir.empty()) return opt.plugin_dir;
    return !config.plugins.dir.empty() ? config.plugins.dir : default_plugin_dir();
  }

  // What SIGHUP does: the whole start-up path again, except logging and the listener.
  static std::shared_ptr<Runtime> rebuild(const Options& opt, const Runtime& current) {
    Config config = load_config(opt);
    for (const auto& w : config.warnings) spdlog::warn("config: {}", w);
    if (config.host != current.config.host || config.port != current.config.port)
      spdlog::warn("host/port changes take effect only after a restart (still listening on {}:{})", current.config.host,
                   current.config.port);
    config.host = current.config.host;
    config.port = current.config.port;
    // The shared-state thread and its Redis connections were set up at start (shared/SharedState).
    if (config.shared_state != current.config.shared_state) {
      const std::string& url = current.config.shared_state.redis_url;
      spdlog::warn("shared_state changes take effect only after a restart ({})",
                   url.empty() ? "still not sharing" : "still using " + shared::parse_redis_url(url).redacted());
      config.shared_state = current.config.shared_state;
    }
    PluginSet plugins = load_plugins(plugin_dir(opt, config), config);
    std::shared_ptr<Runtime> rt = Runtime::build(std::move(config), std::move(plugins), &current);
    rt->open_usage(&current);
    for (const auto& m : rt->router->orphans())
      throw ConfigError("subAccounts.*.deployment_models." + m + ": no enabled provider plugin serves this model");
    return rt;
  }
};

}  // namespace
}  // namespace aicore::host

int main(int argc, char** argv) {
  aicore::host::ProxyApp app;
  return app.run(argc, argv);
}
