#include "client_auth.hpp"

#include <nlohmann/json.hpp>

namespace aicore::auth {

bool matches_any_key(std::string_view presented, const std::vector<std::string>& keys) {
  unsigned ok = 0;
  for (const auto& key : keys) {
    // Fold the length difference in, then compare every byte of the presented key against the
    // key (cycled), so the loop's length never depends on the secret's contents.
    size_t diff = presented.size() ^ key.size();
    const size_t n = presented.size();
    for (size_t i = 0; i < n; ++i)
      diff |=
          static_cast<unsigned char>(presented[i]) ^ static_cast<unsigned char>(key.empty() ? 0 : key[i % key.size()]);
    ok |= static_cast<unsigned>(diff == 0 && !key.empty());
  }
  return ok != 0;
}

std::vector<std::string_view> presented_keys(const Headers& headers) {
  std::vector<std::string_view> out;
  std::string_view auth = headers.get("authorization");
  while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) auth.remove_prefix(7);
  while (!auth.empty() && auth.back() == ' ') auth.remove_suffix(1);
  if (!auth.empty()) out.push_back(auth);
  std::string_view xkey = headers.get("x-api-key");
  if (!xkey.empty()) out.push_back(xkey);
  return out;
}

KeyAuth::KeyAuth(std::string_view settings_json) {
  auto s = nlohmann::json::parse(settings_json, nullptr, false);
  if (!s.is_object()) throw PluginError(ACP_ERR_CONFIG, "auth settings must be a JSON object");
  if (s.contains("keys")) {
    if (!s["keys"].is_array()) throw PluginError(ACP_ERR_CONFIG, "keys: must be an array of strings");
    for (const auto& k : s["keys"]) {
      if (!k.is_string() || k.get<std::string>().empty())
        throw PluginError(ACP_ERR_CONFIG, "keys: every key must be a non-empty string");
      keys_.push_back(k.get<std::string>());
    }
  }
}

void KeyAuth::check(const Headers& headers) const {
  if (keys_.empty()) return;  // open access: the host warns about it at start-up
  auto presented = presented_keys(headers);
  if (presented.empty())
    throw PluginError(ACP_ERR_UNAUTHORIZED, "missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'",
                      "authentication_error", 401);
  for (auto p : presented)
    if (matches_any_key(p, keys_)) return;
  throw PluginError(ACP_ERR_UNAUTHORIZED, "invalid API key", "authentication_error", 401);
}

}  // namespace aicore::auth
