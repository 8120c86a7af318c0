#include <Poco/Net/HTTPServerRequest.h>

#include "server/Handlers.hpp"
#include "server/ProxyHandler.hpp"
#include "server/SimpleHandlers.hpp"

namespace aicore::host {

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  // Route on the path alone: clients add query strings (Claude Code sends ?beta=true).
  const std::string& uri = request.getURI();
  std::string path = uri.substr(0, uri.find('?'));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/v1/chat/completions" || path == "/chat/completions") return new ProxyHandler(rt_, kOpenAIChat);
  if (path == "/v1/embeddings" || path == "/embeddings") return new ProxyHandler(rt_, kOpenAIEmbeddings);
  if (path == "/v1/messages") return new ProxyHandler(rt_, kAnthropicMessages);
  if (path == "/v1/messages/count_tokens") return new ProxyHandler(rt_, kAnthropicCountTokens);
  if (path == "/v1/models" || path == "/models") return new ModelsHandler(rt_);
  if (path == "/health" || path == "/healthz") return new HealthHandler(rt_);
  return new NotFoundHandler(path.rfind("/v1/messages", 0) == 0 ? Family::Anthropic : Family::OpenAI);
}

}  // namespace aicore::host
