// OpenAI Chat Completions client  ->  Anthropic Messages upstream (Claude on Bedrock / Anthropic):
// the request forward, the response and the stream back.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

struct ToAnthropicOptions {
  // max_tokens when the client sent neither max_tokens nor max_completion_tokens.
  int64_t default_max_tokens = 8192;
  // thinking.budget_tokens for reasoning_effort low / medium / high ("xhigh" counts as high;
  // "minimal" and "none" leave thinking off). Anthropic's minimum budget is 1024.
  int64_t budget_low = 1024;
  int64_t budget_medium = 4096;
  int64_t budget_high = 16384;
  // Newer Claude models (Sonnet 4.5, Opus 4.1 and later) reject temperature and top_p together:
  // set this for them and only temperature is kept.
  bool temperature_xor_top_p = false;
};

// The tool through which response_format {type:"json_schema"} is honoured: the schema becomes this
// tool's input_schema and tool_choice forces it (or, when thinking is on or the client has tools of
// its own, a system instruction asks for it). The response side turns its input back into the
// message text: pass json_response_tool = true there (see uses_json_response_tool).
inline constexpr std::string_view kJsonResponseTool = "json_response";

// An OpenAI chat request body -> an Anthropic Messages body, without `model`, `stream` or
// `anthropic_version` (the caller adds what its upstream wants). Throws
// aicore::invalid_request("<field>: <problem>"), e.g.
// "messages[2].tool_calls[0].function.arguments: not valid JSON".
Json openai_to_anthropic_request(const Json& openai_body, const ToAnthropicOptions& options = {});

// True when openai_to_anthropic_request maps this body's response_format through kJsonResponseTool.
bool uses_json_response_tool(const Json& openai_body);

struct FromAnthropicOptions {
  bool json_response_tool = false;  // a kJsonResponseTool call is the answer's text, not a tool call
};

// An Anthropic message (non-streaming response) -> an OpenAI chat.completion.
// `model` is the name to report (the client's); `created` the Unix time to stamp.
// Throws aicore::upstream_error when `message` is not an Anthropic message.
Json anthropic_to_openai_response(const Json& message, std::string_view model, int64_t created,
                                  const FromAnthropicOptions& options = {});

struct OpenAIStreamOptions {
  std::string model;                // reported in every chunk
  bool include_usage = false;       // stream_options.include_usage: `usage:null` on chunks + a usage chunk
  int64_t created = 0;              // Unix time stamped on every chunk
  bool json_response_tool = false;  // as FromAnthropicOptions
};

// Anthropic stream events (each SSE `data:` parsed as JSON, in order) -> OpenAI
// chat.completion.chunk SSE events (`data: {…}\n\n`), then the usage chunk (when asked) and
// `data: [DONE]` at message_stop. One instance per response, used by one thread.
class AnthropicToOpenAIStream {
 public:
  explicit AnthropicToOpenAIStream(OpenAIStreamOptions options);
  ~AnthropicToOpenAIStream();
  AnthropicToOpenAIStream(AnthropicToOpenAIStream&&) noexcept;
  AnthropicToOpenAIStream& operator=(AnthropicToOpenAIStream&&) noexcept;

  // One upstream event. An Anthropic `error` event emits `data: {"error":{…}}` and ends the stream:
  // later events are ignored and finish() neither emits nor throws.
  void on_event(const Json& event, const Emit& emit);
  // End of upstream input. After message_stop (or an error event) it does nothing. When the
  // upstream stopped after message_delta (stop_reason known, message_stop missing) it completes the
  // stream normally. Otherwise the stream was truncated: it throws aicore::upstream_error without
  // emitting, so the host ends the client's stream with its own error event (no [DONE]).
  void finish(const Emit& emit);
  // Tokens seen so far; -1 when unknown. prompt = input + cache_read + cache_creation.
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const;
  bool done() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace aicore::mapping
