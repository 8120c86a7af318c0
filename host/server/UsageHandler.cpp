#include "server/UsageHandler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include "ledger/UsageReport.hpp"
#include "server/AccessLog.hpp"
#include "server/AdminAuth.hpp"
#include "server/Dialect.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {

void UsageHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  resp.set("x-request-id", new_request_id());
  auto error = [&resp](int status, const std::string& why) {
    send_json(resp, status, error_body(Family::OpenAI, status, why));
  };
  if (req.getMethod() != "GET") {
    resp.set("Allow", "GET");
    return error(405, "method " + req.getMethod() + " not allowed on /admin/usage; use GET");
  }
  if (rt_->config.admin_keys.empty())
    return error(403, "/admin/usage needs an admin key: set admin_keys in the config");
  if (!has_admin_key(req, rt_->config.admin_keys)) {
    resp.set("WWW-Authenticate", "Bearer");
    return error(401, "/admin/usage needs an admin key: send 'Authorization: Bearer <admin key>'");
  }
  if (!rt_->ledger) return error(404, "no usage ledger: usage.enabled is false in the config");
  std::string since, until, by;
  try {
    for (const auto& [name, value] : Poco::URI(req.getURI()).getQueryParameters()) {
      if (name == "since")
        since = value;
      else if (name == "until")
        until = value;
      else if (name == "by")
        by = value;
      else
        return error(400, "unknown parameter '" + name.substr(0, 64) + "'; /admin/usage takes since, until and by");
    }
  } catch (const Poco::Exception&) { return error(400, "the query string is not valid URL encoding"); }
  try {
    const int64_t now = unix_ms_now();
    const UsageQuery q = parse_usage_query(since, until, by, now);
    rt_->ledger->flush();  // what has finished so far is in the report
    const LedgerDb db(rt_->ledger->file(), LedgerDb::Mode::ReadOnly);
    const std::string body = usage_json(q, run_usage_query(db, q));
    resp.set("Cache-Control", "no-store");
    send_json(resp, 200, body);
  } catch (const UsageQueryError& e) { error(400, e.what()); } catch (const LedgerError& e) {
    error(500, e.what());
  }
}

}  // namespace aicore::host
