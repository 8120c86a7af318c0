#include "over_chat_context.hpp"

#include <charconv>

namespace aicore::mapping::detail {

std::string pack_over_chat(std::string_view tag, char flag, std::string_view chat_context, std::string_view payload) {
  std::string out(tag);
  out += flag;
  out += ';';
  out += std::to_string(chat_context.size());
  out += ';';
  out += chat_context;
  out += payload;
  return out;
}

OverChatContext unpack_over_chat(std::string_view tag, std::string_view context, std::string_view dialect) {
  if (!context.starts_with(tag) || context.size() < tag.size() + 2 || context[tag.size() + 1] != ';')
    throw PluginError(ACP_ERR_INTERNAL, std::string(dialect) + ": a response context this plugin did not write");
  OverChatContext u;
  u.flag = context[tag.size()];
  context.remove_prefix(tag.size() + 2);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(context.data(), context.data() + context.size(), n);
  const size_t digits = static_cast<size_t>(end - context.data());
  if (ec != std::errc() || digits >= context.size() || context[digits] != ';' || n > context.size() - digits - 1)
    throw PluginError(ACP_ERR_INTERNAL, std::string(dialect) + ": a malformed response context");
  context.remove_prefix(digits + 1);
  u.chat_context = context.substr(0, n);
  u.payload = context.substr(n);
  return u;
}

ResponseIn as_dialect(const ResponseIn& in, std::string_view dialect, std::string_view context) {
  ResponseIn other = in;
  other.dialect = dialect;
  other.context = context;
  return other;
}

}  // namespace aicore::mapping::detail
