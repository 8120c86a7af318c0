// GET /metrics: the Prometheus text format, from the process's counters (metrics/Metrics.hpp)
// and gauges read at scrape time (in flight, cooldowns, the process).
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>
#include <string>

#include "runtime/RuntimeHolder.hpp"

namespace aicore::host {

class MetricsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  MetricsHandler(const RuntimeHolder& holder, std::shared_ptr<Runtime> rt, std::string version)
      : holder_(holder), rt_(std::move(rt)), version_(std::move(version)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  const RuntimeHolder& holder_;
  std::shared_ptr<Runtime> rt_;
  std::string version_;
};

// The whole exposition: what handleRequest sends.
std::string render_metrics(const RuntimeHolder& holder, const Runtime& rt, const std::string& version);

}  // namespace aicore::host
