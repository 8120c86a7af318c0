// The three families of client dialects: how a stream is framed and ended, how an error is spelt.
#pragma once

#include <string_view>

namespace aicore::host {

enum class Family { OpenAI, Anthropic, Gemini };

// ACP_DIALECT_* -> its family ("anthropic.messages", "anthropic.count_tokens" are Anthropic's).
inline Family family_of(std::string_view dialect) {
  if (dialect.substr(0, 10) == "anthropic.") return Family::Anthropic;
  return dialect.substr(0, 7) == "gemini." ? Family::Gemini : Family::OpenAI;
}

}  // namespace aicore::host
