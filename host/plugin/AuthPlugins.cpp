#include "plugin/AuthPlugins.hpp"

#include <stdexcept>

namespace aicore::host {

ClientAuthPlugin::ClientAuthPlugin(std::shared_ptr<PluginLibrary> lib, const acp_client_auth_v1& t,
                                   const std::string& settings)
    : lib_(std::move(lib)), t_(t) {
  if (!t_.create || !t_.destroy || !t_.check) throw std::runtime_error("client-auth table lacks a required function");
  ErrorSink err;
  if (t_.create(as(settings), &h_, &err.sink) != ACP_OK || !h_)
    throw std::runtime_error("settings rejected: " + err.failure.message);
}

ClientAuthPlugin::~ClientAuthPlugin() {
  if (h_) t_.destroy(h_);
}

bool ClientAuthPlugin::check(const std::vector<acp_header>& headers, std::string& message, std::string* who) const {
  ErrorSink err;
  acp_status st;
  if (who && t_.identify) {  // read_table left it NULL for a plugin older than 1.3
    acp_name_out out{who, [](void* ctx, acp_str name) { static_cast<std::string*>(ctx)->assign(name.ptr, name.len); }};
    st = t_.identify(h_, headers.data(), headers.size(), &out, &err.sink);
  } else {
    st = t_.check(h_, headers.data(), headers.size(), &err.sink);
  }
  if (st == ACP_OK) return true;
  message = err.failure.message.empty() ? "invalid API key" : err.failure.message;
  return false;
}

UpstreamAuthPlugin::UpstreamAuthPlugin(std::shared_ptr<PluginLibrary> lib, const acp_upstream_auth_v1& t,
                                       const std::string& settings)
    : lib_(std::move(lib)), t_(t) {
  if (!t_.create || !t_.destroy || !t_.build_token_request || !t_.parse_token_response)
    throw std::runtime_error("upstream-auth table lacks a required function");
  ErrorSink err;
  if (t_.create(as(settings), &h_, &err.sink) != ACP_OK || !h_)
    throw std::runtime_error("settings rejected: " + err.failure.message);
}

UpstreamAuthPlugin::~UpstreamAuthPlugin() {
  if (h_) t_.destroy(h_);
}

bool UpstreamAuthPlugin::build_token_request(std::string_view key, UpstreamRequest& out, PluginFailure& fail) const {
  RequestSink rs;
  ErrorSink err;
  acp_status st = t_.build_token_request(h_, as(key), &rs.out, &err.sink);
  if (st != ACP_OK) {
    fail = std::move(err.failure);
    fail.status = st;
    return false;
  }
  out = std::move(rs.req);
  return true;
}

bool UpstreamAuthPlugin::parse_token_response(int status, std::string_view body, Token& out,
                                              PluginFailure& fail) const {
  Token tok;
  acp_token_out sink{&tok, [](void* c, acp_str t, int64_t exp) {
                       auto* tk = static_cast<Token*>(c);
                       tk->access_token.assign(sv(t));
                       tk->expires_in_s = exp;
                     }};
  ErrorSink err;
  acp_status st = t_.parse_token_response(h_, status, as(body), &sink, &err.sink);
  if (st != ACP_OK || tok.access_token.empty()) {
    fail = std::move(err.failure);
    fail.status = st == ACP_OK ? ACP_ERR_UPSTREAM : st;
    if (fail.message.empty()) fail.message = "token endpoint answered no access_token";
    return false;
  }
  out = std::move(tok);
  return true;
}

}  // namespace aicore::host
