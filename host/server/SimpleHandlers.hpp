// Handlers that need no upstream: model listing, health, and JSON 404s.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>
#include <string>

#include "runtime/Runtime.hpp"
#include "server/Dialect.hpp"

namespace aicore::host {

// A handler that answers from the runtime its request was admitted with.
class RuntimeHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RuntimeHandler(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}

 protected:
  std::shared_ptr<Runtime> rt_;
};

class ModelsHandler : public RuntimeHandler {
 public:
  using RuntimeHandler::RuntimeHandler;
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;
};

class HealthHandler : public RuntimeHandler {
 public:
  using RuntimeHandler::RuntimeHandler;
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;
};

class NotFoundHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit NotFoundHandler(Family f) : family_(f) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  Family family_;
};

}  // namespace aicore::host
