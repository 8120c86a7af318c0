// The anthropic.messages and anthropic.count_tokens dialects on Gemini, by composition:
//
//   request   Anthropic body --(shared anthropic_to_openai_request)--> OpenAI chat body
//             --(openai_to_gemini)--> Gemini body. `thinking` and `top_k` are read from the
//             Anthropic body itself, because the OpenAI form can only say reasoning_effort:
//             enabled+budget_tokens -> that budget (clamped per model), adaptive -> dynamic
//             (-1), or output_config.effort when the client sends one, disabled -> off where the
//             model allows it.
//   response  Gemini --(gemini_to_openai_response)--> chat.completion
//             --(shared openai_to_anthropic_response)--> Anthropic message
//   stream    AnthropicMessagesStream (chat_stream.hpp)
//   count     answered locally with the shared estimator: {"input_tokens": N}
#pragma once

#include "context.hpp"
#include "settings.hpp"

#include <aicore/mapping/count_tokens.hpp>
#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::gemini {

// `names.key` decides the upstream model and its limits; `names.client` is reported back.
UpstreamRequest convert_anthropic_request(std::string_view body, const ModelNames& names, bool stream_hint,
                                          const Settings& settings);

// The token usage goes to `usage` when given.
std::string convert_anthropic_response(std::string_view body, const ResponseContext& ctx, Usage* usage = nullptr);

// {"input_tokens":N} for /v1/messages/count_tokens: the shared local estimate.
using mapping::count_tokens_response;

}  // namespace aicore::gemini
