// Command line: aicore-proxy --config FILE [--debug] [--plugin-dir DIR] [--port N] [--host H]
//               [--check-config] [--list-plugins] [--version] [--help]
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace aicore::host {

struct Options {
  std::string config;
  std::string plugin_dir;
  std::optional<int> port;
  std::optional<std::string> host;
  bool debug = false;
  bool check_config = false;
  bool list_plugins = false;
  bool version = false;
  bool help = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Accepts "--name value" and "--name=value". Throws UsageError.
Options parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace aicore::host
