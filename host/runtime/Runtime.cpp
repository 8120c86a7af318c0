#include "runtime/Runtime.hpp"

#include <spdlog/spdlog.h>

#include "discovery/DiscoveredModels.hpp"
#include "log/Log.hpp"
#include "metrics/Metrics.hpp"
#include "plugin/HostApi.hpp"
#include "plugin/OutputChecks.hpp"
#include "tls/ClientCertificate.hpp"
#include "tls/TlsPolicy.hpp"

namespace aicore::host {
namespace {

// What identifies a credential in the token cache: the whole token request the upstream-auth
// plugin builds from the service key (token URL, client id and secret). A reload that leaves it
// unchanged keeps the token; any change fetches a new one.
std::string token_cache_key(const UpstreamRequest& req) {
  std::string key = req.method + '\n' + req.target + '\n';
  for (const auto& [n, v] : req.headers) key += n + ": " + v + '\n';
  return key + '\n' + req.body;
}

// Performs the token request and reads the answer through the upstream-auth plugin.
FetchedToken fetch_token(const Runtime& rt, const std::string& subaccount, const UpstreamCall& call) {
  UpstreamResponse resp;
  try {
    resp = rt.upstream->send(call);
  } catch (const std::exception& e) {
    metrics::Metrics::process().token_refresh(subaccount, false);
    throw TokenError("subaccount " + subaccount + ": token endpoint unreachable: " + redact(e.what()));
  }
  Token tok;
  PluginFailure fail;
  const bool ok = rt.plugins.upstream_auth->parse_token_response(resp.status, resp.body, tok, fail);
  metrics::Metrics::process().token_refresh(subaccount, ok);
  if (!ok)
    throw TokenError("subaccount " + subaccount + ": token request failed (HTTP " + std::to_string(resp.status) +
                     "): " + redact(fail.message));
  Redactor::instance().add(tok.access_token);
  spdlog::debug("token fetched for subaccount {} (expires in {} s)", subaccount, tok.expires_in_s);
  return FetchedToken{tok.access_token, tok.expires_in_s};
}

// Asks the upstream-auth plugin once how this subaccount's token is requested.
SubaccountTokens::Source token_source(const Runtime& rt, const SubAccount& sub) {
  UpstreamRequest req;
  PluginFailure fail;
  std::string problem;
  if (!rt.plugins.upstream_auth->build_token_request(sub.key.json, req, fail))
    problem = "cannot build token request: " + fail.message;
  else if (auto bad = upstream_request_problem(req, RequestKind::Token))
    problem = "plugin " + rt.plugins.upstream_auth->name() + " built an invalid token request: " + *bad;
  if (!problem.empty()) {
    // Every request for the subaccount gets this error (the others keep working).
    std::string error = "subaccount " + sub.name + ": " + redact(problem);
    return {"unusable:" + sub.name, [error]() -> FetchedToken { throw TokenError(error); }};
  }
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
  // An X.509 key's token endpoint (certurl) authenticates the client by its certificate. A bad
  // certificate or key fails the build (start-up, --check-config, SIGHUP) with the field's name.
  if (sub.key.x509())
    call.tls = make_client_certificate_context(rt.config.upstream, sub.key.certificate, sub.key.key,
                                               "subAccounts." + sub.name + ": the service key's");
  const Runtime* self = &rt;
  return {token_cache_key(req), [self, name = sub.name, call] { return fetch_token(*self, name, call); }};
}

}  // namespace

std::unique_ptr<Runtime> Runtime::build(Config config, PluginSet plugins, const Runtime* previous) {
  auto rt = std::make_unique<Runtime>();
  rt->config = std::move(config);
  rt->plugins = std::move(plugins);
  // Discovered deployments join the explicit ones here, on every path that builds a runtime.
  if (previous) inherit_discovered(rt->config, previous->config);
  apply_discovered(rt->config, [&](const std::string& model) {
    return provider_for_model(rt->config, rt->plugins.providers, model) != nullptr;
  });
  rt->started_unix = host_api()->unix_time();
  check_tls_policies(rt->config);
  if (!rt->config.client_keys.empty() && !rt->plugins.client_auth)
    throw ConfigError(
        "secret_authentication_tokens: keys are configured but no client-auth plugin is loaded "
        "(enable the 'auth' plugin); refusing to start open");
  if (rt->plugins.client_auth && rt->plugins.client_auth->abi_minor() < 3)
    for (const auto& k : rt->config.client_keys)
      if (k.key.empty())
        spdlog::warn(
            "client_keys {}: the client-auth plugin {} predates ABI 1.3 and knows keys only as written, not "
            "by digest: this key cannot log in",
            k.name, rt->plugins.client_auth->name());
  if (!rt->plugins.upstream_auth)
    throw ConfigError("plugins: no upstream-auth plugin is loaded (enable the 'auth' plugin)");
  rt->router = std::make_unique<Router>(rt->config, rt->plugins.providers);
  for (const auto& m : rt->router->orphans())
    spdlog::warn("model '{}' matches no enabled provider plugin: requests for it answer 404", m);
  for (size_t i = 0; i < rt->config.subaccounts.size(); ++i)
    for (const auto& [model, urls] : rt->config.subaccounts[i].deployment_models)
      rt->balancer.add(model, i, urls, rt->config.subaccounts[i].weight, rt->config.subaccounts[i].priority);
  rt->upstream = std::make_unique<UpstreamClient>(rt->config.upstream);
  std::map<std::string, SubaccountTokens::Source> sources;
  for (const auto& sub : rt->config.subaccounts) sources[sub.name] = token_source(*rt, sub);
  rt->tokens = std::make_unique<SubaccountTokens>(inherit_token_cache(previous), std::move(sources));
  rt->cooldowns = inherit_cooldowns(rt->config, previous);
  rt->affinity = inherit_affinity(rt->config, previous);
  return rt;
}

}  // namespace aicore::host
