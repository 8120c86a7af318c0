// anthropic.messages and anthropic.count_tokens on GPT models: Claude Code and the Anthropic SDKs
// driving GPT deployments.
//
// Request:  Anthropic body -> aicore::mapping::anthropic_to_openai_request -> the GPT rules of
//           convert_chat_request (reasoning-model rewrites, include_usage upstream) -> Azure.
// Response: the Azure completion -> aicore::mapping::openai_to_anthropic_response.
// Stream:   raw Azure chunks -> aicore::mapping::OpenAIToAnthropicStream, which ignores Azure's
//           extras (empty-choices preamble, usage:null, filter annotations), so none leak.
// Errors are PluginErrors as for openai.chat; the host wraps them in Anthropic's envelope.
#pragma once

#include "settings.hpp"

#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::openai {

// What the response side needs: the name the client used, and the input-token estimate that
// message_start reports before Azure's usage arrives. "anthropic.v1;tokens=<n>;model=<name>".
struct AnthropicContext {
  std::string model;
  int64_t input_tokens = 0;

  std::string encode() const;
  static AnthropicContext decode(std::string_view context);  // unknown -> defaults
};

// Output limits of the GPT families (max_completion_tokens above them is a 400 from Azure); 0 when
// unknown. Anthropic clients ask for a lot (Claude Code: 32000), so requests are clamped to these.
int64_t max_output_tokens(std::string_view model);

// `names.key` decides the GPT rules and api-version; `names.client` is reported back.
UpstreamRequest convert_anthropic_request(std::string_view body, const ModelNames& names, bool stream_hint,
                                          const Settings& settings);

// The completion's token usage goes to `usage` when given.
std::string convert_anthropic_response(std::string_view body, std::string_view context, Usage* usage = nullptr);

class AnthropicStreamConverter final : public StreamConverter {
 public:
  explicit AnthropicStreamConverter(const AnthropicContext& context)
      : conv_(mapping::AnthropicStreamOptions{context.model, context.input_tokens}) {}

  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override {
    conv_.usage(prompt_tokens, completion_tokens);
  }

 private:
  void on_event(const SseEvent& event, const mapping::Emit& emit);

  SseParser parser_;
  mapping::OpenAIToAnthropicStream conv_;
  bool finished_ = false;
};

}  // namespace aicore::openai
