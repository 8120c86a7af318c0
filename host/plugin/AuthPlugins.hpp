// C++ faces of the auth interfaces: acp.client_auth.v1 and acp.upstream_auth.v1.
#pragma once

#include <aicore/abi.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/PluginLibrary.hpp"
#include "plugin/Sinks.hpp"

namespace aicore::host {

class ClientAuthPlugin {
 public:
  ClientAuthPlugin(std::shared_ptr<PluginLibrary> lib, const acp_client_auth_v1& t, const std::string& settings_json);
  ~ClientAuthPlugin();
  ClientAuthPlugin(const ClientAuthPlugin&) = delete;
  const std::string& name() const { return lib_->name(); }
  uint32_t abi_minor() const { return lib_->abi_minor(); }
  // true when allowed; otherwise `message` says why (naming no key). `who`, when given, receives
  // the caller's configured name (ABI 1.3 plugins; older ones and unnamed keys leave it empty).
  bool check(const std::vector<acp_header>& headers, std::string& message, std::string* who = nullptr) const;

 private:
  std::shared_ptr<PluginLibrary> lib_;
  acp_client_auth_v1 t_;
  acp_client_auth* h_ = nullptr;
};

struct Token {
  std::string access_token;
  int64_t expires_in_s = 0;
};

class UpstreamAuthPlugin {
 public:
  UpstreamAuthPlugin(std::shared_ptr<PluginLibrary> lib, const acp_upstream_auth_v1& t,
                     const std::string& settings_json);
  ~UpstreamAuthPlugin();
  UpstreamAuthPlugin(const UpstreamAuthPlugin&) = delete;
  const std::string& name() const { return lib_->name(); }
  bool build_token_request(std::string_view service_key_json, UpstreamRequest& out, PluginFailure& fail) const;
  bool parse_token_response(int status, std::string_view body, Token& out, PluginFailure& fail) const;

 private:
  std::shared_ptr<PluginLibrary> lib_;
  acp_upstream_auth_v1 t_;
  acp_upstream_auth* h_ = nullptr;
};

}  // namespace aicore::host
