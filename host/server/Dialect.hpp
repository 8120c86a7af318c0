// The client-facing dialects the host serves, and how each one spells an error.
#pragma once

#include <aicore/abi.h>
#include <aicore/errors.hpp>

#include <string>
#include <string_view>

namespace aicore::host {

enum class Family { OpenAI, Anthropic };

struct Dialect {
  std::string_view name;  // ACP_DIALECT_*
  Family family;
  bool can_stream;
};

inline constexpr Dialect kOpenAIChat{ACP_DIALECT_OPENAI_CHAT, Family::OpenAI, true};
inline constexpr Dialect kOpenAIEmbeddings{ACP_DIALECT_OPENAI_EMBEDDINGS, Family::OpenAI, false};
inline constexpr Dialect kAnthropicMessages{ACP_DIALECT_ANTHROPIC_MESSAGES, Family::Anthropic, true};
inline constexpr Dialect kAnthropicCountTokens{ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, Family::Anthropic, false};

// The JSON error body in the dialect's envelope. `type` empty: derived from the status.
inline std::string error_body(Family f, int status, std::string_view message, std::string_view type = {},
                              std::string_view code = {}) {
  if (f == Family::Anthropic) return anthropic_error_body(message, type.empty() ? anthropic_error_type(status) : type);
  return openai_error_body(message, type.empty() ? openai_error_type(status) : type, code);
}

// The stream event that ends a stream with an error, in the dialect's own framing.
inline std::string stream_error_event(Family f, int status, std::string_view message) {
  if (f == Family::Anthropic) return "event: error\ndata: " + error_body(f, status, message) + "\n\n";
  return "data: " + error_body(f, status, message) + "\n\ndata: [DONE]\n\n";
}

// Whether `events` (one or more complete SSE events as a plugin emitted them) ends the stream for
// the client: OpenAI `data: [DONE]`, Anthropic `message_stop` or `error`. After that, nothing more
// may be sent, not even the host's own error event when the upstream connection breaks.
inline bool ends_stream(Family f, std::string_view events) {
  auto ends_with = [&](std::string_view tail) {
    return events.size() >= tail.size() && events.substr(events.size() - tail.size()) == tail;
  };
  if (f == Family::OpenAI) return ends_with("data: [DONE]\n\n") || ends_with("data: [DONE]\r\n\r\n");
  // The last event's name: its `event:` line is at the start or right after the previous event.
  size_t at = events.rfind("event:");
  if (at == std::string_view::npos || (at > 0 && events[at - 1] != '\n')) return false;
  std::string_view name = events.substr(at + 6);
  if (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  return name.starts_with("message_stop\n") || name.starts_with("message_stop\r") || name.starts_with("error\n") ||
         name.starts_with("error\r");
}

}  // namespace aicore::host
