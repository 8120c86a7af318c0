// GET /admin/usage?since=7d&by=key,model[&until=...]: the usage report as JSON (the same as
// `aicore-proxy usage --format json`), always behind an admin key: it names every key's use.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>

#include "runtime/Runtime.hpp"

namespace aicore::host {

class UsageHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit UsageHandler(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::shared_ptr<Runtime> rt_;
};

}  // namespace aicore::host
