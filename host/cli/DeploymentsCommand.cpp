#include "cli/DeploymentsCommand.hpp"

#include <ostream>

#include "cli/DeploymentTable.hpp"
#include "cli/NamedArgs.hpp"
#include "discovery/DeploymentLister.hpp"
#include "log/Log.hpp"
#include "plugin/PluginRegistry.hpp"
#include "routing/Router.hpp"
#include "runtime/Runtime.hpp"

namespace aicore::host {
namespace {

constexpr int kUsageError = 2;
constexpr const char* kUsage = "usage: aicore-proxy deployments --config FILE [--plugin-dir DIR]\n";

// The runtime whose token cache and upstream client list the deployments (it never serves).
std::unique_ptr<Runtime> listing_runtime(const std::string& config_path, const std::string& plugin_dir) {
  Config config = load_config_file(config_path);
  for (const auto& s : config.secrets()) Redactor::instance().add(s);
  LogSettings quiet;
  quiet.level = "warn";  // stderr: the table alone goes to stdout
  quiet.access_log = false;
  setup_logging(quiet, false);
  const std::string dir = !plugin_dir.empty()           ? plugin_dir
                          : !config.plugins.dir.empty() ? config.plugins.dir
                                                        : default_plugin_dir();
  PluginSet plugins = load_plugins(dir, config);
  return Runtime::build(std::move(config), std::move(plugins));
}

// One subaccount's section; false when it could not be listed.
bool print_subaccount(const Runtime& rt, const SubAccount& sub, std::ostream& out, std::ostream& err) {
  out << "subaccount " << sub.name << " (resource group " << sub.resource_group << ", discovery "
      << (sub.discover ? "on" : "off") << ")";
  std::vector<ListedDeployment> listed;
  try {
    listed = list_deployments({*rt.upstream, *rt.tokens, rt.config.discovery.timeout_s, false}, sub);
  } catch (const DiscoveryError& e) {
    out << ": cannot list its deployments\n";
    err << "aicore-proxy deployments: subaccount " << sub.name << ": cannot list deployments from "
        << sub.key.ai_api_url << ": " << redact(e.what()) << "\n";
    return false;
  }
  const auto rows = deployment_rows(sub, listed, [&](const std::string& model) {
    return provider_for_model(rt.config, rt.plugins.providers, model) != nullptr;
  });
  out << ": " << listed.size() << " deployment(s) listed\n" << deployment_table(rows);
  return true;
}

}  // namespace

int deployments_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> a;
  try {
    a = named_args(args, 0, {"--config", "--plugin-dir"});
  } catch (const NamedArgsError& e) {
    err << "aicore-proxy deployments: " << e.what() << "\n" << kUsage;
    return kUsageError;
  }
  if (!a.count("--config")) {
    err << "aicore-proxy deployments: --config is required\n" << kUsage;
    return kUsageError;
  }
  std::unique_ptr<Runtime> rt;
  try {
    rt = listing_runtime(a["--config"], a["--plugin-dir"]);
  } catch (const ConfigError& e) {
    err << "aicore-proxy: config error: " << e.what() << "\n";
    return kUsageError;
  }
  bool all_listed = true;
  for (const auto& sub : rt->config.subaccounts) {
    if (&sub != &rt->config.subaccounts.front()) out << "\n";
    all_listed = print_subaccount(*rt, sub, out, err) && all_listed;
  }
  out.flush();
  return all_listed ? 0 : 1;
}

}  // namespace aicore::host
