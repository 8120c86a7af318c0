// Reading the small response contexts the plugins hand the host with a request and get back with
// its response ("<tag>;key=value;…"), the same way in every plugin.
#pragma once

#include <string_view>

namespace aicore::mapping {

// Calls each(key, value) for each ";key=value" item after `tag`, in order. A "model=" item must
// come last: its value is everything after it, since a client's model name may contain ';'.
// False (and no call) when `context` does not start with `tag` (a context of another version).
template <class F>
bool read_context_items(std::string_view context, std::string_view tag, F&& each) {
  if (!context.starts_with(tag)) return false;
  std::string_view rest = context.substr(tag.size());
  while (rest.starts_with(";")) {
    rest.remove_prefix(1);
    if (rest.starts_with("model=")) {
      each(std::string_view("model"), rest.substr(6));
      break;
    }
    const std::string_view item = rest.substr(0, rest.find(';'));
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) each(item.substr(0, eq), item.substr(eq + 1));
    rest.remove_prefix(item.size());
  }
  return true;
}

}  // namespace aicore::mapping
