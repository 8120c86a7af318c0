// Reading a provider plugin's settings (the JSON object the host passes to create) the same way in
// every plugin: a problem is PluginError(ACP_ERR_CONFIG, "<field>: <problem>"), which the host
// reports as "settings rejected: <field>: <problem>".
#pragma once

#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

[[noreturn]] void config_error(std::string_view field, std::string_view problem);

// The settings object; an empty one for blank text (no settings at all). "settings: invalid JSON"
// or "settings: must be a JSON object" otherwise.
Json parse_settings(std::string_view text);

}  // namespace aicore::mapping
