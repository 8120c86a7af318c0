// Loads every plugin library in the plugin folder, applies the config's enabled/disabled lists and
// per-plugin settings, and creates the adapters. A plugin that fails is logged specifically and
// skipped; the host keeps serving with the ones that loaded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/Config.hpp"
#include "plugin/AuthPlugins.hpp"
#include "plugin/PluginLibrary.hpp"
#include "plugin/Provider.hpp"

namespace aicore::host {

struct PluginReport {
  std::string file;
  std::string name;  // empty when it did not load
  std::string version;
  std::string abi;
  std::vector<std::string> interfaces;
  std::string status;  // "loaded", "disabled", or the reason it was refused
};

struct PluginSet {
  std::vector<std::shared_ptr<Provider>> providers;  // in load order (sorted by file name)
  std::shared_ptr<ClientAuthPlugin> client_auth;
  std::shared_ptr<UpstreamAuthPlugin> upstream_auth;
  std::vector<PluginReport> reports;

  std::shared_ptr<Provider> provider(const std::string& name) const;
};

// The default plugin folder: <dir of the binary>/plugins, else the installed layout
// (<prefix>/lib/aicore-proxy/plugins next to <prefix>/bin).
std::string default_plugin_dir();

PluginSet load_plugins(const std::string& dir, const Config& config);

}  // namespace aicore::host
