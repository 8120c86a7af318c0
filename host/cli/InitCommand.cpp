#include "cli/InitCommand.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

#include "cli/KeysCommand.hpp"
#include "cli/SettingsFile.hpp"
#include "config/ClientKey.hpp"
#include "config/Config.hpp"

namespace aicore::host {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr int kUsageError = 2;
constexpr const char* kUsage =
    "usage: aicore-proxy init --service-key KEY.json [--service-key KEY2.json ...] [--out config.json]\n"
    "                         [--port 3001] [--force]\n";

struct InitArgs {
  std::vector<std::string> keys;
  std::string out = "config.json";
  int port = 3001;
  bool force = false;
};

// --service-key may repeat, so not NamedArgs (each name once).
InitArgs parse_args(const std::vector<std::string>& args) {
  InitArgs a;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    if (name == "--force") {
      a.force = true;
      continue;
    }
    if (const size_t eq = name.find('='); eq != std::string::npos && name.starts_with("--")) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw std::invalid_argument("missing value for " + name);
    }
    if (name == "--service-key") {
      a.keys.push_back(value);
    } else if (name == "--out") {
      a.out = value;
    } else if (name == "--port") {
      size_t used = 0;
      const int port = std::stoi(value, &used);
      if (used != value.size() || port < 0 || port > 65535)
        throw std::invalid_argument("--port: must be 0 to 65535 (0: any free port)");
      a.port = port;
    } else {
      throw std::invalid_argument("unknown option " + name);
    }
  }
  if (a.keys.empty()) throw std::invalid_argument("at least one --service-key is needed");
  return a;
}

// A subaccount name from the key: its identity zone (the BTP subdomain) when it has one, else
// "subaccount<N>"; unique within the config.
std::string subaccount_name(const std::string& key_path, size_t index, std::set<std::string>& taken) {
  std::string base = "subaccount" + std::to_string(index + 1);
  std::ifstream in(key_path);
  const auto key = nlohmann::json::parse(in, nullptr, false);
  if (key.is_object() && key.contains("identityzone") && key["identityzone"].is_string() &&
      !key["identityzone"].get<std::string>().empty())
    base = key["identityzone"].get<std::string>();
  std::string name = base;
  for (int n = 2; taken.count(name); ++n) name = base + "-" + std::to_string(n);
  taken.insert(name);
  return name;
}

Json config_for(const InitArgs& a, const std::string& key_hash) {
  Json subs = Json::object();
  std::set<std::string> taken;
  for (size_t i = 0; i < a.keys.size(); ++i) {
    // Absolute: the config works from any folder, and the key stays where the operator keeps it.
    const std::string path = fs::absolute(a.keys[i]).lexically_normal().string();
    subs[subaccount_name(path, i, taken)] = Json{{"resource_group", "default"}, {"service_key_json", path}};
  }
  return Json{{"subAccounts", std::move(subs)},
              {"client_keys", Json::array({Json{{"name", "default"}, {"key", "sha256:" + key_hash}}})},
              {"host", "127.0.0.1"},
              {"port", a.port}};
}

}  // namespace

int init_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  InitArgs a;
  try {
    a = parse_args(args);
  } catch (const std::exception& e) {
    err << "aicore-proxy init: " << e.what() << "\n" << kUsage;
    return kUsageError;
  }
  if (fs::exists(a.out) && !a.force) {
    err << "aicore-proxy init: " << a.out << " exists; --force replaces it (the old one is kept as " << a.out
        << ".bak)\n";
    return kUsageError;
  }
  const std::string key = new_client_key();
  const std::string text = config_for(a, sha256_hex(key)).dump(2) + "\n";
  // The same checks as a start: every service key must load (paths, fields, URLs).
  const fs::path dir = fs::absolute(a.out).parent_path();
  try {
    parse_config(text, dir.string(), a.out);
  } catch (const ConfigError& e) {
    err << "aicore-proxy init: " << e.what() << "\n";
    return kUsageError;
  }
  try {
    write_settings_file(fs::absolute(a.out).string(), text);
  } catch (const SettingsFileError& e) {
    err << "aicore-proxy init: " << e.what() << "\n";
    return 1;
  }
  out << "Wrote " << a.out << ": " << a.keys.size()
      << " subaccount(s); their RUNNING deployments are discovered at start-up and every 5 minutes.\n\n"
      << "Client key (shown only now; the config keeps just its SHA-256):\n\n  " << key << "\n\n"
      << "Next:\n"
      << "  aicore-proxy deployments --config " << a.out << "     # what each subaccount has deployed\n"
      << "  aicore-proxy --config " << a.out << "                  # serve on http://127.0.0.1:" << a.port << "\n"
      << "  aicore-proxy configure claude-code --config " << a.out << " --key <the key above>\n";
  return 0;
}

}  // namespace aicore::host
