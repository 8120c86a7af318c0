#include "provider.hpp"

#include "bedrock_rules.hpp"
#include "chat_stream.hpp"
#include "context.hpp"
#include "converse.hpp"
#include "converse_stream.hpp"
#include "invoke_stream.hpp"
#include "json_util.hpp"
#include "messages_stream.hpp"
#include "models.hpp"

#include <aicore/mapping/mapping.hpp>

namespace aicore::claude {
namespace {

uint64_t fnv1a(std::string_view data, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string> client_betas(const Headers& headers) {
  std::vector<std::string> out;
  for (size_t i = 0; i < headers.size(); ++i)
    if (headers.name(i) == "anthropic-beta")
      for (auto& b : split_betas(headers.value(i))) out.push_back(std::move(b));
  return out;
}

std::string_view target(Api api, bool stream) {
  if (api == Api::Converse) return stream ? "/converse-stream" : "/converse";
  return stream ? "/invoke-with-response-stream" : "/invoke";
}

// Anthropic message from the upstream body, whichever API produced it.
Json anthropic_message(const ResponseIn& in, const ResponseContext& ctx) {
  Json j = parse_upstream_json(in.body, ctx.api == Api::Converse ? "converse response" : "invoke response");
  if (!j.is_object()) throw upstream_error("upstream response: not a JSON object");
  if (ctx.api == Api::Converse) return converse_to_anthropic_response(j, ctx.client_model, fnv1a(in.body));
  return j;
}

// The token usage of an Anthropic message.
Usage usage_of(const Json& message) {
  auto u = message.find("usage");
  return u == message.end() ? Usage{} : mapping::usage_from_anthropic(*u);
}

}  // namespace

ClaudeProvider::ClaudeProvider(std::string_view settings_json)
    : GeminiOverChat("claude"), settings_(Settings::parse(settings_json)) {}

bool ClaudeProvider::detect_model(std::string_view model) const { return is_claude_model(model); }

void ClaudeProvider::model_candidates(std::string_view model, const Sink& names) const {
  for (const std::string& name : claude::model_candidates(model)) names.write(name);
}

std::string ClaudeProvider::anthropic_count_tokens(const RequestIn& in) const {
  return mapping::count_tokens_response(in.body);
}

UpstreamRequest ClaudeProvider::anthropic_messages_request(const RequestIn& in) const {
  return bedrock_request(in, false);
}

UpstreamRequest ClaudeProvider::openai_chat_request(const RequestIn& in) const { return bedrock_request(in, true); }

UpstreamRequest ClaudeProvider::bedrock_request(const RequestIn& in, bool openai_client) const {
  const std::string_view model = ModelNames::of(in).key;
  Json body = parse_client_json(in.body);
  if (!body.is_object()) throw invalid_request("body: must be a JSON object");

  BedrockOptions options{parse_model(model), settings_.budgets, settings_.extra_betas};
  Changes changes;
  ResponseContext ctx;
  ctx.api = settings_.api_for(model);
  options.converse = ctx.api == Api::Converse;
  ctx.client_model = std::string(ModelNames::of(in).client);
  const bool stream = mapping::wants_stream(body, in.stream);
  Json bedrock;
  if (!openai_client) {
    bedrock = to_bedrock_invoke(body, client_betas(in.headers), options, changes);
  } else {
    ctx.include_usage = stream && mapping::client_include_usage(body);
    mapping::ToAnthropicOptions to;
    to.default_max_tokens = settings_.default_max_tokens;
    to.budget_low = settings_.budgets.low;
    to.budget_medium = settings_.budgets.medium;
    to.budget_high = settings_.budgets.high;
    // Opus 4.1, Sonnet 4.5 and later reject temperature and top_p together.
    to.temperature_xor_top_p = options.model.major < 0 || options.model.at_least(4, 1);
    ctx.json_tool = mapping::uses_json_response_tool(body);
    Json anthropic = mapping::openai_to_anthropic_request(body, to);
    bedrock = to_bedrock_invoke(anthropic, {}, options, changes);
  }
  changes.log(std::string(in.dialect) + " for '" + std::string(model) + "'");
  return UpstreamRequest{std::string(target(ctx.api, stream)),
                         dump(ctx.api == Api::Converse ? anthropic_to_converse_request(bedrock) : bedrock),
                         ctx.encode()};
}

std::string ClaudeProvider::anthropic_messages_response(const ResponseIn& in, Usage& usage) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  if (ctx.api == Api::Invoke) {
    // Bedrock's invoke answer is Anthropic's message: forwarded byte for byte once it is known
    // to be a JSON object.
    Json j = parse_upstream_json(in.body, "invoke response");
    if (!j.is_object()) throw upstream_error("invoke response: not a JSON object");
    usage = usage_of(j);
    return std::string(in.body);
  }
  const Json message = anthropic_message(in, ctx);
  usage = usage_of(message);
  return dump(message);
}

std::string ClaudeProvider::openai_chat_response(const ResponseIn& in, Usage& usage) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  mapping::FromAnthropicOptions from;
  from.json_response_tool = ctx.json_tool;
  const Json message = anthropic_message(in, ctx);
  usage = usage_of(message);
  return dump(mapping::anthropic_to_openai_response(message, ctx.client_model, unix_time(), from));
}

namespace {
// The reader of the Bedrock API that answered.
std::unique_ptr<EventSource> event_source(const ResponseIn& in, const ResponseContext& ctx) {
  if (ctx.api == Api::Converse)
    return std::make_unique<ConverseEventSource>(ctx.client_model,
                                                 fnv1a(in.context, static_cast<uint64_t>(unix_time())));
  return std::make_unique<InvokeEventSource>();
}
}  // namespace

std::unique_ptr<StreamConverter> ClaudeProvider::anthropic_messages_stream(const ResponseIn& in) const {
  return std::make_unique<MessagesStreamConverter>(event_source(in, ResponseContext::decode(in.context)));
}

std::unique_ptr<StreamConverter> ClaudeProvider::openai_chat_stream(const ResponseIn& in) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  return std::make_unique<ChatStreamConverter>(event_source(in, ctx), ctx, unix_time());
}

acp_error_class ClaudeProvider::classify_error(const ResponseIn& in, const Sink& message) const {
  if (in.status == 408) return ACP_UPSTREAM_RETRY;
  // Bedrock throttling relayed with another status (SAP passes Bedrock's errors through).
  if (in.status < 500 && in.status != 429 && in.status != 401 && in.status != 403)
    for (std::string_view s : {"ThrottlingException", "Too many tokens", "Too many requests", "rate limited"})
      if (in.body.find(s) != std::string_view::npos) return ACP_UPSTREAM_RETRY;
  // A prompt over the context window: Anthropic's "prompt is too long: N tokens > M maximum" (which
  // Bedrock passes through) or Bedrock's own "Input is too long for requested model."
  return mapping::classify_error_answer(in, message, {"prompt is too long", "Input is too long"});
}

}  // namespace aicore::claude
