#pragma once
// Strict validation of a Bedrock /invoke body for Anthropic models (Anthropic Messages with
// Bedrock's rules), with the wording Anthropic's validator uses ("<path>: Extra inputs are not
// permitted", "`max_tokens` must be greater than `thinking.budget_tokens`", …).
#include "bedrock.hpp"

namespace aicore::emulator {

// Throws BedrockError on any violation.
ClaudeTurn parseInvokeRequest(const std::string& body, const Deployment& deployment);

}  // namespace aicore::emulator
