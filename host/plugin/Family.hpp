// The two families of client dialects: how a stream is framed and ended, how an error is spelt.
#pragma once

#include <string_view>

namespace aicore::host {

enum class Family { OpenAI, Anthropic };

// ACP_DIALECT_* -> its family ("anthropic.messages", "anthropic.count_tokens" are Anthropic's).
inline Family family_of(std::string_view dialect) {
  return dialect.substr(0, 10) == "anthropic." ? Family::Anthropic : Family::OpenAI;
}

}  // namespace aicore::host
