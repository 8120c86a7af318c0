#include <aicore/mapping/billing_header.hpp>

#include <string>

#include "json_util.hpp"

namespace aicore::mapping {
namespace {

// `text` without its first line when that line is the billing header.
bool strip_line(std::string& text) {
  if (text.rfind(kBillingHeaderPrefix, 0) != 0) return false;
  const size_t nl = text.find('\n');
  const size_t rest = nl == std::string::npos ? std::string::npos : text.find_first_not_of('\n', nl);
  text = rest == std::string::npos ? std::string() : text.substr(rest);
  return true;
}

}  // namespace

int strip_billing_header(Json& system) {
  if (system.is_string()) {
    std::string s = system.get<std::string>();
    if (!strip_line(s)) return 0;
    system = std::move(s);
    return 1;
  }
  if (!system.is_array()) return 0;
  int removed = 0;
  for (size_t i = 0; i < system.size();) {
    Json& block = system[i];
    auto t = block.is_object() && detail::str_or(block, "type") == "text" ? block.find("text") : block.end();
    std::string text = t != block.end() && t->is_string() ? t->get<std::string>() : std::string();
    if (!strip_line(text)) {
      ++i;
      continue;
    }
    ++removed;
    if (text.empty()) {
      system.erase(i);
    } else {
      *t = std::move(text);
      ++i;
    }
  }
  return removed;
}

}  // namespace aicore::mapping
