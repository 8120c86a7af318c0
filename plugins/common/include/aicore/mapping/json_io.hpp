// Reading and writing JSON at a plugin's two borders, the same way in every provider plugin: the
// client's body (bad bytes are the client's 400) and the upstream's answers (bad bytes are the
// upstream's fault, a retryable 502), with a nesting guard, and one compact serialisation.
#pragma once

#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// nlohmann parses and destroys iteratively but serialises, copies and compares recursively; a
// body of a million '[' would overflow a worker thread's 256 KiB stack. Real bodies (tool schemas
// included) nest a dozen levels or so. The limit leaves the stack ample room even in the
// sanitizer builds, whose frames are ~10x larger (a copy costs ~1.8 KiB per level under ASan at
// -O0, ~150 bytes in a release build), for a converted body nested a few levels deeper than the
// client's and for JSON embedded in its strings (parse_embedded_json) on top.
inline constexpr int kMaxJsonDepth = 64;

// True when brackets in `text` nest deeper than `limit` (strings are skipped). Linear, no allocation.
bool nested_deeper_than(std::string_view text, int limit);

// The client's body; a bad body is the client's fault -> aicore::invalid_request("body: ...").
Json parse_client_json(std::string_view body);

// Bytes from the upstream; bad bytes are its fault -> aicore::upstream_error("<what>: ...").
Json parse_upstream_json(std::string_view body, std::string_view what);

// JSON carried inside a JSON string: a tool call's arguments, a tool's result. Such a value joins
// a DOM that is then copied and serialised, so it gets the body's nesting guard: discarded when
// it is not JSON or nests deeper than kMaxJsonDepth (the caller says what that means).
Json parse_embedded_json(std::string_view text);

// Compact JSON. Invalid UTF-8 cannot come out of the parser, but `replace` keeps dump() from
// throwing should a converter ever insert such a string itself.
std::string dump(const Json& j);

// The JSON vocabulary a provider plugin imports into its own namespace, so every plugin reads and
// writes JSON the same way: `namespace aicore::<plugin> { using namespace mapping::json_io; }`.
// ordered_json keeps key order, so an upstream body differs from the client's only where a
// converter deliberately changed it (easier to diff in logs and golden tests).
namespace json_io {
using mapping::dump;
using mapping::Json;
using mapping::kMaxJsonDepth;
using mapping::nested_deeper_than;
using mapping::parse_client_json;
using mapping::parse_upstream_json;
}  // namespace json_io

}  // namespace aicore::mapping
