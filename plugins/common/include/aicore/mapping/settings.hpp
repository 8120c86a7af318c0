// Reading a provider plugin's settings (the JSON object the host passes to create) the same way in
// every plugin: a problem is PluginError(ACP_ERR_CONFIG, "<field>: <problem>"), which the host
// reports as "settings rejected: <field>: <problem>".
#pragma once

#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

[[noreturn]] void config_error(std::string_view field, std::string_view problem);

// The settings object; an empty one for blank text (no settings at all). "settings: invalid JSON"
// or "settings: must be a JSON object" otherwise.
Json parse_settings(std::string_view text);

// A per-model member, {"<model key>": <value>, …}: calls each(key, value, "<field>.<key>") per
// entry, after "<field>: must be an object of model key -> <what>" and "<field>: model key must not
// be empty" checks.
template <class F>
void for_each_model_setting(const Json& v, const std::string& field, std::string_view what, F&& each) {
  if (!v.is_object()) config_error(field, "must be an object of model key -> " + std::string(what));
  for (auto m = v.begin(); m != v.end(); ++m) {
    if (m.key().empty()) config_error(field, "model key must not be empty");
    each(m.key(), m.value(), field + "." + m.key());
  }
}

}  // namespace aicore::mapping
