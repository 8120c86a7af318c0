#include "context.hpp"

#include <aicore/mapping/context.hpp>

namespace aicore::claude {
namespace {
constexpr std::string_view kTag = "claude.v1";
constexpr std::string_view kModel = "model=";
}  // namespace

std::string ResponseContext::encode() const {
  return std::string(kTag) + ";api=" + std::string(api_name(api)) + (include_usage ? ";usage=1" : ";usage=0") +
         (json_tool ? ";json=1" : ";json=0") + ";" + std::string(kModel) + client_model;
}

ResponseContext ResponseContext::decode(std::string_view context) {
  ResponseContext c;
  mapping::read_context_items(context, kTag, [&](std::string_view key, std::string_view value) {
    if (key == "model") {
      c.client_model = std::string(value);
    } else if (key == "api" && (value == "converse" || value == "invoke")) {
      c.api = value == "converse" ? Api::Converse : Api::Invoke;
    } else if (key == "usage" && (value == "1" || value == "0")) {
      c.include_usage = value == "1";
    } else if (key == "json" && value == "1") {
      c.json_tool = true;
    }
  });
  return c;
}

}  // namespace aicore::claude
