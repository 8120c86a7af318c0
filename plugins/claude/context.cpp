#include "context.hpp"

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
  if (!context.starts_with(kTag)) return c;
  std::string_view rest = context.substr(kTag.size());
  while (!rest.empty()) {
    if (rest.front() == ';') rest.remove_prefix(1);
    if (rest.starts_with(kModel)) {
      c.client_model = std::string(rest.substr(kModel.size()));
      break;
    }
    size_t end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    if (item == "api=converse")
      c.api = Api::Converse;
    else if (item == "api=invoke")
      c.api = Api::Invoke;
    else if (item == "usage=1")
      c.include_usage = true;
    else if (item == "usage=0")
      c.include_usage = false;
    else if (item == "json=1")
      c.json_tool = true;
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  return c;
}

}  // namespace aicore::claude
