#include "server/MetricsHandler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>
#include <set>
#include <utility>

#include "metrics/Metrics.hpp"
#include "metrics/ProcessStats.hpp"
#include "metrics/TextFormat.hpp"
#include "server/AccessLog.hpp"
#include "server/AdminAuth.hpp"
#include "server/Dialect.hpp"
#include "server/HttpUtil.hpp"
#include "shared/SharedStatus.hpp"

namespace aicore::host {

std::string render_metrics(const RuntimeHolder& holder, const Runtime& rt, const std::string& version) {
  using metrics::family;
  using metrics::sample;
  std::string out;
  out.reserve(16384);
  family(out, "aicore_build_info", "gauge", "Always 1; the version of this aicore-proxy.");
  sample(out, "aicore_build_info", {{"version", version}}, 1);
  family(out, "aicore_inflight_requests", "gauge", "Model requests being served now.");
  sample(out, "aicore_inflight_requests", {}, holder.in_flight.load(std::memory_order_relaxed));

  family(out, "aicore_deployment_cooldown_seconds", "gauge",
         "Seconds until a deployment returns to rotation (0: in rotation).");
  std::set<std::pair<std::string, std::string>> seen;  // a deployment serving two model keys is one series
  for (const auto& sub : rt.config.subaccounts)
    for (const auto& [model, urls] : sub.deployment_models)
      for (const auto& url : urls) {
        if (!seen.emplace(sub.name, deployment_id(url)).second) continue;
        const auto left = rt.cooldowns->remaining(url);
        sample(out, "aicore_deployment_cooldown_seconds",
               {{"subaccount", sub.name}, {"deployment", deployment_id(url)}},
               std::chrono::duration<double>(left).count());
      }

  if (const int redis = shared::SharedStatus::process().redis; redis != shared::SharedStatus::NotConfigured) {
    family(out, "aicore_shared_state_redis_up", "gauge",
           "1 while this instance shares cooldowns through Redis, 0 while Redis is unreachable.");
    sample(out, "aicore_shared_state_redis_up", {}, redis);
  }

  metrics::Metrics::process().render(out);
  metrics::render_process(out);
  return out;
}

void MetricsHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  resp.set("x-request-id", new_request_id());
  if (req.getMethod() != "GET" && req.getMethod() != "HEAD") {
    resp.set("Allow", "GET, HEAD");
    send_json(resp, 405,
              error_body(Family::OpenAI, 405, "method " + req.getMethod() + " not allowed on /metrics; use GET"));
    return;
  }
  std::string why;
  if (const int status = metrics_access(rt_->config, req, why); status != 0) {
    if (status == 401) resp.set("WWW-Authenticate", "Bearer");
    send_json(resp, status, error_body(Family::OpenAI, status, why));
    return;
  }
  const std::string body = render_metrics(holder_, *rt_, version_);
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
  resp.set("Cache-Control", "no-store");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  if (req.getMethod() == "HEAD") {
    resp.send();
    return;
  }
  resp.sendBuffer(body.data(), body.size());
}

}  // namespace aicore::host
