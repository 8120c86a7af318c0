// HTTP request handlers and the factory that routes paths to them.
#pragma once

#include <string>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <Poco/Net/HTTPServerResponse.h>

#include <memory>
#include <string_view>

#include "runtime/RuntimeHolder.hpp"
#include "server/Dialect.hpp"

namespace aicore::host {

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  // `max_in_flight`: model requests served at once; beyond it clients get 503 + Retry-After
  // at once instead of waiting in an unbounded queue. Threads above it stay free for those
  // answers and for /health.
  HandlerFactory(std::shared_ptr<RuntimeHolder> holder, int max_in_flight, std::string version = {})
      : holder_(std::move(holder)), max_in_flight_(max_in_flight), version_(std::move(version)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

 private:
  std::shared_ptr<RuntimeHolder> holder_;
  int max_in_flight_;
  std::string version_;  // for aicore_build_info
};

// Anthropic's envelope under /v1/messages, OpenAI's everywhere else.
Family family_for_path(std::string_view path);

// The connection layer's own error answers (a malformed head, broken framing: net::ErrorAnswer),
// in the envelope the path implies, with a request id like every other answer.
void send_connection_error(Poco::Net::HTTPServerResponse& resp, std::string_view path, int status,
                           std::string_view message);

// The whole answer the poller sends when no worker can take a connection (server.max_queued
// heads already wait: net::ConnectionSettings::busy_answer): 503 + Retry-After in the envelope
// of `head`'s request line, then the connection closes.
std::string busy_answer(std::string_view head);

}  // namespace aicore::host
