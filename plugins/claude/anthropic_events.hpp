// The common currency of the claude plugin's stream converters: Anthropic Messages stream events.
// Both Bedrock stream formats are read into these (invoke_stream.hpp, converse_stream.hpp), and
// both client dialects are written from them (messages_stream.hpp, chat_stream.hpp).
#pragma once

#include "json_util.hpp"

#include <functional>
#include <string>

namespace aicore::claude {

struct AnthropicEvent {
  Json json;        // {"type":"message_start",…}
  std::string raw;  // the upstream's own bytes for `json` when nothing was changed (and they fit on
                    // one line): forwarded as they came. Empty: serialise `json`.
};

using OnEvent = std::function<void(AnthropicEvent&&)>;

// A reader of one upstream stream format. feed() takes arbitrary byte splits; finish() is the end
// of the upstream bytes (it may still produce events, e.g. a final message_stop).
class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual void feed(std::string_view bytes, const OnEvent& on_event) = 0;
  virtual void finish(const OnEvent& on_event) = 0;
};

// {"type":"error","error":{"type":<type>,"message":<message>}}
Json anthropic_error_event(std::string_view type, std::string_view message);

// Anthropic error type for an AWS exception name ("ThrottlingException", "throttlingException",
// "ValidationException", …): rate_limit_error, overloaded_error, invalid_request_error, api_error.
std::string_view error_type_for_exception(std::string_view name);

}  // namespace aicore::claude
