// The plugin's JSON vocabulary: the shared readers and writer of plugins/common
// (aicore/mapping/json_io.hpp: client bytes -> 400, upstream bytes -> 502, nesting guard, one
// compact dump), plus what only this plugin needs.
#pragma once

#include <aicore/mapping/json_io.hpp>

#include <string>
#include <string_view>

namespace aicore::claude {

using namespace mapping::json_io;

// A JSON string member, or `fallback` when absent or not a string.
std::string_view string_or(const Json& obj, std::string_view key, std::string_view fallback = {});

}  // namespace aicore::claude
