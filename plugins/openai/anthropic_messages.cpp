#include "anthropic_messages.hpp"

#include "chat_request.hpp"
#include "json_util.hpp"
#include "models.hpp"

#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/mapping/context.hpp>
#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/upstream.hpp>

#include <array>
#include <charconv>
#include <utility>

namespace aicore::openai {
namespace {

constexpr std::string_view kTag = "anthropic.v1";

// Most specific prefix first. Published output limits of each family.
constexpr std::array<std::pair<std::string_view, int64_t>, 13> kOutputLimits = {{
    {"gpt-4o", 16384},
    {"chatgpt-4o", 16384},
    {"gpt-4.1", 32768},
    {"gpt-4.5", 16384},
    {"gpt-5", 128000},
    {"o1-mini", 65536},
    {"o1", 100000},
    {"o3", 100000},
    {"o4", 100000},
    {"gpt-4-turbo", 4096},
    {"gpt-35", 4096},
    {"gpt-3.5", 4096},
    {"gpt-4-32k", 4096},
}};

Json client_object(std::string_view body) {
  Json in = parse_client_json(body);
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");
  return in;
}

}  // namespace

std::string AnthropicContext::encode() const {
  return std::string(kTag) + ";tokens=" + std::to_string(input_tokens) + ";model=" + model;
}

AnthropicContext AnthropicContext::decode(std::string_view context) {
  AnthropicContext c;
  mapping::read_context_items(context, kTag, [&](std::string_view key, std::string_view value) {
    if (key == "model") c.model = std::string(value);
    if (key == "tokens") std::from_chars(value.data(), value.data() + value.size(), c.input_tokens);
  });
  return c;
}

int64_t max_output_tokens(std::string_view model) {
  const std::string m = base_model_name(model);
  for (const auto& [prefix, limit] : kOutputLimits)
    if (m.starts_with(prefix)) return limit;
  return 0;
}

UpstreamRequest convert_anthropic_request(std::string_view body, const ModelNames& names, bool stream_hint,
                                          const Settings& settings) {
  const std::string_view model = names.key;
  const Json in = client_object(body);
  Json chat = mapping::anthropic_to_openai_request(in);

  // GPT specifics the canonical mapping does not know.
  if (auto m = chat.find("max_completion_tokens"); m != chat.end()) {
    const int64_t limit = max_output_tokens(model);
    if (limit > 0 && m->get<int64_t>() > limit) {
      log_debug("anthropic.messages for '" + std::string(model) + "': max_tokens " + std::to_string(m->get<int64_t>()) +
                " clamped to the model's output limit " + std::to_string(limit));
      *m = limit;
    }
  }
  if (is_reasoning_model(model)) {
    // o-series and gpt-5 reject stop sequences outright.
    if (chat.erase("stop") > 0)
      log_debug("anthropic.messages for '" + std::string(model) +
                "': dropped stop_sequences (rejected by reasoning models)");
  } else if (auto m = chat.find("max_completion_tokens"); m != chat.end()) {
    // Older api-versions (2023-05-15, SAP's documented default) know only max_tokens.
    Json limit = *m;
    chat.erase(m);
    chat["max_tokens"] = std::move(limit);
  }

  UpstreamRequest r = convert_chat_request(dump(chat), model, stream_hint, settings);
  r.context =
      AnthropicContext{std::string(names.client.empty() ? model : names.client), mapping::estimate_input_tokens(in)}
          .encode();
  return r;
}

std::string convert_anthropic_response(std::string_view body, std::string_view context, Usage* usage) {
  Json completion = parse_upstream_json(body, "chat completion");
  if (usage && completion.is_object())
    if (auto u = completion.find("usage"); u != completion.end()) *usage = mapping::usage_from_openai(*u);
  return dump(mapping::openai_to_anthropic_response(completion, AnthropicContext::decode(context).model));
}

void AnthropicStreamConverter::feed(std::string_view bytes, const Sink& events) {
  if (conv_.done()) return;
  const mapping::Emit emit(events);
  parser_.feed(bytes, [&](const SseEvent& e) { on_event(e, emit); });
}

void AnthropicStreamConverter::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  if (conv_.done()) return;
  const mapping::Emit emit(events);
  // A pending event that does not parse was cut off: that is the truncation conv_.finish reports.
  try {
    parser_.finish([&](const SseEvent& e) { on_event(e, emit); });
  } catch (const PluginError&) {
    if (conv_.done()) throw;
  }
  conv_.finish(emit);
}

void AnthropicStreamConverter::on_event(const SseEvent& event, const mapping::Emit& emit) {
  if (conv_.done() || !event.has_data || event.data.empty()) return;
  if (event.data == "[DONE]") return conv_.finish(emit);
  conv_.on_chunk(parse_upstream_json(event.data, "stream event"), emit);
}

}  // namespace aicore::openai
