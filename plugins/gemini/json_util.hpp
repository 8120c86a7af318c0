// JSON helpers shared by the converters: one JSON type, one way to parse each side's bytes, one
// way to serialise. (Same rules as the openai plugin's; each plugin carries its own copy so the
// modules stay independent.)
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace aicore::gemini {

// ordered_json keeps key order, so upstream bodies and golden fixtures read in a stable order.
using Json = nlohmann::ordered_json;

// nlohmann serialises, copies and compares recursively; a body of a million '[' would overflow a
// worker thread's stack. Real bodies (tool schemas included) stay far below this.
inline constexpr int kMaxJsonDepth = 256;

// True when brackets in `text` nest deeper than `limit` (strings are skipped).
bool nested_deeper_than(std::string_view text, int limit);

// The client's body; a bad body is the client's fault -> aicore::invalid_request("body: ...").
Json parse_client_json(std::string_view body);

// Bytes from Vertex; bad bytes are the upstream's fault -> aicore::upstream_error("<what>: ...").
Json parse_upstream_json(std::string_view body, std::string_view what);

// Compact JSON; invalid UTF-8 is replaced rather than thrown on.
std::string dump(const Json& j);

// "<field>[<i>]"
std::string at(std::string_view field, size_t i);

}  // namespace aicore::gemini
