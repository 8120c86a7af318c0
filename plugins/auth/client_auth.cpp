#include "client_auth.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

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
  std::string_view gkey = headers.get("x-goog-api-key");  // the Gemini API's header (and its ?key=)
  if (!gkey.empty()) out.push_back(gkey);
  return out;
}

std::string sha256_hex(std::string_view text) {
  // SHA256() looks the algorithm up in OpenSSL 3's provider registry on every call (a third of its
  // cost for a short key); the fetched method is immutable and safe to share between threads.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int n = 0;
  if (!kSha256 || !EVP_Digest(text.data(), text.size(), digest, &n, kSha256, nullptr) || n != sizeof digest)
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
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
  if (s.contains("clients")) {
    if (!s["clients"].is_array()) throw PluginError(ACP_ERR_CONFIG, "clients: must be an array");
    for (const auto& c : s["clients"]) {
      const bool ok = c.is_object() && c.contains("name") && c["name"].is_string() && c.contains("sha256") &&
                      c["sha256"].is_string() && c["sha256"].get<std::string>().size() == 64;
      if (!ok)
        throw PluginError(ACP_ERR_CONFIG, "clients: every entry needs a name and the key's sha256 (64 hex digits)");
      std::string digest = c["sha256"].get<std::string>();
      std::transform(digest.begin(), digest.end(), digest.begin(), [](unsigned char ch) { return std::tolower(ch); });
      names_.emplace(std::move(digest), c["name"].get<std::string>());
    }
    keys_.clear();  // the same keys, by name
    named_ = true;  // even none: every key is disabled, nobody is let in
  }
}

std::string KeyAuth::identify(const Headers& headers) const {
  if (!named_ && keys_.empty()) return {};  // open access: the host warns about it at start-up
  auto presented = presented_keys(headers);
  if (presented.empty())
    throw PluginError(ACP_ERR_UNAUTHORIZED,
                      "missing API key: send 'Authorization: Bearer <key>', 'x-api-key: <key>' or (Gemini API) "
                      "'x-goog-api-key: <key>'",
                      "authentication_error", 401);
  for (auto p : presented) {
    if (matches_any_key(p, keys_)) return {};
    if (names_.empty()) continue;
    // Found by its digest: how long a lookup takes can say something about a digest, never
    // about a key (finding a key from its SHA-256 is what SHA-256 prevents), and it stays fast
    // with thousands of keys.
    if (const auto it = names_.find(sha256_hex(p)); it != names_.end()) return it->second;
  }
  throw PluginError(ACP_ERR_UNAUTHORIZED, "invalid API key", "authentication_error", 401);
}

}  // namespace aicore::auth
