// The JSON settings files `configure --write` edits (Claude Code's, Gemini CLI's, opencode's):
// our keys merged into the user's document, every other key kept where it was.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace aicore::host {

struct JsonSettingsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Objects merge key by key, recursively; anything else in `patch` replaces what `into` has.
void merge_json(nlohmann::ordered_json& into, const nlohmann::ordered_json& patch);

// `old` (nullopt or blank: {}) with `patch` merged in; at each key path in `replaced` (objects that
// are wholly ours, e.g. {"provider","aicore"}) `patch`'s value replaces the old one, so stale
// entries do not linger.
// The result is indented like `old`, with a final newline; it is `old` itself when the merge
// changes nothing. Throws JsonSettingsError when `old` is not a JSON object, or has comments
// (which a rewrite would lose).
std::string merge_settings_json(const std::optional<std::string>& old, const nlohmann::ordered_json& patch,
                                const std::vector<std::vector<std::string>>& replaced = {});

}  // namespace aicore::host
