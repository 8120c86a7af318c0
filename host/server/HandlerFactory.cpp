#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "server/DashboardHandler.hpp"
#include "server/GeminiModelsHandler.hpp"
#include "server/GeminiPath.hpp"
#include "server/Handlers.hpp"
#include "server/HttpUtil.hpp"
#include "server/MetricsHandler.hpp"
#include "server/ProxyHandler.hpp"
#include "server/SimpleHandlers.hpp"
#include "server/UsageHandler.hpp"

namespace aicore::host {
namespace {

// Answers 503 with Retry-After: at capacity (the connection stays), or during the drain after
// SIGTERM, when Poco keeps serving connections that were already open, so a client could start new
// work on an idle keep-alive connection: that connection closes, and its retry goes to another
// instance (or to this one after the restart).
class UnavailableHandler : public Poco::Net::HTTPRequestHandler {
 public:
  UnavailableHandler(Family f, const char* message, bool keep_alive)
      : family_(f), message_(message), keep_alive_(keep_alive) {}
  void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) override {
    resp.set("x-request-id", new_request_id());
    resp.set("Retry-After", "1");
    if (!keep_alive_) resp.setKeepAlive(false);
    send_json(resp, 503, error_body(family_, 503, message_));
  }

 private:
  Family family_;
  const char* message_;
  bool keep_alive_;
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

Family family_for_path(std::string_view path) {
  if (path.starts_with("/v1/messages")) return Family::Anthropic;
  if (path.starts_with("/v1beta/") || path.starts_with("/v1alpha/") ||
      (path.starts_with("/v1/models/") && path.find(':') != std::string_view::npos))
    return Family::Gemini;
  return Family::OpenAI;
}

namespace {

// A Gemini API client: its key header or ?key= (needed where /v1/models is OpenAI's path too).
bool gemini_client(const Poco::Net::HTTPServerRequest& req) {
  return req.has("x-goog-api-key") || !query_api_key(req.getURI()).empty();
}

// The dialect of a Gemini API method, or nullptr (the rest, e.g. cached contents: not served).
const Dialect* gemini_dialect(std::string_view method) {
  if (method == "generateContent" || method == "streamGenerateContent") return &kGeminiGenerateContent;
  if (method == "countTokens") return &kGeminiCountTokens;
  if (method == "embedContent") return &kGeminiEmbedContent;
  if (method == "batchEmbedContents") return &kGeminiBatchEmbedContents;
  return nullptr;
}

}  // namespace

void send_connection_error(Poco::Net::HTTPServerResponse& resp, std::string_view path, int status,
                           std::string_view message) {
  resp.set("x-request-id", new_request_id());
  const std::string body = error_body(family_for_path(path), status, message);
  const auto st = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status);
  resp.setStatusAndReason(st, Poco::Net::HTTPResponse::getReasonForStatus(st));
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  // send(), not sendBuffer(): Poco's sendBuffer() drops the body when no parsed request is
  // attached to the response (a head Poco could not parse).
  resp.send().write(body.data(), static_cast<std::streamsize>(body.size())).flush();
}

std::string busy_answer(std::string_view head) {
  std::string_view path;
  if (const size_t sp = head.find(' '); sp != std::string_view::npos) {
    path = head.substr(sp + 1, 256);
    path = path.substr(0, path.find_first_of(" ?\r\n"));
  }
  const std::string body =
      error_body(family_for_path(path), 503, "the proxy is at capacity (every worker busy); retry shortly");
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nRetry-After: 1\r\nx-request-id: " + new_request_id() +
         "\r\nConnection: close\r\n\r\n" + body;
}

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  // Route on the path alone: clients add query strings (Claude Code sends ?beta=true).
  const std::string& uri = request.getURI();
  std::string path = uri.substr(0, uri.find('?'));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const Dialect* dialect = nullptr;
  if (path == "/v1/chat/completions" || path == "/chat/completions")
    dialect = &kOpenAIChat;
  else if (path == "/v1/embeddings" || path == "/embeddings")
    dialect = &kOpenAIEmbeddings;
  else if (path == "/v1/messages")
    dialect = &kAnthropicMessages;
  else if (path == "/v1/messages/count_tokens")
    dialect = &kAnthropicCountTokens;
  else if (path == "/v1/responses" || path == "/responses")
    dialect = &kOpenAIResponses;
  else if (path == "/v1/responses/input_tokens" || path == "/responses/input_tokens")
    dialect = &kOpenAIResponsesInputTokens;
  std::optional<GeminiPath> gemini;
  if (!dialect && (path.starts_with("/v1beta/") || path.starts_with("/v1/models") || path.starts_with("/v1alpha/"))) {
    gemini = parse_gemini_path(path);
    // /v1/models and /v1/models/{id} are OpenAI's listing unless a Gemini client asks.
    if (gemini && path.starts_with("/v1/") && gemini->method.empty() && !gemini_client(request)) gemini.reset();
    if (gemini && !gemini->method.empty()) dialect = gemini_dialect(gemini->method);
  }

  if (holder_->draining.load(std::memory_order_relaxed))
    return new UnavailableHandler(dialect ? dialect->family : family_for_path(path),
                                  "the proxy is shutting down; retry", false);
  auto rt = holder_->get();
  if (dialect) {
    if (holder_->in_flight.load(std::memory_order_relaxed) >= max_in_flight_)
      return new UnavailableHandler(dialect->family, "the proxy is at capacity; retry shortly", true);
    return new Counted<ProxyHandler>(*holder_, rt, *dialect, holder_->body_budget);
  }
  if (gemini && gemini->method.empty()) return new GeminiModelsHandler(rt, std::move(gemini->model));
  if (path == "/v1/models" || path == "/models") return new ModelsHandler(rt);
  if (path == "/health" || path == "/healthz") return new HealthHandler(rt);
  if (path == "/metrics" && rt->config.metrics.enabled) return new MetricsHandler(*holder_, rt, version_);
  if (path == "/admin/usage") return new UsageHandler(rt);
  if (rt->config.metrics.enabled && rt->config.metrics.dashboard) {
    if (path == "/admin/stats") return new StatsHandler(*holder_, rt, version_);
    if (path == "/dashboard" || path.starts_with("/dashboard/")) {
      std::string file = dashboard_asset_for(path);
      if (!file.empty()) return new DashboardPageHandler(std::move(file));
    }
  }
  return new NotFoundHandler(family_for_path(path));
}

}  // namespace aicore::host
