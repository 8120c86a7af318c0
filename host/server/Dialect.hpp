// The client-facing dialects the host serves, and how each one spells an error.
#pragma once

#include <aicore/abi.h>
#include <aicore/errors.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "plugin/Family.hpp"

namespace aicore::host {

struct Dialect {
  std::string_view name;  // ACP_DIALECT_*
  Family family;
  bool can_stream;
  bool local = false;  // the plugin answers it without an upstream call (no quota, no tokens)
};

inline constexpr Dialect kOpenAIChat{ACP_DIALECT_OPENAI_CHAT, Family::OpenAI, true};
inline constexpr Dialect kOpenAIEmbeddings{ACP_DIALECT_OPENAI_EMBEDDINGS, Family::OpenAI, false};
inline constexpr Dialect kAnthropicMessages{ACP_DIALECT_ANTHROPIC_MESSAGES, Family::Anthropic, true};
inline constexpr Dialect kAnthropicCountTokens{ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, Family::Anthropic, false, true};
inline constexpr Dialect kOpenAIResponses{ACP_DIALECT_OPENAI_RESPONSES, Family::OpenAI, true};
inline constexpr Dialect kOpenAIResponsesInputTokens{ACP_DIALECT_OPENAI_RESPONSES_INPUT_TOKENS, Family::OpenAI, false,
                                                     true};
// The Gemini API: the model and whether to stream come from the path (GeminiPath.hpp), not the body.
inline constexpr Dialect kGeminiGenerateContent{ACP_DIALECT_GEMINI_GENERATE_CONTENT, Family::Gemini, true};
inline constexpr Dialect kGeminiCountTokens{ACP_DIALECT_GEMINI_COUNT_TOKENS, Family::Gemini, false, true};
inline constexpr Dialect kGeminiEmbedContent{ACP_DIALECT_GEMINI_EMBED_CONTENT, Family::Gemini, false};
inline constexpr Dialect kGeminiBatchEmbedContents{ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, Family::Gemini, false};

// The JSON error body in the dialect's envelope. `type` empty: derived from the status.
inline std::string error_body(Family f, int status, std::string_view message, std::string_view type = {},
                              std::string_view code = {}) {
  if (f == Family::Anthropic) return anthropic_error_body(message, type.empty() ? anthropic_error_type(status) : type);
  if (f == Family::Gemini) return gemini_error_body(status, message);  // google.rpc status names, no types
  return openai_error_body(message, type.empty() ? openai_error_type(status) : type, code);
}

// The stream event that ends a stream with an error, in the dialect's own framing. `events_sent`:
// how many events the client got before it, the Responses API's sequence_number for this one.
inline std::string stream_error_event(const Dialect& d, int status, std::string_view message, int64_t events_sent) {
  if (d.family == Family::Anthropic) return "event: error\ndata: " + error_body(d.family, status, message) + "\n\n";
  if (d.family == Family::Gemini) return "data: " + error_body(d.family, status, message) + "\n\n";  // no terminator
  if (d.name == ACP_DIALECT_OPENAI_RESPONSES)
    return "event: error\ndata: {\"type\":\"error\",\"code\":" + json_quote(openai_error_type(status)) +
           ",\"message\":" + json_quote(message) +
           ",\"param\":null,\"sequence_number\":" + std::to_string(events_sent) + "}\n\n";
  return "data: " + error_body(d.family, status, message) + "\n\ndata: [DONE]\n\n";
}

}  // namespace aicore::host
