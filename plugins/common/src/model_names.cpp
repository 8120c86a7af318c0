#include <aicore/mapping/model_names.hpp>

#include <algorithm>
#include <cctype>

namespace aicore::mapping {

std::string lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return o;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool starts_with_ci(std::string_view s, std::string_view lower_prefix) {
  return s.size() >= lower_prefix.size() && lower(s.substr(0, lower_prefix.size())) == lower_prefix;
}

std::string_view strip_routing_prefix(std::string_view s, std::initializer_list<std::string_view> lower_prefixes) {
  for (std::string_view p : lower_prefixes)
    if (starts_with_ci(s, p) && s.size() > p.size()) return s.substr(p.size());
  return s;
}

void add_unique(std::vector<std::string>& names, std::string name) {
  if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
}

}  // namespace aicore::mapping
