// The path of one model request: client auth, body limits, model routing, conversion by the
// provider plugin, the upstream call with failover, and the answer (JSON or SSE) in the client's
// dialect.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>

#include "server/AccessLog.hpp"
#include "server/Dialect.hpp"
#include "server/MemoryBudget.hpp"
#include "server/Runtime.hpp"

namespace aicore::host {

class ProxyHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ProxyHandler(std::shared_ptr<Runtime> rt, const Dialect& d, MemoryBudget& budget)
      : rt_(std::move(rt)), dialect_(d), budget_(budget) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  void serve_(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, AccessRecord& rec);
  void fail_(Poco::Net::HTTPServerResponse& resp, AccessRecord& rec, int status, const std::string& message,
             std::string_view type = {}, std::string_view code = {});
  // 503 + Retry-After: the memory budget cannot take this request now.
  void refuse_memory_(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, AccessRecord& rec,
                      bool body_unread);

  std::shared_ptr<Runtime> rt_;
  const Dialect& dialect_;
  MemoryBudget& budget_;
};

// Checks the client's key (when keys are configured); answers 401 itself and returns false.
bool authorize(const Runtime& rt, Family family, Poco::Net::HTTPServerRequest& req,
               Poco::Net::HTTPServerResponse& resp, AccessRecord& rec);

}  // namespace aicore::host
