#include "context.hpp"

#include <aicore/mapping/context.hpp>

namespace aicore::openai {

namespace {
constexpr std::string_view kTag = "openai.v1";
}

std::string ResponseContext::encode() const {
  return std::string(kTag) + (client_include_usage ? ";usage=1" : ";usage=0");
}

ResponseContext ResponseContext::decode(std::string_view context) {
  ResponseContext c;
  mapping::read_context_items(context, kTag, [&](std::string_view key, std::string_view value) {
    if (key == "usage" && (value == "1" || value == "0")) c.client_include_usage = value == "1";
  });
  return c;
}

}  // namespace aicore::openai
