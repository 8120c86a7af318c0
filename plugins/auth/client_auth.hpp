// acp.client_auth.v1: which clients may use the proxy. A client presents one of the configured
// keys as `Authorization: Bearer <key>` (OpenAI SDKs; a bare `Authorization: <key>` is accepted
// like the Python proxy did) or `x-api-key: <key>` (Anthropic SDKs). Exact match only, compared
// in constant time; the Python proxy's substring match let "a" unlock a key containing "a".
// Named keys ("clients", ABI 1.3) are held as SHA-256 digests: a presented key is hashed and
// looked up by its digest, and identify() answers the name found.
#pragma once

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aicore::auth {

// True when `presented` equals one of `keys`. Time depends only on the sizes involved, not on
// where the first differing byte is or which key matched.
bool matches_any_key(std::string_view presented, const std::vector<std::string>& keys);

// The key a client presented, from Authorization (with or without "Bearer ") or x-api-key.
std::vector<std::string_view> presented_keys(const Headers& headers);

// The SHA-256 of `text` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

class KeyAuth : public ClientAuth {
 public:
  explicit KeyAuth(std::string_view settings_json);
  void check(const Headers& headers) const override { identify(headers); }
  std::string identify(const Headers& headers) const override;

 private:
  std::vector<std::string> keys_;                       // plain keys, used when no "clients" were given (a 1.2 host)
  std::unordered_map<std::string, std::string> names_;  // SHA-256 (64 lower-case hex digits) -> name
  bool named_ = false;                                  // "clients" was given: only they are let in
};

}  // namespace aicore::auth
