// Anthropic Messages client  ->  OpenAI Chat Completions upstream (GPT on Azure, and the canonical
// form other families map from): the request forward, the response and the stream back.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

struct ToOpenAIOptions {
  // reasoning_effort chosen for thinking {type:"enabled", budget_tokens}: below low_below -> "low",
  // below high_from -> "medium", otherwise "high". output_config.effort, when sent, wins.
  int64_t low_below = 4096;
  int64_t high_from = 16384;
  // Tool ids longer than this are shortened deterministically on both sides (OpenAI's limit);
  // 0 keeps them as the client sent them, for upstreams without the limit (Gemini carries thought
  // signatures in its ids).
  size_t max_tool_id = 40;
};

// An Anthropic Messages body -> an OpenAI chat body. Keeps `model` and `stream` when present;
// `max_tokens` becomes `max_completion_tokens`. Throws aicore::invalid_request("<field>: <problem>").
Json anthropic_to_openai_request(const Json& anthropic_body, const ToOpenAIOptions& options = {});

// An OpenAI chat.completion -> an Anthropic message (`msg_…` id derived from the completion id).
// `model` is the name to report (the client's). Throws aicore::upstream_error when `completion`
// has no choices[0].
Json openai_to_anthropic_response(const Json& completion, std::string_view model);

struct AnthropicStreamOptions {
  std::string model;              // reported in message_start
  int64_t input_tokens_hint = 0;  // message_start.usage.input_tokens (OpenAI reports usage only at the end)
};

// OpenAI chat.completion.chunk objects (each `data:` parsed as JSON, in order; `[DONE]` is the
// caller's business: it calls finish()) -> spec-exact Anthropic SSE (`event: x\ndata: {…}\n\n`):
//   message_start, (content_block_start, content_block_delta+, content_block_stop)*,
//   message_delta {stop_reason, usage}, message_stop.
// Blocks open in the order their content arrives — thinking (from reasoning_content), text, one
// tool_use per tool call — with indices 0, 1, 2…; a block is closed before the next one opens.
// message_delta waits for finish(), because OpenAI sends usage after finish_reason. No pings.
class OpenAIToAnthropicStream {
 public:
  explicit OpenAIToAnthropicStream(AnthropicStreamOptions options);
  explicit OpenAIToAnthropicStream(std::string model, int64_t input_tokens_hint = 0);
  ~OpenAIToAnthropicStream();
  OpenAIToAnthropicStream(OpenAIToAnthropicStream&&) noexcept;
  OpenAIToAnthropicStream& operator=(OpenAIToAnthropicStream&&) noexcept;

  // One chunk. Azure's extras (empty-choices preamble, `usage:null`, filter annotations) are
  // ignored. A chunk carrying {"error":{…}} emits an Anthropic `error` event and ends the stream.
  void on_chunk(const Json& chunk, const Emit& emit);
  // End of upstream input: closes the open block and emits message_delta + message_stop. Idempotent.
  // When no finish_reason was seen (a truncated upstream) it throws aicore::upstream_error without
  // emitting, so the host ends the client's stream with its own `error` event.
  void finish(const Emit& emit);
  // Tokens seen so far; -1 when unknown.
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const;
  bool done() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace aicore::mapping
