// A unified diff (three lines of context) of two texts, for `configure --write` to show what it
// is about to change in a client's settings file.
#pragma once

#include <string>

namespace aicore::host {

// "" when the texts are equal. The labels head the diff ("--- old_label", "+++ new_label").
std::string unified_diff(const std::string& old_text, const std::string& new_text, const std::string& old_label,
                         const std::string& new_label);

}  // namespace aicore::host
