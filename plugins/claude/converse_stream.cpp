#include "converse_stream.hpp"

#include "converse.hpp"
#include "python_literal.hpp"

#include <aicore/plugin.hpp>

namespace aicore::claude {
namespace {

Json usage_from_converse(const Json& u) {
  Json out = Json::object();
  auto num = [&](std::string_view k) -> int64_t {
    auto it = u.find(k);
    return (it != u.end() && it->is_number_integer()) ? it->get<int64_t>() : 0;
  };
  out["input_tokens"] = num("inputTokens");
  out["cache_creation_input_tokens"] = num("cacheWriteInputTokens");
  out["cache_read_input_tokens"] = num("cacheReadInputTokens");
  out["output_tokens"] = num("outputTokens");
  return out;
}

Json event_of(std::string_view type) {
  Json e = Json::object();
  e["type"] = type;
  return e;
}

int64_t block_index(const Json& body) {
  auto it = body.find("contentBlockIndex");
  return (it != body.end() && it->is_number_integer()) ? it->get<int64_t>() : 0;
}

}  // namespace

std::string_view anthropic_stop_reason_for_converse(std::string_view r) {
  if (r == "guardrail_intervened" || r == "content_filtered") return "refusal";
  if (r.empty()) return "end_turn";
  return r;  // end_turn, max_tokens, stop_sequence, tool_use, … share Anthropic's names
}

ConverseEventSource::ConverseEventSource(std::string model, uint64_t id_seed)
    : model_(std::move(model)), id_seed_(id_seed) {}

void ConverseEventSource::feed(std::string_view bytes, const OnEvent& on_event) {
  parser_.feed(bytes, [&](const SseEvent& e) { on_sse(e, on_event); });
}

void ConverseEventSource::finish(const OnEvent& on_event) {
  parser_.finish([&](const SseEvent& e) { on_sse(e, on_event); });
  if (stopped_ && !done_) emit_end(on_event);  // metadata never came: end with what is known
}

void ConverseEventSource::on_sse(const SseEvent& e, const OnEvent& on_event) {
  if (done_ || !e.has_data) return;
  std::string_view data = e.data;
  if (data.find_first_not_of(" \t\r\n") == std::string_view::npos || data == "[DONE]") return;
  std::string why;
  std::optional<Json> j = parse_json_or_python(data, &why);
  if (!j) throw upstream_error("converse stream event: neither JSON nor a Python literal (" + why + ")");
  on_converse_event(*j, on_event);
}

void ConverseEventSource::ensure_started(const OnEvent& on_event) {
  if (started_) return;
  started_ = true;
  Json message = Json::object();
  message["id"] = converse_message_id(id_seed_);
  message["type"] = "message";
  message["role"] = "assistant";
  message["model"] = model_;
  message["content"] = Json::array();
  message["stop_reason"] = nullptr;
  message["stop_sequence"] = nullptr;
  Json usage = Json::object();
  usage["input_tokens"] = 0;
  usage["output_tokens"] = 0;
  message["usage"] = std::move(usage);
  Json e = event_of("message_start");
  e["message"] = std::move(message);
  on_event(AnthropicEvent{std::move(e), {}});
}

void ConverseEventSource::close_open_block(const OnEvent& on_event) {
  if (open_index_ < 0) return;
  Json e = event_of("content_block_stop");
  e["index"] = open_index_;
  open_index_ = open_converse_index_ = -1;
  open_type_.clear();
  on_event(AnthropicEvent{std::move(e), {}});
}

int64_t ConverseEventSource::open_block(int64_t index, Json block, const OnEvent& on_event) {
  if (open_index_ >= 0 && open_converse_index_ == index) return open_index_;
  close_open_block(on_event);
  open_index_ = next_index_++;
  open_converse_index_ = index;
  open_type_ = string_or(block, "type");
  Json e = event_of("content_block_start");
  e["index"] = open_index_;
  e["content_block"] = std::move(block);
  on_event(AnthropicEvent{std::move(e), {}});
  return open_index_;
}

void ConverseEventSource::emit_end(const OnEvent& on_event) {
  close_open_block(on_event);
  Json delta = Json::object();
  delta["stop_reason"] = stop_reason_;
  delta["stop_sequence"] = nullptr;
  Json e = event_of("message_delta");
  e["delta"] = std::move(delta);
  if (usage_) {
    e["usage"] = *usage_;
  } else {
    Json u = Json::object();
    u["output_tokens"] = 0;
    e["usage"] = std::move(u);
  }
  on_event(AnthropicEvent{std::move(e), {}});
  on_event(AnthropicEvent{event_of("message_stop"), {}});
  done_ = true;
}

void ConverseEventSource::on_converse_event(const Json& event, const OnEvent& on_event) {
  if (done_) return;
  if (!event.is_object() || event.empty()) throw upstream_error("converse stream event: not an object with one key");
  const std::string& kind = event.begin().key();
  const Json& body = event.begin().value();

  if (kind.size() > 9 && kind.ends_with("Exception")) {
    std::string message = body.is_object()   ? std::string(string_or(body, "message", string_or(body, "Message")))
                          : body.is_string() ? body.get<std::string>()
                                             : std::string();
    if (message.empty()) message = kind;
    done_ = true;
    on_event(AnthropicEvent{anthropic_error_event(error_type_for_exception(kind), message), {}});
    return;
  }
  if (!body.is_object()) throw upstream_error("converse stream event " + kind + ": not an object");

  if (kind == "messageStart") {
    ensure_started(on_event);
  } else if (kind == "contentBlockStart") {
    ensure_started(on_event);
    const int64_t idx = block_index(body);
    auto start = body.find("start");
    if (start != body.end() && start->is_object()) {
      if (auto tu = start->find("toolUse"); tu != start->end() && tu->is_object()) {
        Json block = Json::object();
        block["type"] = "tool_use";
        block["id"] = string_or(*tu, "toolUseId");
        block["name"] = string_or(*tu, "name");
        block["input"] = Json::object();
        close_open_block(on_event);  // a new tool block always starts fresh
        open_block(idx, std::move(block), on_event);
      }
    }
  } else if (kind == "contentBlockDelta") {
    ensure_started(on_event);
    const int64_t idx = block_index(body);
    auto d = body.find("delta");
    if (d == body.end() || !d->is_object()) return;
    if (auto t = d->find("text"); t != d->end() && t->is_string()) {
      int64_t i = open_block(idx, Json{{"type", "text"}, {"text", ""}}, on_event);
      Json e = event_of("content_block_delta");
      e["index"] = i;
      e["delta"] = Json{{"type", "text_delta"}, {"text", *t}};
      on_event(AnthropicEvent{std::move(e), {}});
    } else if (auto tu = d->find("toolUse"); tu != d->end() && tu->is_object()) {
      std::string_view input = string_or(*tu, "input");
      int64_t i =
          open_block(idx, Json{{"type", "tool_use"}, {"id", ""}, {"name", ""}, {"input", Json::object()}}, on_event);
      Json e = event_of("content_block_delta");
      e["index"] = i;
      e["delta"] = Json{{"type", "input_json_delta"}, {"partial_json", input}};
      on_event(AnthropicEvent{std::move(e), {}});
    } else if (auto rc = d->find("reasoningContent"); rc != d->end() && rc->is_object()) {
      if (auto red = rc->find("redactedContent"); red != rc->end() && red->is_string()) {
        close_open_block(on_event);
        open_block(idx, Json{{"type", "redacted_thinking"}, {"data", *red}}, on_event);
        return;
      }
      int64_t i = open_block(idx, Json{{"type", "thinking"}, {"thinking", ""}}, on_event);
      Json e = event_of("content_block_delta");
      e["index"] = i;
      if (auto t = rc->find("text"); t != rc->end() && t->is_string())
        e["delta"] = Json{{"type", "thinking_delta"}, {"thinking", *t}};
      else if (auto s = rc->find("signature"); s != rc->end() && s->is_string())
        e["delta"] = Json{{"type", "signature_delta"}, {"signature", *s}};
      else
        return;
      on_event(AnthropicEvent{std::move(e), {}});
    }
    // Other deltas (citations, images) have no Anthropic stream equivalent here: ignored.
  } else if (kind == "contentBlockStop") {
    if (open_index_ >= 0 && open_converse_index_ == block_index(body)) close_open_block(on_event);
  } else if (kind == "messageStop") {
    ensure_started(on_event);
    close_open_block(on_event);
    stop_reason_ = std::string(anthropic_stop_reason_for_converse(string_or(body, "stopReason")));
    stopped_ = true;
    if (usage_) emit_end(on_event);
  } else if (kind == "metadata") {
    if (auto u = body.find("usage"); u != body.end() && u->is_object()) usage_ = usage_from_converse(*u);
    if (stopped_) emit_end(on_event);
  }
  // Unknown event kinds are ignored: AWS adds new ones over time.
}

}  // namespace aicore::claude
