// The host's check of what a plugin hands it for the client. Plugins are third-party code behind
// a C ABI: one that returns a body that is not JSON, or writes a broken SSE event, must cost that
// request a clear 502 (or an error event) and a specific log line, not hand the client bytes its
// SDK cannot parse under a 200. The checks are linear scans without building a DOM.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aicore::host {

// Why `body` is not one JSON value, or nothing when it is.
std::optional<std::string> json_body_problem(std::string_view body);

// Why `events` is not a run of complete SSE events (field lines `data:`, `event:`, `id:`, `retry:`
// or comments, each event ended by a blank line), or nothing when it is.
std::optional<std::string> sse_events_problem(std::string_view events);

}  // namespace aicore::host
