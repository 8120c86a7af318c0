// A stream whose very first event is an upstream error (Azure's `data: {"error":…}` after a 200,
// Bedrock's throttling exception, an Anthropic `event: error`) has sent the client nothing yet, so
// the host can still fail over invisibly — as for a 429 status line — instead of starting a 200
// stream that only carries the error. This reads the first event a plugin emits, in the client's
// dialect, and says whether it is such a retryable error. Works for every plugin, third-party
// ones included, because it looks at the dialect's framing, not at a plugin's internals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/Dialect.hpp"

namespace aicore::host {

struct LeadingError {
  int status = 502;         // 429 for rate limits, 503 for overload, else 502
  std::string message;
};

// The event (one complete SSE event as the plugin emitted it) if it is a retryable upstream error;
// nullopt for anything else, including errors that retrying elsewhere cannot fix (a bad request,
// a content filter), which are passed to the client as they are.
std::optional<LeadingError> leading_retryable_error(Family family, std::string_view event);

}  // namespace aicore::host
