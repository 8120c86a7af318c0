#include "cli/ConfigureCommand.hpp"

#include <algorithm>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/ClientFiles.hpp"
#include "cli/ClientSettings.hpp"
#include "cli/LineDiff.hpp"
#include "cli/NamedArgs.hpp"
#include "cli/SettingsFile.hpp"
#include "config/Config.hpp"

namespace aicore::host {
namespace {

constexpr int kUsageError = 2;
constexpr const char* kUsage =
    "usage: aicore-proxy configure claude-code|codex|gemini-cli|cline|opencode --config FILE [--model MODEL]\n"
    "                              [--key KEY] [--write]\n";

struct Request {
  ClientKind client{};
  std::map<std::string, std::string> named;
  bool write = false;
};

// The client and the options; a message (and false) for anything wrong.
bool parse_request(std::vector<std::string> args, Request& r, std::string& error) {
  const auto client = args.empty() ? std::nullopt : client_kind(args[0]);
  if (!client) {
    error = args.empty() ? "which client?" : "unknown client '" + args[0] + "'";
    return false;
  }
  r.client = *client;
  const auto flag = std::find(args.begin() + 1, args.end(), "--write");
  if (flag != args.end()) {
    r.write = true;
    args.erase(flag);
  }
  try {
    r.named = named_args(args, 1, {"--config", "--model", "--key", "--write"});
  } catch (const NamedArgsError& e) {
    error = e.what();
    return false;
  }
  if (r.named.count("--write")) error = "--write takes no value";
  if (!r.named.count("--config")) error = "--config is required";
  if (r.named.count("--key") && r.named["--key"].empty()) error = "--key must not be empty";
  return error.empty();
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> opt(const std::map<std::string, std::string>& named, const char* name) {
  const auto it = named.find(name);
  return it == named.end() ? std::nullopt : std::optional<std::string>(it->second);
}

// --write: the diff, then the file replaced; nothing at all when it already holds these settings.
int write_settings(const Request& r, const ConfigureTarget& t, const std::string& home, std::ostream& out,
                   std::ostream& err) {
  const std::string path = home + *settings_file(r.client);
  try {
    const auto old = read_settings_file(path);
    const std::string updated = updated_settings(r.client, t, old);
    if (old && *old == updated) {
      out << path << " already has these settings: nothing to change.\n";
    } else {
      out << unified_diff(old.value_or(""), updated, old ? path : "/dev/null", path + " (new)") << "\n";
      write_settings_file(path, updated);
      out << "wrote " << path << (old ? " (the previous version is " + path + ".bak)" : "") << "\n";
    }
  } catch (const std::runtime_error& e) {  // SettingsFileError, JsonSettingsError, TomlEditError
    err << "aicore-proxy configure: " << path << ": " << e.what() << " (nothing written)\n";
    return 1;
  }
  out << render_after_write(r.client, t);
  return 0;
}

}  // namespace

int configure_command(const std::vector<std::string>& args, const std::string& home, std::ostream& out,
                      std::ostream& err) {
  Request r;
  if (std::string error; !parse_request(args, r, error)) {
    err << "aicore-proxy configure: " << error << "\n" << kUsage;
    return kUsageError;
  }
  if (r.write && r.client == ClientKind::Cline) {
    err << "aicore-proxy configure: Cline keeps its settings inside VS Code's own storage, not in a file this "
           "command could edit; enter the fields `aicore-proxy configure cline --config FILE` prints in Cline's "
           "settings\n";
    return kUsageError;
  }
  const std::string config_path = r.named["--config"];
  ConfigureTarget t;
  try {
    const Config config = load_config_file(config_path);
    t = make_target(config, file_text(config_path), r.client, opt(r.named, "--key"), opt(r.named, "--model"));
  } catch (const ConfigError& e) {
    err << "aicore-proxy: config error: " << e.what() << "\n";
    return kUsageError;
  } catch (const UnknownModelError& e) {
    err << "aicore-proxy configure: " << e.what() << "\n";
    return kUsageError;
  }
  if (t.models.empty()) {
    err << "aicore-proxy configure: " << config_path << " serves no models (no deployment_models)\n";
    return kUsageError;
  }
  if (!r.write) {
    out << render_client_settings(r.client, t);
    return 0;
  }
  if (home.empty()) {
    err << "aicore-proxy configure: HOME is not set, so there is no settings file to write\n";
    return kUsageError;
  }
  render_header(out, r.client, t);
  return write_settings(r, t, home, out, err);
}

}  // namespace aicore::host
