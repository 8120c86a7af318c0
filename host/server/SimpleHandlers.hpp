// Handlers that need no upstream: model listing, health, and JSON 404s.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <memory>
#include <string>

#include "runtime/Runtime.hpp"
#include "server/Dialect.hpp"

namespace aicore::host {

class ModelsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ModelsHandler(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::shared_ptr<Runtime> rt_;
};

class HealthHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit HealthHandler(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::shared_ptr<Runtime> rt_;
};

class NotFoundHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit NotFoundHandler(Family f) : family_(f) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  Family family_;
};

}  // namespace aicore::host
