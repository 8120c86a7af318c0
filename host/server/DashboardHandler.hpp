// GET /dashboard (the page, its script, style and icon, embedded in the binary) and
// GET /admin/stats (the JSON the page polls). The page's files hold no data and are served to
// anyone; the stats follow /metrics's access rule (server/AdminAuth.hpp). docs/dashboard.md.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>
#include <string>

#include "runtime/RuntimeHolder.hpp"

namespace aicore::host {

class DashboardPageHandler : public Poco::Net::HTTPRequestHandler {
 public:
  // `file`: the asset's name (index.html, app.js, app.css, icon.svg).
  explicit DashboardPageHandler(std::string file) : file_(std::move(file)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::string file_;
};

class StatsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  StatsHandler(const RuntimeHolder& holder, std::shared_ptr<Runtime> rt, std::string version)
      : holder_(holder), rt_(std::move(rt)), version_(std::move(version)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  const RuntimeHolder& holder_;
  std::shared_ptr<Runtime> rt_;
  std::string version_;
};

// The asset a /dashboard path names ("" when none): /dashboard -> index.html, /dashboard/app.js -> app.js.
std::string dashboard_asset_for(std::string_view path);

}  // namespace aicore::host
