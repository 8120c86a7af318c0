// The response context of a dialect served through a plugin's own openai.chat hooks (Responses
// API, Gemini API): "<tag><flag>;<length of the chat hook's context>;<that context><payload>", so
// the chat hooks get their own context back unchanged and the dialect keeps what its answer needs
// (`flag` one character, `payload` the rest).
#pragma once

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::mapping::detail {

struct OverChatContext {
  char flag = '-';
  std::string_view chat_context;
  std::string_view payload;
};

std::string pack_over_chat(std::string_view tag, char flag, std::string_view chat_context, std::string_view payload);

// Throws PluginError(ACP_ERR_INTERNAL) naming `dialect` for a context this code did not write.
OverChatContext unpack_over_chat(std::string_view tag, std::string_view context, std::string_view dialect);

// The response as the hooks of `dialect` see it: their dialect and their own context.
ResponseIn as_dialect(const ResponseIn& in, std::string_view dialect, std::string_view context);
// The response as the chat hooks see it.
inline ResponseIn as_chat(const ResponseIn& in, std::string_view chat_context) {
  return as_dialect(in, ACP_DIALECT_OPENAI_CHAT, chat_context);
}

}  // namespace aicore::mapping::detail
