// The small string rules every provider plugin's model names need: case, digits, the routing
// prefixes multi-gateway clients put in front ("openai/", "vertex_ai/", …), and the ordered,
// duplicate-free candidate lists of acp_provider_v1.model_candidates.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::mapping {

std::string lower(std::string_view s);  // ASCII
bool all_digits(std::string_view s);    // non-empty and only 0-9
// Whether `s` starts with `lower_prefix` (given in lower case), ignoring the case of `s`.
bool starts_with_ci(std::string_view s, std::string_view lower_prefix);

// `s` without the first of `lower_prefixes` it starts with (ignoring case), when a name is left
// after it; `s` itself otherwise.
std::string_view strip_routing_prefix(std::string_view s, std::initializer_list<std::string_view> lower_prefixes);

// Appends `name` unless it is empty or already listed (candidates are tried in order).
void add_unique(std::vector<std::string>& names, std::string name);

}  // namespace aicore::mapping
