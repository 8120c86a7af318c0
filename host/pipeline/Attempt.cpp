#include "pipeline/Attempt.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "log/Log.hpp"

namespace aicore::host {
namespace {

// The most useful message in an upstream error body: error.message, message, or the raw text.
std::string upstream_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error")) {
      const auto& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
      if (e.is_string()) {
        std::string m = e.get<std::string>();
        if (j.contains("error_description") && j["error_description"].is_string())
          m += ": " + j["error_description"].get<std::string>();
        return m;
      }
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  }
  std::string raw = body.substr(0, 300);
  return raw.empty() ? "no body" : raw;
}

// What changes from one attempt to the next: the deployment and the token.
const UpstreamCall& aim(Exchange& x, const Target& t, const SubAccount& sub, const std::string& token) {
  x.call.url = t.url + x.upstream.target;
  x.call.headers = {{"Authorization", "Bearer " + token}, {"AI-Resource-Group", sub.resource_group}};
  for (const auto& h : x.upstream.headers) x.call.headers.push_back(h);
  return x.call;
}

}  // namespace

Outcome judge_upstream_error(Exchange& x, const UpstreamResponse& r) {
  ResponseView rv{x.dialect.name, x.route->model_key, x.upstream.context, r.status, r.content_type, r.body};
  std::string classified;
  const acp_error_class cls = x.route->provider->classify_error(rv, classified);
  std::string message = classified.empty() ? upstream_message(r.body) : classified;
  spdlog::warn("request {}: {} deployment {} answered {}: {}", x.rec.id, x.rec.subaccount, x.rec.deployment, r.status,
               redact(message.substr(0, 300)));
  const int status = r.status >= 400 && r.status < 600 ? r.status : 502;
  if (cls == ACP_UPSTREAM_TOO_LONG && x.context_fallback) {
    // Final for this model (its other deployments have the same window); the fallback loop sends
    // the request to the model's context-window fallback.
    x.too_long = GiveUp{status, std::move(message), {}, true};
    return Outcome::finished(Outcome::Health::Fine);
  }
  if (cls != ACP_UPSTREAM_RETRY && cls != ACP_UPSTREAM_REAUTH) {  // fatal, too long, or unknown
    // It answered: the deployment is fine, the request is not. The client gets the upstream's word.
    x.fail(status, message);
    return Outcome::finished(Outcome::Health::Fine);
  }
  Outcome o = Outcome::retry(r.status == 429 ? Outcome::Health::RateLimited : Outcome::Health::Failing, r.status,
                             std::move(message), r.retry_after);
  if (cls == ACP_UPSTREAM_REAUTH) o.then = Outcome::Then::Reauthorize;
  return o;
}

Outcome attempt(Exchange& x, const Target& t, bool may_reauthorize) {
  const SubAccount& sub = x.rt.subaccount(t.subaccount);
  std::string token;
  try {
    token = x.rt.tokens->get(sub.name);
  } catch (const TokenError& e) {
    // The token endpoint is the subaccount's, not the deployment's: fail over, cool nothing.
    spdlog::warn("request {}: {}", x.rec.id, redact(e.what()));
    return Outcome::retry(Outcome::Health::Unknown, 502, e.what());
  }
  const UpstreamCall& call = aim(x, t, sub, token);
  try {
    Outcome o = x.stream ? relay_stream(x, call) : relay_whole(x, call);
    if (o.then == Outcome::Then::Reauthorize && may_reauthorize) x.rt.tokens->invalidate(sub.name, token);
    return o;
  } catch (const UpstreamAborted&) {
    throw;  // the drain deadline: the whole request ends (forward settles the claim)
  } catch (const UpstreamIoError& e) {
    spdlog::warn("request {}: {} deployment {}: {}", x.rec.id, sub.name, x.rec.deployment, redact(e.what()));
    return Outcome::retry(Outcome::Health::Failing, 502, e.what());
  }
}

}  // namespace aicore::host
