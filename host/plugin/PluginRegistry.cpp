#include "plugin/PluginRegistry.hpp"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <boost/dll/runtime_symbol_info.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "plugin/PluginFiles.hpp"

namespace aicore::host {
namespace fs = std::filesystem;

std::shared_ptr<Provider> PluginSet::provider(const std::string& name) const {
  for (const auto& p : providers)
    if (p->name() == name) return p;
  return nullptr;
}

std::string default_plugin_dir() {
  fs::path exe_dir = boost::dll::program_location().parent_path().string();
  fs::path beside = exe_dir / "plugins";
  std::error_code ec;
  if (fs::is_directory(beside, ec)) return beside.string();
  for (const char* libdir : {"lib", "lib64"}) {
    fs::path installed = exe_dir.parent_path() / libdir / "aicore-proxy" / "plugins";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return beside.string();
}

namespace {

bool listed(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string settings_for(const Config& config, const std::string& name) {
  auto it = config.plugins.settings.find(name);
  return it == config.plugins.settings.end() ? std::string("{}") : it->second;
}

// The client-auth plugin receives the configured keys alongside its own settings.
std::string client_auth_settings(const Config& config, const std::string& name) {
  auto s = nlohmann::json::parse(settings_for(config, name));
  // "keys": the plain keys, for plugins older than ABI 1.3; "clients": every enabled key by
  // name and digest (a key the config holds only as a digest reaches 1.3 plugins alone).
  auto keys = nlohmann::json::array();
  auto clients = nlohmann::json::array();
  for (const auto& k : config.client_keys) {
    if (!k.enabled) continue;
    if (!k.key.empty()) keys.push_back(k.key);
    clients.push_back({{"name", k.name}, {"sha256", k.sha256}});
  }
  s["keys"] = std::move(keys);
  s["clients"] = std::move(clients);
  return s.dump();
}

// The plugin files in `dir`, in name order; nullopt when the folder is missing or unsafe.
std::optional<std::vector<fs::path>> plugin_files(const std::string& dir, bool insecure_ok) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    spdlog::error("plugin folder {} does not exist: no plugins loaded", dir);
    return std::nullopt;
  }
  if (auto bad = unsafe_plugin_path(dir)) {
    if (!insecure_ok) {
      spdlog::error(
          "plugin folder {}: {}: no plugins loaded (fix the permissions, or set "
          "plugins.allow_insecure_permissions for development)",
          dir, *bad);
      return std::nullopt;
    }
    spdlog::warn("plugin folder {}: {} (accepted: plugins.allow_insecure_permissions)", dir, *bad);
  }
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".so") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Opens the library of an enabled plugin whose file is safe to load; nothing (with r.status
// saying why) when it is not.
std::shared_ptr<PluginLibrary> open_plugin(PluginReport& r, const std::string& name, bool insecure_ok) {
  if (auto bad = unsafe_plugin_path(r.file)) {
    if (!insecure_ok) {
      r.status = *bad + ": not loaded (fix the permissions, or set plugins.allow_insecure_permissions for development)";
      spdlog::error("plugin {}: {}", r.file, r.status);
      return nullptr;
    }
    spdlog::warn("plugin {}: {} (accepted: plugins.allow_insecure_permissions)", r.file, *bad);
  }
  try {
    auto lib = PluginLibrary::load(r.file);
    if (lib->name() != name)
      throw std::runtime_error("declares the name '" + lib->name() + "': a plugin's file must be named <name>.so (" +
                               lib->name() +
                               ".so), so that plugins.enabled and plugins.disabled apply before it "
                               "is loaded; not used");
    return lib;
  } catch (const std::exception& e) {
    r.status = e.what();
    spdlog::error("plugin {}: {}", r.file, e.what());
    return nullptr;
  }
}

// Takes the interfaces a loaded library offers into `set` (the first client-auth and upstream-auth
// plugins win).
void use_interfaces(const std::shared_ptr<PluginLibrary>& lib, PluginReport& r, const Config& config, PluginSet& set) {
  r.name = lib->name();
  r.version = lib->version();
  r.abi = lib->abi_version();
  r.interfaces = lib->interface_names();
  try {
    if (const void* t = lib->find_interface(ACP_IFACE_PROVIDER_V1))
      set.providers.push_back(
          std::make_shared<Provider>(lib, read_table<acp_provider_v1>(t), settings_for(config, r.name)));
    if (const void* t = lib->find_interface(ACP_IFACE_CLIENT_AUTH_V1); t && !set.client_auth)
      set.client_auth = std::make_shared<ClientAuthPlugin>(lib, read_table<acp_client_auth_v1>(t),
                                                           client_auth_settings(config, r.name));
    if (const void* t = lib->find_interface(ACP_IFACE_UPSTREAM_AUTH_V1); t && !set.upstream_auth)
      set.upstream_auth =
          std::make_shared<UpstreamAuthPlugin>(lib, read_table<acp_upstream_auth_v1>(t), settings_for(config, r.name));
    r.status = "loaded";
    spdlog::info("plugin {} {} loaded from {} (ABI {}; {})", r.name, r.version, r.file, r.abi,
                 fmt::join(r.interfaces, ", "));
  } catch (const std::exception& e) {
    r.status = e.what();
    spdlog::error("plugin {} ({}): {}: not used", r.name, r.file, e.what());
  }
}

}  // namespace

PluginSet load_plugins(const std::string& dir, const Config& config) {
  PluginSet set;
  const bool insecure_ok = config.plugins.allow_insecure_permissions;
  const auto files = plugin_files(dir, insecure_ok);
  if (!files) return set;
  for (const auto& f : *files) {
    PluginReport r;
    r.file = f.string();
    // A plugin's name is its file name without ".so" (the name its descriptor must declare), so
    // the enabled/disabled lists apply before the library is opened: a disabled plugin's code,
    // its static constructors and entry point included, never runs.
    const std::string name = f.stem().string();
    const bool enabled = (config.plugins.enabled.empty() || listed(config.plugins.enabled, name)) &&
                         !listed(config.plugins.disabled, name);
    if (!enabled) {
      r.name = name;
      r.status = "disabled";
      spdlog::info("plugin {} ({}) is disabled by the config: not loaded", name, r.file);
    } else if (auto lib = open_plugin(r, name, insecure_ok)) {
      use_interfaces(lib, r, config, set);
    }
    set.reports.push_back(std::move(r));
  }
  for (const auto& name : config.plugins.enabled)
    if (std::none_of(set.reports.begin(), set.reports.end(), [&](const PluginReport& r) { return r.name == name; }))
      spdlog::warn("plugins.enabled names '{}', but no such plugin is in {}", name, dir);
  return set;
}

}  // namespace aicore::host
