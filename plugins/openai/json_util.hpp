// The plugin's JSON vocabulary: the shared readers and writer of plugins/common
// (aicore/mapping/json_io.hpp: client bytes -> 400, upstream bytes -> 502, nesting guard, one
// compact dump).
#pragma once

#include <aicore/mapping/json_io.hpp>

#include <string>
#include <string_view>

namespace aicore::openai {

using namespace mapping::json_io;

}  // namespace aicore::openai
