#include "json_util.hpp"

namespace aicore::gemini {

std::string at(std::string_view field, size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

std::string string_or(const Json& obj, std::string_view key, std::string_view fallback) {
  if (!obj.is_object()) return std::string(fallback);
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

bool bool_or(const Json& obj, std::string_view key, bool fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace aicore::gemini
