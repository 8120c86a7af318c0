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

// The configured key decides; the client's name only if the host resolved none.
std::string_view routing_model(const RequestIn& in) { return in.model.empty() ? in.client_model : in.model; }

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

bool wants_stream(const Json& body, bool hint) {
  auto s = body.find("stream");
  if (s == body.end() || s->is_null()) return hint;
  if (!s->is_boolean()) throw invalid_request("stream: must be a boolean");
  return s->get<bool>();
}

bool wants_usage(const Json& body) {
  auto so = body.find("stream_options");
  if (so == body.end() || so->is_null()) return false;
  if (!so->is_object()) throw invalid_request("stream_options: must be an object");
  auto iu = so->find("include_usage");
  if (iu == so->end() || iu->is_null()) return false;
  if (!iu->is_boolean()) throw invalid_request("stream_options.include_usage: must be a boolean");
  return iu->get<bool>();
}

std::string_view target(Api api, bool stream) {
  if (api == Api::Converse) return stream ? "/converse-stream" : "/converse";
  return stream ? "/invoke-with-response-stream" : "/invoke";
}

[[noreturn]] void unsupported_dialect(std::string_view dialect) {
  throw PluginError(ACP_ERR_UNSUPPORTED, "the claude plugin does not serve the " + std::string(dialect) + " dialect",
                    "invalid_request_error");
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

ClaudeProvider::ClaudeProvider(std::string_view settings_json) : settings_(Settings::parse(settings_json)) {}

bool ClaudeProvider::detect_model(std::string_view model) const { return is_claude_model(model); }

void ClaudeProvider::model_candidates(std::string_view model, const Sink& names) const {
  for (const std::string& name : claude::model_candidates(model)) names.write(name);
}

void ClaudeProvider::convert_request(const RequestIn& in, const RequestOut& out) const {
  const std::string_view model = routing_model(in);
  Json body = parse_client_json(in.body);
  if (!body.is_object()) throw invalid_request("body: must be a JSON object");

  if (in.dialect == ACP_DIALECT_ANTHROPIC_COUNT_TOKENS) {
    Json answer = Json::object();
    answer["input_tokens"] = mapping::estimate_input_tokens(body);
    if (!out.respond(200, dump(answer)))
      throw PluginError(ACP_ERR_UNSUPPORTED, "count_tokens needs a host that lets plugins answer locally");
    return;
  }

  BedrockOptions options{parse_model(model), settings_.budgets, settings_.extra_betas};
  Changes changes;
  ResponseContext ctx;
  ctx.api = settings_.api_for(model);
  options.converse = ctx.api == Api::Converse;
  ctx.client_model = std::string(in.client_model.empty() ? model : in.client_model);
  bool stream = false;
  Json bedrock;
  if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) {
    stream = wants_stream(body, in.stream);
    bedrock = to_bedrock_invoke(body, client_betas(in.headers), options, changes);
  } else if (in.dialect == ACP_DIALECT_OPENAI_CHAT) {
    stream = wants_stream(body, in.stream);
    ctx.include_usage = stream && wants_usage(body);
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
  } else {
    unsupported_dialect(in.dialect);
  }
  changes.log(std::string(in.dialect) + " for '" + std::string(model) + "'");

  out.target(target(ctx.api, stream));
  out.body(dump(ctx.api == Api::Converse ? anthropic_to_converse_request(bedrock) : bedrock));
  out.context(ctx.encode());
}

void ClaudeProvider::convert_response(const ResponseIn& in, const Sink& out) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) {
    if (ctx.api == Api::Invoke) {
      // Bedrock's invoke answer is Anthropic's message: forwarded byte for byte once it is known
      // to be a JSON object.
      Json j = parse_upstream_json(in.body, "invoke response");
      if (!j.is_object()) throw upstream_error("invoke response: not a JSON object");
      out.write(in.body);
      out.usage(usage_of(j));
    } else {
      const Json message = anthropic_message(in, ctx);
      out.write(dump(message));
      out.usage(usage_of(message));
    }
  } else if (in.dialect == ACP_DIALECT_OPENAI_CHAT) {
    mapping::FromAnthropicOptions from;
    from.json_response_tool = ctx.json_tool;
    const Json message = anthropic_message(in, ctx);
    out.write(dump(mapping::anthropic_to_openai_response(message, ctx.client_model, unix_time(), from)));
    out.usage(usage_of(message));
  } else {
    unsupported_dialect(in.dialect);
  }
}

std::unique_ptr<StreamConverter> ClaudeProvider::open_stream(const ResponseIn& in) const {
  const ResponseContext ctx = ResponseContext::decode(in.context);
  std::unique_ptr<EventSource> source;
  if (ctx.api == Api::Converse)
    source = std::make_unique<ConverseEventSource>(ctx.client_model, fnv1a(in.context, static_cast<uint64_t>(unix_time())));
  else
    source = std::make_unique<InvokeEventSource>();
  if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) return std::make_unique<MessagesStreamConverter>(std::move(source));
  if (in.dialect == ACP_DIALECT_OPENAI_CHAT) return std::make_unique<ChatStreamConverter>(std::move(source), ctx, unix_time());
  unsupported_dialect(std::string(in.dialect) + " (streaming)");
}

std::string upstream_error_message(std::string_view body) {
  if (body.empty() || nested_deeper_than(body, kMaxJsonDepth)) return {};
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  if (auto e = j.find("error"); e != j.end()) {
    if (e->is_object()) {
      if (auto m = string_or(*e, "message"); !m.empty()) return std::string(m);
    } else if (e->is_string()) {
      std::string m = e->get<std::string>();
      if (auto d = string_or(j, "error_description"); !d.empty()) m += ": " + std::string(d);
      return m;
    }
  }
  if (auto m = string_or(j, "message"); !m.empty()) return std::string(m);
  return std::string(string_or(j, "Message"));
}

acp_error_class ClaudeProvider::classify_error(const ResponseIn& in, const Sink& message) const {
  if (in.status == 429 || in.status == 408 || in.status >= 500) return ACP_UPSTREAM_RETRY;
  if (in.status == 401 || in.status == 403) return ACP_UPSTREAM_REAUTH;
  // Bedrock throttling relayed with another status (SAP passes Bedrock's errors through).
  for (std::string_view s : {"ThrottlingException", "Too many tokens", "Too many requests", "rate limited"})
    if (in.body.find(s) != std::string_view::npos) return ACP_UPSTREAM_RETRY;
  if (std::string m = upstream_error_message(in.body); !m.empty()) message.write(m);
  return ACP_UPSTREAM_FATAL;
}

}  // namespace aicore::claude
