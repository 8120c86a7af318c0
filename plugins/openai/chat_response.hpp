// Azure chat completion (non-streaming, 2xx) -> a clean OpenAI chat.completion.
#pragma once

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::openai {

// Removes the Azure content-filter annotations and keeps everything else in upstream order (id,
// object, created, model, choices with message / tool_calls / finish_reason / logprobs, usage with
// its details, system_fingerprint). Throws aicore::upstream_error for a body that is not a JSON object.
// The completion's token usage goes to `usage` when given.
std::string convert_chat_response(std::string_view body, Usage* usage = nullptr);

}  // namespace aicore::openai
