// Logging: spdlog set up once at start-up, plus a redactor that keeps every secret out of the logs.
#pragma once

#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/Config.hpp"

namespace aicore::host {

// Sets up the default spdlog logger (stderr or a file); `debug` forces debug level.
void setup_logging(const LogSettings& settings, bool debug);

// Replaces every known secret (client keys, client secrets, bearer tokens) with "***".
// Secrets are added at start-up and whenever a token is fetched; thread-safe.
class Redactor {
 public:
  static Redactor& instance();
  void add(std::string secret);
  std::string redact(std::string_view text) const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::string> secrets_;
};

inline std::string redact(std::string_view text) { return Redactor::instance().redact(text); }

}  // namespace aicore::host
