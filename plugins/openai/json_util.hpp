// The plugin's JSON vocabulary: the shared readers and writer of plugins/common
// (aicore/mapping/json_io.hpp: client bytes -> 400, upstream bytes -> 502, nesting guard, one
// compact dump).
#pragma once

#include <aicore/mapping/json_io.hpp>

#include <string>
#include <string_view>

namespace aicore::openai {

// ordered_json keeps key order, so an upstream body differs from the client's only where a
// converter deliberately changed it (easier to diff in logs and golden tests).
using Json = mapping::Json;
using mapping::dump;
using mapping::kMaxJsonDepth;
using mapping::nested_deeper_than;
using mapping::parse_client_json;
using mapping::parse_upstream_json;

}  // namespace aicore::openai
