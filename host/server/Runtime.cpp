#include "server/Runtime.hpp"

#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "plugin/HostApi.hpp"

namespace aicore::host {
namespace {

// Asks the upstream-auth plugin how to request a token, performs the request, and reads the answer.
FetchedToken fetch_token(Runtime& rt, const std::string& subaccount_name) {
  const SubAccount* sub = nullptr;
  for (const auto& s : rt.config.subaccounts)
    if (s.name == subaccount_name) sub = &s;
  if (!sub) throw TokenError("unknown subaccount " + subaccount_name);
  UpstreamRequest req;
  PluginFailure fail;
  if (!rt.plugins.upstream_auth->build_token_request(sub->key.json, req, fail))
    throw TokenError("subaccount " + sub->name + ": cannot build token request: " + fail.message);
  UpstreamCall call;
  call.url = req.target;
  call.method = req.method;
  call.body = req.body;
  call.content_type = "application/x-www-form-urlencoded";
  // A slow token endpoint must not hold every request of the subaccount for read_timeout_s
  // (minutes, sized for long generations): it gets its own, short timeout.
  call.read_timeout_s = rt.config.upstream.token_timeout_s;
  call.max_body_bytes = kMaxTokenAnswerBytes;  // a JWT and a few fields; anything larger fails
  for (auto& [n, v] : req.headers) {
    if (n == "Content-Type" || n == "content-type")
      call.content_type = v;
    else
      call.headers.emplace_back(n, v);
  }
  UpstreamResponse resp;
  try {
    resp = rt.upstream->send(call);
  } catch (const std::exception& e) {
    throw TokenError("subaccount " + sub->name + ": token endpoint unreachable: " + redact(e.what()));
  }
  Token tok;
  if (!rt.plugins.upstream_auth->parse_token_response(resp.status, resp.body, tok, fail))
    throw TokenError("subaccount " + sub->name + ": token request failed (HTTP " + std::to_string(resp.status) +
                     "): " + redact(fail.message));
  Redactor::instance().add(tok.access_token);
  spdlog::debug("token fetched for subaccount {} (expires in {} s)", sub->name, tok.expires_in_s);
  return FetchedToken{tok.access_token, tok.expires_in_s};
}

}  // namespace

std::unique_ptr<Runtime> Runtime::build(Config config, PluginSet plugins) {
  auto rt = std::make_unique<Runtime>();
  rt->config = std::move(config);
  rt->plugins = std::move(plugins);
  rt->started_unix = host_api()->unix_time();
  if (!rt->config.client_keys.empty() && !rt->plugins.client_auth)
    throw ConfigError("secret_authentication_tokens: keys are configured but no client-auth plugin is loaded "
                      "(enable the 'auth' plugin); refusing to start open");
  if (!rt->plugins.upstream_auth)
    throw ConfigError("plugins: no upstream-auth plugin is loaded (enable the 'auth' plugin)");
  rt->router = std::make_unique<Router>(rt->config, rt->plugins.providers);
  for (const auto& m : rt->router->orphans())
    spdlog::warn("model '{}' matches no enabled provider plugin: requests for it answer 404", m);
  for (size_t i = 0; i < rt->config.subaccounts.size(); ++i)
    for (const auto& [model, urls] : rt->config.subaccounts[i].deployment_models) rt->balancer.add(model, i, urls);
  rt->cooldowns = std::make_unique<Cooldowns>(rt->config.retry);
  rt->upstream = std::make_unique<UpstreamClient>(rt->config.upstream);
  Runtime* self = rt.get();
  rt->tokens = std::make_unique<TokenCache>([self](const std::string& sub) { return fetch_token(*self, sub); });
  return rt;
}

}  // namespace aicore::host
