// acp.upstream_auth.v1: SAP AI Core's OAuth client-credentials flow against XSUAA.
// `POST {url}/oauth/token`, by default as a form body (grant_type, client_id, client_secret, as
// SAP's docs show); settings {"token_request":"basic"} switches to the Python proxy's form
// (?grant_type=client_credentials with HTTP Basic credentials).
#pragma once

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace aicore::auth {

std::string url_encode(std::string_view s);
std::string base64(std::string_view s);

class XsuaaAuth : public UpstreamAuth {
 public:
  explicit XsuaaAuth(std::string_view settings_json);
  void build_token_request(std::string_view service_key_json, const RequestOut& out) const override;
  std::pair<std::string, int64_t> parse_token_response(int status, std::string_view body) const override;

 private:
  bool basic_ = false;
};

}  // namespace aicore::auth
