// A small line-based TOML edit for `configure codex --write`: it sets top-level keys and replaces
// (or appends) one table, keeping every other byte of the file as it was, comments included.
// Debian ships no C++ TOML library we use, and a parse-and-dump would lose the user's comments and
// layout anyway. The scanner knows enough TOML (quoted keys, multi-line strings and arrays) to
// never mistake a value's line for a table header; what it cannot edit safely it refuses.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace aicore::host {

struct TomlEditError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `s` as a TOML basic string, quotes included.
std::string toml_string(const std::string& s);

// Sets each top-level `key = value` (value already TOML text; keys are bare) in place, or adds it
// after the last top-level key (top-level keys must stay above the first table header). Replaces
// the body of table `table` (dotted bare keys, e.g. "model_providers.aicore") with `body` lines,
// keeping its header line and its sub-tables, or appends the table at the end. Throws
// TomlEditError for text it cannot read, or a table also defined in a form it does not edit
// (an inline table, dotted keys, an array of tables).
std::string toml_edit(const std::string& text, const std::vector<std::pair<std::string, std::string>>& top_level,
                      const std::string& table, const std::vector<std::string>& body);

}  // namespace aicore::host
