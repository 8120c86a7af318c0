#include "anthropic_events.hpp"

#include <algorithm>
#include <cctype>

namespace aicore::claude {

Json anthropic_error_event(std::string_view type, std::string_view message) {
  Json e = Json::object();
  e["type"] = "error";
  Json inner = Json::object();
  inner["type"] = type;
  inner["message"] = message;
  e["error"] = std::move(inner);
  return e;
}

std::string_view error_type_for_exception(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (n.find("throttl") != std::string::npos || n.find("toomanyrequests") != std::string::npos)
    return "rate_limit_error";
  if (n.find("serviceunavailable") != std::string::npos || n.find("overloaded") != std::string::npos)
    return "overloaded_error";
  if (n.find("validation") != std::string::npos) return "invalid_request_error";
  return "api_error";
}

}  // namespace aicore::claude
