// HTTP request handlers and the factory that routes paths to them.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <memory>

#include "server/Runtime.hpp"

namespace aicore::host {

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

 private:
  std::shared_ptr<Runtime> rt_;
};

}  // namespace aicore::host
