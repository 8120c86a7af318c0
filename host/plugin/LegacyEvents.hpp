// Plugins built for ABI 1.0 report nothing but their text, so for them the host derives the typed
// stream events (StreamEvents.hpp) from it, exactly as it used to read them: the end of the stream
// from the dialect's terminator, a retryable upstream error from the first event, the usage from
// the "usage" objects in the client's events or body (plus stream_usage). Plugins built for 1.1
// report these themselves and none of this runs for them. Works for every plugin, third-party
// ones included, because it looks at the dialect's framing, not at a plugin's internals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "plugin/Family.hpp"
#include "plugin/StreamEvents.hpp"

namespace aicore::host {

// Whether `events` (one or more complete SSE events as a plugin emitted them) ends the stream for
// the client: OpenAI `data: [DONE]`, Anthropic `message_stop` or `error`.
bool ends_stream(Family f, std::string_view events);

struct LeadingError {
  int status = 502;  // 429 for rate limits, 503 for overload, else 502
  std::string message;
};

// The event (one complete SSE event as the plugin emitted it) if it is a retryable upstream error
// (Azure's `data: {"error":…}` after a 200, Bedrock's throttling exception, an Anthropic
// `event: error`); nullopt for anything else, including errors that retrying elsewhere cannot fix
// (a bad request, a content filter), which are passed to the client as they are.
std::optional<LeadingError> leading_retryable_error(Family family, std::string_view event);

// Raises the counts in `usage` to those of the "usage" object in a client-facing JSON body or
// stream event, in either dialect (prompt/input -> input, completion/output -> output). True when
// it found any. Cheap enough for every event: no JSON parsing.
bool scan_usage(std::string_view text, Usage& usage);

// One 1.0 plugin's response: turns its text into typed events for `to`.
class LegacyEvents {
 public:
  explicit LegacyEvents(Family family) : family_(family) {}

  // One write of the plugin: the events it implies, then the bytes, then end().
  void event(std::string_view bytes, StreamEvents& to);
  // The plugin's stream_usage answer (after finish), merged with what the text showed.
  void stream_usage(int64_t prompt_tokens, int64_t completion_tokens, StreamEvents& to);

 private:
  Family family_;
  bool first_ = true;
  Usage seen_;
};

}  // namespace aicore::host
