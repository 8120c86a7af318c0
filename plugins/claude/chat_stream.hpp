// Anthropic events (from either Bedrock stream format) -> OpenAI chat.completion.chunk SSE, through
// the shared mapping (aicore::mapping::AnthropicToOpenAIStream): text and tool-call argument
// fragments, finish_reason, the usage chunk when the client asked, then `data: [DONE]`. A truncated
// upstream makes finish() throw aicore::upstream_error (no [DONE]).
#pragma once

#include "anthropic_events.hpp"
#include "context.hpp"

#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/plugin.hpp>

#include <memory>

namespace aicore::claude {

class ChatStreamConverter final : public StreamConverter {
 public:
  ChatStreamConverter(std::unique_ptr<EventSource> source, const ResponseContext& context, int64_t created);

  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override;

 private:
  std::unique_ptr<EventSource> source_;
  mapping::AnthropicToOpenAIStream stream_;
  bool finished_ = false;
};

}  // namespace aicore::claude
