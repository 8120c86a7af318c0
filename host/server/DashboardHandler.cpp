#include "server/DashboardHandler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "dashboard/Assets.hpp"
#include "dashboard/StatsJson.hpp"
#include "ledger/UsageRow.hpp"
#include "server/AdminAuth.hpp"
#include "server/Dialect.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {
namespace {

// Nothing but the page's own files: no inline script or style, no other origin, no framing.
constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const char* content_type(std::string_view file) {
  if (file.ends_with(".html")) return "text/html; charset=utf-8";
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

void security_headers(Poco::Net::HTTPServerResponse& resp) {
  resp.set("Content-Security-Policy", kCsp);
  resp.set("X-Content-Type-Options", "nosniff");
  resp.set("X-Frame-Options", "DENY");
  resp.set("Referrer-Policy", "no-referrer");
}

bool only_get(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, std::string_view route) {
  if (req.getMethod() == "GET" || req.getMethod() == "HEAD") return true;
  resp.set("Allow", "GET, HEAD");
  send_json(resp, 405,
            error_body(Family::OpenAI, 405,
                       "method " + req.getMethod() + " not allowed on " + std::string(route) + "; use GET"));
  return false;
}

}  // namespace

std::string dashboard_asset_for(std::string_view path) {
  if (path == "/dashboard") return "index.html";
  if (!path.starts_with("/dashboard/")) return {};
  const std::string_view file = path.substr(11);
  return dashboard::asset(file) ? std::string(file) : std::string();
}

void DashboardPageHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  resp.set("x-request-id", new_request_id());
  if (!only_get(req, resp, "/dashboard")) return;
  const auto body = dashboard::asset(file_);
  if (!body) {
    send_json(resp, 404, error_body(Family::OpenAI, 404, "no such dashboard file"));
    return;
  }
  security_headers(resp);
  // The files change only with the binary; a short cache keeps an upgrade visible at once.
  resp.set("Cache-Control", "no-cache");
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(content_type(file_));
  resp.setContentLength(static_cast<std::streamsize>(body->size()));
  if (req.getMethod() == "HEAD") {
    resp.send();
    return;
  }
  resp.sendBuffer(body->data(), body->size());
}

void StatsHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  resp.set("x-request-id", new_request_id());
  if (!only_get(req, resp, "/admin/stats")) return;
  std::string why;
  if (const int status = metrics_access(rt_->config, req, why, "/admin/stats"); status != 0) {
    if (status == 401) resp.set("WWW-Authenticate", "Bearer");
    send_json(resp, status, error_body(Family::OpenAI, status, why));
    return;
  }
  const dashboard::BuildFacts build{version_, dashboard::process_started_ms()};
  const std::string body = dashboard::stats_json(holder_, *rt_, build, unix_ms_now());
  resp.set("Cache-Control", "no-store");
  resp.set("X-Content-Type-Options", "nosniff");
  if (req.getMethod() == "HEAD") {
    resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    resp.setContentType("application/json");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.send();
    return;
  }
  send_json(resp, 200, body);
}

}  // namespace aicore::host
