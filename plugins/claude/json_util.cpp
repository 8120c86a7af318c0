#include "json_util.hpp"

namespace aicore::claude {

std::string_view string_or(const Json& obj, std::string_view key, std::string_view fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return fallback;
  return it->get_ref<const std::string&>();
}

}  // namespace aicore::claude
