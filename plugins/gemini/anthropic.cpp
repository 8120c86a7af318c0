#include "anthropic.hpp"

#include "chat_request.hpp"
#include "chat_response.hpp"
#include "json_util.hpp"

#include <aicore/mapping/mapping.hpp>
#include <aicore/plugin.hpp>

#include <vector>

namespace aicore::gemini {
namespace {

Json parse_anthropic(std::string_view body) {
  Json a = parse_client_json(body);
  if (!a.is_object()) throw invalid_request("body: must be a JSON object");
  return a;
}

std::optional<ThinkingRequest> anthropic_thinking(const Json& a) {
  auto t = a.find("thinking");
  if (t == a.end() || t->is_null()) return std::nullopt;
  if (!t->is_object()) throw invalid_request("thinking: must be an object");
  const std::string type = string_or(*t, "type");
  if (type == "enabled") {
    auto b = t->find("budget_tokens");
    if (b == t->end() || !b->is_number_integer() || b->get<int64_t>() < 0)
      throw invalid_request("thinking.budget_tokens: must be a non-negative integer");
    return ThinkingRequest{ThinkingRequest::Kind::Budget, "", b->get<int64_t>()};
  }
  if (type == "adaptive") {
    // Claude Code pairs adaptive thinking with output_config.effort: the closest fixed budget.
    if (auto oc = a.find("output_config"); oc != a.end() && oc->is_object())
      if (auto e = oc->find("effort"); e != oc->end() && e->is_string()) {
        std::string effort = e->get<std::string>();
        if (effort == "max") effort = "high";
        if (effort == "low" || effort == "medium" || effort == "high")
          return ThinkingRequest{ThinkingRequest::Kind::Effort, effort, 0};
      }
    return ThinkingRequest{ThinkingRequest::Kind::Adaptive, "", 0};
  }
  if (type == "disabled") return ThinkingRequest{ThinkingRequest::Kind::Disabled, "", 0};
  throw invalid_request("thinking.type: must be enabled, adaptive or disabled");
}

}  // namespace

UpstreamRequest convert_anthropic_request(std::string_view body, const ModelNames& names, bool stream_hint,
                                          const Settings& settings) {
  const std::string_view model_key = names.key, client_model = names.client;
  Json a = parse_anthropic(body);
  GeminiRequestOptions options;
  options.thinking = anthropic_thinking(a);
  if (auto k = a.find("top_k"); k != a.end() && !k->is_null()) {
    if (!k->is_number_integer() || k->get<int64_t>() < 0)
      throw invalid_request("top_k: must be a non-negative integer");
    options.top_k = k->get<int64_t>();
  }
  // Gemini has no limit on tool ids, and this plugin carries thought signatures in them
  // (call_ids.hpp): the mapping keeps them whole.
  mapping::ToOpenAIOptions to;
  to.max_tool_id = 0;
  Json o = mapping::anthropic_to_openai_request(a, to);
  o.erase("reasoning_effort");  // options.thinking says it precisely
  const std::string upstream_model = settings.upstream_model(model_key);
  GeminiRequest g = openai_to_gemini(o, upstream_model, stream_hint, settings, options);

  ResponseContext ctx;
  ctx.client_model = client_model.empty() ? std::string(model_key) : std::string(client_model);
  ctx.seed = g.seed;
  if (g.stream) ctx.input_tokens_hint = mapping::estimate_input_tokens(a);
  return UpstreamRequest{chat_target(upstream_model, g.stream), dump(g.body), ctx.encode()};
}

std::string convert_anthropic_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  Json j = parse_upstream_json(body, "generateContent response");
  if (j.is_array() && j.size() == 1) j = j[0];
  Json completion = gemini_to_openai_response(j, ctx, unix_time());
  if (usage)
    if (auto u = completion.find("usage"); u != completion.end()) *usage = mapping::usage_from_openai(*u);
  return dump(mapping::openai_to_anthropic_response(completion, ctx.client_model));
}

}  // namespace aicore::gemini
