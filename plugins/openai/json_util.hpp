// JSON helpers shared by the converters: one JSON type, one way to parse each side's bytes, one
// way to serialise.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace aicore::openai {

// ordered_json keeps the client's key order, so an upstream body differs from the client's only
// where we deliberately changed it (easier to diff in logs and golden tests).
using Json = nlohmann::ordered_json;

// nlohmann parses iteratively but serialises, copies and compares recursively; a body of a
// million '[' would overflow a worker thread's stack. Real chat bodies (tool schemas included)
// stay far below this.
inline constexpr int kMaxJsonDepth = 256;

// True when brackets in `text` nest deeper than `limit` (strings are skipped). Linear, no allocation.
bool nested_deeper_than(std::string_view text, int limit);

// The client's body; a bad body is the client's fault -> aicore::invalid_request("body: ...").
Json parse_client_json(std::string_view body);

// Bytes from Azure; bad bytes are the upstream's fault -> aicore::upstream_error("<what>: ...").
Json parse_upstream_json(std::string_view body, std::string_view what);

// Compact JSON. Invalid UTF-8 cannot come out of the parser, but `replace` keeps dump() from
// throwing should a converter ever insert such a string itself.
std::string dump(const Json& j);

}  // namespace aicore::openai
