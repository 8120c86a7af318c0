// OpenAI chunks -> Anthropic stream events, in the order Anthropic's API sends them:
//
//   event: message_start        {"type":"message_start","message":{id,type,role,model,content:[],…,usage}}
//   event: content_block_start  {"type":"content_block_start","index":i,"content_block":{…}}
//   event: content_block_delta
//   {"type":"content_block_delta","index":i,"delta":{text_delta|thinking_delta|input_json_delta}} event:
//   content_block_stop   {"type":"content_block_stop","index":i} … one block after the other … event: message_delta
//   {"type":"message_delta","delta":{stop_reason,stop_sequence:null},"usage":{…}} event: message_stop
//   {"type":"message_stop"}
//
// message_start goes out with the first chunk that has a choice (Azure's role chunk), so clients
// see the stream begin at once; its input_tokens is the caller's estimate, the real count follows
// in message_delta. A tool call's fragments go to its own block; should a server interleave two
// calls' fragments, the late ones still carry their block's index (the SDKs accumulate by index).
#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/mapping/reasons.hpp>
#include <aicore/mapping/upstream.hpp>
#include <aicore/sse.hpp>

#include "json_util.hpp"
#include "usage.hpp"

#include <map>

namespace aicore::mapping {

using namespace detail;

struct OpenAIToAnthropicStream::State {
  enum class Kind { None, Thinking, Text, Tool };

  AnthropicStreamOptions opt;
  std::string id;
  bool started = false, stopped = false, failed = false;
  Kind open = Kind::None;
  int64_t open_index = -1, next_index = 0;
  std::map<int64_t, int64_t> tool_blocks;  // OpenAI tool index -> Anthropic block index
  int64_t last_tool = -1;
  std::string stop_reason;
  bool refusal = false;
  OpenAIUsage usage;

  static void event(const Emit& emit, std::string_view name, const Json& data) { emit(sse_event(name, dump(data))); }

  void start(const Emit& emit) {
    if (started) return;
    started = true;
    Json u = Json::object();
    u["input_tokens"] = opt.input_tokens_hint;
    u["cache_creation_input_tokens"] = 0;
    u["cache_read_input_tokens"] = 0;
    u["output_tokens"] = 0;
    Json m = Json::object();
    m["id"] = id.empty() ? "msg_unknown" : id;
    m["type"] = "message";
    m["role"] = "assistant";
    m["model"] = opt.model;
    m["content"] = Json::array();
    m["stop_reason"] = nullptr;
    m["stop_sequence"] = nullptr;
    m["usage"] = std::move(u);
    Json e = Json::object();
    e["type"] = "message_start";
    e["message"] = std::move(m);
    event(emit, "message_start", e);
  }

  void close_block(const Emit& emit) {
    if (open == Kind::None) return;
    Json e = Json::object();
    e["type"] = "content_block_stop";
    e["index"] = open_index;
    event(emit, "content_block_stop", e);
    open = Kind::None;
  }

  int64_t open_block(const Emit& emit, Kind kind, Json block) {
    close_block(emit);
    open = kind;
    open_index = next_index++;
    Json e = Json::object();
    e["type"] = "content_block_start";
    e["index"] = open_index;
    e["content_block"] = std::move(block);
    event(emit, "content_block_start", e);
    return open_index;
  }

  static void delta(const Emit& emit, int64_t index, Json d) {
    Json e = Json::object();
    e["type"] = "content_block_delta";
    e["index"] = index;
    e["delta"] = std::move(d);
    event(emit, "content_block_delta", e);
  }

  // A run of thinking or text: opens its block when another kind is open, then one delta. The
  // block and the delta name their text field after the block's type; a thinking block starts with
  // an empty signature, as Anthropic's own stream starts it.
  void run_delta(const Emit& emit, Kind kind, const char* type, const char* delta_type, const std::string& s) {
    if (open != kind) {
      Json b = Json::object();
      b["type"] = type;
      b[type] = "";
      if (kind == Kind::Thinking) b["signature"] = "";
      open_block(emit, kind, std::move(b));
    }
    Json d = Json::object();
    d["type"] = delta_type;
    d[type] = s;
    delta(emit, open_index, std::move(d));
  }

  void thinking(const Emit& emit, const std::string& s) {
    run_delta(emit, Kind::Thinking, "thinking", "thinking_delta", s);
  }

  void text(const Emit& emit, const std::string& s) { run_delta(emit, Kind::Text, "text", "text_delta", s); }

  void tool_call(const Emit& emit, const Json& tc) {
    if (!tc.is_object()) return;
    const Json* fn = find(tc, "function");
    const std::string tc_id = str_or(tc, "id");
    int64_t idx = int_or(tc, "index", -1);
    if (idx < 0) idx = (tc_id.empty() && last_tool >= 0) ? last_tool : static_cast<int64_t>(tool_blocks.size());
    auto it = tool_blocks.find(idx);
    if (it == tool_blocks.end()) {
      Json b = Json::object();
      b["type"] = "tool_use";
      b["id"] = tc_id.empty() ? "toolu_" + strip_id_prefix(id) + "_" + std::to_string(idx) : tc_id;
      b["name"] = fn ? str_or(*fn, "name") : "";
      b["input"] = Json::object();
      it = tool_blocks.emplace(idx, open_block(emit, Kind::Tool, std::move(b))).first;
    }
    last_tool = idx;
    std::string args = fn ? str_or(*fn, "arguments") : "";
    if (args.empty()) return;
    Json d = Json::object();
    d["type"] = "input_json_delta";
    d["partial_json"] = std::move(args);
    delta(emit, it->second, std::move(d));
  }

  void error(const Emit& emit, const Json& err) {
    failed = true;
    report_stream_error(emit.events(), err);
    Json e = Json::object();
    std::string type = err.is_object() ? str_or(err, "type") : "";
    // OpenAI's vocabulary -> Anthropic's (both use invalid_request_error, rate_limit_error, …).
    if (type.empty() || type == "server_error") type = "api_error";
    e["type"] = type;
    e["message"] = err.is_string()   ? err.get<std::string>()
                   : err.is_object() ? str_or(err, "message", "upstream error")
                                     : "upstream error";
    Json out = Json::object();
    out["type"] = "error";
    out["error"] = std::move(e);
    event(emit, "error", out);
    emit.events().end();
  }
};

OpenAIToAnthropicStream::OpenAIToAnthropicStream(AnthropicStreamOptions options) : s_(std::make_unique<State>()) {
  s_->opt = std::move(options);
}
OpenAIToAnthropicStream::OpenAIToAnthropicStream(std::string model, int64_t input_tokens_hint)
    : OpenAIToAnthropicStream(AnthropicStreamOptions{std::move(model), input_tokens_hint}) {}
OpenAIToAnthropicStream::~OpenAIToAnthropicStream() = default;
OpenAIToAnthropicStream::OpenAIToAnthropicStream(OpenAIToAnthropicStream&&) noexcept = default;
OpenAIToAnthropicStream& OpenAIToAnthropicStream::operator=(OpenAIToAnthropicStream&&) noexcept = default;

void OpenAIToAnthropicStream::on_chunk(const Json& chunk, const Emit& emit) {
  State& s = *s_;
  if (s.stopped || s.failed || !chunk.is_object()) return;
  if (const Json* err = find(chunk, "error")) return s.error(emit, *err);
  if (s.id.empty()) {
    if (std::string id = str_or(chunk, "id"); !id.empty()) s.id = "msg_" + strip_id_prefix(id);
  }
  if (const Json* u = find(chunk, "usage"); u && u->is_object()) {
    s.usage.update(*u);
    emit.events().usage(s.usage.counts());
  }
  const Json* choices = find(chunk, "choices");
  if (!choices || !choices->is_array()) return;
  for (const Json& choice : *choices) {
    if (!choice.is_object() || int_or(choice, "index", 0) != 0) continue;  // n > 1: the first choice only
    s.start(emit);
    if (const Json* d = find(choice, "delta"); d && d->is_object()) {
      std::string reasoning = str_or(*d, "reasoning_content");
      if (reasoning.empty()) reasoning = str_or(*d, "reasoning");
      if (!reasoning.empty()) s.thinking(emit, reasoning);
      if (std::string t = str_or(*d, "content"); !t.empty()) s.text(emit, t);
      if (std::string r = str_or(*d, "refusal"); !r.empty()) {
        s.refusal = true;
        s.text(emit, r);
      }
      if (const Json* calls = find(*d, "tool_calls"); calls && calls->is_array())
        for (const Json& tc : *calls) s.tool_call(emit, tc);
    }
    if (std::string f = str_or(choice, "finish_reason"); !f.empty()) {
      s.close_block(emit);
      s.stop_reason = anthropic_stop_reason(f);
      if (!s.tool_blocks.empty() && s.stop_reason == "end_turn") s.stop_reason = "tool_use";
      if (s.refusal && s.stop_reason == "end_turn") s.stop_reason = "refusal";
    }
  }
}

void OpenAIToAnthropicStream::finish(const Emit& emit) {
  State& s = *s_;
  if (s.stopped || s.failed) return;
  if (s.stop_reason.empty()) throw upstream_error("upstream stream ended before finish_reason");
  s.start(emit);
  s.close_block(emit);
  Json d = Json::object();
  d["stop_reason"] = s.stop_reason;
  d["stop_sequence"] = nullptr;
  Json e = Json::object();
  e["type"] = "message_delta";
  e["delta"] = std::move(d);
  e["usage"] = s.usage.anthropic(s.opt.input_tokens_hint);
  State::event(emit, "message_delta", e);
  Json stop = Json::object();
  stop["type"] = "message_stop";
  State::event(emit, "message_stop", stop);
  s.stopped = true;
  emit.events().end();
}

void OpenAIToAnthropicStream::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  prompt_tokens = s_->usage.prompt;
  completion_tokens = s_->usage.completion;
}

bool OpenAIToAnthropicStream::done() const { return s_->stopped || s_->failed; }

}  // namespace aicore::mapping
