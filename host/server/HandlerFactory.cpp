#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "server/Handlers.hpp"
#include "server/HttpUtil.hpp"
#include "server/ProxyHandler.hpp"
#include "server/SimpleHandlers.hpp"

namespace aicore::host {
namespace {

// Answers 503 with Retry-After when the proxy is at capacity.
class BusyHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit BusyHandler(Family f) : family_(f) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    resp.set("x-request-id", new_request_id());
    resp.set("Retry-After", "1");
    discard_body(req, resp);
    send_json(resp, 503, error_body(family_, 503, "the proxy is at capacity; retry shortly"));
  }

 private:
  Family family_;
};

// During the drain after SIGTERM: Poco keeps serving connections that were already open, so a
// client could start new work on an idle keep-alive connection. It gets 503 and the connection
// closes; its retry goes to another instance (or to this one after the restart).
class DrainingHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit DrainingHandler(Family f) : family_(f) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    resp.set("x-request-id", new_request_id());
    resp.set("Retry-After", "1");
    resp.setKeepAlive(false);
    discard_body(req, resp);
    send_json(resp, 503, error_body(family_, 503, "the proxy is shutting down; retry"));
  }

 private:
  Family family_;
};

// Holds the request's runtime and in-flight slot for as long as the handler lives.
template <class H>
class Counted : public H {
 public:
  template <class... A>
  Counted(RuntimeHolder& holder, A&&... args) : H(std::forward<A>(args)...), slot_(holder) {}

 private:
  InFlight slot_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  // Route on the path alone: clients add query strings (Claude Code sends ?beta=true).
  const std::string& uri = request.getURI();
  std::string path = uri.substr(0, uri.find('?'));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const Dialect* dialect = nullptr;
  if (path == "/v1/chat/completions" || path == "/chat/completions") dialect = &kOpenAIChat;
  else if (path == "/v1/embeddings" || path == "/embeddings") dialect = &kOpenAIEmbeddings;
  else if (path == "/v1/messages") dialect = &kAnthropicMessages;
  else if (path == "/v1/messages/count_tokens") dialect = &kAnthropicCountTokens;

  if (holder_->draining.load(std::memory_order_relaxed))
    return new DrainingHandler(dialect ? dialect->family
                                       : path.rfind("/v1/messages", 0) == 0 ? Family::Anthropic : Family::OpenAI);
  auto rt = holder_->get();
  if (dialect) {
    if (holder_->in_flight.load(std::memory_order_relaxed) >= max_in_flight_) return new BusyHandler(dialect->family);
    return new Counted<ProxyHandler>(*holder_, rt, *dialect, holder_->body_budget);
  }
  if (path == "/v1/models" || path == "/models") return new ModelsHandler(rt);
  if (path == "/health" || path == "/healthz") return new HealthHandler(rt);
  return new NotFoundHandler(path.rfind("/v1/messages", 0) == 0 ? Family::Anthropic : Family::OpenAI);
}

}  // namespace aicore::host
