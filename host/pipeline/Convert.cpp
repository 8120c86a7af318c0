#include "pipeline/Convert.hpp"

#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "pipeline/Admit.hpp"
#include "pipeline/Fallback.hpp"
#include "pipeline/Quota.hpp"
#include "plugin/OutputChecks.hpp"
#include "routing/ConversationKey.hpp"
#include "server/HttpUtil.hpp"
#include "server/PluginOutput.hpp"

namespace aicore::host {
namespace {

// count_tokens and the like: the plugin answered without an upstream call.
bool answer_locally(Exchange& x) {
  if (auto bad = json_body_problem(x.upstream.local_body)) {
    spdlog::error("request {}: plugin {} answered with a body that is {}", x.rec.id, x.rec.plugin, *bad);
    return x.fail(502, "plugin " + x.rec.plugin + " produced an invalid answer: " + *bad);
  }
  x.rec.status = x.upstream.local_status;
  x.rec.mark_first_byte();
  send_json(x.resp, x.upstream.local_status, x.upstream.local_body);
  return false;
}

// The first session header the client sent (routing/ConversationKey.hpp).
std::string session_header(const Poco::Net::HTTPServerRequest& req) {
  for (const char* name : {"x-session-id", "session_id", "x-aicore-session", "x-claude-code-session-id"}) {
    // Not get(name, ""): it returns a reference to the temporary default (ASan: use after scope).
    const auto it = req.find(name);
    if (it != req.end() && !it->second.empty()) return it->second;
  }
  return {};
}

}  // namespace

bool convert(Exchange& x) {
  x.route = x.rt.router->resolve(x.model);
  if (!x.route)
    return x.fail(404, "The model '" + x.model + "' does not exist or is not deployed on this proxy",
                  x.family() == Family::Anthropic ? "not_found_error" : "invalid_request_error", "model_not_found");
  if (!allowed_model(x) || !charge_quota(x)) return false;
  x.rec.plugin = x.route->provider->name();
  if (x.rt.affinity_for(x.rec.plugin)) {
    const std::string session = session_header(x.req);
    x.conversation = conversation_key(x.dialect.name, x.route->model_key, x.body, SessionHints{session});
  }

  HeaderList headers(x.req, false);
  ProviderCall call{x.dialect.name, x.model, x.route->model_key, x.body, &headers.headers(), x.stream};
  PluginFailure pf;
  if (!x.route->provider->convert_request(call, x.upstream, pf)) {
    if (pf.status == ACP_ERR_INTERNAL)
      spdlog::error("request {}: plugin {}: {}", x.rec.id, x.rec.plugin, redact(pf.message));
    return x.fail(status_for(pf), pf.message, pf.type);
  }
  if (auto bad = x.upstream.local_status > 0 ? local_status_problem(x.upstream.local_status)
                                             : upstream_request_problem(x.upstream, RequestKind::Inference)) {
    const bool local = x.upstream.local_status > 0;
    spdlog::error("request {}: plugin {} produced an invalid {}: {}", x.rec.id, x.rec.plugin,
                  local ? "answer" : "upstream request", *bad);
    return x.fail(local ? 502 : 500, "plugin " + x.rec.plugin + " produced an invalid " +
                                         (local ? "answer: " : "upstream request: ") + *bad);
  }
  if (x.upstream.local_status > 0) return answer_locally(x);
  spdlog::debug("request {} upstream body: {}", x.rec.id, redact(x.upstream.body));
  // Converted: the client's body and the plugin's documents are gone; the upstream body stays
  // (and the client's body, when a fallback model may have to convert it again).
  const bool keep = may_fall_back(x);
  if (!keep) std::string().swap(x.body);
  x.memory.set(static_cast<int64_t>(x.upstream.body.size() + (keep ? x.body.size() : 0)));
  return true;
}

}  // namespace aicore::host
