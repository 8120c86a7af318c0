// acp.client_auth.v1: which clients may use the proxy. A client presents one of the configured
// keys as `Authorization: Bearer <key>` (OpenAI SDKs; a bare `Authorization: <key>` is accepted
// like the Python proxy did) or `x-api-key: <key>` (Anthropic SDKs). Exact match only, compared
// in constant time; the Python proxy's substring match let "a" unlock a key containing "a".
#pragma once

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace aicore::auth {

// True when `presented` equals one of `keys`. Time depends only on the sizes involved, not on
// where the first differing byte is or which key matched.
bool matches_any_key(std::string_view presented, const std::vector<std::string>& keys);

// The key a client presented, from Authorization (with or without "Bearer ") or x-api-key.
std::vector<std::string_view> presented_keys(const Headers& headers);

class KeyAuth : public ClientAuth {
 public:
  explicit KeyAuth(std::string_view settings_json);
  void check(const Headers& headers) const override;

 private:
  std::vector<std::string> keys_;
};

}  // namespace aicore::auth
