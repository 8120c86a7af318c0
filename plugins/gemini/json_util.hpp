// The plugin's JSON vocabulary: the shared readers and writer of plugins/common
// (aicore/mapping/json_io.hpp: client bytes -> 400, upstream bytes -> 502, nesting guard, one
// compact dump), plus what only this plugin needs.
#pragma once

#include <aicore/mapping/json_io.hpp>

#include <string>
#include <string_view>

namespace aicore::gemini {

using namespace mapping::json_io;

// "<field>[<i>]"
std::string at(std::string_view field, size_t i);

}  // namespace aicore::gemini
