#include "context.hpp"

namespace aicore::openai {

namespace {
constexpr std::string_view kTag = "openai.v1";
}

std::string ResponseContext::encode() const {
  return std::string(kTag) + (client_include_usage ? ";usage=1" : ";usage=0");
}

ResponseContext ResponseContext::decode(std::string_view context) {
  ResponseContext c;
  if (!context.starts_with(kTag)) return c;
  std::string_view rest = context.substr(kTag.size());
  while (!rest.empty()) {
    if (rest.front() == ';') rest.remove_prefix(1);
    size_t end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    if (item == "usage=1")
      c.client_include_usage = true;
    else if (item == "usage=0")
      c.client_include_usage = false;
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  return c;
}

}  // namespace aicore::openai
