#include "server/ProxyHandler.hpp"

#include <spdlog/spdlog.h>

#include "dashboard/RecentActivity.hpp"
#include "log/Log.hpp"
#include "metrics/Metrics.hpp"
#include "pipeline/Admit.hpp"
#include "pipeline/Convert.hpp"
#include "pipeline/Exchange.hpp"
#include "pipeline/Fallback.hpp"
#include "pipeline/Quota.hpp"
#include "pipeline/RequestFields.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {
namespace {

// The request in the metrics. Labels carry only names from the config (the model key, not what
// the client typed), so no client can grow the number of series.
void count(const Exchange& x) {
  if (!x.rt.config.metrics.enabled) return;  // nothing reads them: not worth the atomics
  metrics::RequestFacts f;
  f.dialect = x.dialect.name;
  if (x.route) f.model = x.route->model_key;
  f.plugin = x.rec.plugin;
  f.key = x.rec.key;
  f.status = x.rec.status;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - x.rec.start).count();
  f.ttfb_s = x.rec.ttfb_ms >= 0 ? x.rec.ttfb_ms / 1000 : -1;
  f.usage = x.rec.usage;
  metrics::Metrics::process().request(f);
}

}  // namespace

void ProxyHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  Exchange x(req, resp, *rt_, dialect_, budget_);
  x.rec.id = new_request_id();
  x.rec.method = req.getMethod();
  x.rec.path = req.getURI().substr(0, req.getURI().find('?'));
  x.rec.dialect = dialect_.name;
  resp.set("x-request-id", x.rec.id);
  try {
    if (admit(x) && read_fields(x) && convert(x)) forward_with_fallbacks(x);
  } catch (const UpstreamAborted& e) {
    // The drain deadline ended the request before its answer started: the client gets what a
    // request arriving during the drain gets, and the access log says so.
    if (!resp.sent()) {
      resp.set("Retry-After", "1");
      resp.setKeepAlive(false);
      x.fail(503, "the proxy is shutting down; retry");
    } else {
      x.rec.error = e.what();
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: {}", x.rec.id, redact(e.what()));
    if (!resp.sent())
      x.fail(500, "internal error (request " + x.rec.id + ")");
    else
      x.rec.error = redact(e.what());
  }
  if (rt_->config.log.access_log) x.rec.write();
  count(x);
  settle_quota(x);
  const bool dashboard = rt_->config.metrics.enabled && rt_->config.metrics.dashboard;
  if (!rt_->ledger && !dashboard) return;
  UsageRow row = usage_row(x.rec, x.route ? x.route->model_key : std::string());
  if (dashboard) dashboard::RecentActivity::process().request(row);
  if (rt_->ledger) rt_->ledger->record(std::move(row));
}

}  // namespace aicore::host
