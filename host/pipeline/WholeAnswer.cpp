// Relaying a whole (non-streamed) upstream answer: the plugin converts it, the host checks that
// the result is one JSON value, then sends it.
#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "pipeline/Attempt.hpp"
#include "server/HttpUtil.hpp"
#include "server/PluginOutput.hpp"
#include "server/RequestCost.hpp"

namespace aicore::host {

Outcome relay_whole(Exchange& x, const UpstreamCall& call) {
  const UpstreamResponse r = x.rt.upstream->send(call);
  // The answer and its conversion are held now, counted whatever the budget says.
  x.memory.set(static_cast<int64_t>(call.body.size()) + conversion_cost(r.body));
  if (r.status < 200 || r.status >= 300) return judge_upstream_error(x, r);
  // From here on the deployment did its job, whatever the plugin makes of its answer.
  const Outcome done = Outcome::finished(Outcome::Health::Fine);
  ResponseView rv{x.dialect.name, x.route->model_key, x.upstream.context, r.status, r.content_type, r.body};
  std::string client_body;
  PluginFailure pf;
  Usage usage;
  if (!x.route->provider->convert_response(rv, client_body, pf, &usage)) {
    spdlog::error("request {}: plugin {} could not convert the response: {}", x.rec.id, x.rec.plugin,
                  redact(pf.message));
    // The plugin's own status counts: a prompt the model refused is the client's 400, not a 502.
    x.fail(status_for(pf), pf.message, pf.type);
    return done;
  }
  if (auto bad = json_body_problem(client_body)) {
    spdlog::error("request {}: plugin {} converted the response into a body that is {}", x.rec.id, x.rec.plugin, *bad);
    x.fail(502, "plugin " + x.rec.plugin + " produced an invalid response: " + *bad);
    return done;
  }
  x.rec.record_usage(usage);
  x.rec.status = 200;
  x.rec.mark_first_byte();
  if (!deliver_json(x.req, x.resp, 200, client_body)) {
    x.rec.status = 499;  // nginx's "client closed request"
    x.rec.error = "client disconnected";
  }
  return done;
}

}  // namespace aicore::host
