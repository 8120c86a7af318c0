// Vertex GenerateContentResponse (non-streaming, 2xx) -> OpenAI chat.completion, plus the pieces
// the stream converters share: finish reasons, usage and the prompt-block check.
//
//   parts         text -> content (joined); thought:true text -> reasoning_content;
//                 functionCall -> tool_calls[{id (call_ids.hpp), type, function{name, arguments}}]
//   finishReason  STOP -> stop (tool_calls when the candidate called a function), MAX_TOKENS ->
//                 length, SAFETY / RECITATION / BLOCKLIST / PROHIBITED_CONTENT / SPII /
//                 IMAGE_SAFETY -> content_filter, anything else -> stop
//   usage         promptTokenCount -> prompt_tokens, candidatesTokenCount + thoughtsTokenCount ->
//                 completion_tokens (OpenAI counts reasoning inside it), thoughtsTokenCount ->
//                 completion_tokens_details.reasoning_tokens, cachedContentTokenCount ->
//                 prompt_tokens_details.cached_tokens
//   blocked       promptFeedback.blockReason with no candidates -> a 400 error naming the reason,
//                 never an empty answer
#pragma once

#include "context.hpp"
#include "json_util.hpp"

#include <aicore/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::gemini {

std::string_view openai_finish_reason(std::string_view gemini_finish_reason, bool called_functions);

// OpenAI usage from usageMetadata; null when the response has none.
Json openai_usage(const Json& usage_metadata);

// Throws aicore::invalid_request (HTTP 400) when Vertex refused the prompt itself.
void check_prompt_blocked(const Json& response);

// An upstream error object inside a 200 body or stream ({"error":{code,message,status}}) as the
// OpenAI error object {"message","type","param","code"}.
Json openai_error_object(const Json& gemini_error);

// The whole response. `created` is the Unix time to stamp.
Json gemini_to_openai_response(const Json& response, const ResponseContext& ctx, int64_t created);

// Bytes in, bytes out; throws aicore::upstream_error for a body that is not a Gemini response.
// The token usage goes to `usage` when given.
std::string convert_chat_response(std::string_view body, const ResponseContext& ctx, Usage* usage = nullptr);

}  // namespace aicore::gemini
