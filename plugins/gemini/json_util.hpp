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

// obj[key] when `obj` is an object holding a string (a boolean) there, else `fallback`. Not
// nlohmann's value(), which throws type_error for a member of another type: an upstream's (or a
// client's) odd field would become a 500 "plugin error" instead of being read leniently.
std::string string_or(const Json& obj, std::string_view key, std::string_view fallback = {});
bool bool_or(const Json& obj, std::string_view key, bool fallback);

}  // namespace aicore::gemini
