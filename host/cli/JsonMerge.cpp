#include "cli/JsonMerge.hpp"

#include <algorithm>

namespace aicore::host {
namespace {

using nlohmann::ordered_json;

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

ordered_json parse_object(const std::string& text) {
  ordered_json doc = ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    const bool with_comments = !ordered_json::parse(text, nullptr, false, true).is_discarded();
    throw JsonSettingsError(with_comments ? "has comments, which rewriting it would lose; add the settings by hand"
                                          : "is not valid JSON; fix or move it first");
  }
  if (!doc.is_object()) throw JsonSettingsError("holds no JSON object; fix or move it first");
  return doc;
}

// The indent the file already uses (the first indented line's), so a rewrite changes few lines.
std::pair<int, char> indent_of(const std::string& text) {
  const size_t nl = text.find('\n');
  if (nl == std::string::npos || nl + 1 >= text.size()) return {2, ' '};
  const char c = text[nl + 1];
  if (c != ' ' && c != '\t') return {2, ' '};
  const size_t end = text.find_first_not_of(c, nl + 1);
  return {static_cast<int>((end == std::string::npos ? text.size() : end) - nl - 1), c};
}

// Sets the value at `path` to what `patch` has there (a whole object: no stale entries of ours
// survive a merge), in place, so the key keeps its position and a second run changes nothing.
void replace_path(ordered_json& doc, const ordered_json& patch, const std::vector<std::string>& path) {
  ordered_json* at = &doc;
  const ordered_json* from = &patch;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!from->is_object() || !from->contains(path[i]) || !at->is_object()) return;
    from = &(*from)[path[i]];
    at = &(*at)[path[i]];
  }
  *at = *from;
}

}  // namespace

void merge_json(ordered_json& into, const ordered_json& patch) {
  if (!into.is_object() || !patch.is_object()) {
    into = patch;
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    if (into.contains(key))
      merge_json(into[key], value);
    else
      into[key] = value;
  }
}

std::string merge_settings_json(const std::optional<std::string>& old, const ordered_json& patch,
                                const std::vector<std::vector<std::string>>& replaced) {
  const bool empty = !old || blank(*old);
  const ordered_json before = empty ? ordered_json::object() : parse_object(*old);
  ordered_json after = before;
  merge_json(after, patch);
  for (const auto& path : replaced) replace_path(after, patch, path);
  if (!empty && after == before) return *old;
  const auto [width, ch] = empty ? std::pair<int, char>{2, ' '} : indent_of(*old);
  return after.dump(width, ch, false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace aicore::host
