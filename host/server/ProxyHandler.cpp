#include "server/ProxyHandler.hpp"

#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "pipeline/Admit.hpp"
#include "pipeline/Convert.hpp"
#include "pipeline/Exchange.hpp"
#include "pipeline/Fallback.hpp"
#include "pipeline/RequestFields.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {

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
}

}  // namespace aicore::host
