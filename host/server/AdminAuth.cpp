#include "server/AdminAuth.hpp"

#include <Poco/String.h>

namespace aicore::host {
namespace {

std::string_view bearer(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) v.remove_prefix(7);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

// Equal digests (both 64 hex digits), in time that does not depend on where they differ.
bool same_digest(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  return diff == 0;
}

}  // namespace

bool loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

bool has_admin_key(const Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& admin_keys) {
  unsigned ok = 0;
  for (const char* header : {"Authorization", "x-api-key"}) {
    const std::string_view presented = bearer(req.get(header, ""));
    if (presented.empty()) continue;
    const std::string digest = sha256_hex(presented);
    for (const auto& k : admin_keys) {
      const std::string want = k.starts_with("sha256:") ? Poco::toLower(k.substr(7)) : sha256_hex(k);
      ok |= static_cast<unsigned>(same_digest(digest, want));
    }
  }
  return ok != 0;
}

int metrics_access(const Config& config, const Poco::Net::HTTPServerRequest& req, std::string& why,
                   std::string_view route) {
  const std::string& mode = config.metrics.auth;
  if (mode == "none" || (mode == "auto" && loopback_host(config.host))) return 0;
  if (config.admin_keys.empty()) {
    why = std::string(route) +
          " on a listener beyond this machine needs an admin key: set admin_keys in the config (or "
          "metrics.auth \"none\" when a network policy guards it)";
    return 403;
  }
  if (has_admin_key(req, config.admin_keys)) return 0;
  why = std::string(route) + " needs an admin key: send 'Authorization: Bearer <admin key>'";
  return 401;
}

}  // namespace aicore::host
