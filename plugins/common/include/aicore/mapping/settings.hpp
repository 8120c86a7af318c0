// Reading a provider plugin's settings (the JSON object the host passes to create) the same way in
// every plugin: a problem is PluginError(ACP_ERR_CONFIG, "<field>: <problem>"), which the host
// reports as "settings rejected: <field>: <problem>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// The settings object's members in order: each(key, value) returns false for a key it does not
// know, which is "<key>: unknown setting (known: <known>)" (a misspelt key must not silently keep
// a default).
template <class F>
void for_each_setting(std::string_view text, std::string_view known, F&& each) {
  const Json j = parse_settings(text);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!each(it.key(), it.value())) config_error(it.key(), "unknown setting (known: " + std::string(known) + ")");
}

// Per reasoning effort, {"low": n, "medium": n, "high": n} (any subset): each integer must be >= min.
struct EffortLevels {
  int64_t low, medium, high;
};
void read_effort_levels(const Json& v, const std::string& field, int64_t min, EffortLevels& levels);

// The value of the longest key in `entries` that is a prefix of (or equal to) one of `names`, the
// names tried in order (a model key's candidates: the key, then the names it stands for); null when
// none matches.
template <class T>
const T* longest_prefix_match(const std::vector<std::pair<std::string, T>>& entries,
                              const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const T* best = nullptr;
    size_t best_len = 0;
    for (const auto& [key, value] : entries)
      if (name.starts_with(key) && key.size() > best_len) {
        best = &value;
        best_len = key.size();
      }
    if (best) return best;
  }
  return nullptr;
}

}  // namespace aicore::mapping
