#include "provider.hpp"

#include "anthropic.hpp"
#include "chat_request.hpp"
#include "chat_response.hpp"
#include "chat_stream.hpp"
#include "context.hpp"
#include "embeddings.hpp"
#include "json_util.hpp"
#include "models.hpp"

namespace aicore::gemini {
namespace {

[[noreturn]] void unsupported_dialect(std::string_view dialect) {
  throw PluginError(ACP_ERR_UNSUPPORTED, "the gemini plugin does not support the " + std::string(dialect) + " dialect",
                    "invalid_request_error");
}

// The configured key decides; the client's name only if the host resolved none.
std::string_view routing_model(const RequestIn& in) { return in.model.empty() ? in.client_model : in.model; }

// error.message of Google's {"error":{code,message,status}} (also inside a one-element array, as
// a non-SSE stream reports errors), or a bare {"message":...}; empty when neither.
std::string upstream_error_message(std::string_view body) {
  if (body.empty() || nested_deeper_than(body, kMaxJsonDepth)) return {};
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_array() && !j.empty()) j = j[0];
  if (!j.is_object()) return {};
  const Json* holder = &j;
  if (auto e = j.find("error"); e != j.end() && e->is_object()) holder = &*e;
  auto m = holder->find("message");
  return (m != holder->end() && m->is_string()) ? m->get<std::string>() : std::string();
}

}  // namespace

GeminiProvider::GeminiProvider(std::string_view settings_json) : settings_(Settings::parse(settings_json)) {}

bool GeminiProvider::detect_model(std::string_view model) const { return is_gemini_model(model); }

void GeminiProvider::model_candidates(std::string_view model, const Sink& names) const {
  for (const std::string& name : gemini::model_candidates(model)) names.write(name);
}

void GeminiProvider::convert_request(const RequestIn& in, const RequestOut& out) const {
  UpstreamRequest r;
  if (in.dialect == ACP_DIALECT_OPENAI_CHAT) {
    r = convert_chat_request(in.body, routing_model(in), in.client_model, in.stream, settings_);
  } else if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) {
    r = convert_anthropic_request(in.body, routing_model(in), in.client_model, in.stream, settings_);
  } else if (in.dialect == ACP_DIALECT_OPENAI_EMBEDDINGS) {
    r = convert_embeddings_request(in.body, routing_model(in), in.client_model, settings_);
  } else if (in.dialect == ACP_DIALECT_ANTHROPIC_COUNT_TOKENS) {
    if (!out.respond(200, count_tokens_response(in.body)))
      throw PluginError(ACP_ERR_UNSUPPORTED, "count_tokens needs a host that lets plugins answer locally");
    return;
  } else {
    unsupported_dialect(in.dialect);
  }
  out.target(r.target);
  out.body(r.body);
  out.context(r.context);
}

void GeminiProvider::convert_response(const ResponseIn& in, const Sink& out) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  Usage usage;
  if (in.dialect == ACP_DIALECT_OPENAI_CHAT) out.write(convert_chat_response(in.body, ctx, &usage));
  else if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) out.write(convert_anthropic_response(in.body, ctx, &usage));
  else if (in.dialect == ACP_DIALECT_OPENAI_EMBEDDINGS) out.write(convert_embeddings_response(in.body, ctx, &usage));
  else unsupported_dialect(in.dialect);
  out.usage(usage);
}

std::unique_ptr<StreamConverter> GeminiProvider::open_stream(const ResponseIn& in) const {
  ResponseContext ctx = ResponseContext::decode(in.context);
  if (in.dialect == ACP_DIALECT_OPENAI_CHAT) return std::make_unique<OpenAIChatStream>(std::move(ctx), unix_time());
  if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES)
    return std::make_unique<AnthropicMessagesStream>(std::move(ctx), unix_time());
  unsupported_dialect(std::string(in.dialect) + " (streaming)");
}

acp_error_class GeminiProvider::classify_error(const ResponseIn& in, const Sink& message) const {
  if (in.status == 429 || in.status >= 500) return ACP_UPSTREAM_RETRY;
  if (in.status == 401 || in.status == 403) return ACP_UPSTREAM_REAUTH;
  if (std::string m = upstream_error_message(in.body); !m.empty()) message.write(m);
  return ACP_UPSTREAM_FATAL;
}

}  // namespace aicore::gemini
