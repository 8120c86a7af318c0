// JSON helpers for the claude plugin: one JSON type, one way to parse each side's bytes, one way to
// serialise. ordered_json keeps the client's key order, so a Bedrock body differs from the client's
// only where a rule in bedrock_rules.cpp changed it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace aicore::claude {

using Json = nlohmann::ordered_json;

// nlohmann serialises and copies recursively: a body of a million '[' would overflow a worker
// thread's stack. Real bodies (tool schemas included) stay far below this.
inline constexpr int kMaxJsonDepth = 256;

// True when brackets in `text` nest deeper than `limit` (strings skipped). Linear, no allocation.
bool nested_deeper_than(std::string_view text, int limit);

// The client's body; bad bytes are the client's fault -> aicore::invalid_request("body: ...").
Json parse_client_json(std::string_view body);

// Bytes from Bedrock; bad bytes are the upstream's fault -> aicore::upstream_error("<what>: ...").
Json parse_upstream_json(std::string_view body, std::string_view what);

// Compact JSON. Numbers round-trip exactly: integers as parsed, floats in the shortest form that
// reads back as the same double.
std::string dump(const Json& j);

// A JSON string member, or `fallback` when absent or not a string.
std::string_view string_or(const Json& obj, std::string_view key, std::string_view fallback = {});

}  // namespace aicore::claude
