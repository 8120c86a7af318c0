// The Poco handler of every model route: runs the request pipeline (host/pipeline) —
// admit → read fields → convert → forward — and writes the access-log line at the end.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>

#include "runtime/Runtime.hpp"
#include "server/Dialect.hpp"
#include "server/MemoryBudget.hpp"

namespace aicore::host {

class ProxyHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ProxyHandler(std::shared_ptr<Runtime> rt, const Dialect& d, MemoryBudget& budget)
      : rt_(std::move(rt)), dialect_(d), budget_(budget) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::shared_ptr<Runtime> rt_;  // held for the whole request: a reload never changes it mid-flight
  const Dialect& dialect_;
  MemoryBudget& budget_;  // the process's, shared by every model request
};

}  // namespace aicore::host
