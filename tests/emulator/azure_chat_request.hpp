#pragma once
// Strict validation of an Azure OpenAI chat/completions body, as the real service does it:
// unknown fields, wrong types, bad tool-call sequences and reasoning-model restrictions are 400s
// with OpenAI's wording. A valid body becomes a neutral Conversation plus the options that shape
// the answer.
#include "reply.hpp"

#include <cstdint>
#include <string>

namespace aicore::emulator {

struct Deployment;

struct ChatRequest {
  bool stream = false;
  bool includeUsage = false;  // stream_options.include_usage
  int n = 1;
  int64_t promptTokens = 0;
  Conversation conversation;
};

// Throws AzureError on any violation.
ChatRequest parseChatRequest(const std::string& body, const Deployment& deployment);

}  // namespace aicore::emulator
