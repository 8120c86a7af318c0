// Anthropic stream events -> OpenAI chat.completion.chunk events.
//
//   message_start            -> the role chunk {"role":"assistant","content":""}
//   text_delta               -> delta.content
//   thinking_delta           -> delta.reasoning_content
//   thinking block stop      -> delta.thinking_blocks [{type:"thinking",thinking,signature}] once
//                               signed, redacted_thinking -> [{type:"redacted_thinking",data}]
//                               (LiteLLM's convention, as in whole responses: a client sends them
//                               back on the assistant message and Claude's signed thinking survives)
//   tool_use block start     -> delta.tool_calls[{index,id,type,function{name,arguments:""}}]
//   input_json_delta         -> delta.tool_calls[{index,function{arguments:<fragment>}}]
//   message_delta            -> the finish_reason chunk
//   message_stop             -> the usage chunk (include_usage only), then data: [DONE]
//   error                    -> data: {"error":{…}}, and the stream is over
// Tool indices count tool calls (0, 1, …), not Anthropic block indices. With json_response_tool,
// that tool's input fragments become delta.content instead.
#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/mapping/reasons.hpp>
#include <aicore/mapping/upstream.hpp>
#include <aicore/sse.hpp>

#include "json_util.hpp"
#include "usage.hpp"

#include <map>

namespace aicore::mapping {

using namespace detail;

struct AnthropicToOpenAIStream::State {
  enum class Kind { Other, Text, Thinking, Redacted, Tool, JsonTool };
  struct Block {
    Kind kind = Kind::Other;
    std::string thinking, signature;  // Thinking: the text and its signature; Redacted: the data
    int64_t tool_index = -1;
    bool got_input = false;
    Json start_input;
  };

  OpenAIStreamOptions opt;
  std::string id;
  bool started = false, finish_sent = false, stopped = false, failed = false;
  int64_t next_tool = 0;
  AnthropicUsage usage;
  std::map<int64_t, Block> blocks;

  Json base() const {
    Json c = Json::object();
    c["id"] = id.empty() ? "chatcmpl-unknown" : id;
    c["object"] = "chat.completion.chunk";
    c["created"] = opt.created;
    c["model"] = opt.model;
    return c;
  }

  void emit_choice(const Emit& emit, Json delta, Json finish_reason = nullptr) const {
    Json choice = Json::object();
    choice["index"] = 0;
    choice["delta"] = std::move(delta);
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = std::move(finish_reason);
    Json c = base();
    c["choices"] = Json::array({std::move(choice)});
    if (opt.include_usage) c["usage"] = nullptr;
    emit(sse_data(dump(c)));
  }

  void ensure_started(const Emit& emit) {
    if (started) return;
    started = true;
    Json d = Json::object();
    d["role"] = "assistant";
    d["content"] = "";
    emit_choice(emit, std::move(d));
  }

  void text(const Emit& emit, std::string_view key, const std::string& s) {
    if (s.empty()) return;
    ensure_started(emit);
    Json d = Json::object();
    d[std::string(key)] = s;
    emit_choice(emit, std::move(d));
  }

  void tool_fragment(const Emit& emit, const Block& b, Json call) {
    ensure_started(emit);
    Json c = Json::object();
    c["index"] = b.tool_index;
    for (auto it = call.begin(); it != call.end(); ++it) c[it.key()] = it.value();
    Json d = Json::object();
    d["tool_calls"] = Json::array({std::move(c)});
    emit_choice(emit, std::move(d));
  }

  void arguments(const Emit& emit, Block& b, const std::string& fragment) {
    if (fragment.empty()) return;
    b.got_input = true;
    if (b.kind == Kind::JsonTool) return text(emit, "content", fragment);
    if (b.kind != Kind::Tool) return;
    Json fn = Json::object();
    fn["arguments"] = fragment;
    Json call = Json::object();
    call["function"] = std::move(fn);
    tool_fragment(emit, b, std::move(call));
  }

  void block_start(const Emit& emit, int64_t index, const Json& cb) {
    ensure_started(emit);
    Block b;
    const std::string type = str_or(cb, "type");
    if (type == "text") {
      b.kind = Kind::Text;
      text(emit, "content", str_or(cb, "text"));
    } else if (type == "thinking") {
      b.kind = Kind::Thinking;
      b.thinking = str_or(cb, "thinking");
      b.signature = str_or(cb, "signature");
      text(emit, "reasoning_content", b.thinking);
    } else if (type == "redacted_thinking") {
      b.kind = Kind::Redacted;
      b.thinking = str_or(cb, "data");
    } else if (type == "tool_use") {
      const std::string name = str_or(cb, "name");
      if (const Json* in = find(cb, "input"); in && in->is_object() && !in->empty()) b.start_input = *in;
      if (opt.json_response_tool && name == kJsonResponseTool) {
        b.kind = Kind::JsonTool;
      } else {
        b.kind = Kind::Tool;
        b.tool_index = next_tool++;
        Json fn = Json::object();
        fn["name"] = name;
        fn["arguments"] = "";
        Json call = Json::object();
        call["id"] = str_or(cb, "id");
        call["type"] = "function";
        call["function"] = std::move(fn);
        tool_fragment(emit, b, std::move(call));
      }
    }
    blocks[index] = std::move(b);
  }

  void block_delta(const Emit& emit, int64_t index, const Json& delta) {
    const std::string type = str_or(delta, "type");
    auto it = blocks.find(index);
    if (type == "text_delta") return text(emit, "content", str_or(delta, "text"));
    if (type == "thinking_delta") {
      const std::string t = str_or(delta, "thinking");
      if (it != blocks.end()) it->second.thinking += t;
      return text(emit, "reasoning_content", t);
    }
    if (type == "signature_delta" && it != blocks.end()) {
      it->second.signature += str_or(delta, "signature");
      return;
    }
    if (type == "input_json_delta" && it != blocks.end())
      return arguments(emit, it->second, str_or(delta, "partial_json"));
    // citations_delta and unknown deltas carry nothing for OpenAI clients.
  }

  void block_stop(const Emit& emit, int64_t index) {
    auto it = blocks.find(index);
    if (it == blocks.end()) return;
    Block& b = it->second;
    // A tool_use whose input came whole in content_block_start, without deltas.
    if (!b.got_input && b.start_input.is_object()) arguments(emit, b, dump(b.start_input));
    Json block;
    if (b.kind == Kind::Thinking && !b.signature.empty())
      block = {{"type", "thinking"}, {"thinking", b.thinking}, {"signature", b.signature}};
    else if (b.kind == Kind::Redacted && !b.thinking.empty())
      block = {{"type", "redacted_thinking"}, {"data", b.thinking}};
    if (block.is_null()) return;
    ensure_started(emit);
    Json d = Json::object();
    d["thinking_blocks"] = Json::array({std::move(block)});
    emit_choice(emit, std::move(d));
  }

  void send_finish(const Emit& emit, std::string_view stop_reason) {
    if (finish_sent) return;
    ensure_started(emit);
    finish_sent = true;
    std::string_view reason = openai_finish_reason(stop_reason);
    if (reason.empty() || (reason == "tool_calls" && next_tool == 0)) reason = "stop";
    emit_choice(emit, Json::object(), std::string(reason));
  }

  void end(const Emit& emit) {
    send_finish(emit, "end_turn");
    if (opt.include_usage) {
      Json c = base();
      c["choices"] = Json::array();
      c["usage"] = usage.openai();
      emit(sse_data(dump(c)));
    }
    emit(sse_data("[DONE]"));
    stopped = true;
    emit.events().end();
  }

  void error(const Emit& emit, const Json& event) {
    failed = true;
    Json e = Json::object();
    const Json* err = find(event, "error");
    report_stream_error(emit.events(), err ? *err : Json("upstream error"));
    e["message"] = err ? str_or(*err, "message", "upstream error") : "upstream error";
    e["type"] = err ? str_or(*err, "type", "api_error") : "api_error";
    e["param"] = nullptr;
    e["code"] = nullptr;
    Json out = Json::object();
    out["error"] = std::move(e);
    emit(sse_data(dump(out)));
  }
};

AnthropicToOpenAIStream::AnthropicToOpenAIStream(OpenAIStreamOptions options) : s_(std::make_unique<State>()) {
  s_->opt = std::move(options);
}
AnthropicToOpenAIStream::~AnthropicToOpenAIStream() = default;
AnthropicToOpenAIStream::AnthropicToOpenAIStream(AnthropicToOpenAIStream&&) noexcept = default;
AnthropicToOpenAIStream& AnthropicToOpenAIStream::operator=(AnthropicToOpenAIStream&&) noexcept = default;

void AnthropicToOpenAIStream::on_event(const Json& event, const Emit& emit) {
  State& s = *s_;
  if (s.stopped || s.failed || !event.is_object()) return;
  const std::string type = str_or(event, "type");
  const int64_t index = int_or(event, "index", 0);
  if (type == "message_start") {
    if (const Json* m = find(event, "message")) {
      if (std::string id = str_or(*m, "id"); !id.empty() && s.id.empty()) s.id = "chatcmpl-" + strip_id_prefix(id);
      if (const Json* u = find(*m, "usage")) {
        s.usage.update(*u);
        emit.events().usage(s.usage.counts());
      }
    }
    s.ensure_started(emit);
  } else if (type == "content_block_start") {
    if (const Json* cb = find(event, "content_block")) s.block_start(emit, index, *cb);
  } else if (type == "content_block_delta") {
    if (const Json* d = find(event, "delta")) s.block_delta(emit, index, *d);
  } else if (type == "content_block_stop") {
    s.block_stop(emit, index);
  } else if (type == "message_delta") {
    if (const Json* u = find(event, "usage")) {
      s.usage.update(*u);
      emit.events().usage(s.usage.counts());
    }
    if (const Json* d = find(event, "delta"); d && find(*d, "stop_reason"))
      s.send_finish(emit, str_or(*d, "stop_reason"));
  } else if (type == "message_stop") {
    // Bedrock appends its own metrics; use them when the events carried no usage.
    if (const Json* m = find(event, "amazon-bedrock-invocationMetrics")) {
      if (s.usage.input < 0) s.usage.input = int_or(*m, "inputTokenCount", -1);
      if (s.usage.output < 0) s.usage.output = int_or(*m, "outputTokenCount", -1);
      emit.events().usage(s.usage.counts());
    }
    s.end(emit);
  } else if (type == "error") {
    s.error(emit, event);
  }
  // ping and unknown event types: nothing to forward.
}

void AnthropicToOpenAIStream::finish(const Emit& emit) {
  State& s = *s_;
  if (s.stopped || s.failed) return;
  if (s.finish_sent) return s.end(emit);  // message_stop missing, but the answer was complete
  throw upstream_error("upstream stream ended before message_stop");
}

void AnthropicToOpenAIStream::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  prompt_tokens = s_->usage.prompt();
  completion_tokens = s_->usage.output;
}

bool AnthropicToOpenAIStream::done() const { return s_->stopped || s_->failed; }

}  // namespace aicore::mapping
